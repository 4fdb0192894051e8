"""Benchmark: how well the analyzer finds the explaining lines of 77 real failed CI logs (CiDiff data set).

For each case in ``logs/cidiff`` it compares the analyzer's span lines with the ``E`` lines of the
case's ``groundtruth`` and prints line-level precision, recall and F1, the share of cases whose ``E``
lines are all found and the mean number of lines returned; then the same with ``--baseline pass.log``.

Ground-truth numbering: the labels were made with a line reader that also breaks lines at a lone
``\\r`` (Java's ``readLine``), while the analyzer numbers lines on ``\\n`` only (the spec). Each
labelled line is mapped onto the ``\\n`` line holding it. Cases in ``other_cases`` carry labels that
drift by a few lines from any numbering of their file; they are included and reported separately.

Usage: python bench/extraction.py [--root DIR] [--max-span-lines N] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analysis import analyze

DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "logs" / "cidiff"


def load_truth(case: Path) -> tuple[set[int], int]:
    """The ``E`` lines of a case in ``\\n`` numbering, and the file's line count."""
    data = (case / "fail.log").read_bytes()
    readline_to_nl: dict[int, int] = {}
    rl, nl = 1, 1
    for tok in re.finditer(rb"\r\n|\r|\n", data):
        readline_to_nl[rl] = nl
        rl += 1
        if tok.group() != b"\r":
            nl += 1
    readline_to_nl[rl] = nl
    errors: set[int] = set()
    for raw in (case / "groundtruth").read_text().splitlines()[1:]:
        parts = raw.split()
        if len(parts) != 2 or parts[0] != "E":
            continue
        a, _, b = parts[1].partition("-")
        for n in range(int(a), int(b or a) + 1):
            if n in readline_to_nl:
                errors.add(readline_to_nl[n])
    return errors, data.count(b"\n")


def run(root: Path, max_span_lines: int, baseline: bool, verbose: bool) -> dict[str, float]:
    cases = sorted(p.parent for p in root.rglob("groundtruth"))
    rows = []
    t0 = time.perf_counter()
    for case in cases:
        truth, _ = load_truth(case)
        result = analyze(
            case / "fail.log",
            baseline=(case / "pass.log") if baseline else None,
            max_span_lines=max_span_lines,
        )
        got = {n for s in result.spans for n in range(s.start, s.end + 1)}
        tp = len(got & truth)
        precision = tp / len(got) if got else 0.0
        recall = tp / len(truth) if truth else 1.0
        rows.append((case.relative_to(root), precision, recall, len(got), len(truth), tp, result.category))
        if verbose:
            print(
                f"  {case.relative_to(root)!s:52s} P={precision:.2f} R={recall:.2f} "
                f"returned={len(got):4d} truth={len(truth):4d} {result.category}"
            )
    elapsed = time.perf_counter() - t0
    return summarize(rows, elapsed)


def summarize(rows: list[tuple], elapsed: float) -> dict[str, float]:
    p = statistics.mean(r[1] for r in rows)
    r = statistics.mean(r[2] for r in rows)
    tp = sum(x[5] for x in rows)
    got = sum(x[3] for x in rows)
    truth = sum(x[4] for x in rows)
    mp = tp / got if got else 0.0
    mr = tp / truth if truth else 0.0
    return {
        "cases": len(rows),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "all_found": sum(1 for x in rows if x[5] == x[4]) / len(rows),
        "mean_lines": statistics.mean(x[3] for x in rows),
        "micro_precision": mp,
        "micro_recall": mr,
        "micro_f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        "seconds": elapsed,
        "rows": rows,  # type: ignore[dict-item]
    }


def report(title: str, res: dict) -> None:
    print(f"{title}")
    print(
        f"  per case (macro):  precision {res['precision']:.3f}  recall {res['recall']:.3f}  F1 "
        f"{res['f1']:.3f}"
    )
    print(f"  all E lines found: {res['all_found']:.1%} of {res['cases']} cases")
    print(f"  mean lines returned: {res['mean_lines']:.1f}")
    print(
        f"  pooled lines (micro): precision {res['micro_precision']:.3f}  recall {res['micro_recall']:.3f}"
        f"  F1 {res['micro_f1']:.3f}   ({res['seconds']:.1f}s)"
    )
    groups: dict[str, list] = {}
    for row in res["rows"]:
        groups.setdefault(str(row[0]).split("/")[0], []).append(row)
    for name, rows in sorted(groups.items()):
        sub = summarize(rows, 0)
        print(
            f"    {name:16s} n={sub['cases']:2d}  P {sub['precision']:.3f}  R {sub['recall']:.3f}"
            f"  all-found {sub['all_found']:.0%}  mean lines {sub['mean_lines']:.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--max-span-lines", type=int, default=300)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"no data set at {args.root}", file=sys.stderr)
        return 2
    plain = run(args.root, args.max_span_lines, baseline=False, verbose=args.verbose)
    report(f"Without baseline (max_span_lines={args.max_span_lines})", plain)
    with_base = run(args.root, args.max_span_lines, baseline=True, verbose=args.verbose)
    report("With --baseline pass.log", with_base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
