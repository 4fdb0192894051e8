"""Hostile lines (up to 1 MB, shapes that make backtracking regexes explode): the work stays proportional.

The work is counted, not timed: Python line events (``sys.settrace``) and the characters handed to a
regex engine (RE2 calls are seen through its binding's Python frames; the analyzer's Python ``re``
patterns are wrapped in counting proxies for the test). Python ``re`` runs in C, so its backtracking
shows in no count: such a pattern is caught by the rule that ``re`` never gets more than 4 KiB
(:data:`bot.analysis.regex.SHORT`) and, when it blows up anyway, by a watchdog that stops the call and
names the line it was stuck on.
"""

from __future__ import annotations

import re
import signal
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis import analyze, regex
from bot.analysis.normalize import baseline_key, normalize
from bot.analysis.redaction import redact
from bot.analysis.signature import make_signature
from bot.analysis.text import clean

KB = 1000
MB = 1000 * KB

# What a hostile line repeats (the list, and a few shapes of our own).
SHAPES: dict[str, bytes] = {
    "a/": b"a/",
    "::": b"::",
    "dots": b".",
    "quotes": b"\"'",
    "a/.../a.py:1": b"a/",  # ends in ".py:1"
    '"error" ': b'"error" ',
    "(((": b"(",
    'File "': b'File "',
    "tabs": b"\t",
    "cr": b"\r",
    "nul": b"\x00",
    "invalid utf-8": b"\xff\xfe\xc3(",
    "error words": b"error: failed ",
    "src/a.py:1:": b"src/a.py:1:",
    "ansi": b"\x1b[31mx",
    "digits": b"1 ",
    "base64": b"Q2hlY2tUaGlzT3V0X3Jh5bmRvbUtleV8xMjM0NTY3ODkwYWJjZA9zYXnB",
    "key=value": b"token=abcdefgh1234 ",
}


def hostile_line(shape: str, size: int) -> bytes:
    unit = SHAPES[shape]
    line = unit * (size // len(unit))
    return line[: size - 6] + b"a.py:1" if shape == "a/.../a.py:1" else line


# ------------------------------------------------------------------------------------------- counting


@dataclass
class Work:
    lines: int = 0
    """Python line events."""
    regex_chars: int = 0
    """Characters (or bytes) handed to a regex engine, every call counted."""
    unbounded_re: dict[str, int] = field(default_factory=dict)
    """Python re patterns that were given more than SHORT characters: where -> the longest input."""


class Stuck(Exception):
    """The watchdog stopped a call that ran far longer (in CPU time) than any linear amount of work takes."""


_RE2_MATCH = re2._Regexp._match.__code__  # every RE2 search, match, finditer and sub goes through it
_PATTERN_METHODS = {
    getattr(regex.Pattern, name).__code__ for name in ("search", "match", "fullmatch", "finditer", "sub")
}
_RE_FUNCTIONS = {getattr(re, name).__code__ for name in ("search", "match", "fullmatch", "finditer", "findall", "sub",
                                                         "subn", "split")}
_TEXT_METHODS = {"search": 0, "match": 0, "fullmatch": 0, "finditer": 0, "findall": 0, "split": 0, "sub": 1, "subn": 1}


def _where(frame: types.FrameType | None) -> str:
    while frame is not None and "/bot/" not in frame.f_code.co_filename:
        frame = frame.f_back
    if frame is None:
        return "?"
    name = frame.f_code.co_filename.rsplit("/bot/", 1)[1]
    return f"bot/{name}:{frame.f_lineno} in {frame.f_code.co_name}"


class _CountingPattern:
    """A Python re pattern that counts what it is given (behaviour unchanged)."""

    def __init__(self, pattern: re.Pattern[Any], work: Work) -> None:
        self._pattern = pattern
        self._work = work

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._pattern, name)
        index = _TEXT_METHODS.get(name)
        if index is None:
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            text = args[index] if len(args) > index else kwargs.get("string", "")
            self._work.regex_chars += len(text)
            if len(text) > regex.SHORT:
                where = f"{_where(sys._getframe(1))}: {self._pattern.pattern[:70]!r}"
                self._work.unbounded_re[where] = max(len(text), self._work.unbounded_re.get(where, 0))
            return attr(*args, **kwargs)

        return counted


