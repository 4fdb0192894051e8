"""``python -m bot analyze PATH|- [--baseline PASS_LOG] [--tree FILE] [--max-lines N] [--format json|text]``:
the analyzer on the command line, with a progress bar on a terminal for logs over ~50 MB."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any, TextIO

from .analyzer import analyze
from .render import render_text
from .source import LogSource, counted, iter_chunks

DEFAULT_MAX_LINES = 200
PROGRESS_MIN_BYTES = 50 * 1024 * 1024
"""Logs at least this big get a progress bar (when standard error is a terminal)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``analyze`` options to ``parser``."""
    parser.add_argument("path", metavar="PATH|-", help="the failed job's log file, or - for standard input")
    parser.add_argument(
        "--baseline", metavar="PASS_LOG", help="the log of the last passing run of the same job"
    )
    parser.add_argument(
        "--tree",
        metavar="FILE",
        help="a file listing the repository's paths, one per line (maps base names in errors to paths)",
    )
    parser.add_argument(
        "--format", choices=("json", "text"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--max-lines",
        type=int,
        default=DEFAULT_MAX_LINES,
        metavar="N",
        help=f"at most this many log lines in all spans together (default: {DEFAULT_MAX_LINES})",
    )
    parser.add_argument(  # the old name of --max-lines
        "--max-span-lines", type=int, dest="max_lines", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def run(args: argparse.Namespace) -> int:
    """Analyze the log named in ``args`` and print the result; the process exit status is returned."""
    try:
        tree = read_tree(Path(args.tree)) if args.tree else None
        baseline = Path(args.baseline) if args.baseline else None
        if args.path == "-":
            source: LogSource = sys.stdin.buffer
            size = _regular_file_size(sys.stdin.fileno())
        else:
            source = Path(args.path)
            size = source.stat().st_size
        progress = _Progress(size) if sys.stderr.isatty() else None
        if progress is not None:
            source = counted(iter_chunks(source), progress.update)
        try:
            analysis = analyze(source, baseline=baseline, max_lines=args.max_lines, tree=tree)
        finally:
            if progress is not None:
                progress.close()
    except OSError as exc:
        print(f"analyze: {exc.strerror or exc}: {exc.filename or args.path}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(analysis))
    sys.stdout.flush()
    return 0


def read_tree(path: Path) -> list[str]:
    """The repository paths listed in ``path``, one per line (blank lines and a leading ``./`` dropped)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        return [p.removeprefix("./") for p in (line.strip() for line in fh) if p]


def _regular_file_size(fd: int) -> int | None:
    """The size of what ``fd`` reads from when it is a regular file (a redirect), else None (a pipe)."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


class _Progress:
    """A tqdm bar on standard error, shown once the log is known to be (or has turned out) big."""

    def __init__(self, total: int | None, *, file: TextIO | None = None, min_bytes: int = PROGRESS_MIN_BYTES) -> None:
        self.total = total
        self.done = 0
        self.file = file or sys.stderr
        self.min_bytes = min_bytes
        self.bar: Any = None

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is None:
            if max(self.done, self.total or 0) < self.min_bytes:
                return
            from tqdm import tqdm  # only for a big log: tqdm's import is no part of the start-up

            self.bar = tqdm(
                total=self.total, unit="B", unit_scale=True, unit_divisor=1024, desc="analyzing", file=self.file,
                leave=False,
            )
            n = self.done
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def main(argv: list[str] | None = None) -> int:
    """Run the ``analyze`` command with its own parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bot analyze",
        description="Find the lines of a failed CI job's log that explain the failure.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
