"""`python -m bot`: the command line (see bot.cli). `analyze` goes straight to the analyzer, which needs none
of the server: no web framework, database or LLM client is imported for it."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command named in ``argv`` (default: the process's arguments)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "analyze":
        from bot.analysis.cli import main as analyze_main

        return analyze_main(args[1:])
    from bot.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
