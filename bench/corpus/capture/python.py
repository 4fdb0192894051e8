"""Corpus capture for the Python family: pytest, unittest, ruff, flake8, pylint, mypy, pip, uv, poetry, make,
and CI failure kinds met in Python jobs (timeout, a SIGKILLed process, a network failure, a missing secret).

Every tool is installed from PyPI into venvs under /tmp (``/tmp/corpus-venv`` for the tools,
``/tmp/corpus-poetry`` for poetry, which pins its own dependencies), never into the repository's
``.venv``. Each case copies ``bench/corpus/projects/<project>`` to a temporary work dir, runs the real
command and labels its real output with the rule written for that tool and failure kind (the
``label_*`` functions below). The venv and the interpreter's own prefix become ``{{PYTHON}}`` and
caches under /tmp become ``{{HOME}}/.cache/...``: ``wrap.py`` puts in what a CI runner would show.

The pip, uv and poetry cases reach PyPI for real (the resolution failures are PyPI's answers); pip
runs with no pip configuration file (``PIP_CONFIG_FILE=/dev/null``) so that it sees PyPI alone, as CI
does.

Usage: python bench/corpus/capture/python.py [CASE ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    PROJECTS,
    block_after,
    capture,
    last,
    loc,
    matching,
    plain,
    union,
)

VENV = Path("/tmp/corpus-venv")
POETRY_VENV = Path("/tmp/corpus-poetry")
UV_CACHE = "/tmp/corpus-uv-cache"
POETRY_CACHE = "/tmp/corpus-poetry-cache"
PIP_CACHE = "/tmp/corpus-pip-cache"
TOOLS = ["pytest", "pytest-timeout", "pytest-cov", "ruff", "flake8", "pylint", "mypy", "uv"]
# What a CI job shows instead of our install and cache locations (the venvs' base interpreter is added
# by _ensure_tools).
REPLACE = {
    str(VENV): "{{PYTHON}}",
    str(POETRY_VENV): "{{HOME}}/.local/share/pypoetry/venv",
    UV_CACHE: "{{HOME}}/.cache/uv",
    POETRY_CACHE: "{{HOME}}/.cache/pypoetry",
    PIP_CACHE: "{{HOME}}/.cache/pip",
}


def _env(**extra: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "PATH": f"{VENV / 'bin'}:{POETRY_VENV / 'bin'}:{os.environ.get('PATH', '')}",
        "CI": "true",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_FIND_LINKS": None,
        "PIP_CACHE_DIR": PIP_CACHE,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_CACHE_DIR": UV_CACHE,
        "UV_PYTHON_DOWNLOADS": "never",
        "POETRY_CACHE_DIR": POETRY_CACHE,
        "POETRY_VIRTUALENVS_IN_PROJECT": "false",
        "FORCE_COLOR": None,
        "NO_COLOR": None,
        "PY_COLORS": None,
        "COLUMNS": None,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra)
    return env


# ---------------------------------------------------------------- label rules
# Each rule is written once for a tool and failure kind and applied to the captured output.

_SECTION = re.compile(r"^=+ (.+?) =+$")
_TEST_HEADER = re.compile(r"^_{2,} (.+) _{2,}$")
_CAPTURED = re.compile(r"^-{2,} (Captured .+|.+ teardown .+) -{2,}$")
_LOCATION = re.compile(r"^(\S+?):(\d+): (.*)$")
_FRAME = re.compile(r'^\s*File "([^"]+)", line \d+')
_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning|Failure)\b.*|^[A-Za-z_][\w.]*: .*")


def _repo_path(path: str) -> bool:
    """A path inside the repository: relative without '..', or under the work dir placeholder."""
    if path.startswith("{{WORKDIR}}/"):
        return True
    return not path.startswith(("/", "<", "..", "{{")) and "site-packages" not in path


def traceback_lines(lines: list[str], start: int = 0, end: int | None = None) -> list[int]:
    """Python tracebacks in ``start:end``: the repository's ``File`` frames with their source line, and
    the exception line(s) that close each traceback (up to a blank or indented line)."""
    stop = len(lines) if end is None else end
    out: list[int] = []
    i = start
    while i < stop:
        text = plain(lines[i])
        if text.startswith("Traceback (most recent call last):"):
            j = i + 1
            while j < stop:
                t = plain(lines[j])
                m = _FRAME.match(t)
                if m:
                    if _repo_path(m.group(1)):
                        out.append(j)
                        if j + 1 < stop and plain(lines[j + 1]).startswith("    ") and not _FRAME.match(
                            plain(lines[j + 1])
                        ):
                            out.append(j + 1)
                    j += 1
                    continue
                if t.startswith(" ") or not t.strip():
                    j += 1
                    continue
                break
            # the exception message: this line and its unindented continuation
            while j < stop and plain(lines[j]).strip() and not plain(lines[j]).startswith(" "):
                if plain(lines[j]).startswith(("Traceback (most recent", "During handling", "The above exception")):
                    break
                out.append(j)
                j += 1
            i = j
            continue
        i += 1
    return out


def _pytest_sections(lines: list[str]) -> list[tuple[str, int, int]]:
    """(title, first, end) of each ``==== title ====`` section of a pytest report."""
    marks = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _SECTION.match(plain(line)))]
    out = []
    for n, (i, title) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        out.append((title, i, end))
    return out


def label_pytest(lines: list[str]) -> list[int]:
    """pytest: in FAILURES/ERRORS, each ``____ test ____`` header, the ``>`` and ``E`` lines, the repository's
    ``path:line: ...`` locations (with the source line of a ``path:line: in func`` frame), a native
    traceback's repository frames and exception line, ``ImportError while importing test module``, a doctest's
    failing example with its Expected/Got block; captured output is left out; then the ``FAILED``/``ERROR``
    lines of the short summary and a coverage ``FAIL Required test coverage`` verdict."""
    out: list[int] = []
    for title, first, end in _pytest_sections(lines):
        if title in ("FAILURES", "ERRORS"):
            i = first + 1
            captured = False
            while i < end:
                text = plain(lines[i])
                if _TEST_HEADER.match(text) and not text.startswith("_ _"):
                    out.append(i)
                    captured = False
                elif _CAPTURED.match(text):
                    captured = True
                elif captured:
                    pass
                elif text.startswith(">") or re.match(r"^E(\s|$)", text):
                    out.append(i)
                elif text.startswith("ImportError while importing test module"):
                    out.append(i)
                elif text.startswith("Traceback (most recent call last):"):
                    tb_end = i + 1
                    while tb_end < end and plain(lines[tb_end]).strip() and not _TEST_HEADER.match(
                        plain(lines[tb_end])
                    ):
                        tb_end += 1
                    out.extend(traceback_lines(lines, i, tb_end))
                    i = tb_end
                    continue
                elif text == "Expected:":
                    # doctest: the numbered example line just before, then Expected/Got up to a blank line
                    k = i - 1
                    if k > first and re.match(r"^\d{3} ", plain(lines[k])):
                        out.append(k)
                    while i < end and plain(lines[i]).strip():
                        out.append(i)
                        i += 1
                    continue
                elif (m := _LOCATION.match(text)) and _repo_path(m.group(1)):
                    out.append(i)
                    nxt = plain(lines[i + 1]) if i + 1 < end else ""
                    if m.group(3).startswith("in ") and nxt.startswith("    "):
                        out.append(i + 1)
                i += 1
        elif title == "short test summary info":
            out.extend(matching(lines, r"^(FAILED|ERROR) ", start=first + 1, end=end))
    out.extend(matching(lines, r"^FAIL Required test coverage|^ERROR: Coverage failure"))
    return out


def label_unittest(lines: list[str]) -> list[int]:
    """unittest: each ``FAIL:``/``ERROR:`` header, its traceback (repository frames and the exception
    lines), and the closing ``FAILED (failures=N, errors=M)`` line."""
    separator = re.compile(r"^(=|-){20,}$")
    out: list[int] = []
    for head in matching(lines, r"^(FAIL|ERROR): \S"):
        out.append(head)
        start = head + 2 if head + 1 < len(lines) and separator.match(plain(lines[head + 1])) else head + 1
        stop = start
        while stop < len(lines) and not separator.match(plain(lines[stop])):
            stop += 1
        out.extend(traceback_lines(lines, start, stop))
    out.extend(matching(lines, r"^FAILED \("))
    return out


def label_python_traceback(lines: list[str]) -> list[int]:
    """A script's uncaught exception: the repository frames, their source lines and the exception line."""
    return traceback_lines(lines)


