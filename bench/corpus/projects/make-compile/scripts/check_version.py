"""Fail early when the interpreter is too old for the build."""

import sys

if sys.version_info < (3, 10):
    raise SystemExit(f"Python 3.10+ required, found {sys.version.split()[0]}")
print(f"python {sys.version.split()[0]} ok")
