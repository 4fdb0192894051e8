"""Every module imports alone, with warnings as errors: an import cycle hidden by the order other modules happen to
be imported in, or a deprecation at import time, fails here (octomachinery's test). tests/import_check.py does it in
one interpreter that forks a child per module (a fresh interpreter each cost ~2 min); the second test proves that
still catches a cycle that only shows when its module is imported alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.import_check import modules

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path(__file__).resolve().parent / "import_check.py"
PACKAGES = ("bot", "handlers", "storage")


def failures(root: Path, packages: tuple[str, ...]) -> dict[str, str]:
    """Module → the end of its traceback, for each module of `packages` under `root` that does not import alone."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(CHECKER), str(root), *packages], cwd=root, capture_output=True,
        text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, str] = json.loads(result.stdout)
    return found


def test_every_module_imports_alone() -> None:
    names = modules(ROOT, PACKAGES)
    assert "bot.incidents.steps" in names and "handlers.gitlab.pipelines" in names
    failed = failures(ROOT, PACKAGES)
    assert not failed, "\n\n".join(f"{m}:\n{err}" for m, err in failed.items())


def test_the_check_reports_a_cycle_that_only_fails_alone(tmp_path: Path) -> None:
    package = tmp_path / "cyc"
    package.mkdir()
    (package / "__init__.py").write_text("")
    # a defines X before it imports b, so a first works; b first finds a half-built b when a asks it for Y
    (package / "a.py").write_text("X = 1\nfrom cyc.b import Y\n")
    (package / "b.py").write_text("from cyc.a import X\nY = X + 1\n")
    (package / "old.py").write_text("import warnings\nwarnings.warn('going away', DeprecationWarning, stacklevel=1)\n")
    (package / "fine.py").write_text("import json\nfrom cyc import a\n")
    in_order = subprocess.run([sys.executable, "-c", "import cyc.a, cyc.b"], cwd=tmp_path, capture_output=True,
                              text=True, check=False)
    assert in_order.returncode == 0, in_order.stderr  # one interpreter importing in order would miss it

    failed = failures(tmp_path, ("cyc",))
    assert set(failed) == {"cyc.b", "cyc.old"}, failed
    assert "cannot import name 'Y'" in failed["cyc.b"] and "partially initialized" in failed["cyc.b"]
    assert "DeprecationWarning: going away" in failed["cyc.old"]