def label_ruff_check(lines: list[str]) -> list[int]:
    """ruff check (full format): each ``CODE message`` header and its ``--> path:line:col`` line."""
    heads = matching(lines, r"^([A-Z]{1,4}\d{2,4}|invalid-syntax)\b")
    arrows = [i + 1 for i in heads if i + 1 < len(lines) and plain(lines[i + 1]).lstrip().startswith("-->")]
    return union(heads, arrows)


def label_ruff_format(lines: list[str]) -> list[int]:
    """ruff format --check: each ``unformatted:`` / ``Would reformat:`` line and its ``-->`` location."""
    heads = matching(lines, r"^(unformatted: |Would reformat: )")
    arrows = [i + 1 for i in heads if i + 1 < len(lines) and plain(lines[i + 1]).lstrip().startswith("-->")]
    return union(heads, arrows)


def label_flake8(lines: list[str]) -> list[int]:
    """flake8: every ``path:line:col: CODE message`` line."""
    return matching(lines, r"^\S+:\d+:\d+: [A-Z]+\d+ ")


def label_pylint(lines: list[str]) -> list[int]:
    """pylint: every ``path:line:col: Xnnnn: message (symbol)`` line."""
    return matching(lines, r"^\S+:\d+:\d+: [A-Z]\d{4}: ")


