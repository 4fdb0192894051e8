"""The dependency manifests a resolution failure is about, named from the package manager its lines speak for.

An install that cannot resolve (npm's ``ERESOLVE``, pip's ``ResolutionImpossible``, cargo's "failed to select a
version") rarely prints the path of the file that declares the dependency. The manager it was says which one it
is: the repository's ``package.json`` for npm, pnpm and yarn, ``requirements*.txt`` or ``pyproject.toml`` for
pip, and so on, with the lock file when the lines are about the lock. Only files in the repository's tree are
named (shallowest first), without a line: the log does not say which line declares the dependency.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import rx
from .model import FileRef

# (what the lines or the step say, the manifest's file names, the lock files' names), the first that matches
_MANAGERS: list[tuple[rx.Pattern, tuple[str, ...], tuple[str, ...]]] = [
    (
        rx.compile(r"(?i)\bnpm (?:ERR!|error)|\bnpm (?:ci|install)\b|\bERR_PNPM_|\bpnpm\b|\byarn\b|\bYN\d{4}\b"),
        ("package.json",),
        ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock"),
    ),
    (rx.compile(r"(?i)\bpoetry\b"), ("pyproject.toml",), ("poetry.lock",)),
    (rx.compile(r"(?i)\buv (?:sync|lock|pip|add)\b|\buv\.lock\b"), ("pyproject.toml",), ("uv.lock",)),
    (
        rx.compile(
            r"(?i)\bpip\b|ResolutionImpossible|Could not find a version that satisfies|No matching distribution"
        ),
        ("requirements.txt", "requirements-dev.txt", "requirements/base.txt", "pyproject.toml", "setup.py"),
        (),
    ),
    (rx.compile(r"(?i)\bcargo\b|failed to select a version"), ("Cargo.toml",), ("Cargo.lock",)),
    (rx.compile(r"(?i)\bgo: |\bgo (?:mod|get|build)\b"), ("go.mod",), ("go.sum",)),
    (rx.compile(r"(?i)\bbundler?\b|\bGemfile\b"), ("Gemfile",), ("Gemfile.lock",)),
    (rx.compile(r"(?i)\bcomposer\b"), ("composer.json",), ("composer.lock",)),
    (rx.compile(r"(?i)\bmvn\b|\bmaven\b|Could not resolve dependencies for project"), ("pom.xml",), ()),
    (rx.compile(r"(?i)\bgradle\w*\b"), ("build.gradle.kts", "build.gradle"), ("gradle.lockfile",)),
    (rx.compile(r"(?i)\bmix (?:deps|compile)\b|\bhex\b"), ("mix.exs",), ("mix.lock",)),
]
MANIFEST_NAMES = frozenset(name for _, names, _ in _MANAGERS for name in names if "/" not in name) | {"base.txt"}
"""The file names of the manifests a package names its dependencies in (their lock files are not read for lines)."""
_LOCK_WORDS = rx.compile(r"(?i)\block ?file\b|frozen|\.lock\b|-lock\.|lockfile|in sync|out of date|outdated")


def manifest_refs(texts: Iterable[str], step: str | None, paths: Iterable[str]) -> list[FileRef]:
    """The manifests (and, when the lines speak of the lock, the lock files) in ``paths`` of the package manager
    that ``texts`` (the failure's lines) or the failing ``step`` name."""
    joined = "\n".join(texts)
    said = joined + "\n" + (step or "")
    for pattern, manifests, locks in _MANAGERS:
        if not pattern.search(said):
            continue
        # only the tree's files with one of this manager's names, shallowest first (not the whole tree sorted)
        names = manifests + locks
        tree = sorted(
            {p for p in paths if any(p == n or p.endswith("/" + n) for n in names)}, key=lambda p: (p.count("/"), p)
        )
        out = _first_present(manifests, tree)
        if _LOCK_WORDS.search(joined):  # the lock is what disagrees: it comes first
            out = _first_present(locks, tree) + out
        return [FileRef(p) for p in out]
    return []


def _first_present(names: tuple[str, ...], tree: list[str]) -> list[str]:
    """The shallowest file of ``tree`` with the first of ``names`` that it holds (a path may name a folder)."""
    for name in names:
        for path in tree:
            if path == name or path.endswith("/" + name):
                return [path]
    return []


# the package a resolver names in its complaint, in each manager's words
_NAMED_PACKAGE = [
    # pip: "satisfies the requirement attrs==23.2.0", "No matching distribution found for attrs==23.2.0",
    # "Cannot install attrs==1.0 and app", "The user requested attrs==1.0"
    rx.compile(
        r"(?:the requirement|distribution found for|Cannot install|The user requested|depends on) "
        r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])? ?(?:[=<>!~^]|\(|$|\s)"
    ),
    # npm: "Missing: semver@7.7.2 from lock file", "No matching version found for left-pad@^9.0.0",
    # "notarget ... for left-pad@9", "Could not resolve dependency: peer react@"^17""
    rx.compile(
        r"(?:Missing:|No matching version found for|Could not resolve dependency:\s*(?:peer )?|Invalid:)\s*"
        r"(?P<name>@?[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)@"
    ),
    # yarn: "Couldn't find any versions for "left-pad" that matches "^9.0.0""; pnpm: "No matching version found
    # for left-pad@^9.0.0" (above)
    rx.compile(r"find any versions for \"(?P<name>[^\"]+)\""),
    # cargo: "failed to select a version for the requirement `serde = "^9.0"`", "no matching package named `x`"
    rx.compile(r"(?:the requirement|package named) `(?P<name>[A-Za-z0-9_-]+)"),
    # go: "go: github.com/x/y@v9.0.0: reading ...", "module github.com/x/y: not found"
    rx.compile(r"(?:go: |module )(?P<name>[\w.-]+\.\w+/[\w./-]+?)(?:@|:)"),
]


def declared_line(content: str, texts: Iterable[str]) -> int | None:
    """The line (1-based) of ``content``, a manifest, that declares a package the failure's ``texts`` name."""
    names: list[str] = []
    for text in texts:
        for pattern in _NAMED_PACKAGE:
            for m in pattern.finditer(text):
                name = m.group("name").strip().rstrip(".,")
                if name and name not in names and len(names) < 20:
                    names.append(name)
    if not names:
        return None
    lines = [line.lower() if len(line) <= MAX_DECLARATION else "" for line in content.splitlines()[:20_000]]
    for name in names:
        low = name.lower()
        for no, line in enumerate(lines, 1):
            if _declares(line, low):
                return no
    return None


MAX_DECLARATION = 1_000
"""A manifest's line longer than this declares nothing we look for (a minified lock, a hostile file): skipped."""


def _declares(line: str, name: str) -> bool:
    """Whether a manifest's line declares ``name``: as a key ("name": / name = / name:) or a requirement."""
    at = line.find(name)
    while at >= 0:
        before = line[at - 1] if at else " "
        after = line[at + len(name) : at + len(name) + 1] or " "
        if before in " \t\"'[{,(" and after in " \t\"'=<>!~^:;[(@,)":
            return True
        at = line.find(name, at + 1)
    return False