def _swap_patterns(work: Work) -> list[Callable[[], None]]:
    """Put counting proxies in place of every Python re pattern the analyzer's modules hold."""
    proxies: dict[int, _CountingPattern] = {}
    undo: list[Callable[[], None]] = []

    def proxy(value: Any) -> Any:
        """The value with its re patterns (also those in a tuple) proxied; None when it holds none."""
        if isinstance(value, re.Pattern):
            return proxies.setdefault(id(value), _CountingPattern(value, work))
        if isinstance(value, tuple) and any(isinstance(v, re.Pattern) for v in value):
            return tuple(proxy(v) if isinstance(v, re.Pattern) else v for v in value)
        return None

    for name, module in list(sys.modules.items()):
        if not name.startswith("bot.analysis") or module is None:
            continue
        for key, value in list(vars(module).items()):
            new = proxy(value)
            if new is not None:
                setattr(module, key, new)
                undo.append(lambda m=module, k=key, v=value: setattr(m, k, v))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    new = proxy(item)
                    if new is not None:
                        value[i] = new
                        undo.append(lambda lst=value, i=i, v=item: lst.__setitem__(i, v))
            elif isinstance(value, dict):
                for k, item in list(value.items()):
                    new = proxy(item)
                    if new is not None:
                        value[k] = new
                        undo.append(lambda d=value, k=k, v=item: d.__setitem__(k, v))
    return undo


@contextmanager
def counting(budget_seconds: float) -> Iterator[Work]:
    """Count the work done inside the block; stop it (Stuck) if it uses more CPU seconds than the budget."""
    work = Work()

    def local(frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            work.lines += 1
        return local

    def trace(frame: types.FrameType, event: str, arg: Any) -> Any:
        code = frame.f_code
        if code is _RE2_MATCH:
            if frame.f_lineno == code.co_firstlineno:  # a generator: count its first entry only
                work.regex_chars += len(frame.f_locals["text"])
        elif code in _PATTERN_METHODS:
            text = frame.f_locals["text"]
            if len(text) <= regex.SHORT:  # Python re runs it (longer text: RE2, counted above)
                work.regex_chars += len(text)
        elif code in _RE_FUNCTIONS:
            text = frame.f_locals.get("string", "")
            work.regex_chars += len(text)
            if len(text) > regex.SHORT:
                where = f"{_where(frame.f_back)}: {str(frame.f_locals.get('pattern'))[:70]!r}"
                work.unbounded_re[where] = max(len(text), work.unbounded_re.get(where, 0))
        work.lines += 1
        return local

    def stop(signum: int, frame: types.FrameType | None) -> None:
        raise Stuck(f"still running after {budget_seconds:g}s, at {_where(frame)}")

    undo = _swap_patterns(work)
    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, budget_seconds)  # CPU time: a busy machine does not set it off
    sys.settrace(trace)
    try:
        yield work
    finally:
        sys.settrace(None)
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        for step in reversed(undo):
            step()


def measure(call: Callable[[], object], budget_seconds: float = 10.0) -> Work:
    with counting(budget_seconds) as work:
        call()
    return work


def assert_linear(small: Work, large: Work, small_size: int, large_size: int) -> None:
    """Per input byte below a constant, and growing with the input no faster than it (with some slack)."""
    ratio = large_size / small_size
    assert large.lines <= 8 * large_size + 20_000, f"{large.lines} line events for {large_size} bytes"
    assert large.regex_chars <= 64 * large_size + 100_000, f"{large.regex_chars} regex chars for {large_size} bytes"
    assert large.lines <= 1.2 * ratio * small.lines + 20_000, f"line events {small.lines} -> {large.lines}"
    assert large.regex_chars <= 1.2 * ratio * small.regex_chars + 100_000, (
        f"regex chars {small.regex_chars} -> {large.regex_chars}"
    )


