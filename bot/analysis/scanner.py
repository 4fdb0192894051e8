"""The streaming pass over a log: numbers its lines and keeps only the lines around candidate errors.

Memory stays bounded whatever the log's size: one chunk at a time, plus at most ``max_lines``
retained lines (the lowest-priority, oldest windows are dropped first when that is exceeded: see EVICT_DECAY_LINES).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import re2

from .patterns import (
    PREFILTER,
    SHELL_COMMAND,
    SUREFIRE_PASSED,
    SUREFIRE_VERDICT,
    TEST_CLASS_PASSED,
    LineInfo,
    plain_warning,
    surefire_passed,
)
from .reading import LineReader

MAX_LINE_BYTES = 64 * 1024
"""Longer lines are cut to this many bytes (their numbering is unaffected)."""
STEP_HEADER = 0
"""Lines kept after a step's start line (which is kept: what the step's command was)."""
COMMAND_OUTPUT = 20
"""A build step's output this short is kept whole when it ends in an error (see blocks.LEAD_REACH)."""


_PREFILTER_MATCH = PREFILTER._regexp.Match
"""The binding's matcher: spans only (finditer's match objects cost more than the line's own reading)."""
_UNANCHORED = re2._Anchor.UNANCHORED

REPEATS_IN_FULL = 16
"""A rule's first matches each keep a wide window of lines around them; past these, a match keeps only
REPEAT_BEFORE lines before and REPEAT_AFTER after it (each match is still kept and classified): a log
whose every hundredth line is the same warning-shaped error no longer keeps all its lines."""
REPEAT_BEFORE, REPEAT_AFTER = 3, 8


@dataclass
class ScanResult:
    """The sparse view of a log the analysis works on."""

    lines: dict[int, bytes]
    infos: dict[int, LineInfo]
    steps: list[tuple[int, str]]
    exits: list[tuple[int, LineInfo]]
    lines_total: int
    truncated_windows: int = 0
    candidates: int = 0
    commands: list[int] = field(default_factory=list)
    """Lines where a step-less log (Jenkins) echoes the command of a build step."""
    passes: list[int] = field(default_factory=list)
    """Lines where a test class reported that all its tests passed (surefire's per-class verdict)."""
    section_ends: list[tuple[int, str]] = field(default_factory=list)
    """GitLab's ``section_end`` markers: (line, section name)."""
    reader: LineReader = field(default_factory=LineReader)
    """What read the candidate lines: reading the kept lines with it reads each distinct line once."""


KEPT_LINES = 8_000
"""The lines retained at most (then windows are evicted, see EVICT_DECAY_LINES). Every retained line is read
and built into a line object, and the selection walks them all: on a log with more candidates than this
that work, not the log's size, is what its analysis costs beyond the scan. The real logs of the corpus and
CiDiff retain at most 7.2K lines (none evicts at this bound, every figure of bench/extraction.py is the same as with
20K); a budget of 200 lines is chosen from the failing step's end. (20K -> 8K: the generated Maven and pytest logs of
bench/analysis_speed.py analyzed ~15% and ~20% faster; at 4K the pytest log's failure lost one of its key lines.)"""

_Window = list[Any]
"""A retained window in the eviction heap: [its worth, sequence number, first line, last line, priority] (a list:
a window that the next one goes on from is extended in place, see MERGED_LINES)."""
MERGED_LINES = 256
"""A window that starts right after the last one, with no higher priority, extends it (up to this many lines):
a storm of candidates a few lines apart (a retried call's logged traceback) makes a few windows, not one each."""
EVICT_DECAY_LINES = 100_000
"""When the kept lines exceed ``max_lines``, the windows of least worth go first: a window's worth is its
priority plus one point per this many lines into the log. The end of a log is where it failed: its windows
outlast those of older lines (a long run of passing tests' logged tracebacks, say) unless these are much
stronger, and among nearby windows the priority decides."""


