"""The scanner's shortcuts give the answers of the plain reading: each line cleaned and classified.

The shortcuts (a line read once per distinct text, Maven warnings and Surefire verdicts read from the
bytes, RE2 driven without the binding's match objects) must never change what a line is; these tests
compare them with ``clean`` + ``classify`` on the shapes that could make them differ.
"""

from __future__ import annotations

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import analyze, rx
from bot.analysis.patterns import PREFILTER, TEST_CLASS_PASSED, classify, plain_warning
from bot.analysis.reading import LineReader
from bot.analysis.scanner import Scanner
from bot.analysis.text import clean

from .helpers import chosen, line_no

C = "\x1b[1m"
R = "\x1b[m"
VERDICTS = [
    "[INFO] Tests run: 6, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.68 s - in a.FooTest",
    f"[{C}INFO{R}] Tests run: {C}6{R}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.6 s - in a.{C}BarTest{R}",
    "[WARNING] Tests run: 3, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0.1 s - in a.SkipTest",
    "[INFO] Tests run: 0, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0 s - in a.EmptyTest",
    "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.2 s <<< FAILURE! - in a.BadTest",
    "2024-05-01T10:00:00.1234567Z [INFO] Tests run: 2, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 1 s - in x.T",
    "Tests run: 2, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 1 s in x.NoDashTest",
    "[INFO] Tests run: 9, Failures: 0, Errors: 0, Skipped: 0",
]


def _plain_passes(text: str) -> list[int]:
    """The passing verdicts as the prefilter's candidates read one by one would say."""
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        raw = line.encode()
        hit = PREFILTER.search(raw) is not None or (b"Tests run: " in raw and b" - in " in raw)
        if hit and classify(clean(raw).text) is TEST_CLASS_PASSED:
            out.append(no)
    return out


def _scan(text: str, chunk: int = 1 << 20) -> Scanner:
    scanner = Scanner()
    data = text.encode()
    for i in range(0, len(data), chunk):
        scanner.feed(data[i : i + chunk])
    scanner.finish()
    return scanner


def test_surefire_verdicts_read_from_the_bytes_are_the_classified_ones() -> None:
    filler = ["[INFO] Running a.FooTest", "plain output line", "[INFO] Building x 1.0"]
    lines = [v for i in range(40) for v in (*filler[: i % 4], VERDICTS[i % len(VERDICTS)])]
    text = "\n".join(lines) + "\n"
    want = _plain_passes(text)
    assert want  # the shapes above include passing verdicts, coloured ones among them
    for chunk in (64, 1000, 1 << 20):  # verdicts cut across chunks and blocks
        assert _scan(text, chunk).passes == want


def test_a_failing_class_verdict_is_still_a_candidate() -> None:
    text = "\n".join([*VERDICTS, "[INFO] BUILD FAILURE"]) + "\n"
    scanner = _scan(text)
    bad = line_no(text, "a.BadTest")
    assert bad in scanner.infos and bad not in scanner.passes


def test_plain_warning_agrees_with_classify() -> None:
    warnings = [
        b"[WARNING] /w/src/Foo.java:[12,5] getErrorCode() in a.ErrorHandler has been deprecated",
        b"[WARNING] /w/src/Foo.java:[12,5] unchecked exception thrown",
        b"[WARNING] Error injecting constructor",
        b"2024-05-01T10:00:00.1234567Z [WARNING] getErrorCode() is deprecated",
        b"[WARNING] \x1b[31merror\x1b[m in ErrorHandler",
        b"[WARNING] [31merror in ErrorHandler",
        b"[WARNING] $ ./run ErrorHandler",
        b"[WARNING] Tests run: 3, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0.1 s - in a.T",
        b"[WARNING] section_start:1:x ErrorHandler",
        b"x [WARNING] getErrorCode()",
    ]
    for raw in warnings:
        if plain_warning(raw):
            cl = clean(raw)
            assert classify(cl.text).role == "noise" and cl.gitlab_section is None, raw


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "2024-05-01T10:00:00.1234567Z ",
                "2024-05-01T10:00:00Z 00O ",
                "\ufeff",
                "job\tstep\t",
                "\x1b[36;1m",
                "\x1b[31m",
                "[31m",
                "##[error]",
                "ERROR: ",
                "E       ",
                "section_start:1:build_script ",
                "Traceback (most recent call last):",
                "  File \"a.py\", line 3, in f",
                "error_log ",
                "-Werror ",
                "FAILED tests/a.py::t",
                "\r",
                "\x00",
                "é",
                "2024",
                " ",
            ]
        ),
        max_size=6,
    )
)
def test_a_remembered_line_reads_as_the_line_itself(parts: list[str]) -> None:
    reader = LineReader()
    raw = "".join(parts).encode()
    other = b"2023-01-02T03:04:05.9Z " + raw  # the same line after another timestamp
    for line in (raw, other, raw, other):
        cl, info = reader.read(line)
        want = clean(line)
        assert (cl, info) == (want, classify(want.text, script_echo=want.script_echo))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aé.:/ ()0123456789Error_Tests-", max_size=60))
