"""``python -m bot analyze PATH|- [--baseline PASS_LOG] [--format json"
"|text]``: the analyzer on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .analyzer import analyze
from .render import render_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``analyze`` options to ``parser``."""
    parser.add_argument("path", metavar="PATH|-", help="the failed job's log file, or - for standard input")
    parser.add_argument(
        "--baseline", metavar="PASS_LOG", help="the log of the last passing run of the same job"
    )
    parser.add_argument(
        "--format", choices=("json", "text"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--max-span-lines",
        type=int,
        default=300,
        metavar="N",
        help="at most this many span lines (default: 300)",
    )


def run(args: argparse.Namespace) -> int:
    """Analyze the log named in ``args`` and print the result; the process exit status is returned."""
    try:
        if args.path == "-":
            analysis = _analyze(sys.stdin.buffer, args)
        else:
            analysis = _analyze(Path(args.path), args)
    except OSError as exc:
        print(f"analyze: {exc.strerror or exc}: {exc.filename or args.path}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(analysis))
    sys.stdout.flush()
    return 0


def _analyze(source: object, args: argparse.Namespace):
    baseline = Path(args.baseline) if args.baseline else None
    return analyze(source, baseline=baseline, max_span_lines=args.max_span_lines)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Run the ``analyze`` command with its own parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bot analyze",
        description="Find the lines of a failed CI job's log that explain the failure.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