def label_mypy(lines: list[str]) -> list[int]:
    """mypy: every ``path:line: error:`` line and the ``note:`` lines that go with them."""
    return matching(lines, r"^\S+:\d+(:\d+)?: (error|note): ")


def label_pip(lines: list[str]) -> list[int]:
    """pip: every ``ERROR:`` line, the ``The conflict is caused by:`` block, and ``Retrying`` warnings that
    name a connection failure."""
    return union(
        matching(lines, r"^ERROR: "),
        block_after(lines, r"^The conflict is caused by:"),
        matching(lines, r"^WARNING: Retrying .*(NewConnectionError|ConnectTimeout|Connection refused|timed out)"),
    )


def label_uv(lines: list[str]) -> list[int]:
    """uv: the ``error:`` line and its ``cause:``/``hint:`` block up to a blank line."""
    return block_after(lines, r"^(error|×)(:| )")


def label_poetry(lines: list[str]) -> list[int]:
    """poetry: the solver's explanation from ``Because ...`` to the end of its paragraph."""
    return block_after(lines, r"^Because ")


def label_make_compileall(lines: list[str]) -> list[int]:
    """make running compileall: the ``*** Error compiling`` block (location, caret, SyntaxError) and the
    ``make: *** [Makefile:N: target] Error N`` line."""
    return union(
        block_after(lines, r"^\*\*\* Error compiling"),
        matching(lines, r"^make(\[\d+\])?: \*\*\* "),
    )


def label_timeout(lines: list[str]) -> list[int]:
    """GNU timeout -v: the ``timeout: sending signal`` line and the two lines the command printed last."""
    idx = last(lines, r"^timeout: sending signal")
    if idx is None:
        return []
    before = [i for i in range(idx) if plain(lines[i]).strip()][-2:]
    return union(before, [idx])


def label_killed(lines: list[str]) -> list[int]:
    """A process killed by a signal: the shell's ``Killed`` report."""
    return matching(lines, r"^\S.*: line \d+: +\d+ (Killed|Terminated|Segmentation fault)")


def label_curl(lines: list[str]) -> list[int]:
    """curl -fsS: every ``curl: (N) ...`` error line."""
    return matching(lines, r"^curl: \(\d+\) ")


def label_bash_error(lines: list[str]) -> list[int]:
    """A bash script's own error: ``script: line N: message``."""
    return matching(lines, r"^\S+: line \d+: ")


# ---------------------------------------------------------------- the cases


