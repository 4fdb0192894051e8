"""Test runners of other languages (Ruby, PHP, .NET) and Travis's own verdicts, in a GitHub Actions job."""

from __future__ import annotations

import pytest

from bot.analysis import analyze

from .helpers import chosen, line_no
from .test_tools import job

CASES = {
    "rspec": (
        "bundle exec rspec",
        [
            "Randomized with seed 4242",
            "....F..",
            "",
            "Failures:",
            "",
            "  1) Invoice#total adds the tax",
            "     Failure/Error: expect(invoice.total).to eq(110)",
            "",
            "       expected: 110",
            "            got: 100",
            "",
            "       (compared using ==)",
            "     # ./spec/invoice_spec.rb:14:in `block (3 levels) in <top (required)>'",
            "",
            "Finished in 0.04 seconds (files took 0.3 seconds to load)",
            "7 examples, 1 failure",
            "",
            "Failed examples:",
            "",
            "rspec ./spec/invoice_spec.rb:12 # Invoice#total adds the tax",
        ],
        ["Failure/Error: expect(invoice.total).to eq(110)", "got: 100", "rspec ./spec/invoice_spec.rb:12"],
        "spec/invoice_spec.rb",
    ),
    "minitest": (
        "bin/rails test",
        [
            "Run options: --seed 1234",
            "# Running:",
            "..F",
            "Finished in 0.01s, 300.0 runs/s.",
            "",
            "  1) Failure:",
            "CartTest#test_empty_cart_total [test/models/cart_test.rb:8]:",
            "Expected: 0",
            "  Actual: 5",
            "",
            "3 runs, 3 assertions, 1 failures, 0 errors, 0 skips",
        ],
        ["1) Failure:", "Expected: 0", "3 runs, 3 assertions, 1 failures"],
        None,
    ),
    "phpunit": (
        "vendor/bin/phpunit",
        [
            "PHPUnit 10.5.0 by Sebastian Bergmann and contributors.",
            "",
            "..F.                                                                4 / 4 (100%)",
            "",
            "There was 1 failure:",
            "",
            "1) Tests\\Unit\\PriceTest::testDiscount",
            "Failed asserting that 90.0 is identical to 85.0.",
            "",
            "/home/runner/work/shop/shop/tests/Unit/PriceTest.php:21",
            "",
            "FAILURES!",
            "Tests: 4, Assertions: 6, Failures: 1.",
        ],
        ["There was 1 failure:", "Failed asserting that 90.0", "tests/Unit/PriceTest.php:21", "FAILURES!"],
        "tests/Unit/PriceTest.php",
    ),
    "dotnet test": (
        "dotnet test",
        [
            "  Determining projects to restore...",
            "Starting test execution, please wait...",
            "  Failed Shop.Tests.PriceTests.Discount [12 ms]",
            "  Error Message:",
            "   Assert.Equal() Failure: Values differ",
            "Expected: 85",
            "Actual:   90",
            "  Stack Trace:",
            "     at Shop.Tests.PriceTests.Discount() in /home/runner/work/shop/shop/tests/PriceTests.cs:line 21",
            "",
            "Failed!  - Failed:     1, Passed:    10, Skipped:     0, Total:    11, Duration: 40 ms",
        ],
        ["Failed Shop.Tests.PriceTests.Discount", "Assert.Equal() Failure", "Actual:   90"],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_other_test_runners(name: str) -> None:
    step, output, needles, path = CASES[name]
    log = job(step, output)
    result = analyze(log)
    lines = chosen(result)
    for needle in needles:
        assert line_no(log, needle) in lines, (needle, result.spans)
    assert result.category == "test"
    assert line_no(log, "Syncing repository") not in lines
    if path:
        assert path in [f.path for f in result.files]


def test_travis_no_output_timeout_is_a_timeout() -> None:
    log = job(
        "./gradlew connectedCheck",
        [
            "> Task :app:connectedDebugAndroidTest",
            "No output has been received in the last 10m0s, this potentially indicates a stalled build or "
            "something wrong with the build itself.",
        ],
    )
    result = analyze(log)
    assert line_no(log, "No output has been received") in chosen(result)
    assert result.category == "timeout"


def test_pytest_parametrized_id_is_kept_whole() -> None:
    """`FAILED path::test[param] - message`: the id runs to the space, brackets included, and the bare name of
    the report's header gives way to it."""
    log = "\n".join(
        [
            "=================================== FAILURES ===================================",
            "___________________________ test_checkout_total[eur] ___________________________",
            ">       assert total == Decimal('10.00')",
            "E       decimal.InvalidOperation: [<class 'decimal.InvalidOperation'>]",
            "",
            "tests/test_checkout.py:88: InvalidOperation",
            "=========================== short test summary info ============================",
            "FAILED tests/test_checkout.py::test_checkout_total[eur] - decimal.InvalidOperation: [<class 'decimal...",
            "============================== 1 failed in 0.12s ===============================",
        ]
    )
    assert analyze(log).tests == ["tests/test_checkout.py::test_checkout_total[eur]"]
