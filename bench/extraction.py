"""Benchmark: how well the analyzer finds the lines that explain a failed CI log, beside grep and tail.

Three labelled sets: the project's corpus (``bench/corpus/logs/*.json`` + ``.log``: real tool output wrapped as
CI logs, per tool), CiDiff's 77 real failures (``../shared/logs/cidiff``, per subset) and the held-out set
(``bench/heldout``: tools the analyzer was never tuned on, built like the corpus, reported half by half:
DEV, DEV3, TEST, TEST2, TEST3, per tool). For each log it
scores the lines of the analyzer's spans against the labelled lines and, in the same run on the same lines,
four baselines: ``grep -iE WORDS``, the same with ``-B3 -A8``, ``tail -n 50`` and ``tail -n 200`` (WORDS in
``bench/_corpus_eval.py``). Figures: precision, recall and F1 per log then averaged (macro) and over the
pooled lines (micro), the share of logs whose labelled lines are all found, mean lines returned and mean
share of the log returned. On the corpus also: labelled ``files`` (path and line) all among the analyzer's
``files`` (given the case's ``tree``), the first labelled file first, labelled tests found, category.

CiDiff numbering: the labels were made with a line reader that also breaks lines at a lone ``\\r``
(Java's ``readLine``), while lines are numbered on ``\\n`` only (the contract). Each labelled line is
mapped onto the ``\\n`` line holding it. Cases in ``other_cases`` carry labels that drift by a few lines
from any numbering of their file; they are included and shown as their own row.

Usage: python bench/extraction.py [--corpus DIR] [--cidiff DIR] [--heldout DIR] [--max-lines 200] [--baseline]
       [--only corpus|cidiff|heldout] [--verbose] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _corpus_eval import BASELINES, KEYWORDS, Score, aggregate, api_note, call_analyze, span_lines, split_lines

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "corpus"
DEFAULT_CIDIFF = HERE.parent.parent / "shared" / "logs" / "cidiff"
DEFAULT_HELDOUT = HERE / "heldout"
ANALYZER = "analyzer"
WITH_PASS = "analyzer+pass"


@dataclass
class Case:
    """One labelled log: where it is, its group, the lines a person must read, and (corpus) the other labels."""

    name: str
    group: str
    log: Path
    truth: set[int]
    lines: list[bytes]
    variant: str = ""
    files: list[tuple[str, int | None]] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    category: str | None = None
    tree: list[str] | None = None
    pass_log: Path | None = None
    half: str = ""


@dataclass
class Outcome:
    """What each method returned on one case, scored; plus the analyzer's files, tests and category."""

    case: Case
    scores: dict[str, Score]
    files: list[tuple[str, int | None]]
    tests: list[str]
    category: str


# ---- loading ----------------------------------------------------------------------------------------------


