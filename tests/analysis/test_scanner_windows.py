"""The scanner's retained lines are the log's own lines, whatever the chunking and the eviction.

A window's lines are kept as one piece of bytes, found from its candidate's offset (or from the end of the
window before it) once the block is read, and split into lines only if the window is still held when the
scan ends; the lines before a block come from the previous block's remembered tail. These tests check each
kept line against the log itself, and the Surefire verdict pass's shortcut against the plain reading.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.patterns import PREFILTER, SUREFIRE_VERDICT, TEST_CLASS_PASSED, classify
from bot.analysis.scanner import MAX_LINE_BYTES, Scanner
from bot.analysis.text import clean

SHAPES = [
    "plain output line",
    "",
    "   indented detail",
    "##[group]Run make test",
    "ERROR: something broke",
    "E       assert 1 == 2",
    "Traceback (most recent call last):",
    '  File "/w/src/app.py", line 3, in f',
    "ConnectionResetError: [Errno 104] Connection reset by peer",
    "[ERROR] /w/src/Foo.java:[12,5] cannot find symbol",
    "[WARNING] /w/src/Foo.java:[12,5] getErrorCode() has been deprecated",
    "[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s - in a.FooTest",
    "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.1 s <<< FAILURE! - in a.BadTest",
    "##[error]Process completed with exit code 1.",
    "x" * 300 + " error: long",
]


def _scan(data: bytes, chunk: int, **kwargs: int) -> Scanner:
    scanner = Scanner(**kwargs)
    for i in range(0, len(data), chunk):
        scanner.feed(data[i : i + chunk])
    scanner.finish()
    return scanner


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(SHAPES), min_size=1, max_size=400),
    st.sampled_from([7, 64, 333, 4096, 1 << 20]),
    st.sampled_from([30, 200, 50_000]),
)
def test_every_kept_line_is_the_logs_line_of_that_number(lines: list[str], chunk: int, cap: int) -> None:
    data = ("\n".join(lines) + "\n").encode()
    scanner = _scan(data, chunk, max_lines=cap, decay_lines=50, before=3, after=12, tail=10)
    for no, raw in scanner.lines.items():
        assert raw == lines[no - 1].encode()[:MAX_LINE_BYTES], no
    assert len(scanner.lines) <= cap + 2 * max(scanner.tail, scanner.exit_before, scanner.before)
    # the chunking does not change what is kept
    whole = _scan(data, 1 << 20, max_lines=cap, decay_lines=50, before=3, after=12, tail=10)
    if chunk >= 4096 or cap == 50_000:  # (a smaller chunk is its own block: eviction then runs more often)
        assert scanner.lines == whole.lines and scanner.infos == whole.infos
        assert scanner.passes == whole.passes and scanner.steps == whole.steps


def test_a_long_line_is_kept_cut_and_numbered_right() -> None:
    lines = ["ok"] * 5 + ["E       " + "y" * (MAX_LINE_BYTES + 500), "after 1", "after 2"] + ["ok"] * 5
    scanner = _scan(("\n".join(lines) + "\n").encode(), 1 << 20)
    assert scanner.lines[6] == lines[5].encode()[:MAX_LINE_BYTES]
    assert scanner.lines[7] == b"after 1" and scanner.lines[8] == b"after 2"


def _plain_passes(text: str) -> list[int]:
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        raw = line.encode()
        hit = PREFILTER.search(raw) is not None or SUREFIRE_VERDICT.search(raw) is not None
        if hit and classify(clean(raw).text) is TEST_CLASS_PASSED:
            out.append(no)
    return out


def test_verdict_lines_with_two_counts_or_the_dash_elsewhere_read_as_the_plain_reading() -> None:
    # the shortcut (no other "Tests run: " since the last verdict, " - in " after the match) and the full
    # reading (the line's first "Tests run: " on) must agree on every shape
    ok = "Tests run: 2, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 1 s"
    shapes = [
        f"[INFO] {ok} - in a.T",
        f"[INFO] Tests run: x - in {ok} - in a.T",
        f"[INFO] Tests run: x {ok} in a.T",
        f"[INFO] - in Tests run: 1 {ok} in a.T",
        f"[INFO] {ok} -- in a.T",
        f"[INFO] {ok} - in a.T trailing words",
        f"[INFO] Tests run: 1, Failures: 1 - in a.T {ok} in b.T",
        "[INFO] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0 - in a.T",
        "plain line",
    ]
    text = "\n".join(shapes[i % len(shapes)] for i in range(7 * len(shapes))) + "\n"
    want = _plain_passes(text)
    assert want
    for chunk in (50, 999, 1 << 20):
        assert _scan(text.encode(), chunk).passes == want
