"""A passing run's log as baseline: lines that also occur there are weaker evidence."""

from __future__ import annotations

from bot.analysis import analyze

from .helpers import chosen, line_no

FAIL = "\n".join(
    [
        "[INFO] Running suite",
        "java.lang.IllegalStateException: expected crash in a passing test",
        "\tat com.acme.Crash.run(Crash.java:10)",
        "[INFO] more output",
        *[f"[INFO] line {i}" for i in range(300)],
        "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in com.acme.WidgetTest",
        "[ERROR] com.acme.WidgetTest.size  Time elapsed: 0.01 s  <<< FAILURE!",
        "java.lang.AssertionError: expected 2 but was 3",
        "[INFO] BUILD FAILURE",
    ]
)
PASS = "\n".join(
    [
        "[INFO] Running suite",
        "java.lang.IllegalStateException: expected crash in a passing test",
        "\tat com.acme.Crash.run(Crash.java:10)",
        "[INFO] BUILD SUCCESS",
    ]
)


def test_lines_also_in_the_passing_log_are_dropped() -> None:
    plain = analyze(FAIL)
    with_baseline = analyze(FAIL, baseline=PASS)
    crash = line_no(FAIL, "expected crash in a passing test")
    real = line_no(FAIL, "expected 2 but was 3")
    assert real in chosen(plain) and real in chosen(with_baseline)
    assert crash not in chosen(with_baseline)
    assert len(chosen(with_baseline)) <= len(chosen(plain))


def test_baseline_accepts_the_same_input_kinds() -> None:
    a = analyze(FAIL, baseline=PASS.encode())
    b = analyze(FAIL, baseline=iter([PASS.encode()[:10], PASS.encode()[10:]]))
    assert a == b