def _surefire_verdicts(block: bytes, base: int, passed: list[int]) -> list[tuple[int, int, int]]:
    """Surefire's verdict lines in ``block`` (its first line is ``base``): the numbers of those that say a
    class passed go to ``passed``; the others, (start, end, line number) each, are to be read as candidates.

    One pass finds the passing verdicts; the stretches between them that hold "Tests run: " at all (few)
    are searched for the other verdicts. A passing verdict is one whose line also has the verdict's shape
    from its first "Tests run: " on: when " - in " follows the passing match's own "Tests run: " and no
    other "Tests run: " comes between the previous verdict and it (the usual line), that is so without
    looking for the line's start."""
    others: list[tuple[int, int, int]] = []
    line_no, counted, pos, end = base, 0, 0, len(block)
    find, rfind, count, match = block.find, block.rfind, block.count, _PASSED_MATCH
    while pos < end:
        start, stop = match(_UNANCHORED, block, pos, end)[0]
        if start < 0:
            if find(b"Tests run: ", pos, end) >= 0:
                _other_verdicts(block, pos, end, others)
            break
        if find(b"Tests run: ", pos, start) < 0 and find(b" - in ", start, stop) >= 0:
            line_no += count(b"\n", counted, start)  # (the usual line: no other verdict since the last)
            counted = start
            passed.append(line_no)
            pos = stop + 1
            continue
        first = rfind(b"\n", 0, start) + 1  # the passing verdict's line
        if find(b"Tests run: ", pos, first) >= 0:
            _other_verdicts(block, pos, first, others)
        line_no += count(b"\n", counted, first)
        counted = first
        at = find(b"Tests run: ", first, stop)  # the verdict's shape from the line's first "Tests run: " on
        if _VERDICT_MATCH(_ANCHOR_START, block, at, stop)[0][0] >= 0:
            passed.append(line_no)
        pos = stop + 1
    line_no = base
    counted = 0
    for i, (first, stop, _) in enumerate(others):
        line_no += count(b"\n", counted, first)
        counted = first
        others[i] = (first, stop, line_no)
    return others


def _other_verdicts(block: bytes, pos: int, end: int, out: list[tuple[int, int, int]]) -> None:
    """The verdict lines between offsets ``pos`` and ``end`` (line starts) that are not a passing class's."""
    while pos < end:
        at = _VERDICT_MATCH(_UNANCHORED, block, pos, end)[0][0]
        if at < 0:
            return
        first = block.rfind(b"\n", 0, at) + 1
        stop = block.find(b"\n", at, end)
        stop = end if stop < 0 else stop
        out.append((first, stop, 0))  # (its line's number is counted by the caller)
        pos = stop + 1


_PASSED_MATCH = SUREFIRE_PASSED._regexp.Match
_VERDICT_MATCH = SUREFIRE_VERDICT._regexp.Match
_ANCHOR_START = re2._Anchor.ANCHOR_START