def load_corpus(root: Path) -> list[Case]:
    """The corpus's labelled logs (``root`` is ``bench/corpus`` or its ``logs`` folder); broken ones skipped."""
    logs = root / "logs" if (root / "logs").is_dir() else root
    cases = []
    for meta_path in sorted(logs.glob("*.json")):
        log = meta_path.with_suffix(".log")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = log.read_bytes()
            files = [(f["path"], f.get("line")) for f in meta.get("files") or []]
            truth = {int(n) for n in meta["lines"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:  # the corpus may be half-written
            print(f"skipped {meta_path.name}: {exc!r}", file=sys.stderr)
            continue
        cases.append(
            Case(
                name=meta_path.stem,
                group=str(meta.get("tool") or "?"),
                log=log,
                truth=truth,
                lines=split_lines(data),
                variant=str(meta.get("variant") or meta_path.stem.rpartition(".")[2]),
                files=files,
                tests=[str(t) for t in meta.get("tests") or []],
                category=meta.get("category"),
                tree=list(meta.get("tree") or []),
                half=str(meta.get("half") or ""),
            )
        )
    return cases


def load_truth(case: Path) -> tuple[set[int], bytes]:
    """The ``E`` lines of a CiDiff case in ``\\n`` numbering, and the log's bytes."""
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
    return errors, data


def load_cidiff(root: Path) -> list[Case]:
    """CiDiff's cases, grouped by subset (``breakages``, ``breakages_dump``, ``other_cases``)."""
    cases = []
    for gt in sorted(root.rglob("groundtruth")):
        case = gt.parent
        truth, data = load_truth(case)
        rel = case.relative_to(root)
        pass_log = case / "pass.log"
        cases.append(
            Case(
                name=str(rel),
                group=rel.parts[0],
                log=case / "fail.log",
                truth=truth,
                lines=split_lines(data),
                pass_log=pass_log if pass_log.is_file() else None,
            )
        )
    return cases


# ---- running ----------------------------------------------------------------------------------------------


def evaluate(cases: Sequence[Case], max_lines: int, with_pass: bool) -> tuple[list[Outcome], dict[str, float]]:
    """Runs the analyzer (and, with ``with_pass``, again with the pass log) and the baselines on every case."""
    outcomes = []
    cpu = {ANALYZER: 0.0, "baselines": 0.0}
    if with_pass:
        cpu[WITH_PASS] = 0.0
    for case in cases:
        total = len(case.lines)
        t0 = time.process_time()
        result = call_analyze(case.log, max_lines=max_lines, tree=case.tree)
        cpu[ANALYZER] += time.process_time() - t0
        scores = {ANALYZER: Score.of(span_lines(result), case.truth, total)}
        if with_pass:
            t0 = time.process_time()
            again = call_analyze(case.log, baseline=case.pass_log, max_lines=max_lines, tree=case.tree)
            cpu[WITH_PASS] += time.process_time() - t0
            scores[WITH_PASS] = Score.of(span_lines(again), case.truth, total)
        t0 = time.process_time()
        for name, baseline in BASELINES.items():
            scores[name] = Score.of(baseline(case.lines), case.truth, total)
        cpu["baselines"] += time.process_time() - t0
        outcomes.append(
            Outcome(
                case=case,
                scores=scores,
                files=[(f.path, f.line) for f in getattr(result, "files", [])],
                tests=list(getattr(result, "tests", [])),
                category=str(result.category),
            )
        )
    return outcomes, cpu


def _groups(outcomes: Sequence[Outcome], by_variant: bool = False) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.case.group, []).append(o)
    out = dict(sorted(groups.items()))
    if by_variant:
        variants: dict[str, list[Outcome]] = {}
        for o in outcomes:
            variants.setdefault(f"variant {o.case.variant}", []).append(o)
        out.update(sorted(variants.items()))
    out["ALL"] = list(outcomes)
    return out


def line_figures(outcomes: Sequence[Outcome], by_variant: bool = False) -> dict[str, dict[str, dict[str, float]]]:
    """{group: {method: figures}} for the line-level scores."""
    figures = {}
    for group, members in _groups(outcomes, by_variant).items():
        methods = list(members[0].scores)
        figures[group] = {m: aggregate([o.scores[m] for o in members]) for m in methods}
    return figures


def _matches(label: tuple[str, int | None], found: tuple[str, int | None], with_line: bool = True) -> bool:
    return label[0] == found[0] and (not with_line or label[1] is None or label[1] == found[1])


_TEST_JOIN = re.compile(r"\s*(?:\u203a|>|#)\s*|\.")


def same_test(label: str, found: str) -> bool:
    """The same test id, in either of the notations runners and labels use for one: a suite and its test
    joined by ``" > "``, ``" \u203a "``, ``#`` or ``.`` (Gradle prints ``Class > method()``, Maven
    ``Class.method``); a trailing ``()`` does not count."""

    def norm(t: str) -> str:
        return _TEST_JOIN.sub(".", t.strip().removesuffix("()"))

    return label == found or norm(label) == norm(found)


def _found(label: str, tests: Sequence[str]) -> bool:
    return any(same_test(label, t) for t in tests)


def file_figures(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """{group: figures} for the corpus's files, tests and category."""
    figures = {}
    for group, members in _groups(outcomes).items():
        with_files = [o for o in members if o.case.files]
        tests_total = sum(len(o.case.tests) for o in members)
        tests_found = sum(sum(_found(t, o.tests) for t in o.case.tests) for o in members)
        tests_returned = sum(len(o.tests) for o in members)
        tests_right = sum(sum(_found(t, o.case.tests) for t in o.tests) for o in members)
        labelled = [o for o in members if o.case.category]

        def share(items: list[Outcome], ok: Any) -> float | None:
            return sum(1 for o in items if ok(o)) / len(items) if items else None

        figures[group] = {
            "logs": len(members),
            "with_files": len(with_files),
            "files_all": share(with_files, lambda o: all(any(_matches(lf, f) for f in o.files) for lf in o.case.files)),
            "paths_all": share(
                with_files, lambda o: all(any(_matches(lf, f, False) for f in o.files) for lf in o.case.files)
            ),
            "first_file": share(with_files, lambda o: bool(o.files) and _matches(o.case.files[0], o.files[0])),
            "mean_files": sum(len(o.files) for o in members) / len(members),
            "tests_labelled": tests_total,
            "tests_found": tests_found / tests_total if tests_total else None,
            "tests_returned": tests_returned,
            "tests_precision": tests_right / tests_returned if tests_returned else None,
            "category": share(labelled, lambda o: o.category == o.case.category),
        }
    return figures


# ---- printing ---------------------------------------------------------------------------------------------


def _frac(x: float) -> str:
    return "1.00" if x >= 0.9995 else f"{x:.3f}"[1:]


def _cell(f: dict[str, float]) -> str:
    found = f"{f['all_found'] * 100:4.0f}"
    return f"{found} {_frac(f['recall'])} {_frac(f['precision'])} {_frac(f['f1'])} {f['mean_lines']:5.0f}"


_HEADER = f"{'all%':>4} {'R':>4} {'P':>4} {'F1':>4} {'lines':>5}"


def print_lines_table(title: str, figures: dict[str, dict[str, dict[str, float]]]) -> None:
    """One row per group: every method's all-found %, macro recall, precision, F1 and mean lines."""
    methods = list(figures["ALL"])
    width = max(14, *(len(g) for g in figures))
    cell = len(_HEADER)
    print(title)
    print(f"{'':{width}}    " + " | ".join(f"{m:^{cell}}" for m in methods))
    print(f"{'':{width}}  n " + " | ".join(_HEADER for _ in methods))
    for group, by_method in figures.items():
        n = by_method[methods[0]]["logs"]
        print(f"{group:{width}}{n:3d} " + " | ".join(_cell(by_method[m]) for m in methods))
    every = figures["ALL"]
    micro = [
        f"{'':4} {_frac(every[m]['micro_recall'])} {_frac(every[m]['micro_precision'])} "
        f"{_frac(every[m]['micro_f1'])} {'':5}"
        for m in methods
    ]
    print(f"{'ALL, pooled':{width}}    " + " | ".join(micro))
    share = [f"{every[m]['mean_share'] * 100:>{cell - 7}.1f}% of log" for m in methods]
    print(f"{'ALL, share':{width}}    " + " | ".join(share))


def print_file_table(figures: dict[str, dict[str, float]], title: str = "corpus") -> None:
    def pct(x: float | None) -> str:
        return "   -" if x is None else f"{x * 100:4.0f}"

    width = max(12, *(len(g) for g in figures))
    print(f"{title}: files, tests, category (analyzer; files as path+line unless 'paths')")
    print(
        f"{'':{width}}  n  files-all%(of n) paths-all% first-file% mean-files tests-found%(of n) tests-P%(of n)"
        " category%"
    )
    for group, f in figures.items():
        print(
            f"{group:{width}}{f['logs']:3d}  {pct(f['files_all']):>10}({f['with_files']:3d})  {pct(f['paths_all']):>9}"
            f" {pct(f['first_file']):>11} {f['mean_files']:10.1f} {pct(f['tests_found']):>8}({f['tests_labelled']:4d})"
            f" {pct(f['tests_precision']):>6}({f['tests_returned']:4d}) {pct(f['category']):>9}"
        )


def print_verbose(outcomes: Sequence[Outcome], corpus: bool) -> None:
    for o in outcomes:
        a = o.scores[ANALYZER]
        others = "  ".join(f"{m} R={s.recall:.2f}/{s.got}" for m, s in o.scores.items() if m != ANALYZER)
        line = (
            f"  {o.case.name:56s} P={a.precision:.2f} R={a.recall:.2f} {'ALL' if a.all_found else '   '}"
            f" got={a.got:4d} truth={a.truth:4d} of {a.total:6d}  {o.category:14s} {others}"
        )
        if corpus:
            missing = [lf for lf in o.case.files if not any(_matches(lf, f) for f in o.files)]
            lost = [t for t in o.case.tests if not _found(t, o.tests)]
            line += f"  label={o.case.category} files-missing={missing} tests-missing={lost[:3]}"
        print(line)


def _cpu_note(n: int, cpu: dict[str, float]) -> str:
    return f"{n} logs; CPU: " + ", ".join(f"{k} {v:.2f}s" for k, v in cpu.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="bench/corpus (or its logs/ folder)")
    parser.add_argument("--cidiff", type=Path, default=DEFAULT_CIDIFF, help="the CiDiff data set")
    parser.add_argument("--max-lines", type=int, default=200, help="the analyzer's line budget (default 200)")
    parser.add_argument("--baseline", action="store_true", help="CiDiff: also run with pass.log as baseline")
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT, help="bench/heldout (or its logs/ folder)")
    parser.add_argument("--only", choices=("corpus", "cidiff", "heldout"), help="run one set only")
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per log")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead")
    args = parser.parse_args(argv)

    summary: dict[str, Any] = {"api": api_note(), "max_lines": args.max_lines, "words": KEYWORDS}
    out = sys.stderr if args.json else sys.stdout
    if not args.json:
        print(f"{api_note()}; max_lines={args.max_lines}; grep words: {KEYWORDS}")
        print(
            "cells: all% = logs with every labelled line found; R, P, F1 per log then averaged (pooled: over all"
            " lines); lines = mean lines returned; share = mean share of the log returned"
        )
    status = 0

    if args.only in (None, "corpus"):
        cases = load_corpus(args.corpus)
        if not cases:
            print(f"corpus: no labelled logs under {args.corpus}", file=out)
            status = 2 if args.only == "corpus" else status
        else:
            outcomes, cpu = evaluate(cases, args.max_lines, with_pass=False)
            lines_fig = line_figures(outcomes, by_variant=True)
            files_fig = file_figures(outcomes)
            summary["corpus"] = {"lines": lines_fig, "files": files_fig, "cpu_seconds": cpu, "logs": len(cases)}
            if not args.json:
                print()
                if args.verbose:
                    print_verbose(outcomes, corpus=True)
                print_lines_table(f"corpus ({_cpu_note(len(cases), cpu)})", lines_fig)
                print()
                print_file_table(files_fig)

    if args.only in (None, "cidiff"):
        if not args.cidiff.is_dir():
            print(f"cidiff: no data set at {args.cidiff}", file=out)
            status = 2 if args.only == "cidiff" else status
        else:
            cases = load_cidiff(args.cidiff)
            outcomes, cpu = evaluate(cases, args.max_lines, with_pass=args.baseline)
            lines_fig = line_figures(outcomes)
            summary["cidiff"] = {"lines": lines_fig, "cpu_seconds": cpu, "logs": len(cases)}
            if not args.json:
                print()
                if args.verbose:
                    print_verbose(outcomes, corpus=False)
                print_lines_table(f"CiDiff, E lines ({_cpu_note(len(cases), cpu)})", lines_fig)

    if args.only in (None, "heldout"):
        cases = load_corpus(args.heldout)
        if not cases:
            print(f"heldout: no labelled logs under {args.heldout}", file=out)
            status = 2 if args.only == "heldout" else status
        else:
            summary["heldout"] = {}
            for half in sorted({c.half or "?" for c in cases}):
                members = [c for c in cases if (c.half or "?") == half]
                outcomes, cpu = evaluate(members, args.max_lines, with_pass=False)
                lines_fig = line_figures(outcomes)
                files_fig = file_figures(outcomes)
                summary["heldout"][half] = {
                    "lines": lines_fig,
                    "files": files_fig,
                    "cpu_seconds": cpu,
                    "logs": len(members),
                }
                if not args.json:
                    print()
                    if args.verbose:
                        print_verbose(outcomes, corpus=True)
                    print_lines_table(f"heldout {half} ({_cpu_note(len(members), cpu)})", lines_fig)
                    print()
                    print_file_table(files_fig, f"heldout {half}")

    if args.json:
        json.dump(summary, sys.stdout, indent=1, sort_keys=True)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