def test_rx_answers_as_re2_does(text: str) -> None:
    for source in (r"(?P<w>[A-Z]\w*Error)\b", r"(\d+):(\d+)?", r"^\s*", r"\be", r"x*"):
        ours, theirs = rx.compile(source), re2.compile(source)
        for name in ("search", "match"):
            a, b = getattr(ours, name)(text), getattr(theirs, name)(text)
            assert (a is None) == (b is None)
            if a is not None:
                assert a.group() == b.group() and a.span() == b.span() and a.groups() == b.groups()
                assert a.groupdict() == b.groupdict()
        assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
        assert ours.sub("#", text) == theirs.sub("#", text)


def test_pytest_output_of_a_test_that_then_passed_is_not_the_failure() -> None:
    out: list[str] = []
    for i in range(30):
        out += [f"tests/test_io.py::test_retry_{i} ", "WARNING  client:client.py:9 attempt 1 failed, retrying"]
        out += ["Traceback (most recent call last):", '  File "/w/src/net.py", line 40, in call']
        out += ["    raise ConnectionResetError(104, 'Connection reset by peer')"]
        out += ["ConnectionResetError: [Errno 104] Connection reset by peer", "\x1b[32mPASSED\x1b[0m"]
    out += ["", "=" * 20 + " FAILURES " + "=" * 20, "_" * 10 + " test_total " + "_" * 10, ""]
    out += ["    def test_total():", ">       assert total() == 3", "E       assert 2 == 3", ""]
    out += ["tests/test_total.py:7: AssertionError", "=" * 10 + " short test summary info " + "=" * 10]
    out += ["FAILED tests/test_total.py::test_total - assert 2 == 3", "=== 1 failed, 30 passed in 3.1s ==="]
    out += ["ERROR: Job failed: exit code 1"]
    text = "\n".join(out) + "\n"
    result = analyze(text)
    assert result.category == "test"
    assert line_no(text, "E       assert 2 == 3") in chosen(result)
    assert result.tests == ["tests/test_total.py::test_total"]


def test_when_memory_is_short_the_end_of_the_log_outlasts_older_stronger_windows() -> None:
    group = [
        "Traceback (most recent call last):",
        '  File "/w/src/net.py", line 40, in call',
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "PASSED",
        *[f"tests/test_a.py::test_{i} PASSED" for i in range(30)],
    ]
    end = ["_" * 10 + " test_total " + "_" * 10, "", ">       assert total() == 3", "E       assert 2 == 3"]
    later = [f"teardown {i} done" for i in range(200)]  # past the end's kept tail
    text = "\n".join([*group * 3000, *end, *later, "=== 1 failed, 3000 passed in 9s ==="]) + "\n"
    scanner = _scan(text)
    small = Scanner(max_lines=2000, decay_lines=2000)  # less memory and a faster decay: a shorter log
    small.feed(text.encode())
    small.finish()
    header, failure = line_no(text, " test_total "), line_no(text, "E       assert 2 == 3")
    assert {header, failure} <= set(scanner.lines) and {header, failure} <= set(small.lines)
    assert len(small.lines) <= 2000 + small.tail
