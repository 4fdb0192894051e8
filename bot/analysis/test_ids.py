"""The ids of the failing tests named in the lines the analyzer chose, read the way each runner prints them.

Most runners name a failing test on one line (pytest's ``FAILED x.py::t``, go's ``--- FAIL: T``), which the
line rules capture. Some spread it over lines, read here in order: mocha's numbered summary (the suite on
one line, the test title indented under it, ending in ``:``), RSpec's and PHPUnit's numbered lists, Minitest's
``1) Failure:`` with the id on the next line, busted's ``Failure -> spec/x.lua @ 13`` above the test's name,
CTest's ``The following tests FAILED:`` list, Test::More's ``#   Failed test 'name'``, Playwright's
``1) [chromium] › file:line:col › suite › test`` and TAP's subtests (node --test prints a failing test, indented,
before the failing suite that holds it). A numbered list is read even when its header was not chosen.

Ids are written as the runner names them, with suites and tests joined by ``" > "`` (Jest's ``›`` too); a
bare name or a file is dropped when a fuller id of the same test is known.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import rx
from .patterns import LineInfo, tap_comment_name

MAX_TESTS = 50
MAX_ID = 300

_UNITTEST_ID = rx.compile(r"^(\w+) \(([\w.]+)\)$")
_SUREFIRE = rx.compile(
    r"^(?:\[ERROR\]\s+)?(?:(?P<m1>\w+)\((?P<c1>[\w.$]+)\)"
    r"|(?P<c2>[\w.$]+)\.(?P<m2>\w+))\s+(?:-- )?Time elapsed:.*<<< (?:FAILURE|ERROR)!"
)
# the line rules heading a numbered list of failures: mocha's "2 failing", PHPUnit's "There were 2 errors:"
# (RSpec's is the line "Failures:")
_LIST_RULES = {"mocha_failing": "mocha", "phpunit_header": "phpunit"}
# the line rules whose next line is the test's id: Minitest's "  1) Failure:", busted's "Failure -> spec/x.lua @ 13"
_ANNOUNCING_RULES = {"minitest_failure": "minitest", "busted_failure": "busted"}
_NUMBERED = rx.compile(r"^\s*\d+\) (?P<t>\S.*?)\s*$")
# Minitest's id under its "1) Failure:": "SlugTest#test_x [test/slug_test.rb:7]:" (older: "test_x(SlugTest) [...]:")
_MINITEST_ID = rx.compile(r"^\s*(?:(?P<cls>[\w:]+)#(?P<m>[^\s\[:]+)|(?P<m2>\w+)\((?P<cls2>[\w:]+)\))(?: \[.*\])?:?$")
# the name in Test::More's "#   Failed test 'zero F'" (the line rule test_more_failed)
_TEST_MORE = rx.compile(r"^#\s+Failed test (?:'(?P<q>.+)'|\"(?P<qq>.+)\")\s*$")
# CTest's summary, "The following tests FAILED:" then "  2 - trim (Failed)" (its run's verdict, "2/2 Test #2: trim
# ...***Failed", is the line rule ctest_failed)
_CTEST_HEAD = rx.compile(r"^The following tests (?:FAILED|did not run):$")
_CTEST_ITEM = rx.compile(r"^\s*\d+ - (?P<t>\S+) \(.+\)$")
_DURATION = rx.compile(r"\s+(?:\d+(?:\.\d+)?\s?m?s|\(\d+(?:\.\d+)?\s?m?s\))$")
_TAP_INDENT = rx.compile(r"^(\s*)not ok ")
_TAP_FILE = rx.compile(r"^\S+\.(?:[cm]?[jt]sx?|py|rb|pl|t|sh|go|php|lua)$")
"""A TAP point named by a test file (node-tap runs each file as a subtest named by its path): not a suite's name."""
_TAP_TIMED = rx.compile(r"#\s*time=\d")
"""node-tap's "# time=28ms" after a subtest's point (never after an assertion's): its deeper points are assertions."""
# what a tool prints in a test's format that names no test: ESLint's "✖ 5 problems (4 errors, 1 warning)",
# pytest-cov's "____ coverage: platform linux, python 3.11 ____"
# Cypress's run table ("✖  login.cy.js     00:05    1    -    1", "✖  1 of 1 failed (100%)"), a tool's status under a
# cross ("✘ Locking Failed!": pipenv's)
_NOT_A_TEST = rx.compile(r"^\d+ problems? \(|^coverage: |^\d+ of \d+ failed|\S {4,}\S|^\[ERROR\] |\bFailed!$")
# Playwright: "  1) [chromium] › tests/login.spec.ts:12:5 › login › shows an error ─────" heads a failure; the list
# reporter's "✘  1 [chromium] › tests/login.spec.ts:12:5 › login › shows an error (5.1s)" marks it
_PLAYWRIGHT = rx.compile(
    r"^\s*(?:\d+\) |(?:\u2718|\u00d7|\u2715)?\s*\d+ )?\[[^\]\n]{1,80}\] \u203a \S+:\d+:\d+ \u203a (?P<t>.+?)"
    r"(?: \u2500+)?(?: \(\d+(?:\.\d+)?m?s\))?\s*$"
)
_VERDICT_HEADING = rx.compile(r"^\[(?:FAIL|ERROR)\]$")
_DOTTED_ID = rx.compile(r"^(?:\w+\.){2,}\w+$")
"""Twisted trial's report: "[FAIL]", the traceback, the test's dotted id, then a rule line."""
_KARMA_BROWSER = rx.compile(r"^(?:Headless)?(?:Chrome|Chromium|Firefox|Safari|Edge|Electron|PhantomJS)[^()]*\([^)]*\) ")
_DART_FILE = rx.compile(r"^(?:\S*/)?\S+\.dart: ")
_PYTEST_PHASE = rx.compile(r"^(?:ERROR|FAILED) at (?:setup|teardown|call) of (?P<t>.+)$|^\[doctest\] (?P<d>.+)$")
# a full id ends with the bare name after one of these
_JOINS = ("::", ".", "/", " > ", "#")


