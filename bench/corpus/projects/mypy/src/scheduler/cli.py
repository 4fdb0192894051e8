"""Command line entry point."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from scheduler.jobs import Job, due


def parse_interval(text: str) -> timedelta:
    unit = text[-1]
    amount = int(text[:-1])
    if unit == "m":
        return timedelta(minutes=amount)
    if unit == "h":
        return timedelta(hours=amount)


def main(argv: list[str]) -> int:
    jobs = [Job(name, parse_interval(spec)) for name, spec in (a.split("=") for a in argv)]
    for name in due(jobs, datetime.now()):
        print("due:", name)
    return len(jobs) > 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], verbose=True))