def _case(
    case: str,
    tool: str,
    kind: str,
    command: str,
    label: Callable[[list[str]], list[int]],
    *,
    category: str,
    files: list[dict] | None = None,
    tests: list[str] | None = None,
    project: str | None = None,
    env: dict[str, str | None] | None = None,
    timeout: float = 300,
    setup: str | None = None,
) -> None:
    rec = capture(
        case,
        tool,
        kind,
        PROJECTS / (project or case),
        command,
        category=category,
        label=label,
        files=files or [],
        tests=tests or [],
        env=_env(**(env or {})),
        timeout=timeout,
        setup=setup,
        replace=REPLACE,
    )
    text = plain(rec["output"])
    for test in rec["tests"]:
        if test not in text:
            print(f"  warning {case}: test id {test!r} does not appear in the output")
    for ref in rec["files"]:
        if ref["path"] not in text:
            print(f"  note {case}: file {ref['path']!r} is not named in the output")
    n_lines, n_read = len(rec["output"].splitlines()), len(rec["must_read"])
    print(f"  {case}: exit {rec['exit_code']}, {n_lines} lines, {n_read} labelled")


def _at(project: str, path: str, needle: str) -> dict:
    return loc(PROJECTS / project, path, needle)


def cases() -> list[tuple[str, str, Callable[[], None]]]:
    """(case, tool, thunk) for every Python-family case."""
    exc = "pytest-exception-in-code"
    exc_files = [
        _at(exc, "src/inventory/pricing.py", "return total_cost / total_quantity"),
        _at(exc, "tests/test_stock.py", 'report = restock_report(MOVES, ["A-100", "C-300"])'),
    ]
    exc_tests = ["tests/test_stock.py::test_restock_report_includes_sold_out_items"]
    spec: list[tuple[str, str, Callable[[], None]]] = [
        ("pytest-assertion", "pytest", lambda: _case(
            "pytest-assertion", "pytest", "assertion", "python -m pytest", label_pytest, category="test",
            files=[_at("pytest-assertion", "tests/test_cart.py", "assert cart.total() == 90.0")],
            tests=["tests/test_cart.py::test_total_with_discount"])),
        (exc, "pytest", lambda: _case(
            exc, "pytest", "exception_in_code", "pytest", label_pytest, category="test",
            files=exc_files, tests=exc_tests)),
        ("pytest-exception-tb-short", "pytest", lambda: _case(
            "pytest-exception-tb-short", "pytest", "exception_in_code_tb_short", "pytest --tb=short", label_pytest,
            category="test", project=exc, files=exc_files, tests=exc_tests)),
        ("pytest-exception-tb-line", "pytest", lambda: _case(
            "pytest-exception-tb-line", "pytest", "exception_in_code_tb_line", "python -m pytest -q --tb=line",
            label_pytest, category="test", project=exc, files=exc_files[:1], tests=exc_tests)),
        ("pytest-exception-tb-native", "pytest", lambda: _case(
            "pytest-exception-tb-native", "pytest", "exception_in_code_tb_native",
            "pytest --tb=native -p no:cacheprovider", label_pytest, category="test", project=exc,
            files=exc_files, tests=exc_tests)),
        ("pytest-parametrize", "pytest", lambda: _case(
            "pytest-parametrize", "pytest", "parametrized", "pytest -v", label_pytest, category="test",
            files=[_at("pytest-parametrize", "tests/test_text.py", "assert slugify(title) == expected")],
            tests=["tests/test_text.py::test_slugify[Cr\\xe8me Br\\xfbl\\xe9e-creme-brulee]",
                   "tests/test_text.py::test_slugify[C++ & Rust: a comparison-c-rust-a-comparison]"])),
        ("pytest-fixture-error", "pytest", lambda: _case(
            "pytest-fixture-error", "pytest", "fixture_error", "pytest tests/", label_pytest, category="test",
            files=[_at("pytest-fixture-error", "src/accounts/settings.py", 'url = env["ACCOUNTS_DATABASE_URL"]'),
                   _at("pytest-fixture-error", "tests/conftest.py", "return load_settings()")],
            tests=["tests/test_store.py::test_create", "tests/test_store.py::test_get_missing"],
            env={"ACCOUNTS_DATABASE_URL": None})),
        ("pytest-collection-importerror", "pytest", lambda: _case(
            "pytest-collection-importerror", "pytest", "collection_import_error", "pytest", label_pytest,
            category="test",
            files=[_at("pytest-collection-importerror", "tests/test_forecast.py", "import parse_forecast")],
            tests=["tests/test_forecast.py"])),
        ("pytest-collection-syntaxerror", "pytest", lambda: _case(
            "pytest-collection-syntaxerror", "pytest", "collection_syntax_error", "python -m pytest -q",
            label_pytest, category="test",
            files=[_at("pytest-collection-syntaxerror", "src/ledger/entries.py", "def is_debit(self) -> bool"),
                   _at("pytest-collection-syntaxerror", "tests/test_entries.py", "from ledger.entries import")],
            tests=["tests/test_entries.py"])),
        ("pytest-doctest", "pytest", lambda: _case(
            "pytest-doctest", "pytest", "doctest", "pytest src", label_pytest, category="test",
            files=[_at("pytest-doctest", "src/fmt/units.py", ">>> human_size(1536)")],
            tests=["src/fmt/units.py::fmt.units.human_size"])),
        ("pytest-multiple-failures", "pytest", lambda: _case(
            "pytest-multiple-failures", "pytest", "multiple_failures_color", "pytest", label_pytest,
            category="test",
            files=[_at("pytest-multiple-failures", "src/geometry/parse.py", "raise ValueError(f\"unknown shape"),
                   _at("pytest-multiple-failures", "tests/test_parse.py", 'assert parse("square 2")'),
                   _at("pytest-multiple-failures", "tests/test_shapes.py", "assert Rect(2, 3).perimeter() == 10")],
            tests=["tests/test_parse.py::test_parse_square", "tests/test_shapes.py::test_rect_perimeter"])),
        ("pytest-assert-diff", "pytest", lambda: _case(
            "pytest-assert-diff", "pytest", "assertion_diff", "pytest -vv", label_pytest, category="test",
            files=[_at("pytest-assert-diff", "tests/test_merge.py", "assert merge(DEFAULTS, from_env(env)) == {")],
            tests=["tests/test_merge.py::test_env_overrides_port_and_level"])),
        ("pytest-timeout", "pytest", lambda: _case(
            "pytest-timeout", "pytest", "test_timeout", "pytest", label_pytest, category="timeout",
            files=[_at("pytest-timeout", "src/jobs/queue.py", "time.sleep(poll)"),
                   _at("pytest-timeout", "tests/test_queue.py", "assert q.wait_for(2) == 9")],
            tests=["tests/test_queue.py::test_waits_for_unstarted_worker"])),
        ("pytest-coverage", "pytest", lambda: _case(
            "pytest-coverage", "pytest", "coverage_fail_under", "pytest", label_pytest, category="test")),
        ("unittest-failure", "unittest", lambda: _case(
            "unittest-failure", "unittest", "assertion", "python -m unittest discover -v", label_unittest,
            category="test",
            files=[_at("unittest-failure", "tests/test_invoice.py", '"AT"')],
            tests=["tests.test_invoice.TestTax.test_austria"])),
        ("unittest-error", "unittest", lambda: _case(
            "unittest-error", "unittest", "exception_in_code", "python -m unittest", label_unittest,
            category="test",
            files=[_at("unittest-error", "notify/render.py", 'user["display_name"]'),
                   _at("unittest-error", "tests/test_render.py", 'render("welcome", user))')],
            tests=["tests.test_render.RenderTest.test_welcome_without_display_name"])),
        ("ruff-check", "ruff", lambda: _case(
            "ruff-check", "ruff", "lint", "ruff check .", label_ruff_check, category="lint",
            files=[_at("ruff-check", "app/handlers.py", "import os"),
                   _at("ruff-check", "app/handlers.py", "def parse_body"),
                   _at("ruff-check", "app/handlers.py", "except:"),
                   _at("ruff-check", "app/handlers.py", "seen=[]"),
                   _at("ruff-check", "app/handlers.py", 'f"handled event"'),
                   _at("ruff-check", "app/handlers.py", "delivery_id}")])),
        ("ruff-format", "ruff", lambda: _case(
            "ruff-format", "ruff", "format_check", "ruff format --check .", label_ruff_format, category="lint",
            files=[_at("ruff-format", "src/geo/distance.py", "lat2-lat1"),
                   _at("ruff-format", "src/geo/points.py", "CITIES = {")])),
        ("flake8", "flake8", lambda: _case(
            "flake8", "flake8", "lint", "flake8 src tests", label_flake8, category="lint",
            files=[_at("flake8", "src/etl/extract.py", "import sys"),
                   _at("flake8", "src/etl/extract.py", "def read_many"),
                   _at("flake8", "src/etl/extract.py", "== None"),
                   _at("flake8", "src/etl/extract.py", "return totl"),
                   _at("flake8", "src/etl/load.py", "INSERT INTO")])),
        ("pylint", "pylint", lambda: _case(
            "pylint", "pylint", "lint", "pylint src/reports", label_pylint, category="lint",
            files=[_at("pylint", "src/reports/monthly.py", "return bst"),
                   _at("pylint", "src/reports/monthly.py", "def write"),
                   _at("pylint", "src/reports/monthly.py", 'with open(path, "w")'),
                   _at("pylint", "src/reports/monthly.py", "import os"),
                   _at("pylint", "src/reports/monthly.py", "class MonthlyReport"),
                   _at("pylint", "src/reports/monthly.py", "def totals"),
                   _at("pylint", "src/reports/monthly.py", "def best_month")])),
        ("mypy", "mypy", lambda: _case(
            "mypy", "mypy", "typecheck", "mypy", label_mypy, category="typecheck",
            files=[_at("mypy", "src/scheduler/jobs.py", "import yaml"),
                   _at("mypy", "src/scheduler/jobs.py", "return {job.name: job.last_run"),
                   _at("mypy", "src/scheduler/cli.py", "def parse_interval"),
                   _at("mypy", "src/scheduler/cli.py", "verbose=True")])),
        ("pip-no-matching-version", "pip", lambda: _case(
            "pip-no-matching-version", "pip", "no_matching_version", "python -m pip install -r requirements.txt",
            label_pip, category="dependency",
            files=[_at("pip-no-matching-version", "requirements.txt", "requests==99.0.0")])),
        ("pip-conflict", "pip", lambda: _case(
            "pip-conflict", "pip", "resolution_conflict", "pip install -r requirements.txt", label_pip,
            category="dependency",
            files=[_at("pip-conflict", "requirements.txt", "urllib3==1.20"),
                   _at("pip-conflict", "requirements.txt", "requests==2.31.0")])),
        ("uv-lock-conflict", "uv", lambda: _case(
            "uv-lock-conflict", "uv", "resolution_conflict", "uv lock --color always", label_uv,
            category="dependency",
            files=[_at("uv-lock-conflict", "pyproject.toml", '"urllib3<1.21"'),
                   _at("uv-lock-conflict", "pyproject.toml", '"requests==2.31.0"')])),
        ("uv-unsatisfiable", "uv", lambda: _case(
            "uv-unsatisfiable", "uv", "no_matching_version", "uv sync", label_uv, category="dependency",
            files=[_at("uv-unsatisfiable", "pyproject.toml", '"httpx>=99.0"')])),
        ("poetry-lock-conflict", "poetry", lambda: _case(
            "poetry-lock-conflict", "poetry", "resolution_conflict", "poetry lock", label_poetry,
            category="dependency",
            files=[_at("poetry-lock-conflict", "pyproject.toml", 'urllib3 = "<1.21"'),
                   _at("poetry-lock-conflict", "pyproject.toml", 'requests = "2.31.0"')])),
        ("make-compile", "make", lambda: _case(
            "make-compile", "make", "recipe_failed", "make", label_make_compileall, category="compile",
            files=[_at("make-compile", "src/pricing/rules.py", "return round(unit * quantity"),
                   _at("make-compile", "Makefile", "-m compileall")])),
        ("timeout-wait-for-service", "timeout", lambda: _case(
            "timeout-wait-for-service", "timeout", "timeout", "timeout -v 4 python scripts/wait_for_service.py",
            label_timeout, category="timeout")),
        ("oom-killed", "python", lambda: _case(
            "oom-killed", "python", "killed_sigkill",
            "python scripts/train.py --epochs 3 && python scripts/evaluate.py", label_killed,
            category="infrastructure")),
        ("network-pip-index", "pip", lambda: _case(
            "network-pip-index", "pip", "network_connection_refused",
            "pip install --index-url http://127.0.0.1:9/simple/ --timeout 3 --retries 2 -r requirements.txt",
            label_pip, category="infrastructure")),
        ("network-curl", "curl", lambda: _case(
            "network-curl", "curl", "network_connection_refused", "./scripts/smoke.sh", label_curl,
            category="infrastructure",
            files=[_at("network-curl", "scripts/smoke.sh", "curl -fsS")])),
        ("missing-secret", "python", lambda: _case(
            "missing-secret", "python", "missing_env_var", "python scripts/deploy.py --env production dist/app.tar.gz",
            label_python_traceback, category="configuration",
            files=[_at("missing-secret", "scripts/deploy.py", 'os.environ["RELEASE_API_TOKEN"]')],
            env={"RELEASE_API_TOKEN": None})),
        ("missing-secret-shell", "bash", lambda: _case(
            "missing-secret-shell", "bash", "missing_env_var", "./scripts/publish.sh", label_bash_error,
            category="configuration",
            files=[_at("missing-secret-shell", "scripts/publish.sh", "DOCS_DEPLOY_KEY:?")],
            env={"DOCS_DEPLOY_KEY": None})),
    ]
    return spec


