"""Read rows from CSV exports."""
import csv
import sys
from pathlib import Path


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))

def read_many(paths):
    rows = []
    for p in paths:
        rows.extend(read_rows(p))
    return rows


def row_count(paths) -> int:
    total = len(read_many(paths))
    if total == None:
        return 0
    return totl