class Scanner:
    """Feed byte chunks in order, then call :meth:`finish`."""

    def __init__(
        self,
        *,
        before: int = 8,
        after: int = 120,
        exit_before: int = 80,
        tail: int = 100,
        max_lines: int = KEPT_LINES,
        max_steps: int = 5_000,
        decay_lines: int = EVICT_DECAY_LINES,
    ) -> None:
        self.before = before
        self.after = after
        self.exit_before = exit_before
        self.tail = tail
        self.max_lines = max_lines
        self.max_steps = max_steps
        self.decay_lines = decay_lines
        self.lines: dict[int, bytes] = {}
        self.infos: dict[int, LineInfo] = {}
        self.steps: list[tuple[int, str]] = []
        self.exits: list[tuple[int, LineInfo]] = []
        self.passes: list[int] = []
        self.commands: list[int] = []
        self.section_ends: list[tuple[int, str]] = []
        self._windows: list[_Window] = []
        self._last_window: _Window | None = None  # the last one pushed, while this block's todo ends with it
        self._pieces: dict[int, tuple[int, bytes]] = {}
        """The retained windows' lines, by the window's sequence number: (first line, the lines' bytes without
        the last newline)."""
        self._extra: dict[int, bytes] = {}
        """Lines retained from a previous block's tail for a window's lines before (in no window: never evicted)."""
        self._kept = 0  # the lines of all retained windows, and of _extra
        self._info_lines: list[int] = []  # the keys of infos, ascending
        self._rule_seen: dict[str, int] = {}
        self._seq = 0
        self._next_line = 1  # number of the first line of the next block
        self._carry = b""
        self._skip_long = False
        self._retained_upto = 0  # highest line number already retained
        self._pending_after = 0  # lines still wanted from the next block
        self._evicted: set[int] = set()
        """This block's windows evicted before their bytes were taken (:meth:`_take_windows` skips them)."""
        self._todo: list[tuple[int, int, int, int, int, int, int]] = []
        """The block's windows whose bytes are still to be taken: (first, last, sequence number, the line and
        offset of a line the window reaches from, the line and offset of the last such line merged into it)."""
        self._pending_priority = 0.0
        self._prev_tail: list[tuple[int, bytes]] = []
        self.reader = LineReader()
        """Reads the candidate lines; the analysis reads the lines kept around them with it too."""
        self._dropped = 0
        self._candidates = 0

    # ------------------------------------------------------------------ input
    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._skip_long:
            cut = chunk.find(b"\n")
            if cut < 0:
                return
            self._skip_long = False
            chunk = chunk[cut:]  # keep the newline: it ends the long line
        cut = chunk.rfind(b"\n")  # (the carried part of a line never holds one)
        if cut < 0:
            self._carry = self._carry + chunk if self._carry else chunk
            if len(self._carry) > MAX_LINE_BYTES:
                self._carry = self._carry[:MAX_LINE_BYTES]
                self._skip_long = True
            return
        if self._carry:  # the carried line's start, then the chunk's whole lines: one copy
            block = b"".join((self._carry, memoryview(chunk)[: cut + 1]))
        else:
            block = chunk if cut + 1 == len(chunk) else chunk[: cut + 1]
        self._carry = chunk[cut + 1 :]
        if len(self._carry) > MAX_LINE_BYTES:
            self._carry = self._carry[:MAX_LINE_BYTES]
            self._skip_long = True
        self._process(block)

    def feed_all(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.feed(chunk)

    def finish(self) -> ScanResult:
        if self._carry:
            self._process(self._carry + b"\n")
            self._carry = b""
        total = self._next_line - 1
        for kept in (self.passes, self.steps, self.commands):
            del kept[: max(0, len(kept) - self.max_steps)]
        self.lines = self._materialize()
        # The end of the log always stays: the failing step's tail is a strong signal.
        for no, raw in self._prev_tail:
            if no not in self.lines:
                self.lines[no] = raw
        return ScanResult(
            lines=self.lines,
            infos=self.infos,
            steps=self.steps,
            exits=self.exits,
            lines_total=total,
            truncated_windows=self._dropped,
            candidates=self._candidates,
            passes=self.passes,
            commands=self.commands,
            section_ends=self.section_ends,
            reader=self.reader,
        )

    # ------------------------------------------------------------------ work
    def _process(self, block: bytes) -> None:
        """Scan a block of whole lines (ending with a newline) starting at line ``self._next_line``."""
        base = self._next_line
        line_no = base
        counted = pos = 0
        end = len(block)
        count = block.count
        # The prefilter's matches first, one whole line each (its matcher driven directly), numbered as they are
        # found: the newlines are counted once, between the matches and after the last one.
        found: list[tuple[int, int, int]] = []
        while True:
            start, stop = _PREFILTER_MATCH(_UNANCHORED, block, pos, end)[0]
            if start < 0:
                break
            pos = stop + 1
            line_no += count(b"\n", counted, start)
            counted = start
            found.append((start, stop, line_no))
        n_lines = line_no - base + count(b"\n", counted, end)
        last_line = base + n_lines - 1
        if self._pending_after:
            take = min(self._pending_after, n_lines)
            self._retain(base, base + take - 1, self._pending_priority, base, 0)
            self._pending_after -= take
        passed: list[int] = []  # the test verdicts of passing tests in this block
        # Surefire's verdict lines have a pass of their own (they are most of a Maven log's candidates); those
        # it cannot settle from the bytes (colour codes) are read as candidates, in the log's order.
        verdicts: list[tuple[int, int, int]] = []
        if b"Tests run: " in block:
            verdicts = _surefire_verdicts(block, base, passed)
        hit = self._candidate
        next_verdict = 0
        verdict_at = verdicts[0][0] if verdicts else end  # where the next verdict not read yet starts
        warnings = 0  # candidates that are plain Maven warnings
        for start, stop, line_no in found:
            while verdict_at <= start:
                v_start, v_stop, v_line = verdicts[next_verdict]
                next_verdict += 1
                verdict_at = verdicts[next_verdict][0] if next_verdict < len(verdicts) else end
                if v_start < start:  # (one the prefilter found too is read once, as its candidate)
                    hit(block, v_start, block[v_start:v_stop], v_line, base, last_line, passed)
            raw = block[start:stop]
            if b"[WARNING] " in raw[:64] and ((b"rror" not in raw and b"xception" not in raw) or plain_warning(raw)):
                warnings += 1  # Maven's warnings (a path with [line,col] passes the prefilter): never the failure
                continue
            hit(block, start, raw, line_no, base, last_line, passed)
        self._candidates += warnings
        for v_start, v_stop, v_line in verdicts[next_verdict:]:
            hit(block, v_start, block[v_start:v_stop], v_line, base, last_line, passed)
        self.passes += sorted(set(passed))
        if len(self.passes) > 2 * self.max_steps:  # trimmed to the last max_steps now and then, and at finish
            del self.passes[: len(self.passes) - self.max_steps]
        self._next_line = last_line + 1
        self._remember_tail(block, base, last_line)
        if self._kept > self.max_lines:
            self._evict()  # first: the bytes of this block's windows that go now are never taken
        self._take_windows(block)

    def _candidate(
        self, block: bytes, start: int, raw: bytes, line_no: int, base: int, last_line: int, passed: list[int]
    ) -> None:
        """Read one candidate line (at offset ``start`` of ``block``) and keep what it says."""
        self._candidates += 1
        if b"[WARNING] " in raw[:64] and ((b"rror" not in raw and b"xception" not in raw) or plain_warning(raw)):
            return  # Maven's warnings (a path with [line,col] passes the prefilter): never the failure
        if b"Tests run: " in raw and surefire_passed(raw):
            passed.append(line_no)  # a passing class's verdict: read without cleaning it
            return
        cl, info = self.reader.read(raw[:MAX_LINE_BYTES])
        if cl.gitlab_section:
            kind, name = cl.gitlab_section
            if kind == "start":
                self._add_step(line_no, name)
            elif len(self.section_ends) < self.max_steps:
                self.section_ends.append((line_no, name))
        role = info.role
        if role == "step":
            self._add_step(line_no, info.step or "")
            # the step's line (its command): kept cheaply, dropped first when memory is short
            self._window(start, line_no, base, last_line, 0, STEP_HEADER, 0.5)
            return
        if role == "exit":
            self.exits.append((line_no, info))
            self._window(start, line_no, base, last_line, self.exit_before, 2, 2.5)
            return
        if info is SHELL_COMMAND:
            self.commands.append(line_no)
            if len(self.commands) > 2 * self.max_steps:
                del self.commands[: len(self.commands) - self.max_steps]
            self._window(start, line_no, base, last_line, 0, COMMAND_OUTPUT, 1)
            return
        if info is TEST_CLASS_PASSED:
            passed.append(line_no)
            return
        if role in ("noise", "plain") or info.score <= 0:
            return
        self.infos[line_no] = info
        self._info_lines.append(line_no)
        seen = self._rule_seen.get(info.rule, 0) + 1
        self._rule_seen[info.rule] = seen
        if seen > REPEATS_IN_FULL:  # the same shape again and again (a decoy, or a long list): its lines only
            after, before = REPEAT_AFTER, REPEAT_BEFORE
        else:
            after = self.after if info.score >= 2 or role == "header" else 8
            before = self.before if info.score >= 2 else 3
        self._window(start, line_no, base, last_line, before, after, info.score)

    def _add_step(self, line_no: int, name: str) -> None:
        self.steps.append((line_no, name))
        if len(self.steps) > 2 * self.max_steps:
            del self.steps[: len(self.steps) - self.max_steps]

    def _window(
        self,
        start: int,
        line_no: int,
        base: int,
        last_line: int,
        before: int,
        after: int,
        priority: float,
    ) -> None:
        """Retain lines ``line_no - before`` to ``line_no + after`` (the line starts at offset ``start`` of the
        block), those not held already; lines past the block's end are taken from the next block."""
        end_line = line_no + after
        if end_line <= self._retained_upto:
            return  # all of it is held already
        first = line_no - before
        if first <= self._retained_upto:
            first = self._retained_upto + 1
        # Lines before this block come from the previous block's remembered tail.
        if first < base:
            extra = self._extra
            for no, raw in self._prev_tail:
                if first <= no < base and no not in extra:
                    extra[no] = raw
                    self._kept += 1
            first = base
        if end_line > last_line:
            self._pending_after = max(self._pending_after, end_line - last_line)
            self._pending_priority = max(self._pending_priority, priority)
            end_line = last_line
        self._retain(first, end_line, priority, line_no, start)

    def _retain(self, first: int, last: int, priority: float, line_no: int, start: int) -> None:
        """A window of lines ``first`` to ``last`` of this block (none held yet); line ``line_no`` starts at
        offset ``start``. Its bytes are taken when the block's candidates are all read (:meth:`_take_windows`)."""
        if last < first:
            return
        self._retained_upto = last
        self._kept += last - first + 1
        todo, prev = self._todo, self._last_window
        if todo and prev is not None and prev[3] + 1 == first and priority <= prev[4] and last - prev[2] < MERGED_LINES:
            prev[3] = last  # (its worth, first line and number, which order the heap, stay)
            p_first, _, p_seq, p_line, p_start, _, _ = todo[-1]
            todo[-1] = (p_first, last, p_seq, p_line, p_start, line_no, start)
            return
        self._seq += 1
        todo.append((first, last, self._seq, line_no, start, line_no, start))
        window = [priority + first / self.decay_lines, self._seq, first, last, priority]
        heapq.heappush(self._windows, window)
        self._last_window = window

    def _take_windows(self, block: bytes) -> None:
        """The lines of the block's new windows, kept by window: each found from the line it was made for
        (or from the end of the window before it, when it goes on from there), its end from the last line
        merged into it."""
        todo, pieces, gone = self._todo, self._pieces, self._evicted
        if not todo:
            return
        find, rfind = block.find, block.rfind
        upto, upto_off = -1, 0  # the last line taken so far and the offset of the line after it
        for first, last, seq, line_no, off, last_no, last_off in todo:
            if seq in gone:
                continue  # evicted before its bytes were taken
            if first == upto + 1:
                off = upto_off
            elif first <= line_no:
                for _ in range(line_no - first):
                    off = rfind(b"\n", 0, off - 1) + 1
            else:
                for _ in range(first - line_no):
                    off = find(b"\n", off) + 1
            end, at = (last_off, last_no) if last_no > first else (off, first)
            for _ in range(last - at + 1):
                end = find(b"\n", end) + 1
            pieces[seq] = (first, block[off : end - 1])  # (split into lines only if it is still held at the end)
            upto, upto_off = last, end
        todo.clear()
        gone.clear()

    def _remember_tail(self, block: bytes, base: int, last_line: int) -> None:
        want = max(self.tail, self.exit_before, self.before)
        off = len(block) - 1  # the final newline
        count = 0
        while count < want and off > 0:
            prev = block.rfind(b"\n", 0, off)
            count += 1
            if prev < 0:
                off = 0
                break
            off = prev
        start = 0 if off <= 0 else off + 1
        if off == 0 and block[:1] == b"\n" and count < want:
            start = 0
        parts = block[start:-1].split(b"\n")
        first = last_line - len(parts) + 1
        tail = [(first + i, p[:MAX_LINE_BYTES]) for i, p in enumerate(parts)]
        if len(tail) < want and self._prev_tail:
            keep = want - len(tail)
            tail = self._prev_tail[-keep:] + tail
        self._prev_tail = tail[-want:]

    def _evict(self) -> None:
        infos, order = self.infos, self._info_lines
        self._last_window = None
        while self._kept > self.max_lines and self._windows:
            _, seq, first, last, _ = heapq.heappop(self._windows)
            self._dropped += 1
            if self._pieces.pop(seq, None) is None:
                self._evicted.add(seq)  # one of this block's, its bytes not taken yet
            self._kept -= last - first + 1
            lo = bisect.bisect_left(order, first)
            hi = bisect.bisect_right(order, last, lo)
            if lo < hi:
                for no in order[lo:hi]:
                    infos.pop(no, None)
                del order[lo:hi]

    def _materialize(self) -> dict[int, bytes]:
        """The retained lines, by number: the live windows' pieces split into lines, and the extra lines."""
        lines: dict[int, bytes] = {}
        for first, piece in sorted(self._pieces.values()):
            parts = piece.split(b"\n")
            if len(piece) > MAX_LINE_BYTES:  # only then can one of its lines be too long
                parts = [raw[:MAX_LINE_BYTES] for raw in parts]
            lines.update(zip(range(first, first + len(parts)), parts, strict=True))
        lines.update(self._extra)
        return lines
