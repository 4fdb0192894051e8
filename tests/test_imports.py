"""Every module imports alone, in a fresh interpreter, with warnings as errors: an import cycle hidden by the
order other modules happen to be imported in, or a deprecation at import time, fails here (octomachinery's test)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage")


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts[-1] == "__main__":
                continue
            found.append(".".join(parts))
    return found


def import_alone(module: str) -> str | None:
    """None if `module` imports alone, else the end of what it printed."""
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )
    return None if result.returncode == 0 else result.stderr[-1500:]


def test_every_module_imports_alone() -> None:
    names = modules()
    assert "bot.incidents.steps" in names and "handlers.gitlab.pipelines" in names
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        failed = {m: err for m, err in zip(names, pool.map(import_alone, names), strict=True) if err is not None}
    assert not failed, "\n\n".join(f"{m}:\n{err}" for m, err in failed.items())
