"""Regenerate the corpus: run every capture module (the real tools on the broken projects), then wrap.

Each ``capture/*.py`` module (``common.py`` aside) exposes ``run(only: list[str] | None = None)``, or
``cases()`` returning ``(case, tool, thunk)`` tuples; it writes ``raw/<case>.json`` for each case whose
tool it can install or find, and skips the others with a message. A module that fails to import or
raises is reported and skipped; the rest go on. Then ``wrap.py`` rewrites ``logs/`` from ``raw/``.

This is a benchmark step, not a CI step: it installs tools under /tmp and reaches the package
registries (PyPI, npm) for the dependency-resolution cases.

Usage: python bench/corpus/generate.py [--only CASE ...] [--module NAME ...] [--wrap-only]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
sys.path.insert(0, str(CORPUS / "capture"))
sys.path.insert(0, str(CORPUS))

import wrap  # noqa: E402


def capture_modules() -> list[str]:
    """Names of the capture modules, in a stable order."""
    return sorted(p.stem for p in (CORPUS / "capture").glob("*.py") if p.stem not in ("common", "__init__"))


def run_module(name: str, only: list[str] | None) -> bool:
    """Run one capture module; False if it could not be run at all."""
    started = time.monotonic()
    print(f"== capture/{name}.py")
    try:
        module = importlib.import_module(name)
    except Exception as err:  # a module whose imports are missing here is skipped, not fatal
        print(f"   skip {name}: cannot import it: {err!r}")
        return False
    try:
        if hasattr(module, "run"):
            module.run(only)
        elif hasattr(module, "cases"):
            for item in module.cases():
                case, thunk = item[0], item[-1]
                if only and case not in only:
                    continue
                try:
                    thunk()
                except Exception as err:
                    print(f"   FAILED {case}: {err}")
        else:
            print(f"   skip {name}: it has neither run() nor cases()")
            return False
    except Exception:
        print(f"   {name} stopped with an error:")
        traceback.print_exc()
        return False
    print(f"   {name} done in {time.monotonic() - started:.0f}s")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="capture and wrap these cases only")
    parser.add_argument("--module", nargs="*", help="run these capture modules only (e.g. python js)")
    parser.add_argument("--wrap-only", action="store_true", help="do not run the tools; rewrap raw/ into logs/")
    args = parser.parse_args(argv)
    if not args.wrap_only:
        for name in capture_modules():
            if args.module and name not in args.module:
                continue
            run_module(name, args.only or None)
    count = wrap.wrap_all(args.only or None)
    raw = len(list(wrap.RAW.glob("*.json")))
    print(f"== wrap: {count} logs from {raw} raw cases in {wrap.LOGS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
