"""The analyzer's entry point: one streaming pass over a log, then the choice of lines and the facts."""

from __future__ import annotations

from collections.abc import Iterable

from . import rx
from .blocks import Line, Selection, build_lines, select
from .facts import RepoTree, categorize, extract_files, is_file_heading, is_stylish_row
from .manifests import manifest_refs
from .model import Analysis, FileRef, Span
from .normalize import baseline_key
from .patterns import PREFILTER, LineInfo
from .redaction import redact
from .scanner import Scanner
from .signature import make_signature
from .source import LogSource, iter_chunks
from .test_ids import extract_tests
from .text import clean

SUMMARY_MAX = 300
DEFAULT_MAX_LINES = 200
"""The lines of all spans together, by default."""


def analyze(
    source: LogSource,
    *,
    baseline: LogSource | None = None,
    max_lines: int = DEFAULT_MAX_LINES,
    tree: Iterable[str] | None = None,
    max_span_lines: int | None = None,
) -> Analysis:
    """Find the lines that explain why a job failed, its category and a stable signature.

    ``source`` and ``baseline`` (the last passing run's log of the same job) may be ``bytes``, ``str``
    (the log's text), a binary file object, a ``pathlib.Path`` or an iterable of ``bytes`` chunks.
    The log is streamed; memory stays bounded whatever its size. ``max_lines`` caps the lines of all
    spans together (``max_span_lines`` is its old name). ``tree``, the repository's file paths, maps
    the files the errors name to repository paths and drops those outside the repository.
    """
    budget = max(1, int(max_span_lines if max_span_lines is not None else max_lines))
    scanner = Scanner()
    scanner.feed_all(iter_chunks(source))
    scan = scanner.finish()
    if scan.lines_total == 0:
        return Analysis([], "unknown", make_signature("unknown", [], []), "The log is empty.", [], [], 0)
    lines = build_lines(scan)
    hits = _baseline_hits(lines, baseline) if baseline is not None else None
    selection = select(scan, lines, max_lines=budget, baseline_hits=hits)
    return _result(scan.lines_total, selection, scan.exits, RepoTree(tree) if tree is not None else None)


def _baseline_hits(lines: dict[int, Line], baseline: LogSource) -> set[int]:
    """Numbers of the fail-log lines whose normalised text also occurs in the baseline log."""
    wanted: dict[str, list[int]] = {}
    for no, line in lines.items():
        if line.info.role in ("anchor", "header", "trailer") and line.text.strip():
            wanted.setdefault(baseline_key(line.text), []).append(no)
    hits: set[int] = set()
    if not wanted:
        return hits
    carry = b""
    for chunk in iter_chunks(baseline):
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"\n")
        if cut < 0:
            carry = buf[-65536:]
            continue
        carry = buf[cut + 1 :][-65536:]
        _match_baseline(buf[: cut + 1], wanted, hits)
    if carry:
        _match_baseline(carry, wanted, hits)
    return hits


def _match_baseline(block: bytes, wanted: dict[str, list[int]], hits: set[int]) -> None:
    for m in PREFILTER.finditer(block):
        key = baseline_key(clean(m.group()).text)
        nos = wanted.get(key)
        if nos:
            hits.update(nos)


def _result(
    total: int, sel: Selection, exits: list[tuple[int, LineInfo]], tree: RepoTree | None
) -> Analysis:
    lines = sel.lines
    spans: list[Span] = []
    excerpt: list[tuple[int, str]] = []
    items: list[tuple[str, LineInfo]] = []
    groups: list[list[str]] = []
    context_items: list[tuple[str, LineInfo]] = []
    context_groups: list[list[str]] = []
    read: list[tuple[int, str, LineInfo]] = []  # every chosen line, in the log's order
    for start, end, kind in _kinds(_merge(sel.ranges), sel.context):
        step = lines[start].step if start in lines else sel.failed_step
        if step == "Post job cleanup":
            step = None
        nos = [no for no in range(start, end + 1) if no in lines]
        texts = redact("\n".join(lines[no].text for no in nos)).split("\n")
        spans.append(Span(start, end, step, "\n".join(texts), kind))
        into_items, into_groups = (items, groups) if kind == "error" else (context_items, context_groups)
        for no, text in zip(nos, texts, strict=True):
            excerpt.append((no, text))
            into_items.append((lines[no].text, lines[no].info))
            read.append((no, lines[no].text, lines[no].info))
        group = [lines[no].text for no in nos]
        heading = _file_heading(lines, start) if kind == "error" and group and is_stylish_row(group[0]) else None
        if heading is not None:
            group.insert(0, heading)  # the file a linter's rows below are in, left out of the block
        into_groups.append(group)
    if not items:  # only context (no error block): read what there is
        items, groups = context_items, context_groups
    category = _as_ended(categorize(items, sel.failed_step) if items else "unknown", sel.failed_step, exits)
    texts = [t for t, _ in items]
    strong = [t for t, i in items if i.role in ("anchor", "header") and i.score >= 2]
    # in the log's order: a traceback may run over several spans (pytest's report is cut to what it marks)
    files = extract_files(groups, tree)
    if context_groups and groups is not context_groups:
        files = _with_context_files(files, extract_files(context_groups, tree))
    if category == "dependency" and tree is not None:
        named = {f.path for f in files}
        files += [f for f in manifest_refs(texts, sel.failed_step, tree.paths) if f.path not in named]
    tests = extract_tests(read)
    key_lines = strong or [t for t in texts if t.strip()]
    signature = make_signature(category, key_lines, tests)
    # the summary quotes an error line itself rather than a header ("____ test_x ____", "Traceback ...")
    said = [t for t, i in items if i.role == "anchor" and i.score >= 2]
    summary = _summary(category, sel, said or strong or key_lines, tests, exits, strong=bool(said or strong))
    failed_step = sel.failed_step or (spans[-1].step if spans else None)
    return Analysis(spans, category, signature, summary, files, tests, total, excerpt, failed_step)


