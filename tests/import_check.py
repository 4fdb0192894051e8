"""Checks that every module of some packages imports alone, with warnings as errors, cheaply: one interpreter
preloads only the third-party modules the packages use, then forks a child per module, so each child starts with
none of the packages' modules loaded (as a fresh interpreter would) but without paying for the interpreter and the
third-party imports again. Run as a script: `python -W error import_check.py ROOT PACKAGE...`; it prints one JSON
object, module name → the end of its traceback, for the modules that failed."""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

TAIL = 1500  # characters of a failure's traceback kept (the end says what failed)


def modules(root: Path, packages: tuple[str, ...]) -> list[str]:
    """The importable modules of `packages` under `root` (packages as their `__init__`, no `__main__`)."""
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts[-1] == "__main__":
                continue
            found.append(".".join(parts))
    return found


def _ours(name: str, packages: tuple[str, ...]) -> bool:
    return name.split(".", 1)[0] in packages


def fork(job: Callable[[], str]) -> tuple[int, int]:
    """Start `job` in a forked child; its pid and the read end of a pipe carrying what it returned (or, if it
    raised, the end of its traceback, and the child exits 1)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        code = 0
        try:
            out = job()
        except BaseException:
            out, code = traceback.format_exc()[-TAIL:], 1
        with os.fdopen(write, "w") as pipe:
            pipe.write(out)
        os._exit(code)
    os.close(write)
    return pid, read


def finish(pid: int, read: int) -> tuple[int, str]:
    """The child's exit status and output (read to its end first: a long output would fill the pipe)."""
    with os.fdopen(read, errors="replace") as pipe:
        out = pipe.read()
    return os.waitpid(pid, 0)[1], out


def third_party(packages: tuple[str, ...], names: list[str]) -> list[str]:
    """The other modules that importing every one of `names` loads (found in a child, best effort)."""

    def load_all() -> str:
        before = set(sys.modules)
        for name in names:
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: S112 - a failure is reported by its own child later
                continue
        return "\n".join(m for m in sys.modules if m not in before and not _ours(m, packages))

    return [m for m in finish(*fork(load_all))[1].splitlines() if m]


def preload(names: list[str]) -> None:
    """Import these (third-party) modules in this process; one that fails (a warning at import, say) is left for the
    children to import, so the module of ours that first pulls it in reports it as a fresh interpreter would."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except BaseException:
            sys.modules.pop(name, None)


def importing(name: str) -> Callable[[], str]:
    def job() -> str:
        importlib.import_module(name)
        return ""

    return job


def import_each(names: list[str], jobs: int) -> dict[str, str]:
    """Import each module in a child forked from this process, `jobs` at a time; module → traceback of failures."""
    failed: dict[str, str] = {}
    running: list[tuple[str, int, int]] = []
    pending = list(names)
    while pending or running:
        while pending and len(running) < jobs:
            name = pending.pop(0)
            running.append((name, *fork(importing(name))))
        name, pid, read = running.pop(0)
        status, out = finish(pid, read)
        if status != 0:
            failed[name] = out or f"exit status {status}"
    return failed


def check(root: Path, packages: tuple[str, ...], jobs: int = 2) -> dict[str, str]:
    """In this process (which must have none of `packages` imported): module → traceback, for each that fails."""
    names = modules(root, packages)
    preload(third_party(packages, names))
    assert not any(_ours(m, packages) for m in sys.modules), "the preload imported one of the packages"
    return import_each(names, jobs)


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve()
    sys.path[0] = str(root)  # the packages' root, not this file's folder
    jobs = int(os.environ.get("IMPORT_CHECK_JOBS", "2"))
    if not sys.warnoptions:
        warnings.simplefilter("error")
    print(json.dumps(check(root, tuple(argv[1:]), jobs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
