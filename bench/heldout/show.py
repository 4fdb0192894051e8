"""Show a held-out raw case with its labelled lines marked ``>>`` (or a wrapped log's labelled lines).

Usage: python bench/heldout/show.py CASE [CASE ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    for case in argv:
        rec = json.loads((HERE / "raw" / f"{case}.json").read_text())
        marks = set(rec["must_read"])
        print(f"== {case} ({rec['tool']}, {rec['half']}, exit {rec['exit_code']}, {rec['category']}): {rec['command']}")
        for i, line in enumerate(rec["output"].split("\n")):
            print(f"{'>>' if i in marks else '  '} {i:4d} {line}")
        print(f"   files: {rec['files']}  tests: {rec['tests']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