def _ensure_tools() -> list[str]:
    """Install the tools into the /tmp venvs if they are missing; return the tools that are not usable."""
    pip_env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    check = "import pytest, pytest_timeout, pytest_cov, flake8, pylint, mypy"
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
    ok = subprocess.run([str(VENV / "bin" / "python"), "-c", check], capture_output=True, check=False)
    if ok.returncode != 0 or not (VENV / "bin" / "ruff").exists() or not (VENV / "bin" / "uv").exists():
        proc = subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", *TOOLS], capture_output=True, text=True, env=pip_env,
            check=False,
        )
        if proc.returncode != 0:
            print(f"  pip install of the tools failed: {proc.stderr.strip()[-400:]}")
    missing = [t for t in ("pytest", "ruff", "flake8", "pylint", "mypy", "uv") if not (VENV / "bin" / t).exists()]
    if not (POETRY_VENV / "bin" / "poetry").exists():
        subprocess.run([sys.executable, "-m", "venv", str(POETRY_VENV)], check=False)
        subprocess.run([str(POETRY_VENV / "bin" / "pip"), "install", "-q", "poetry"], env=pip_env, check=False)
    if not (POETRY_VENV / "bin" / "poetry").exists():
        missing.append("poetry")
    for tool in ("make", "curl", "timeout", "bash"):
        if shutil.which(tool) is None:
            missing.append(tool)
    REPLACE.update({base: "{{PYTHON}}" for base in _venv_bases()})
    return missing


def _venv_bases() -> list[str]:
    """The interpreter prefixes the /tmp venvs were made from (``home`` in pyvenv.cfg, less ``/bin``)."""
    out = []
    for venv in (VENV, POETRY_VENV):
        cfg = venv / "pyvenv.cfg"
        if cfg.exists():
            for line in cfg.read_text().splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "home":
                    out.append(str(Path(value.strip()).parent))
    return out


def run(only: list[str] | None = None) -> None:
    """Capture every Python-family case (or those named in ``only``); a missing tool skips its cases."""
    missing = set(_ensure_tools())
    for case, tool, thunk in cases():
        if only and case not in only:
            continue
        if tool in missing:
            print(f"  skip {case}: {tool} is not available")
            continue
        try:
            thunk()
        except RuntimeError as err:
            print(f"  FAILED {case}: {err}")


if __name__ == "__main__":
    run(sys.argv[1:] or None)