# ------------------------------------------------------------------------------------ our own modules

FUNCTIONS: dict[str, Callable[[bytes], object]] = {
    "clean": clean,
    "normalize": lambda line: normalize(line.decode("utf-8", "replace")),
    "baseline_key": lambda line: baseline_key(line.decode("utf-8", "replace")),
    "redact": lambda line: redact(line.decode("utf-8", "replace")),
    "make_signature": lambda line: make_signature("test", [line.decode("utf-8", "replace")] * 3, ["t::x"]),
}


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_line_functions_stay_linear(shape: str, function: str) -> None:
    fn = FUNCTIONS[function]
    small_line, large_line = hostile_line(shape, 100 * KB), hostile_line(shape, MB)
    small = measure(lambda: fn(small_line))
    large = measure(lambda: fn(large_line))
    assert not large.unbounded_re, large.unbounded_re
    assert_linear(small, large, len(small_line), len(large_line))


def test_redaction_is_complete_on_a_long_line() -> None:
    """A secret in a 1 MB line is redacted (the line is not cut), and the line count stays."""
    secret = "ghp_" + "A1b2C3d4" * 5
    text = "x" * MB + f" token {secret} " + "y/" * (MB // 2) + "\npassword=hunter2hunter2\n"
    with counting(30) as work:
        out = redact(text)
    assert secret not in out and "hunter2hunter2" not in out
    assert out.count("\n") == 2
    assert len(out) > 2 * MB
    assert work.lines < 20_000


# ------------------------------------------------------------------- random mixtures (hypothesis)

UNITS = [*SHAPES.values(), b"a", b" ", b"/", b":", b"\\", b"-", b"=", b"0x1f", b"12:30:45", b"\x1b]",
         b"section_start:1:x"]


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(parts=st.lists(st.sampled_from(UNITS), min_size=1, max_size=6), size=st.integers(1, MB))
def test_mixed_hostile_lines_stay_linear(parts: list[bytes], size: int) -> None:
    unit = b"".join(parts)
    line = unit * max(1, size // len(unit))
    text = line.decode("utf-8", "replace")
    with counting(30) as work:
        clean(line)
        normalize(text)
        redact(text)
        make_signature("test", [text], [text])
    assert not work.unbounded_re, work.unbounded_re
    assert work.lines <= 8 * len(line) + 20_000
    assert work.regex_chars <= 64 * len(line) + 100_000


# ------------------------------------------------------------------------------ the whole analyzer



def _log(line: bytes) -> bytes:
    return (
        b"2024-05-01T10:00:00.0000000Z error: first\n"
        + line
        + b"\n2024-05-01T10:00:01.0000000Z FAILED tests/test_a.py::test_b - assert 0\n"
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_analyze_stays_linear(shape: str) -> None:
    small_log, large_log = _log(hostile_line(shape, 100 * KB)), _log(hostile_line(shape, MB))
    small = measure(lambda: analyze(small_log), budget_seconds=5)  # ~0.4 s untraced when linear (the tracer: x5)
    large = measure(lambda: analyze(large_log), budget_seconds=20)  # the same: long lines are cut
    assert_linear(small, large, len(small_log), len(large_log))


def test_analyze_gives_python_re_bounded_lines() -> None:
    """No Python re pattern sees more than 4 KiB of a line, whatever the line's length."""
    seen: dict[str, int] = {}
    for shape in sorted(SHAPES):
        work = measure(lambda s=shape: analyze(_log(hostile_line(s, 10 * KB))), budget_seconds=2)
        seen.update(work.unbounded_re)
    places: dict[str, list[int]] = {}
    for where, size in seen.items():
        places.setdefault(where.split(": ", 1)[0], []).append(size)
    report = [f"{place}: {len(sizes)} patterns, up to {max(sizes)} chars" for place, sizes in sorted(places.items())]
    if seen:
        pytest.fail("Python re given more than 4 KiB of a line:\n" + "\n".join(report))