def _with_context_files(files: list[FileRef], more: list[FileRef]) -> list[FileRef]:
    """The error blocks' files, then the context's others; a file the blocks named without its line takes the
    line the context gives it (a build's verdict names the file its compiler's error, in the context, located)."""
    out = list(files)
    for ref in more:
        bare = FileRef(ref.path, None)
        if ref in out or (ref.line is None and any(f.path == ref.path for f in out)):
            continue
        if bare in out:
            out[out.index(bare)] = ref
        else:
            out.append(ref)
    return out


_TIMEOUT_COMMAND = rx.compile(r"(?:^|[\s;&|(])timeout\s")


def _as_ended(category: str, step: str | None, exits: list[tuple[int, LineInfo]]) -> str:
    """The category the lines say, or what the job's end says instead. GitLab's runner said why the job ended (its
    time limit, a system failure); the failing step ran its command under coreutils' ``timeout``, which ended with
    its own exit code, 124 (whatever the command printed last, the time limit ended it); and when the lines say
    nothing, a verdict that the job was cancelled or timed out."""
    runner = [info.category for _, info in exits if info.rule == "gitlab_job_failed" and info.category]
    if runner:
        return runner[-1]
    codes = [info.exit_code for _, info in exits if info.exit_code]
    if step and codes and codes[-1] == 124 and _TIMEOUT_COMMAND.search(step):
        return "timeout"
    if category == "unknown" and any(info.category == "timeout" for _, info in exits):
        return "timeout"
    return category


_WRONG = rx.compile(
    r"(?i)error|fail|fatal|exception|panic|denied|not found|cannot|can't|unable|mismatch|invalid|missing|unexpected"
    r"|expected|refused|timed? ?out|killed|abort|violation|not allowed|disallowed|does not|did not|no such|unknown"
)
"""The words of a line that says what went wrong (the summary quotes one, when no rule knew the lines)."""
_TOOL_PREFIX = rx.compile(r"^(?:##\[error\]|\[(?:ERROR|FATAL)\]\s*|npm ERR!\s*|E\s+)")


def _file_heading(lines: dict[int, Line], start: int) -> str | None:
    """The path heading the stylish report whose row is line ``start`` (over the rows before it)."""
    for no in range(start - 1, max(0, start - 200), -1):
        line = lines.get(no)
        if line is None:
            return None
        if is_file_heading(line.text):
            return line.text
        if not is_stylish_row(line.text):
            return None
    return None


def _plain(text: str) -> str:
    """A key line without the tool prefix that only says "error"."""
    return _TOOL_PREFIX.sub("", text.strip()).strip()


def _kinds(ranges: list[tuple[int, int]], context: frozenset[int]) -> list[tuple[int, int, str]]:
    """``ranges`` cut where lines change from error to context or back."""
    out: list[tuple[int, int, str]] = []
    for start, end in ranges:
        if not context:
            out.append((start, end, "error"))
            continue
        first = start
        for no in range(start + 1, end + 2):
            if no > end or (no in context) != (first in context):
                out.append((first, no - 1, "context" if first in context else "error"))
                first = no
    return out


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _summary(
    category: str,
    sel: Selection,
    key_lines: list[str],
    tests: list[str],
    exits: list[tuple[int, LineInfo]],
    *,
    strong: bool = True,
) -> str:
    what = {
        "test": "Tests failed",
        "lint": "Lint errors",
        "typecheck": "Type errors",
        "compile": "Build failed",
        "dependency": "Dependency problem",
        "infrastructure": "Infrastructure problem",
        "timeout": "Timed out",
        "configuration": "Configuration problem",
        "unknown": "Failed",
    }[category]
    parts = [what]
    if sel.failed_step:
        parts.append(f" in step '{sel.failed_step}'")
    codes = [info.exit_code for _, info in exits if info.exit_code]
    if codes:
        parts.append(f" (exit code {codes[-1]})")
    said = [t for t in key_lines if t.strip()]
    if not strong:  # no rule knew the lines: the first that says something went wrong, not a progress line before it
        said = [t for t in said if _WRONG.search(t)] or said
    first = _plain(said[0]) if said else ""
    if tests:
        more = f" and {len(tests) - 1} more" if len(tests) > 1 else ""
        parts.append(f": {tests[0]}{more}")
        if first and first not in tests[0]:
            parts.append(f" — {first}")
    elif first:
        parts.append(f": {first}")
    elif not sel.ranges:
        parts.append(": no explaining lines found")
    summary = "".join(parts)
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1] + "…"
    return redact(summary).replace("\n", " ")
