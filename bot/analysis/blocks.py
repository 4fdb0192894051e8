"""Choosing the lines that explain a failure: error blocks, the failing step, the step's tail.

Works on the sparse lines the scanner kept. A block starts at a strong line (an anchor), runs on
through the lines that belong to it (stack frames, indented detail, the tool's own prefix) and
takes the header just before it; some tools' reports are read by their own shape (pytest's per-test
report, panics). Blocks in the failing step, near its end, and not also present in the baseline
(passing) log win. Within the budget the selection then takes the step's verdict lines or, when no
tool's own block explains the step, its tail and the context of its other error lines. What a tool
prints beside what it reports is left out of the blocks: what repeats the report (a runner's count of
what failed, its run summary), the advice and bookkeeping around it (Gradle's "* Try:", TAP's YAML
keys, bandit's grading, ASan's shadow map), a formatter's diff body under its header, source snippets
and markers where the location says it, library frames, and blank lines that are a report's layout.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from . import rx
from .facts import heads_stylish_rows, is_stylish_row
from .patterns import (
    BACK_CONTINUATION,
    CONTINUATION,
    GENERIC_RULES,
    RULE_CATEGORY,
    STACK_FRAME,
    TAP_PASSED_POINT,
    LineInfo,
    tap_comment_name,
)
from .scanner import ScanResult

INCLUDE_EXIT = True
MAX_BLOCK = 400
TAIL_LINES = 5
ZONE_GAP = 200
"""In a log without steps, blocks closer than this to the final error belong to the same failure."""
_FAILING_VERDICT = rx.compile(
    r"<<< (?:FAILURE|ERROR)!|Tests run: \d+, Failures: (?:[1-9]|0, Errors: [1-9])|^(?:FAILED|ERROR)(?:\s|$)"
)
_COMPILER_SHAPE = rx.compile(r"\.\w+(?::\[\d+,\d+\]|:\d+:\d+:|\(\d+,\d+\))")
LEAD_REACH = 20
"""An error block this close after the echo of its step's command takes the step's whole output."""
_LEAD_IN = rx.compile(r"^=== (?:RUN|CONT|NAME)\s+\S|^=+> \S|^-{3,}> \S")
"""A line announcing what runs next (a Go test resuming, a Makefile's "==> Checking ..."): heads a block."""
_BARE_PATH = rx.compile(r"^[\w./-]+\.\w{1,6}$")
"""A file's path alone on a line: what a formatter prints before its diff of that file ("main.tf")."""
_RULE_LINE = rx.compile(r"^\s*(?:-{10,}|={10,}|\*{10,}|#{10,})\s*$")
PASS_REACH = 400
"""A test class's verdict this close after a block tells whose output the block is."""
STEP_END_REACH = 12
"""A block this close to the end of the failing step takes the step's remaining lines too."""


@dataclass(slots=True)
class Line:
    no: int
    text: str
    info: LineInfo
    step: str | None
    echo: bool
    indent: int


@dataclass
class Block:
    start: int
    end: int
    score: float
    anchors: list[int] = field(default_factory=list)
    in_baseline: int = 0

    @property
    def size(self) -> int:
        return self.end - self.start + 1


@dataclass
class Selection:
    ranges: list[tuple[int, int]]
    lines: dict[int, Line]
    failed_step: str | None
    from_tail: bool
    context: frozenset[int] = frozenset()
    """Lines of ``ranges`` added around the error blocks by the budget's fill (the step's tail, the windows of
    other error lines): shown as context, not read for the category, files, tests or signature."""


def build_lines(scan: ScanResult) -> dict[int, Line]:
    """Clean and classify every retained line, and give each its step."""
    out: dict[int, Line] = {}
    starts = [no for no, _ in scan.steps]
    names = [name for _, name in scan.steps]
    read = scan.reader.read  # the scanner's reader: a line it read (or one the log repeats) is read once
    for no in sorted(scan.lines):
        cl, info = read(scan.lines[no])
        step = cl.step
        if step is None and starts:
            i = bisect.bisect_right(starts, no) - 1
            step = names[i] if i >= 0 else None
        text = cl.text
        indent = len(text) - len(text.lstrip(" \t"))
        out[no] = Line(no, text, info, step, cl.script_echo, indent)
    return out


_COMMAND_EXITS = frozenset({"gh_exit", "travis_command_exit"})
"""Exit markers of one command (a step); the others ("ERROR: Job failed", "Finished: FAILURE") end the job."""


def _failing_exit(exits: list[tuple[int, LineInfo]]) -> tuple[int, str] | None:
    """The exit marker that ends the failing step: a command's non-zero exit, else the job's verdict."""
    failing = [(no, info) for no, info in exits if info.exit_code != 0]
    commands = [(no, info) for no, info in failing if info.rule in _COMMAND_EXITS and info.exit_code]
    if commands:
        # Travis runs every command of its script phase: the first one to fail is the cause. A GitHub
        # job stops at its failing step (an earlier one that failed was allowed to: continue-on-error).
        no, info = commands[0] if commands[0][1].rule == "travis_command_exit" else commands[-1]
        return no, info.rule
    if failing:
        return failing[-1][0], failing[-1][1].rule
    if exits:
        return exits[-1][0], exits[-1][1].rule
    return None


GITLAB_SCRIPT_SECTIONS = ("step_script", "build_script")


def _gitlab_script_section(scan: ScanResult, end: int) -> tuple[int, int] | None:
    """First and last line of the job script's section (GitLab), when the log has one before ``end``."""
    starts = [no for no, name in scan.steps if name in GITLAB_SCRIPT_SECTIONS and no <= end]
    if not starts:
        return None
    first = starts[-1]
    closing = [no for no, name in scan.section_ends if name in GITLAB_SCRIPT_SECTIONS and no > first]
    return first, (closing[0] - 1 if closing else end)


def _failing_region(
    scan: ScanResult, lines: dict[int, Line], found: tuple[int, str] | None
) -> tuple[int, int, str | None]:
    """First and last line of the failing step (the whole log when unknown), and its name; ``found`` is the
    exit marker that ended it (:func:`_failing_exit`)."""
    last = scan.lines_total
    exit_rule = found[1] if found else None
    if found is None:
        # Without an exit marker the failure is at the end: before the post-job steps, if any.
        post = [no for no, name in scan.steps if name == "Post job cleanup"]
        end = post[0] - 1 if post else last
    else:
        end = found[0] - 1
    starts = [no for no, name in scan.steps if no <= end]
    begin = 1
    name = None
    if starts:
        begin = starts[-1]
        script = _gitlab_script_section(scan, end)
        if exit_rule == "gitlab_job_failed" and script is not None:
            # The job failed in its script (after_script and the artifact upload don't fail a job): the
            # script stops at the command that failed, the last one it echoed ("$ make test").
            first, last_line = script
            end = last_line
            echoed = [
                no for no, _ in scan.steps if first < no <= end and no in lines and lines[no].info.rule == "shell_echo"
            ]
            begin = echoed[-1] if echoed else first
        elif exit_rule in ("gitlab_job_failed", "travis_build_exit"):
            # The job's verdict comes after every section closed: the failing section is the last one
            # with errors in it (after_script and cleanup sections come later).
            strong = sorted(no for no, ln in lines.items() if ln.info.role == "anchor" and ln.info.score >= 2)
            bounds = [*starts[1:], end + 1]
            for first, after in reversed(list(zip(starts, bounds, strict=True))):
                i = bisect.bisect_left(strong, first)
                if i < len(strong) and strong[i] < after:
                    begin, end = first, after - 1
                    break
        name = next(n for no, n in reversed(scan.steps) if no == begin)
    step_of_end = lines[end].step if end in lines else None
    if step_of_end and not scan.steps:
        name = step_of_end  # the `gh run view --log` format names the step on every line
        begin = _step_start_by_name(lines, end, name)
    if name == "Post job cleanup":
        name = None
    return begin, max(begin, end), name


def _step_start_by_name(lines: dict[int, Line], end: int, name: str) -> int:
    first = end
    for no in sorted((n for n in lines if n <= end), reverse=True):
        if lines[no].step != name:
            break
        first = no
    return first


def _continues(line: Line, base_indent: int, family: str | None) -> bool:
    info = line.info
    if info.role in ("noise", "exit", "step") or line.echo:
        return False
    if info.role in ("anchor", "cont", "trailer") and (info.score >= 1 or info.role == "cont"):
        return True
    if info.role == "header":
        return True
    text = line.text
    if not text.strip():
        return False
    if family and text.startswith(family):
        return True
    if CONTINUATION.search(text):
        return True
    return line.indent > base_indent


FRAME_LEAD = 2
"""At most this many unclassified lines before a stack frame still belong to the block the frames go on."""


def _leads_to_frames(lines: dict[int, Line], first: int) -> bool:
    """Whether the lines from ``first`` reach a stack frame within FRAME_LEAD lines, none of them blank or
    a step, exit or noise line: the next part of one report ("freed by thread T0 here:" and its frames in a
    sanitizer's report, a traceback's heading), which a blank line does not end."""
    for no in range(first, first + FRAME_LEAD + 1):
        line = lines.get(no)
        if line is None or not line.text.strip() or line.echo or line.info.role in ("noise", "exit", "step"):
            return False
        if STACK_FRAME.search(line.text):
            return True
    return False


def _family(text: str) -> str | None:
    for prefix in ("[ERROR]", "[error]", "npm ERR!", "npm error", "E ", "##[error]"):
        if text.startswith(prefix):
            return prefix
    return None


def build_blocks(lines: dict[int, Line], region: tuple[int, int], skipped: set[int] | None = None) -> list[Block]:
    """Blocks around the strong lines, each extended over the lines that belong to it. ``skipped`` receives
    the lines a tool's own report shape leaves out of its blocks (pytest's unmarked source listing): the
    budget's fill does not bring them back."""
    blocks: list[Block] = []
    covered_to = 0
    for no in sorted(lines):
        line = lines[no]
        info = line.info
        if no <= covered_to:
            continue
        if not ((info.role == "anchor" and info.score >= 2) or (info.role == "header" and info.score >= 2)):
            continue
        start = no
        # take headers and weak anchors right before
        prev = _over_blank(lines, lines.get(no - 1), covered_to)
        steps_back = 0
        while (
            prev is not None
            and prev.no > covered_to
            and steps_back < 25
            and not prev.echo
            and (
                (
                    steps_back < 3
                    and (prev.info.role == "header" or (prev.info.role == "anchor" and prev.info.score >= 1))
                )
                or (prev.info.role not in ("noise", "exit", "step") and BACK_CONTINUATION.search(prev.text))
                or _outer_title(prev, lines.get(prev.no + 1))
                or (steps_back == 0 and info.rule in HUNK_RULES and _BARE_PATH.match(prev.text) is not None)
                or (steps_back == 0 and _LOCATION_ALONE.match(prev.text) is not None)
                or (steps_back < 2 and heads_stylish_rows(prev.text) and is_stylish_row(line.text))
                or (steps_back < 3 and _framed_above(lines, no, prev))
                or (steps_back == 0 and prev.info.role == "plain" and _quoted_by(lines.get(prev.no - 1)))
            )
        ):
            start = prev.no
            steps_back += 1
            prev = _over_blank(lines, lines.get(prev.no - 1), covered_to)
        start = _lead_in(lines, start, covered_to)
        base_indent = line.indent
        family = _family(line.text)
        end = no
        anchors = [no]
        score = info.score
        cur = no + 1
        while cur in lines and cur - start < MAX_BLOCK:
            nxt = lines[cur]
            if not nxt.text.strip():
                # blank lines belong to the block only if the block goes on after them
                ahead = cur + 1
                while ahead in lines and not lines[ahead].text.strip() and ahead - cur < 2:
                    ahead += 1
                after = lines.get(ahead)
                if (
                    after is None
                    or not after.text.strip()
                    or not (_continues(after, base_indent, family) or _leads_to_frames(lines, ahead))
                ):
                    break
                if after.info.role == "header":
                    break
                cur = ahead
                continue
            if not _continues(nxt, base_indent, family):
                # A lone unclassified line inside a block belongs to it (an exception's message before
                # its frames, "stdout:" before the output it labels).
                after = lines.get(cur + 1)
                if (
                    after is None
                    or nxt.info.role in ("noise", "exit", "step")
                    or nxt.echo
                    or not after.text.strip()
                    or not (
                        STACK_FRAME.search(after.text)
                        or _continues(after, base_indent, family)
                        or _leads_to_frames(lines, cur)
                    )
                    or after.info.role in ("header", "exit", "step", "noise")
                ):
                    break
            if nxt.info.role == "anchor" and nxt.info.score >= 2:
                anchors.append(cur)
                score = max(score, nxt.info.score)
            end = cur
            cur += 1
            if nxt.info.rule == "go_pkg_fail":
                break  # "FAIL\tpkg 0.1s" closes the package's output
        if _VERDICT_HEADING.match(lines[start].text):
            end = _verdict_id_end(lines, end)
        if info.rule == "pytest_summary":
            # "FAILED x::t - AssertionError: assert {...} == {...}" then the message's other lines, indented: the test's
            # report above says them where they belong (its "E" lines); the summary's line names the test
            end = min(end, _summary_line_end(lines, no))
        elif info.rule in ("rust_panic", "panic"):
            # a panic's message and its backtrace run to the first blank line
            end = max(end, _paragraph_end(lines, no))
        elif info.rule == "busted_failure":
            # busted: the test's name, the message and the values compared, then Lua's "stack traceback:"
            end = max(end, _lua_traceback_end(lines, _paragraph_end(lines, no)))
        if info.rule == "pytest_header":
            # pytest's report of one test runs from its "____ name ____" header to the next header or
            # banner; what it marks is what to read: the ">" lines, the "E" lines, each "path:line:" frame
            # (and the source line it quotes), not the source listing around them
            # (the report's own end, not how far the lines went on: the next report's header follows a frame line
            # with no blank between, and is read as a block of its own)
            end = _pytest_section_end(lines, no)
            marked = _pytest_marked(lines, start, end)
            if skipped is not None:
                skipped.update(n for n in range(start, end + 1) if n in lines and n not in marked)
            for first, last in _runs(marked):
                found = [n for n in range(first, last + 1) if lines[n].info.role == "anchor"]
                blocks.append(Block(first, last, score, found or [first]))
            covered_to = end
            continue
        blocks.append(Block(start, end, score, anchors))
        covered_to = end
    return blocks


_PYTEST_BOUNDARY = rx.compile(r"^(?:={3,} .*={3,}|-{3,} (?:Captured|live log) .*-{3,}|_{3,} \S.* _{3,})$")
PYTEST_SECTION = 150
"""At most this many lines of one test's report in pytest's FAILURES section."""


def _summary_line_end(lines: dict[int, Line], first: int) -> int:
    """The last of the summary's own lines from ``first`` (each "FAILED ..." / "ERROR ..." line, not the indented
    message lines after one)."""
    end = first
    while end + 1 in lines and lines[end + 1].info.rule == "pytest_summary":
        end += 1
    return end


def _pytest_section_end(lines: dict[int, Line], header: int) -> int:
    """The last line of the test report headed at ``header`` (before the next header or banner)."""
    end = header
    for no in range(header + 1, header + PYTEST_SECTION):
        line = lines.get(no)
        if line is None or line.info.role in ("step", "exit") or _PYTEST_BOUNDARY.match(line.text):
            break
        if line.text.strip():
            end = no
    return end


_PYTEST_MARKED = rx.compile(r"^(?:>|E(?: |$))|^\S+:\d+:(?: |$)")
_PYTEST_FRAME_IN = rx.compile(r"^\S+:\d+: in \S")


def _pytest_marked(lines: dict[int, Line], start: int, end: int) -> set[int]:
    """The lines of one test's pytest report a reader needs: its header, the lines pytest marks (">", "E",
    "path:line:") and the source line a "path:line: in func" frame quotes."""
    if not any(no in lines and lines[no].text.startswith("E ") for no in range(start, end + 1)):
        # not pytest's own report shape (a doctest, --tb=native's plain traceback): all of it
        return {no for no in range(start, end + 1) if no in lines}
    keep = {start}
    for no in range(start, end + 1):
        line = lines.get(no)
        if line is None:
            continue
        if no == start or _PYTEST_MARKED.search(line.text) or line.info.role == "anchor":
            keep.add(no)
            if _PYTEST_FRAME_IN.search(line.text) and no + 1 in lines:
                keep.add(no + 1)
    return keep


_MOCHA_TITLE = rx.compile(r"^\s{4,}\S.*:$")


def _outer_title(prev: Line, taken: Line | None) -> bool:
    """``prev`` is a suite's title above a nested one (mocha: "1) outer" / "  inner" / "    test:"): an
    indented plain line, less indented than the title line below it, which is a title too."""
    return (
        taken is not None
        and prev.info.role == "plain"
        and 4 <= prev.indent < taken.indent
        and len(prev.text) <= 200
        and bool(prev.text.strip())
        and (bool(_MOCHA_TITLE.match(taken.text)) or (taken.info.role == "plain" and taken.indent >= 4))
        and ":" not in prev.text
    )


QUOTING_HEADERS = frozenset({"shellcheck_at"})
"""Headers whose next line is the source line their findings point into ("In deploy.sh line 9:")."""


def _quoted_by(header: Line | None) -> bool:
    return header is not None and header.info.rule in QUOTING_HEADERS


def _over_blank(lines: dict[int, Line], prev: Line | None, covered_to: int) -> Line | None:
    """``prev``, or the line before it when ``prev`` is one blank line between a title and its error
    ("1) suite" / "   test:" / "" / "   AssertionError ...") or a header and its error (a configure check that
    failed, a blank line, the configurator's error)."""
    if prev is None or prev.text.strip() or prev.no <= covered_to:
        return prev
    before = lines.get(prev.no - 1)
    if before is not None and before.no > covered_to and before.info.role != "step" and (
        BACK_CONTINUATION.search(before.text) or before.info.role == "header"
    ):
        return before
    return prev


def _paragraph_end(lines: dict[int, Line], first: int) -> int:
    """The last line before the first blank line after ``first`` (at most PYTEST_SECTION lines on)."""
    end = first
    for no in range(first + 1, first + PYTEST_SECTION):
        line = lines.get(no)
        if line is None or not line.text.strip() or line.info.role in ("step", "exit"):
            break
        end = no
    return end


_LUA_TRACEBACK = rx.compile(r"^stack traceback:$")


def _lua_traceback_end(lines: dict[int, Line], end: int) -> int:
    """``end``, or the last frame of the Lua ``stack traceback:`` that follows it after one blank line."""
    gap = lines.get(end + 1)
    head = lines.get(end + 2)
    if gap is None or gap.text.strip() or head is None or not _LUA_TRACEBACK.match(head.text.strip()):
        return end
    return _paragraph_end(lines, end + 2)


TAP_NAME_REACH = 10
"""The passing points of a test looked back over for the comment that names it (see :func:`_tap_name_above`)."""


def _tap_name_above(lines: dict[int, Line], start: int, covered_to: int) -> int | None:
    """The line of the TAP comment naming the test whose failing point is line ``start`` (tape's "# name" above
    the test's points, its passing ones between), or None."""
    no = start - 1
    while no > covered_to and start - no <= TAP_NAME_REACH:
        line = lines.get(no)
        if line is None:
            return None
        if not TAP_PASSED_POINT.match(line.text):
            above = lines.get(no - 1)
            return no if tap_comment_name(line.text, above.text if above is not None else None) else None
        no -= 1
    return None


_TRACEBACK = rx.compile(r"^Traceback \(most recent call last\):$")
_VERDICT_HEADING = rx.compile(r"^\[(?:FAIL|ERROR)\]$")
_DOTTED_ID = rx.compile(r"^(?:\w+\.){2,}\w+$")


def _verdict_id_end(lines: dict[int, Line], end: int) -> int:
    """The end of a report headed "[FAIL]"/"[ERROR]" (Twisted trial's) whose traceback ended at ``end``: the test's
    dotted id after it, over a blank line, when a rule line closes the report."""
    for no in (end + 1, end + 2):
        line = lines.get(no)
        if line is None:
            return end
        if _DOTTED_ID.match(line.text):
            after = lines.get(no + 1)
            return no if after is not None and _RULE_LINE.match(after.text) else end
        if line.text.strip():
            return end
    return end


def _lead_in(lines: dict[int, Line], start: int, covered_to: int) -> int:
    """Take the line that announces the block ("=== CONT TestX", "==> Checking ...") or the banner
    ("-----" / title / "-----") a script printed just before the stage that failed, or the comment that names a TAP
    test above its points."""
    head = lines.get(start)
    if head is not None and head.info.rule == "tap_not_ok" and not head.indent:
        named = _tap_name_above(lines, start, covered_to)
        if named is not None:
            return named
    prev = lines.get(start - 1)
    if head is not None and prev is not None and prev.no > covered_to and _TRACEBACK.match(head.text):
        if _VERDICT_HEADING.match(prev.text):
            return prev.no  # trial's "[ERROR]" over its traceback (Maven's empty "[ERROR]" line has the same text)
    if prev is None or prev.no <= covered_to:
        return start
    if _LEAD_IN.match(prev.text):
        head = lines.get(start)
        verdict = head is not None and head.text.lstrip().startswith("--- ")
        # "=== RUN X" heads X's output, not the verdict of another test
        if not (prev.text.startswith("=== ") and verdict):
            return start - 1
    first = start - 1 if not prev.text.strip() else start
    head = lines.get(start)
    if head is not None and _RULE_LINE.match(head.text):
        first = start + 1  # the block already took the banner's closing rule
    top, title, bottom = (lines.get(first - k) for k in (3, 2, 1))
    if (
        top is not None
        and title is not None
        and bottom is not None
        and top.no > covered_to
        and _RULE_LINE.match(top.text)
        and _RULE_LINE.match(bottom.text)
        and title.text.strip()
        and not _RULE_LINE.match(title.text)
    ):
        return top.no
    return start


def _command_output(
    blocks: list[Block], lines: dict[int, Line], commands: list[int], every: list[Block]
) -> None:
    """A block shortly after the echo of its build step's command takes the step's whole output: what
    the command printed before failing explains the error (Jenkins "[job] $ python script.py")."""
    if not commands:
        return
    starts = sorted(b.start for b in every)
    for b in blocks:
        i = bisect.bisect_left(commands, b.start) - 1
        if i < 0:
            continue
        cmd = commands[i]
        if b.start - cmd > LEAD_REACH or b.start - cmd <= 1:
            continue
        j = bisect.bisect_left(starts, b.start) - 1
        if j >= 0 and starts[j] > cmd:
            continue  # another block is the first error of this step
        if all(no in lines for no in range(cmd + 1, b.start)):
            b.start = cmd + 1


def select(
    scan: ScanResult,
    lines: dict[int, Line],
    *,
    max_lines: int,
    baseline_hits: set[int] | None = None,
) -> Selection:
    """Pick the ranges of lines to report."""
    found = _failing_exit(scan.exits)
    begin, end, step_name = _failing_region(scan, lines, found)
    skipped: set[int] = set()
    blocks = build_blocks(lines, (begin, end), skipped)
    has_steps = bool(scan.steps) or any(line.step for line in lines.values())
    baseline_hits = baseline_hits or set()
    for b in blocks:
        inside = begin <= b.start <= end
        if has_steps:
            b.score += 2 if inside else -2
        if b.anchors and baseline_hits:
            known = sum(1 for a in b.anchors if a in baseline_hits)
            b.in_baseline = known
            if known == len(b.anchors):
                b.score -= 2.5
            elif known:
                b.score -= 1.0 * known / len(b.anchors)
        if b.start > end + 1 and scan.exits:
            b.score -= 3  # after the failure: cleanup steps
    _demote_passing_test_output(blocks, lines, scan.passes)
    _demote_passed_right_after(blocks, lines)
    last_block_end = max((b.end for b in blocks if b.start <= end and b.score >= 2), default=None)
    for b in blocks:
        if last_block_end is not None and b.end == last_block_end:
            b.score += 0.5
    chosen: list[Block] = []
    if blocks:
        best = max(b.score for b in blocks)
        floor = max(2.0, best - 1.5)
        chosen = [b for b in blocks if b.score >= floor]
        if has_steps and not any(begin <= b.start <= end for b in chosen):
            # The failing step printed nothing useful: the cause is often in the step before it.
            earlier = sorted({no for no, _ in scan.steps if no < begin}, reverse=True)[:5]
            step_end = begin
            picked: list[Block] = []
            for prev_begin in earlier:
                picked = [b for b in blocks if prev_begin <= b.start < step_end and b.score + 2 >= 2]
                if picked:
                    break
                step_end = prev_begin
            chosen = picked or [b for b in chosen if b.start <= end]
        if not has_steps and chosen:
            chosen = _final_zone(chosen, lines)
            _command_output(chosen, lines, scan.commands, blocks)
    from_tail = False
    if not chosen:
        tail = _tail_range(lines, begin, end)
        from_tail = True
        ranges = [tail] if tail else []
    else:
        if has_steps or scan.exits:
            # Without steps, the job's own end marker ("Finished: FAILURE") closes the failing part.
            _reach_step_end(chosen, lines, begin, end)
        ranges = _budget(chosen, max_lines)
        library = (
            _library_frames(lines, ranges)
            | _snippet_detail(lines, ranges)
            | _code_frame_context(lines, ranges)
            | _usage_after_error(lines, ranges)
            | _runner_totals(lines, ranges)
            | _formatter_hunks(lines, ranges)
            | _shadow_dump(lines, ranges)
            | _gradle_epilogue(lines, ranges)
            | _tap_bookkeeping(lines, ranges)
            | _finding_metadata(lines, ranges)
            | _coverage_table(lines, ranges)
            | _python_markers(lines, ranges)
            | _asides(lines, ranges)
            | _resolver_trace(lines, ranges)
        )
        if library:
            ranges = _runs({no for a, b in ranges for no in range(a, b + 1)} - library)
            skipped |= library
    sure = any(
        begin <= b.start <= end and any(lines[a].info.rule not in VERDICT_RULES for a in b.anchors) for b in chosen
    )
    budget = fill_budget(max_lines, scan.lines_total, sure=sure)
    core = {no for a, b in ranges for no in range(a, b + 1)}
    exit_at = found[0] if found else None
    ranges = _fill(
        ranges,
        lines,
        (begin, end),
        budget,
        baseline_hits,
        sure=sure,
        exit_at=exit_at,
        has_steps=has_steps,
        skipped=skipped,
        from_blocks=not from_tail,
    )
    ranges = _trim_blank_edges(_drop_layout_blanks(ranges, lines, core), lines, core)
    context = frozenset(no for a, b in ranges for no in range(a, b + 1) if no not in core) if core else frozenset()
    return Selection(ranges, lines, step_name, from_tail, context)


OUTPUT_BLANK_RULES = frozenset(
    {
        "go_fail", "go_test_log", "go_compile", "go_pkg_fail", "go_vet_lint", "go_build_failed", "go_pkg_header",
        "panic", "surefire_fail", "junit_counts", "javac_maven", "maven_error", "gradle_test",
    }
)
"""Reports whose blank lines may be the output of the code they ran (a Go test's ``t.Log``, a JVM test's stdout
between Maven's or Gradle's lines, a panic's goroutines): kept as printed."""


def _drop_layout_blanks(
    ranges: list[tuple[int, int]], lines: dict[int, Line], core: set[int]
) -> list[tuple[int, int]]:
    """The blank lines inside an error block of a tool's own report (a test runner's, a compiler's, a linter's:
    a rule of category test, lint, typecheck or compile) are that tool's layout between the parts of its report:
    left out, unless the range also holds a report of OUTPUT_BLANK_RULES."""
    blanks: set[int] = set()
    for a, b in ranges:
        nos = [n for n in range(a, b + 1) if n in lines]
        rules = {lines[n].info.rule for n in nos if lines[n].info.role in ("anchor", "header")}
        if rules & OUTPUT_BLANK_RULES or not any(
            RULE_CATEGORY.get(r) in ("test", "lint", "typecheck", "compile") for r in rules
        ):
            continue
        blanks.update(n for n in nos if n in core and not lines[n].text.strip())
    if not blanks:
        return ranges
    return _runs({n for a, b in ranges for n in range(a, b + 1)} - blanks)


def _trim_blank_edges(
    ranges: list[tuple[int, int]], lines: dict[int, Line], core: set[int]
) -> list[tuple[int, int]]:
    """``ranges`` without the blank lines of the error blocks at their either end (a block's blank lines are
    kept where it goes on after them; at its edge one says nothing). Blank lines the fill offered as context
    stay: the step's own output, shown as it was."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        while a <= b and a in core and a in lines and not lines[a].text.strip():
            a += 1
        while b >= a and b in core and b in lines and not lines[b].text.strip():
            b -= 1
        if a <= b:
            out.append((a, b))
    return out


_STEP_PREAMBLE = rx.compile(r"^(?:##\[(?:group|endgroup)\]|shell: |env:$|  [A-Za-z_][A-Za-z0-9_]*: )")
"""The lines Actions prints between a step's header and its output (``shell:``, ``env:`` and its values)."""
_WARNING = rx.compile(r"(?i)^\s*(?:\[warn(?:ing)?\]|warn(?:ing)?:|npm warn )")
"""A warning is noise to the classifier but may be the cause ("WARNING: Retrying ... Connection refused")."""
FILL_TAIL = 100
"""Lines of the failing step's end offered after the error blocks when no tool's block explains the step."""
SURE_TAIL = TAIL_LINES
"""The same when a tool's own block explains the step: the step's last few lines (past its progress lines) are
still the first thing a reader looks at, but the tool's block is the explanation and a tool that printed more
than one error block says the rest there; a longer hedge only repeats the step's output around the block (30
lines, measured: CiDiff .05 of macro-F1 and the corpus .01, for one labelled line in a few hundred offered)."""
FAR_FROM_END = 50
"""A tool's block that ends this far before the failing step's end leaves the step's tail unexplained: the tail
offered is then FILL_TAIL long."""
VERDICT_RULES = GENERIC_RULES | {"npm_err", "pnpm_run_err", "gradle_task", "jenkins_post_step", "test_line_failed"}
"""Anchors that only say a command run by npm, pnpm, Gradle or a Jenkins post-build step failed, or (any runner's
"<name> FAILED" at a line's end) that a test did: a block of these alone does not explain the step (the output
around it does), so the step's tail is offered as for a tool the analyzer does not know."""
RUNNER_RULES = GENERIC_RULES | {
    "maven_error", "npm_err", "pnpm_run_err", "gradle_task", "gradle_failure", "jenkins_post_step", "gh_error"
}
"""Anchors that are a runner's verdict on a command it ran, not the command's own report of what failed."""
AT_END = 2
REPORT_LINES = 3  # an error block at the step's end this long (its exit-code line aside) is a report of its own
"""A tool's block ending this close to the failing step's end is what the step printed last: the tail then
offers only the step's warnings (a retried connection, a report that could not be written: they may be the
cause the tool's error is a consequence of), not the lines the tool's report left out of its blocks."""
FILL_BEFORE, FILL_AFTER = 3, 8
"""The context offered around other error lines of the failing step (grep -B3 -A8)."""
FILL_SHARE = 0.10
"""Past the error blocks, the context added is at most this share of the log (and the budget)."""
FILL_MIN = 150
LEAD_UP = 10
"""The last lines a failing command printed before its failure marker ("Process completed with exit code N",
Jenkins' "Build step '...' marked build as failure"), kept whole, progress and noise included: what the
command was doing when it failed (a check that runs after a tool reports success prints its one line there)."""
BLOCK_LEAD = 3
"""Lines of text (blank ones not counted) offered before each error block: what ran just before it."""
_COMMAND_FAILED = frozenset({"jenkins_step"})
"""Markers that close the failing build step of a log without steps; post-build actions follow them."""
TELLING_EXITS = frozenset({124, 137, 143})
"""Exit codes that are the message themselves: timeout(1), SIGKILL (the OOM killer), SIGTERM."""


def fill_budget(max_lines: int, total: int, *, sure: bool) -> int:
    """How many lines the selection may reach with context beyond its error blocks: little when a tool's
    own error block explains the failing step, more when only generic error words (or nothing) were seen."""
    if sure:
        return max_lines
    return min(max_lines, max(FILL_MIN, int(total * FILL_SHARE)))


def _fill(
    ranges: list[tuple[int, int]],
    lines: dict[int, Line],
    region: tuple[int, int],
    budget: int,
    baseline_hits: set[int],
    *,
    sure: bool = False,
    exit_at: int | None = None,
    has_steps: bool = True,
    skipped: set[int] | None = None,
    from_blocks: bool = False,
) -> list[tuple[int, int]]:
    """Add, while the budget lasts: a telling exit code; the step's verdict lines when a tool's own error block
    is ``sure`` to explain it; otherwise the failing step's last lines and the context of its other error
    lines, nearest to the step's end first (what a reader looks at when no block says it all). The step's
    name is the analysis's ``failed_step``: its header line is not repeated. ``from_blocks``: the ranges are
    error blocks (not the step's tail taken for want of any), so one that reaches the step's end is what the step
    printed last and the tail offered stops TAIL_LINES lines before it."""
    have: set[int] = {no for a, b in ranges for no in range(a, b + 1)}
    left = budget - len(have)
    if left <= 0:
        return ranges
    begin, end = region
    offers: list[list[int]] = []
    if not has_steps:
        # Nothing names what was running: the failed build step's last lines and the lines before each
        # error block say it (with steps, the step's name and its command's echo do).
        lead_end = _command_end(lines, begin, end)
        lead = _step_lines_back(lines, begin, lead_end, LEAD_UP, keep=lambda _line: True)
        if lead:
            offers.append(lead)
    reach = SURE_TAIL if sure else FILL_TAIL
    last_core = max((b for a, b in ranges if begin <= a <= end), default=None)
    if sure and last_core is not None and end - last_core > FAR_FROM_END:
        reach = FILL_TAIL  # the step went on long after the tool's report: what it printed last may be the cause
    at_end = sure and last_core is not None and end - last_core <= AT_END and _own_report(lines, ranges, last_core)
    tail_begin = begin
    if not sure and from_blocks and last_core is not None and end - last_core <= AT_END:
        # an error block is what the step printed last: the tail is that block and the few lines before it, when
        # the block says something itself; a summary line alone ("ERROR SUMMARY: 2 errors", "3 failed") closes a
        # report of a tool the analyzer does not know, printed above it, so the tail stays long
        first = next(a for a, b in ranges if b == last_core)
        said = sum(1 for no in range(first, last_core + 1) if no in lines and lines[no].info.role != "exit")
        if said >= REPORT_LINES:
            tail_begin = max(begin, first - TAIL_LINES)
    tail = _step_lines_back(
        lines,
        tail_begin,
        end,
        reach,
        keep=lambda line: _tail_keeps(line, sure=sure, at_end=at_end),
    )
    if tail:
        offers.append(tail)
    if not has_steps:
        offers.extend(_block_lead(lines, begin, a) for a, _ in ranges if begin <= a <= end)
    if sure:
        # the step's verdict lines ("FAIL pkg", "make: *** [all] Error 2", "Found 3 errors"), one line each
        offers.extend([n] for n in sorted(lines) if begin <= n <= end and lines[n].info.role == "trailer")
    verdict = lines.get(exit_at) if exit_at is not None else None
    if verdict is not None and (verdict.info.exit_code in TELLING_EXITS or verdict.info.category is not None):
        # killed (137: out of memory), terminated (143), timed out (124); a runner's reason (GitLab's "execution
        # took longer than 1h", "Job failed (system failure): ...")
        offers.insert(0, [verdict.no])
    inside = [] if sure else sorted((n for n in lines if begin <= n <= end), reverse=True)
    for n in inside:
        line = lines[n]
        if n in baseline_hits or line.info.role not in ("anchor", "header", "trailer") or line.info.score <= 0:
            continue
        offers.append([k for k in range(n - FILL_BEFORE, n + FILL_AFTER + 1) if begin <= k <= end and k in lines])
    for offer in offers:
        new = [k for k in offer if k not in have and (skipped is None or k not in skipped)]
        if not new:
            continue
        if len(new) > left:
            break
        have.update(new)
        left -= len(new)
    return _runs(have)


def _own_report(lines: dict[int, Line], ranges: list[tuple[int, int]], last: int) -> bool:
    """Whether the range ending at ``last`` holds a tool's own report (a test's failure, a compiler's error)
    rather than only a runner's verdict on a command it ran (npm's, Maven's, Gradle's, Jenkins', an Actions
    annotation) or a generic error line: the cause of those is in the output above them."""
    first = next(a for a, b in ranges if b == last)
    return any(
        lines[no].info.role in ("anchor", "header") and lines[no].info.rule not in RUNNER_RULES
        for no in range(first, last + 1)
        if no in lines and lines[no].info.score >= 2
    )


def _tail_keeps(line: Line, *, sure: bool, at_end: bool) -> bool:
    """Whether the step's tail offers ``line``: every line when no tool's block explains the step; without
    progress lines when one does; only warnings when that block is the step's end."""
    warning = bool(_WARNING.match(line.text))
    if at_end:
        return warning
    return not sure or line.info.role != "noise" or warning


def _command_end(lines: dict[int, Line], begin: int, end: int) -> int:
    """The last line the failing command printed: before the marker that closed its build step (a log
    without steps) or the end of the failing step."""
    for no in range(end, max(begin, end - LEAD_REACH * 5) - 1, -1):
        line = lines.get(no)
        if line is not None and line.info.rule in _COMMAND_FAILED:
            return no - 1
    return end


def _step_lines_back(
    lines: dict[int, Line], begin: int, end: int, reach: int, *, keep: Callable[[Line], bool]
) -> list[int]:
    """Up to ``reach`` lines of the step that ``keep`` accepts, backwards from ``end``, stopping at the step's
    header, the script it echoed, its shell and env (the step's name says those) or a line not retained;
    blank lines at either end dropped."""
    picked: list[int] = []
    no = end
    while no >= begin and len(picked) < reach:
        line = lines.get(no)
        if line is None:
            break
        if line.info.role == "step" or line.echo or _STEP_PREAMBLE.match(line.text):
            break
        if (line.text.strip() or picked) and keep(line):
            picked.append(no)
        no -= 1
    while picked and not lines[picked[-1]].text.strip():
        picked.pop()
    return sorted(picked)


def _block_lead(lines: dict[int, Line], begin: int, start: int) -> list[int]:
    """The BLOCK_LEAD lines of text before a block (and the blank lines between them), within its step and
    up to the first progress (noise) line."""
    picked: list[int] = []
    text = 0
    no = start - 1
    while no >= begin and text < BLOCK_LEAD:
        line = lines.get(no)
        if line is None or line.info.role in ("step", "exit", "noise") or line.echo or _STEP_PREAMBLE.match(line.text):
            break  # a tool's progress lines ("[INFO] ...") before the block say nothing about it
        picked.append(no)
        if line.text.strip():
            text += 1
        no -= 1
    return sorted(picked)


_PY_FRAME = rx.compile(r'^\s*File "(?P<path>[^"]+)", line \d+')
_RUST_FRAME = rx.compile(r"^\s+at (?P<path>\S+):\d+:\d+$")
_RUST_SYMBOL = rx.compile(r"^\s+\d+: \S")
_JS_FRAME = rx.compile(r"^\s*at (?:.*\()?(?P<path>[^()\s]+):\d+:\d+\)?$")
_LIBRARY = rx.compile(
    r"(?:^|[/\\])(?:site-packages|dist-packages|node_modules|hostedtoolcache|go[/\\]pkg[/\\]mod)[/\\]"
    r"|[/\\]\.cargo[/\\]registry[/\\]|[/\\]\.rustup[/\\]|[/\\]lib[/\\]python\d[\d.]*[/\\]"
    r"|^/rustc/|^<frozen |^node:"
)
"""Where a stack frame's file is an installed library or the toolchain, not the code being built or tested."""
_PYTEST_SHORT_FRAME = rx.compile(r"^(?P<path>[^\s:]+\.py):\d+: in \S")
"""pytest's frame in its short and collection tracebacks: "/usr/lib/python3.11/importlib/__init__.py:126: in f"."""
_GO_FRAME_FILE = rx.compile(r"^\s+(?P<path>/\S+\.go):\d+(?: \+0x[0-9a-fA-F]+)?$")
"""The file line of a goroutine's frame (under its function's line): "\t/src/ledger/ledger.go:33 +0x312"."""
_GO_ROOT = rx.compile(r"/go(?:-[\d.]+)?/src/")
"""Go's own sources (GOROOT: "/usr/lib/go-1.19/src/testing/testing.go", "/usr/local/go/src/runtime/panic.go"); a
module's frame (the module cache) is a dependency the code called and stays."""
_NATIVE_FRAME = rx.compile(r"^\s*#\d+ 0x[0-9a-fA-F]+ in \S+ (?P<path>\S+)")
"""A sanitizer's (or gdb's) frame: "#1 0x55d5 in buffer_append /src/buffer.c:15:5"."""
_NATIVE_LIBRARY = rx.compile(r"^\(|^(?:\.\./)*(?:csu|sysdeps|libio|nptl|stdlib)/|^/usr/|^/lib")
"""A native frame without the code's source: a binary's offset ("(/src/test+0xa3529)": the sanitizer's own
interceptors, "_start") or the C library's sources and installed files."""
FRAME_SOURCE = 2
"""Lines under a Python frame that belong to it: the source line it quotes and the position markers under it."""


def _frame_source(lines: dict[int, Line], no: int, last: int, quotes: Callable[[str], bool]) -> list[int]:
    """Frame line ``no`` and the lines under it (up to FRAME_SOURCE, not past ``last``) that ``quotes`` says are
    its source and markers."""
    own = [no]
    for k in range(no + 1, min(last, no + FRAME_SOURCE) + 1):
        nxt = lines.get(k)
        if nxt is None or not quotes(nxt.text):
            break
        own.append(k)
    return own


def _library_frames(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """The lines of the stack frames in ``ranges`` that point into an installed library or the toolchain (a
    Python frame and the source it quotes, pytest's "path.py:12: in f" and its source, a Rust backtrace's frame and
    its symbol line, a goroutine's frame into Go's own sources, a JavaScript ``at`` line, a sanitizer's native
    frame into a binary or the C library), when the selection's traces also have a frame into the code itself
    (pytest's report of one test may be cut into several ranges): the trace's way through the test runner and
    the standard library is not what a reader of the failure needs (the frames into the code are). Traces with
    no frame of the code's own (a library that failed on its own) keep every frame."""
    out: set[int] = set()
    frames: list[tuple[list[int], bool]] = []
    for first, last in ranges:
        for no in range(first, last + 1):
            line = lines.get(no)
            if line is None:
                continue
            text = line.text
            if "File \"" in text:
                m = _PY_FRAME.match(text)
                if m is not None:
                    own = _frame_source(
                        lines, no, last, lambda t: t.startswith("    ") and _PY_FRAME.match(t) is None
                    )
                    frames.append((own, _LIBRARY.search(m.group("path")) is not None))
                    continue
            if ".go:" in text:
                m = _GO_FRAME_FILE.match(text)
                if m is not None:
                    before = lines.get(no - 1)
                    call = no > first and before is not None and before.text[:1] not in ("", " ", "\t")
                    path = m.group("path")
                    frames.append(([no - 1, no] if call else [no], _GO_ROOT.search(path) is not None))
                    continue
            if "#" in text and " in " in text:
                m = _NATIVE_FRAME.match(text)
                if m is not None:
                    frames.append(([no], _NATIVE_LIBRARY.search(m.group("path")) is not None))
                    continue
            if ": in " in text:
                m = _PYTEST_SHORT_FRAME.match(text)
                if m is not None:
                    own = _frame_source(lines, no, last, lambda t: t.startswith(" ") and bool(t.strip()))
                    frames.append((own, _LIBRARY.search(m.group("path")) is not None))
                    continue
            if "at " not in text:
                continue
            m = _RUST_FRAME.match(text)
            if m is not None:
                before = lines.get(no - 1)
                own = [no - 1, no] if no > first and before is not None and _RUST_SYMBOL.match(before.text) else [no]
                frames.append((own, _LIBRARY.search(m.group("path")) is not None))
                continue
            m = _JS_FRAME.match(text)
            if m is not None:
                frames.append(([no], _LIBRARY.search(m.group("path")) is not None))
    if any(not foreign for _, foreign in frames):
        out.update(no for own, foreign in frames if foreign for no in own)
    return out


_SNIPPET_AT = rx.compile(r"^\s*--> \S+:\d+")
"""The location line of a diagnostic in the annotated-snippet layout (rustc, clippy, ruff): ``--> src/a.rs:3:5``."""
_SNIPPET_GUTTER = rx.compile(r"^\s*\|\s*$")
_SNIPPET_NOTE = rx.compile(r"^\s*= (?:help|note)\b")
_SNIPPET_HELP = rx.compile(r"^\s*help:")
_SNIPPET_SOURCE = rx.compile(r"^\s*\d+\s*\|")
_SNIPPET_MARKED = rx.compile(r"^\s*\d*\s*\|.*\^")
_SNIPPET_DIFF = rx.compile(r"^\s*\d*\s*[+-](?: |$)")


CODED_RULES = frozenset({"ruff_rule", "ruff_format"})


def _snippet_detail(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """In a diagnostic laid out as an annotated snippet (a header, ``--> path:line:col``, the source with ``|``
    gutters and ``^`` markers), the lines after the location that say nothing of the error: empty gutters, the
    source lines around the marked one, the ``= help``/``= note`` advice and the ``help:`` suggestion with its
    diff. The header, the location, the marked source line and its markers stay; after a linter's finding
    named by its rule's code (CODED_RULES: ruff's "F401 [*] `os` imported but unused"), the header and the
    location alone (ruff format's "unformatted: File would be reformatted" too: its diff is what the formatter
    writes)."""
    out: set[int] = set()
    for first, last in ranges:
        no = first
        while no <= last:
            line = lines.get(no)
            if line is None or "-->" not in line.text or not _SNIPPET_AT.match(line.text):
                no += 1
                continue
            coded = no - 1 in lines and lines[no - 1].info.rule in CODED_RULES
            no += 1
            suggestion = False
            while no <= last and no in lines and lines[no].text.strip():
                text = lines[no].text
                if "-->" in text and _SNIPPET_AT.match(text):
                    break
                suggestion = suggestion or _SNIPPET_HELP.match(text) is not None
                after = lines.get(no + 1)
                marked = _SNIPPET_MARKED.match(text) is not None or (
                    after is not None and _SNIPPET_MARKED.match(after.text) is not None
                )
                if (
                    coded
                    or suggestion
                    or _SNIPPET_GUTTER.match(text)
                    or _SNIPPET_NOTE.match(text)
                    or _SNIPPET_DIFF.match(text)
                    or (_SNIPPET_SOURCE.match(text) and not marked)
                ):
                    out.add(no)
                no += 1
    return out


_FRAME_LINE = rx.compile(r"^\s*(?:>\s*)?\d+\s*\|")
"""A source line of a code frame (jest, vitest, Babel, eslint's codeframe): ``  12 | code``, ``> 13 | code``."""
_FRAME_POINTED = rx.compile(r"^\s*>\s*\d+\s*\|")
_FRAME_MARKER = rx.compile(r"^\s*\|\s*[\^~]")
CODE_FRAME_MIN = 3
"""Numbered source lines in a row that make a code frame (fewer may be a table or a numbered list)."""


def _in_code_frame(text: str) -> bool:
    return _FRAME_LINE.match(text) is not None or text.strip() == "|" or _FRAME_MARKER.match(text) is not None


def _code_frame_context(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """In a code frame (numbered source lines around the failing one, which a ``>`` or a ``^`` marker line under
    it points at), the source lines around the pointed one and its empty gutters: the pointed line and its
    marker stay."""
    out: set[int] = set()
    for first, last in ranges:
        no = first
        while no <= last:
            run: list[int] = []
            while no <= last and no in lines and _in_code_frame(lines[no].text):
                run.append(no)
                no += 1
            numbered = [n for n in run if _FRAME_LINE.match(lines[n].text)]
            if len(numbered) >= CODE_FRAME_MIN and any(
                _FRAME_POINTED.match(lines[n].text) or _FRAME_MARKER.match(lines[n].text) for n in run
            ):
                for n in run:
                    text = lines[n].text
                    after = lines.get(n + 1)
                    pointed = _FRAME_POINTED.match(text) is not None or (
                        n in numbered and after is not None and _FRAME_MARKER.match(after.text) is not None
                    )
                    if not pointed and not _FRAME_MARKER.match(text):
                        out.add(n)
            if not run:
                no += 1
    return out


_USAGE = rx.compile(r"^(?:npm (?:error|ERR!)|\[ERROR\]|error:?)?\s*Usage:(?:\s|$)")
"""The banner of a command's usage text (``npm error Usage:``)."""


def _usage_after_error(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """The usage text a command prints after the error that stopped it (npm's ``EUSAGE``: its synopsis and
    every option's description; picocli's after ``Error: ...``): from the ``Usage:`` banner to the end of the
    lines with the error's own prefix, or without a prefix to the block's end or its next error line. The error
    above the banner says what was wrong; a usage text at the start of a block (argparse prints it
    before its error) is left alone."""
    out: set[int] = set()
    for first, last in ranges:
        for no in range(first + 1, last + 1):
            line = lines.get(no)
            if line is None or "Usage:" not in line.text or not _USAGE.match(line.text):
                continue
            family = _family(line.text)
            k = no
            while k <= last and k in lines and (family is None or lines[k].text.startswith(family)):
                if k > no and lines[k].info.role == "anchor" and lines[k].info.score >= 2 and family is None:
                    break  # an error of its own after the usage text
                out.add(k)
                k += 1
            break
    return out


TOTALS_RULES = frozenset(
    {"pytest_totals", "js_totals", "cargo_result", "cargo_rerun", "typecheck_total", "tap_fail_count", "gradle_counts",
     "js_summary", "lint_found", "ctest_totals", "pytest_totals_plain",
     "unittest_ran", "eslint_totals"}
)
"""A test runner's or type checker's count of what failed ("=== 1 failed, 3 passed in 0.1s ===", "Tests: 1 failed,
3 passed", "test result: FAILED. 2 passed; 1 failed", "Found 4 errors in 2 files", "# fail 1", CTest's
"50% tests passed, 1 tests failed out of 2"), the rest of Jest's and Vitest's run summary, ruff's "Found 6 errors."
with its "[*] 3 fixable" and cargo's "to rerun pass --lib": they repeat what the tool's report above them says.
(pytest's "!!! Interrupted: 1 error during collection !!!" and -q's "1 error in 0.36s", unittest's "Ran 3 tests in
0.006s", ESLint's "\u2716 5 problems (4 errors, 1 warning)" too.)"""


_FAILED_COUNT = rx.compile(
    r"(?i)\b[1-9]\d* (?:failed|failures?|errors?|problems?|failing)\b|\b(?:failures|errors)=[1-9]|^# fail +[1-9]"
)
"""A count that says how many failed ("3 failed, 2 passed", "\u2716 3 problems", "# fail 2"): the run's verdict in one
line, the line a reader's eye goes to at the end of the step: the last such line of the selection is kept, where the
rest of the summary goes (Jest's "Test Suites: 1 failed" above its "Tests: 1 failed, 3 passed", pytest's "Interrupted:
1 error" banner above its "1 error in 0.36s")."""


def _runner_totals(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """The count lines (TOTALS_RULES) of the selection but its last count of failures (_FAILED_COUNT), when it holds
    the tool's own report they count: a failing test's or a checker's error line. Alone, a count is what there is to
    read and stays. (mocha's "2 failing" is not one: its numbered list of failing tests follows it, read for their
    names.)"""
    chosen = _held(lines, ranges)
    totals = {no for no in chosen if lines[no].info.rule in TOTALS_RULES}
    verdict = max(
        (no for no in totals if _FAILED_COUNT.search(lines[no].text) and "fixable" not in lines[no].text), default=None
    )  # (ESLint's "1 error and 0 warnings potentially fixable" counts what --fix can do, not what failed)
    totals.discard(verdict)  # (a None is not in it)
    if not totals:
        return set()
    reported = any(
        lines[no].info.role in ("anchor", "header")
        and lines[no].info.score >= 2
        and lines[no].info.rule not in RUNNER_RULES
        and no not in totals
        for no in chosen
    )
    return totals if reported else set()


PHPUNIT_RULES = frozenset({"phpunit_header", "phpunit_assert", "phpunit_verdict"})
_PASSED_TEST = rx.compile(r"^\s*[\u2713\u2714\u221a] \S")
_EMPTY_GUTTER = rx.compile(r"^\s*\u2502\s*$")
_PHPUNIT_RESOURCES = rx.compile(r"^Time: \d\d:\d\d\.\d+, Memory: [\d.]+ \w+$")
_SHELLCHECK_WIKI = rx.compile(r"^For more information:$|^\s+https://www\.shellcheck\.net/wiki/SC\d{4}\b")
_RUST_BACKTRACE_HINT = rx.compile(r"^note: run with `RUST_BACKTRACE=(?:1|full)` environment variable to display")
_BLACK_FLOURISH = rx.compile(r"^Oh no! \S+ \S+ \S+$")
_RUBOCOP_MARKERS = rx.compile(r"^\s*\^+$")
_ESLINT_WARNING = rx.compile(r"^\s+\d+:\d+\s+warning\s+")
_NPM_LOG_POINTER = rx.compile(
    r"^npm (?:ERR!|error) (?:A complete log of this run can be found in:|\s+\S+-debug(?:-\d+)?\.log$)"
)


def _asides(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """Lines a tool prints beside its error that are not it: ESLint's warnings when its report has errors (a
    warning fails the run only with ``--max-warnings``, and then no error is there), npm's pointer to its debug
    log ("npm error A complete log of this run can be found in: ..."), PHPUnit's empty "\u2502" gutter lines
    (testdox) and its "Time: 00:00.039, Memory: 6.00 MB", ShellCheck's "For more information:" links to its wiki,
    Black's "Oh no!" before its count, Rust's "note: run with `RUST_BACKTRACE=1` ..." under a panic, a passing
    test's line ("\u2713 starts empty (12 ms)") beside a failing test's report, and under a RuboCop offense the
    source line it quotes with its ``^^^`` markers (the offense's path:line:col says where)."""
    nos = _held(lines, ranges)
    errors = any(lines[no].info.rule == "eslint" for no in nos)
    phpunit = any(lines[no].info.rule in PHPUNIT_RULES for no in nos)
    shellcheck = any(lines[no].info.rule == "shellcheck_note" for no in nos)
    out = {
        no
        for no in nos
        if (errors and _ESLINT_WARNING.match(lines[no].text))
        or (lines[no].text.startswith("npm ") and _NPM_LOG_POINTER.match(lines[no].text))
        or (phpunit and (_EMPTY_GUTTER.match(lines[no].text) or _PHPUNIT_RESOURCES.match(lines[no].text)))
        or (shellcheck and _SHELLCHECK_WIKI.match(lines[no].text))
        or _BLACK_FLOURISH.match(lines[no].text)
        or _RUST_BACKTRACE_HINT.match(lines[no].text)
    }
    if any(RULE_CATEGORY.get(lines[no].info.rule) == "test" and lines[no].info.role == "anchor" for no in nos):
        out.update(no for no in nos if _PASSED_TEST.match(lines[no].text))
    if any(lines[no].info.rule == "rubocop" for no in nos):
        for no in nos:
            if _RUBOCOP_MARKERS.match(lines[no].text):
                out.add(no)
                if no - 1 in lines and lines[no - 1].info.rule != "rubocop":
                    out.add(no - 1)
    return out


_RESOLVE_TRACE = rx.compile(r"^resolve '[^']+' in '[^']+'$")
_CANT_RESOLVE = rx.compile(r"\bCan't resolve '")


def _resolver_trace(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """Under webpack's "Module not found: Error: Can't resolve 'x' in '/w/src'", the log of its resolver (shown with
    detailed stats): "resolve 'x' in '/w/src'" and the indented lines of every place and extension it tried, up to
    the next blank line. The error line and a "Did you mean './x.js'?" above the log say what is wrong."""
    nos = _held(lines, ranges)
    if not any(_CANT_RESOLVE.search(lines[no].text) for no in nos):
        return set()
    out: set[int] = set()
    tracing = False
    for no in sorted(nos):
        text = lines[no].text
        if _RESOLVE_TRACE.match(text):
            tracing = True
        elif not text.strip() or not text.startswith(" "):
            tracing = False
        if tracing:
            out.add(no)
    return out


_PY_MARKERS = rx.compile(r"^\s+[~^]+$")


def _python_markers(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """Python's (3.11+) ``^^^^`` and ``~~~^^^`` markers under the source line a traceback's frame quotes: the frame
    and its source line say where."""
    out: set[int] = set()
    for first, last in ranges:
        for no in range(first + 2, last + 1):
            line = lines.get(no)
            frame = lines.get(no - 2)
            if (
                line is not None
                and frame is not None
                and _PY_MARKERS.match(line.text)
                and 'File "' in frame.text
                and _PY_FRAME.match(frame.text)
            ):
                out.add(no)
    return out


_COVERAGE_HEAD = rx.compile(r"^[_-]{3,} coverage: .*[_-]{3,}$")
_COVERAGE_ROW = rx.compile(
    r"^$|^Name\s+Stmts\s+Miss\b|^-{5,}$|^\S+\s+\d+\s+\d+(?:\s+\d+){0,2}\s+\d+(?:\.\d+)?%(?:\s|$)|^TOTAL\s+\d+"
)


def _coverage_table(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """coverage.py's table as pytest-cov prints it ("___ coverage: platform linux ... ___", "Name  Stmts  Miss
    Cover", a row per file, "TOTAL ... 41%"): the threshold's verdict ("FAIL Required test coverage of 90% not
    reached. Total coverage: 40.54%") says what failed."""
    return _headed_rows(
        lines,
        ranges,
        lambda text: "coverage: " in text and _COVERAGE_HEAD.match(text) is not None,
        lambda text: _COVERAGE_ROW.match(text.strip()) is not None,
    )


_BANDIT_ISSUE = rx.compile(r"^>> Issue: \[[A-Z]{1,4}\d{3,5}")
_BANDIT_METADATA = rx.compile(
    r"^\s+(?:Severity: \w+\s+Confidence: \w+|CWE: CWE-\d+ \(\S+\)|More Info: \S+)\s*$|^-{40,}$"
)


def _finding_metadata(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """Bandit's lines under each ">> Issue: [B602:...] message" that grade and file it rather than say it
    ("Severity: High   Confidence: High", "CWE: CWE-78 (url)", "More Info: url") and the rule between issues;
    the issue and its "Location: path:line:col" stay."""
    nos = _held(lines, ranges)
    if not any(_BANDIT_ISSUE.match(lines[no].text) for no in nos):
        return set()
    return {no for no in nos if _BANDIT_METADATA.match(lines[no].text)}


_TAP_BOOKKEEPING = rx.compile(
    r"^\s*(?:---|\.\.\.|1\.\.\d+|duration_ms: [\d.]+|failureType: '\w+'|operator: '\w+'"
    r"|stack: \|-)$"
    r"|^\s+(?:async )?\S+(?: \S+)? \((?:node:\S+|index \d+)\)$"
    r"|^# (?:tests|suites|pass|cancelled|skipped|todo|duration_ms) [\d.]+$"
)


def _tap_bookkeeping(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """In a selection holding a TAP "not ok" (node --test's reporter), the YAML block's bookkeeping: its ``---`` and
    ``...`` fences, the plan ("1..2"), the duration, the failure's type and operator, the "stack:" key and the
    frames inside node itself, and the run's closing counts ("# tests 2", "# pass 1"). The location, the error,
    its message, name and code, expected and actual, the test's own frame and "# fail N" stay."""
    nos = _held(lines, ranges)
    if not any(lines[no].info.rule == "tap_not_ok" for no in nos):
        return set()
    return {no for no in nos if _TAP_BOOKKEEPING.match(lines[no].text)}


_GRADLE_EPILOGUE = rx.compile(
    r"^\* Try:$|^>? ?Run with --(?:stacktrace|info|debug|scan)\b|^>? ?Get more help at \S|^\* Get more help at \S"
    r"|^BUILD FAILED in \S+$|^\d+ actionable tasks?: "
)
GRADLE_RULES = frozenset({"gradle_task", "gradle_failure"})


def _gradle_epilogue(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """After Gradle's "* What went wrong:" report, its advice ("* Try:", "Run with --stacktrace ...", "* Get more
    help at ...") and its closing lines ("BUILD FAILED in 18s", "1 actionable task: 1 executed"), in a range
    that holds Gradle's report: the report says what failed."""
    out: set[int] = set()
    for first, last in ranges:
        nos = [no for no in range(first, last + 1) if no in lines]
        if not any(lines[no].info.rule in GRADLE_RULES for no in nos):
            continue
        out.update(no for no in nos if _GRADLE_EPILOGUE.match(lines[no].text))
    return out


_SHADOW_HEAD = rx.compile(r"^Shadow bytes around the buggy address:$")
_SHADOW_LINE = rx.compile(
    r"^(?:=>)?\s*0x[0-9a-fA-F]+:(?:\s|\[|\]|[0-9a-fA-F]{2})*$|^Shadow byte legend\b"
    r"|^\s+[A-Z][\w ]*:\s+(?:[0-9a-fA-F]{2}\s*)+$"
)
_SANITIZER_ABORT = rx.compile(r"^==\d+==ABORTING$")


def _shadow_dump(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """AddressSanitizer's memory map after its report ("Shadow bytes around the buggy address:", the rows of
    shadow bytes, their legend) and its "==N==ABORTING": the report's first line, its frames and its
    SUMMARY say what went wrong and where."""
    out = _headed_rows(
        lines,
        ranges,
        lambda text: _SHADOW_HEAD.match(text) is not None,
        lambda text: _SHADOW_LINE.match(text) is not None,
    )
    return out | {no for no in _held(lines, ranges) if _SANITIZER_ABORT.match(lines[no].text)}


_FRAME_RULE = rx.compile(r"^-{20,}$")
_CARET_ONLY = rx.compile(r"^\s*\^[~^]*\s*$")


def _framed_above(lines: dict[int, Line], no: int, prev: Line) -> bool:
    """Whether ``prev`` is part of the code frame drawn above the error at ``no`` between rules of dashes (Cython's
    "------", the quoted source, its "^" marker, "------", then "src/x.pyx:21:42: message"): the closing rule,
    the marker, and the source line the marker points into."""
    rule = lines.get(no - 1)
    if rule is None or not _FRAME_RULE.match(rule.text):
        return False
    if prev.no == no - 1 or _CARET_ONLY.match(prev.text):
        return True
    below = lines.get(prev.no + 1)
    return below is not None and _CARET_ONLY.match(below.text) is not None


_LOCATION_ALONE = rx.compile(r"^\s*(?:In |at )?[\w.@+~/\\-]*\.\w{1,8}:\d+(?::\d+)?:?\s*$")
"""A location alone on its line, over the error it locates (Next.js's "./src/app/page.tsx:12:7" over "Type error: ...",
Crystal's "In src/x.cr:3:5")."""
HUNK_RULES = frozenset({"rustfmt_diff", "tree_diff_header"})
"""A formatter's header of one hunk or file of the change it would make ("Diff in src/lib.rs:12:", "--- old/main.tf"):
the file (and line)."""
_HUNK_LINE = rx.compile(r"^(?:[ +-]|@@ |$)")


def _formatter_hunks(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> set[int]:
    """The body of each hunk a formatter prints after its header (HUNK_RULES): the source as it is and as the
    formatter would write it (`` `` context, ``-`` and ``+`` lines, a unified diff's ``+++`` and ``@@``). The
    header says what to fix and where; running the formatter fixes it."""
    out: set[int] = set()
    for first, last in ranges:
        for no in range(first, last + 1):
            line = lines.get(no)
            if line is None or line.info.rule not in HUNK_RULES:
                continue
            body = no + 1
            while body in lines and lines[body].info.role == "plain" and _HUNK_LINE.match(lines[body].text):
                out.add(body)
                body += 1
    return out


def _held(lines: dict[int, Line], ranges: list[tuple[int, int]]) -> list[int]:
    """The numbers of the kept lines in ``ranges``, in order."""
    return [no for first, last in ranges for no in range(first, last + 1) if no in lines]


def _headed_rows(
    lines: dict[int, Line],
    ranges: list[tuple[int, int]],
    is_head: Callable[[str], bool],
    is_row: Callable[[str], bool],
) -> set[int]:
    """In ``ranges``, each line ``is_head`` says heads a section and the lines right after it that ``is_row`` says
    are its rows (a table, a memory map), up to the first that is not."""
    out: set[int] = set()
    for first, last in ranges:
        no = first
        while no <= last:
            line = lines.get(no)
            if line is None or not is_head(line.text):
                no += 1
                continue
            out.add(no)
            no += 1
            while no <= last and no in lines and is_row(lines[no].text):
                out.add(no)
                no += 1
    return out


def _runs(numbers: set[int]) -> list[tuple[int, int]]:
    """Consecutive numbers as (first, last) ranges."""
    out: list[tuple[int, int]] = []
    for no in sorted(numbers):
        if out and no == out[-1][1] + 1:
            out[-1] = (out[-1][0], no)
        else:
            out.append((no, no))
    return out


_IDENT = rx.compile(
    r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)+|[\w\-]+\.(?:java|kt|py|go|rs|js|ts|c|cpp|rb|cs|scala)\b"
)
_COMMON_IDENT = rx.compile(
    r"^(?:java|javax|sun|jdk|org\.junit|org\.apache\.maven|org\.codehaus|hudson|jenkins|kotlin"
    r"|scala|python|builtins|node|go|runtime|testing|com\.sun)\b|^\w+\.(?:lang|io|util|nio)\b"
)


def _identifiers(lines: dict[int, Line], block: Block) -> set[str]:
    out: set[str] = set()
    # the block's first lines, and its strong lines (a failing test's verdict names its class)
    nos = sorted({*range(block.start, min(block.end, block.start + 5) + 1), *block.anchors[:20]})
    for no in nos:
        line = lines.get(no)
        if line is None:
            continue
        if line.info.test:
            out.add(line.info.test.split("(")[0].strip())
        for m in _IDENT.finditer(line.text):
            ident = m.group(0)
            if len(ident) >= 8 and not _COMMON_IDENT.match(ident) and ident.count(".") <= 6:
                out.add(ident.rsplit(".", 1)[-1] if ident.count(".") >= 2 else ident)
    return out


def _failing_verdict(text: str) -> bool:
    """Whether a line is a failing test's verdict (the words it needs looked for first: most lines lack them)."""
    if "<<< " not in text and "Tests run: " not in text and not text.startswith(("FAILED", "ERROR")):
        return False
    return _FAILING_VERDICT.search(text) is not None


def _demote_passing_test_output(blocks: list[Block], lines: dict[int, Line], passes: list[int]) -> None:
    """Output printed by a test class that then reported no failure (surefire's "Tests run: 3, Failures: 0,
    Errors: 0 ... - in X", pytest -v's "PASSED" after a test's output) is noise from passing tests: a logged
    exception, not the failure."""
    if not passes:
        return
    for b in blocks:
        i = bisect.bisect_right(passes, b.end)
        if i == len(passes) or passes[i] - b.end > PASS_REACH:
            continue
        verdict = passes[i]
        if any(_COMPILER_SHAPE.search(lines[no].text) for no in b.anchors[:20]):
            continue  # a compiler's error in another module, not a test's output
        # a failing verdict in between means the block belongs to a failing class
        if any(_failing_verdict(lines[no].text) for no in range(b.start, verdict) if no in lines):
            continue
        b.score -= 2


_BARE_PASSED = rx.compile(r"^\s*PASSED(?:\s+\[\s*\d+%\])?\s*$")
"""``pytest -v -s``: a test's verdict on a line of its own after the output the test printed (its id came
before that output); "x > y PASSED" would be the next test's verdict, not this one's."""


SAME_OUTPUT_GAP = 30
"""Blocks this close before one that a PASSED verdict closes are the same test's output (a long traceback the
scanner kept in pieces)."""


def _demote_passed_right_after(blocks: list[Block], lines: dict[int, Line]) -> None:
    """A block followed at once by a bare PASSED verdict, and the blocks just before it, are what a passing
    test logged (a retried call's traceback), not the failure."""
    ordered = sorted(blocks, key=lambda b: b.start)
    demoted: set[int] = set()
    for i, b in enumerate(ordered):
        after = next((lines[n] for n in range(b.end + 1, b.end + 3) if n in lines and lines[n].text.strip()), None)
        if after is None or not _BARE_PASSED.match(after.text):
            continue
        head = b
        j = i
        while j >= 0 and (j == i or head.start - ordered[j].end <= SAME_OUTPUT_GAP):
            if j not in demoted:
                ordered[j].score -= 2
                demoted.add(j)
            head = ordered[j]
            j -= 1


def _final_zone(blocks: list[Block], lines: dict[int, Line]) -> list[Block]:
    """Without steps: the last cluster of blocks, plus earlier blocks that the final ones refer to."""
    ordered = sorted(blocks, key=lambda b: b.start)
    zone = [ordered[-1]]
    for b in reversed(ordered[:-1]):
        if zone[0].start - b.end <= ZONE_GAP:
            zone.insert(0, b)
        else:
            break
    if len(zone) == len(ordered):
        return ordered
    zone_text = "\n".join(lines[no].text for b in zone for no in range(b.start, b.end + 1) if no in lines)
    kept = []
    for b in ordered[: len(ordered) - len(zone)]:
        idents = _identifiers(lines, b)
        if any(ident in zone_text for ident in idents):
            kept.append(b)
    return kept + zone


def _reach_step_end(blocks: list[Block], lines: dict[int, Line], begin: int, end: int) -> None:
    """Let the last block in the failing step run on to the step's end when only a few lines remain."""
    inside = [b for b in blocks if begin <= b.start <= end]
    if not inside:
        return
    last = max(inside, key=lambda b: b.end)
    if end - last.end > STEP_END_REACH:
        return
    new_end = last.end
    noise_run = 0
    for no in range(last.end + 1, end + 1):
        line = lines.get(no)
        if line is None or line.info.role in ("exit", "step") or line.echo:
            break
        if line.text.startswith("##[") and not line.text.startswith("##[error]"):
            break
        # The step's verdict lines ("FAIL", "FAIL pkg", "make: *** Error 1") may be interleaved with
        # a lone progress line ("ok  pkg"); a run of such lines is just the rest of the output.
        if line.info.role == "noise":
            noise_run += 1
            if noise_run >= 2:
                break
            continue
        noise_run = 0
        if line.text.strip():
            new_end = no
    last.end = new_end
    marker = lines.get(end + 1)
    if (
        INCLUDE_EXIT
        and new_end >= end
        and marker is not None
        and marker.info.role == "exit"
        and (marker.info.exit_code or marker.info.rule == "jenkins_finished")
    ):
        last.end = end + 1  # "Process completed with exit code N" closes the explanation


def _budget(blocks: list[Block], max_lines: int) -> list[tuple[int, int]]:
    # Highest score first; among equals the final block (where the job gave up), then the earliest
    # ones (the first error is most often the cause, later ones its consequences).
    last_end = max(b.end for b in blocks)
    # Past the last cluster, the nearest to it first: an earlier command's errors are further from the cause.
    zone_start = min(b.start for b in blocks if last_end - b.end <= ZONE_GAP)
    order = sorted(
        blocks,
        key=lambda b: (-b.score, b.end != last_end, b.end < zone_start, -b.end if b.end < zone_start else b.start),
    )
    left = max_lines
    ranges: list[tuple[int, int]] = []
    for b in order:
        if left <= 0:
            break
        if b.size <= left:
            ranges.append((b.start, b.end))
            left -= b.size
        elif left >= 5 or not ranges:
            ranges.append((b.start, b.start + left - 1))
            left = 0
    return sorted(ranges)


def _tail_range(lines: dict[int, Line], begin: int, end: int) -> tuple[int, int] | None:
    """The last few meaningful lines of the failing step: its output just before it failed."""
    picked: list[int] = []
    no = end
    while no >= begin and len(picked) < TAIL_LINES:
        line = lines.get(no)
        if line is None:
            if picked:
                break
            no -= 1
            continue
        text = line.text.strip()
        boring = (
            not text
            or line.echo
            or line.info.role in ("step", "exit")
            or text.startswith(("##[", "[command]", "shell:", "env:", "Post job cleanup", "Cleaning up"))
        )
        if line.info.role == "step" or text == "##[endgroup]":
            break
        if not boring:
            picked.append(no)
        elif picked and line.info.role == "noise":
            break
        no -= 1
    if not picked:
        return None
    return min(picked), max(picked)
