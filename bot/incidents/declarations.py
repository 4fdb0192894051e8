"""Where a dependency failure's package is declared: the manifest line the analyzer could not read from the log.

The analyzer names the manifest of the package manager that failed (``package.json``, ``requirements.txt``,
``Cargo.toml``, ...) without a line: the log says which package, not where it is declared. This reads the
manifest at the run's commit through the forge (one call per manifest, at most a few, within the context size
limit) and finds the line that declares a package the error names, so the check run can annotate it and the
explanation can point at it.
"""

from __future__ import annotations

import posixpath

from bot.analysis.manifests import MANIFEST_NAMES, declared_line
from bot.incidents.forge import Forge
from bot.incidents.run import FailedJob, Gathered

MAX_MANIFESTS = 3


async def locate_declarations(forge: Forge, gathered: Gathered, primary: FailedJob, *, max_bytes: int) -> None:
    """Give ``gathered.refs``' manifests without a line the line that declares the failing package (in place);
    a manifest read is kept in ``gathered.files`` for the explanation."""
    if primary.analysis.category != "dependency":
        return
    texts = "\n".join(span.text for span in primary.analysis.spans).split("\n")
    located: list[tuple[str, int | None]] = []
    reads = 0
    for path, line in gathered.refs:
        if line is None and posixpath.basename(path) in MANIFEST_NAMES and reads < MAX_MANIFESTS:
            content = gathered.files.get(path)
            if content is None:
                reads += 1
                content = await forge.file(path, max_bytes=max_bytes)
                if content is not None:
                    gathered.files[path] = content
            line = declared_line(content, texts) if content else None
        located.append((path, line))
    gathered.refs = located