_BDD_LOCATED = rx.compile(r"^(?P<scenario>Scenario(?: Outline)?: )?(?P<name>.+?) # \S+:\d+$")
"""Cucumber's titles end with the location of their definition: "Scenario: Adds items # features/cart.feature:4" is
the test "Adds items"; a step's "Then the total is 3.25 # features/steps/cart.js:17" is none."""


def _norm(test: str) -> str:
    """An id as it is kept: trimmed, Jest's suite separator written as every other runner's."""
    return test.strip().replace(" \u203a ", " > ")[:MAX_ID]


class _Found:
    """The ids in the order found, each at most once, renamed when a later line says more."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}  # id -> rule
        self.files: set[str] = set()  # ids that are only a test file (Jest's "FAIL x.test.js")

    def add(self, test: str, rule: str, *, file_only: bool = False) -> None:
        test = _norm(test)
        bdd = _BDD_LOCATED.match(test)
        if bdd is not None:
            if not bdd.group("scenario"):
                return  # a step of a scenario ("Then the total is 3 # steps/cart.js:17"), not a test
            test = bdd.group("name")
        if test and test not in self.ids and len(self.ids) < MAX_TESTS:
            self.ids[test] = rule
            if file_only:
                self.files.add(test)

    def rename(self, old: str, new: str) -> None:
        if old in self.ids:
            rule = self.ids.pop(old)
            self.ids.setdefault(new[:MAX_ID], rule)

    def result(self) -> list[str]:
        ids = list(self.ids)
        if len(ids) > len(self.files):
            ids = [t for t in ids if t not in self.files]
        return [t for t in ids if not any(f != t and f.endswith(tuple(j + t for j in _JOINS)) for f in ids)]


def _one_line_id(text: str, info: LineInfo) -> str | None:
    """The id a line rule captured, in the form its runner names the test."""
    test = info.test
    if "<<< " in text:
        m = _SUREFIRE.match(text)
        if not m:
            return None
        return f"{m.group('c1')}.{m.group('m1')}" if m.group("m1") else f"{m.group('c2')}.{m.group('m2')}"
    if not test or (info.rule == "rust_panic" and test == "main"):
        return None
    if info.rule == "unittest_fail":
        um = _UNITTEST_ID.match(test)
        if um:
            cls = um.group(2)
            return cls if cls.endswith("." + um.group(1)) else f"{cls}.{um.group(1)}"
    elif info.rule == "gradle_test":
        cls, _, name = test.partition(" > ")
        return f"{cls}.{name.strip().removesuffix('()')}" if name else cls
    elif info.rule == "pytest_header":
        test = test.removeprefix("ERROR collecting ").strip()
        pm = _PYTEST_PHASE.match(test)
        if pm:
            test = pm.group("t") or pm.group("d")
    elif info.rule == "pytest_summary":
        head, cut, _ = test.partition("] - ")
        test = head + "]" if cut else test.split(" - ")[0]
    elif info.rule == "jest_fail_file" and " > " in test:
        test = test.split(" > ", 1)[1]  # vitest's "FAIL x.test.js > suite > test": the file is not the id
    elif info.rule == "js_cross":
        test = _DURATION.sub("", test)  # vitest's "× suite > test 25ms"
    elif info.rule == "test_line_failed":
        test = _KARMA_BROWSER.sub("", test)  # Karma's "Chrome Headless 120.0 (Linux x86_64) Suite test"
    elif info.rule == "dart_test":
        test = _DART_FILE.sub("", test)  # "test/x_test.dart: group test": the file is not the id
    elif info.rule in ("xctest_assert", "xctest_failed"):
        test = test.replace(" ", "/")  # "Mod.Class testAdd" as `swift test --filter` names it
    elif info.rule == "rspec_rerun":
        _, _, title = text.partition(" # ")  # "rspec ./spec/x_spec.rb:10 # Invoice adds tax"
        test = title or test
    return test


_PHPUNIT_ID = rx.compile(r"^[\w\\]+::\w+")


def _list_kind(text: str, title: str, rows: list[tuple[int, str, LineInfo]], k: int) -> str | None:
    """Which runner's numbered failure ``text`` (row ``k``) is when its list's header was not among the lines:
    RSpec's when "Failure/Error:" follows it, PHPUnit's when it names ``Class::method``, mocha's when the test's
    title follows it, indented deeper and ending with ":"."""
    if _PHPUNIT_ID.match(title):
        return "phpunit"
    if k + 1 >= len(rows) or rows[k + 1][0] != rows[k][0] + 1:
        return None
    below = rows[k + 1][1]
    if below.strip().startswith("Failure/Error:"):
        return "rspec"
    indent = len(text) - len(text.lstrip())
    if len(below) - len(below.lstrip()) > indent + 2 and _title_ends(rows, k + 1):
        return "mocha"
    return None


def _title_ends(rows: list[tuple[int, str, LineInfo]], k: int) -> bool:
    """Whether the deeper-indented lines from row ``k`` on (a mocha title's suites) end with one ending in ":"."""
    for j in range(k, min(len(rows), k + 8)):
        if j > k and rows[j][0] != rows[j - 1][0] + 1:
            return False
        line = rows[j][1].rstrip()
        if not line:
            return False
        if line.endswith(":"):
            return True
    return False


def extract_tests(lines: Iterable[tuple[int, str, LineInfo]]) -> list[str]:
    """Ids of the failing tests named in ``lines`` (line number, cleaned text, what it is), in log order."""
    found = _Found()
    prev_no = -2
    listing: str | None = None  # the numbered list being read: mocha, rspec, phpunit
    mocha: list[str] | None = None  # a mocha title being read over its lines
    after: str | None = None  # what the previous line announced: the id comes next (minitest, busted)
    ctest = False
    tap: list[tuple[int, str, bool]] = []  # failing TAP points seen, (indent, id, timed), for their suites to claim
    tap_name: str | None = None  # the test a TAP comment named above its points (tape's "# name")
    verdict_heading = False  # in a report headed "[FAIL]" / "[ERROR]" (Twisted trial's): its test's id closes it
    rows = list(lines)
    for k, (no, text, info) in enumerate(rows):
        adjacent = no == prev_no + 1
        prev_no = no
        if not adjacent:
            mocha, after = None, None
        if text.startswith("# "):
            tap_name = tap_comment_name(text, rows[k - 1][1] if k and adjacent else None) or tap_name
        elif tap_name is not None and text.strip() and not (text.startswith((" ", "ok ", "not ok "))):
            tap_name = None  # the TAP stream ended (its points and their indented diagnostics go on under the name)
        if mocha is not None:
            part = text.strip()
            if part and not _NUMBERED.match(text):
                mocha.append(part.removesuffix(":"))
                if part.endswith(":"):
                    found.add(" ".join(mocha), "mocha")
                    mocha = None
                continue
            mocha = None
        if after is not None:
            announced, after = after, None
            if announced == "busted" and text.strip():
                found.add(text, "busted")
                continue
            mm = _MINITEST_ID.match(text) if announced == "minitest" else None
            if mm:
                cls, meth = mm.group("cls") or mm.group("cls2"), mm.group("m") or mm.group("m2")
                found.add(f"{cls}#{meth}", "minitest")
                continue
        if _VERDICT_HEADING.match(text):
            verdict_heading = True
            continue
        if verdict_heading and _DOTTED_ID.match(text):
            found.add(text, "trial")  # "pkg.test.test_mod.Class.test_name" after the traceback, at the line's start
            verdict_heading = False
            continue
        if "not ok " in text and info.rule == "tap_not_ok" and info.test:
            im = _TAP_INDENT.match(text)
            indent = len(im.group(1)) if im else 0
            timed = _TAP_TIMED.search(text) is not None
            children = [(i, t, c) for i, t, c in tap if i > indent]
            tap = [(i, t, c) for i, t, c in tap if i <= indent]
            suite = _norm(info.test)
            if children and timed and not any(c for _, _, c in children):
                # node-tap: a subtest's own points are its assertions ("should be equal"), the subtest is the test
                for _, child, _ in children:
                    found.rename(child, suite)
                found.add(suite, "tap")
                tap.append((indent, suite, True))
            elif children and _TAP_FILE.match(suite):
                tap.extend((indent, child, c) for _, child, c in children)  # node-tap's file: its tests' ids stay
            elif children:  # a suite's verdict: its failing tests are the ids, under its name
                for _, child, _ in children:
                    found.rename(child, f"{suite} > {child}")
                    tap.append((indent, f"{suite} > {child}", timed))
            elif tap_name is not None and not indent:  # tape: the point is an assertion of the test named above
                found.add(tap_name, "tap")
                tap.append((indent, _norm(tap_name), timed))
            else:
                found.add(info.test, "tap")
                tap.append((indent, suite, timed))
            continue
        if info.rule in _LIST_RULES or text.strip() == "Failures:":
            listing = _LIST_RULES.get(info.rule, "rspec")
            continue
        if info.rule in _ANNOUNCING_RULES:
            after = _ANNOUNCING_RULES[info.rule]
            continue
        if _CTEST_HEAD.match(text):
            ctest = True
            continue
        pw = _PLAYWRIGHT.match(text) if "\u203a" in text else None
        if pw is not None:
            found.add(pw.group("t"), "playwright")
            continue
        if info.rule == "exunit_header":
            pass
        elif (nm := _NUMBERED.match(text)) and (kind := listing or _list_kind(text, nm.group("t"), rows, k)):
            title = nm.group("t")
            if kind == "mocha":
                if title.endswith(":"):
                    found.add(title.removesuffix(":"), "mocha")
                else:
                    mocha = [title]
                continue
            found.add(title, kind)
            continue
        tm = _TEST_MORE.match(text) if info.rule == "test_more_failed" else None
        if tm:
            found.add(tm.group("q") or tm.group("qq"), "test_more")
            continue
        cm = _CTEST_ITEM.match(text) if ctest else None
        if cm:
            found.add(cm.group("t"), "ctest")
            continue
        test = _one_line_id(text, info)
        if test and not _NOT_A_TEST.search(test):
            found.add(test, info.rule, file_only=info.rule == "jest_fail_file" and " > " not in (info.test or ""))
    return found.result()
