"""Minimal command dispatcher for ``python -m bot`` (stand-in until the full CLI is merged)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "analyze":
        from bot.analysis.cli import main as analyze_main

        return analyze_main(args[1:])
    print("usage: python -m bot analyze PATH|- [--baseline PASS_LOG] [--format json|text]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
