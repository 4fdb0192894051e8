"""Print a corpus case with its labelled lines marked, to check labels by eye.

``python bench/corpus/show.py CASE`` shows raw/CASE.json (``>>`` marks a must_read line);
``python bench/corpus/show.py CASE.github`` shows logs/CASE.github.log with its labelled lines, and
``--only`` prints the labelled lines alone (with their numbers).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", help="a case (raw) or case.variant (wrapped log)")
    parser.add_argument("--only", action="store_true", help="print the labelled lines only")
    parser.add_argument("--context", type=int, default=None, help="with --only: lines of context around each")
    args = parser.parse_args(argv)
    raw = CORPUS / "raw" / f"{args.name}.json"
    if raw.exists():
        rec = json.loads(raw.read_text())
        lines = rec["output"].split("\n")
        marked = {i + 1 for i in rec["must_read"]}
    else:
        meta = json.loads((CORPUS / "logs" / f"{args.name}.json").read_text())
        rec = meta
        lines = (CORPUS / "logs" / f"{args.name}.log").read_bytes().decode("utf-8").split("\n")
        marked = set(meta["lines"])
    keep = set(range(1, len(lines) + 1))
    if args.only:
        ctx = args.context or 0
        keep = {n + d for n in marked for d in range(-ctx, ctx + 1)}
    for number, line in enumerate(lines, start=1):
        if number in keep:
            text = _ANSI.sub("", line).replace("\r", "\\r")
            print(f"{'>>' if number in marked else '  '} {number:6d} {text}")
    print(f"-- files: {rec['files']}\n-- tests: {rec['tests']}\n-- category: {rec['category']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
