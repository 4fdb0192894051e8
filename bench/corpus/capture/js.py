"""Corpus capture for the JavaScript tools: jest, vitest, mocha, node --test, tsc, eslint, npm, yarn, pnpm.

Each case copies ``bench/corpus/projects/<case>`` to a temporary dir, installs its npm packages there
(cache under /tmp, never in the repository), runs the real tool and labels its real output with a rule
written for that tool and failure kind (see the ``label_*`` functions). yarn and pnpm are installed
with npm into /tmp/corpus-js-tools when they are not on PATH. A tool that cannot be found or installed
is skipped with a message.

Usage: python bench/corpus/capture/js.py [CASE ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECTS, capture, loc, matching, plain

TOOLS = Path("/tmp/corpus-js-tools")
NPM_CACHE = "/tmp/corpus-npm-cache"
YARN_CACHE = "/tmp/corpus-yarn-cache"
PNPM_HOME = "/tmp/corpus-pnpm"
NPM_INSTALL = "npm install --no-audit --no-fund --prefer-offline --loglevel=error"
# What CI shows instead of our cache dirs (wrap.py fills in {{HOME}}).
REPLACE = {NPM_CACHE: "{{HOME}}/.npm", YARN_CACHE: "{{HOME}}/.cache/yarn", PNPM_HOME: "{{HOME}}/.local/share"}
JS_TOOL_VERSIONS = {"yarn": "yarn@1.22.22", "pnpm": "pnpm@10.34.8"}


def _env(**extra: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "PATH": f"{TOOLS / 'bin'}:{os.environ.get('PATH', '')}",
        "npm_config_cache": NPM_CACHE,
        "npm_config_update_notifier": "false",
        "YARN_CACHE_FOLDER": YARN_CACHE,
        "XDG_DATA_HOME": PNPM_HOME,  # pnpm's store and metadata cache
        "XDG_CACHE_HOME": PNPM_HOME,
        "FORCE_COLOR": None,
        "NO_COLOR": None,
        "CI": "true",
    }
    env.update(extra)
    return env


def nofile(path: str) -> dict:
    """A file the error names without a line."""
    return {"path": path, "line": None}


# ---------------------------------------------------------------- label rules


_JS_FRAME = re.compile(
    r"^\s*at .*?\(?((?:\{\{WORKDIR\}\}/|file://\{\{WORKDIR\}\}/)?[\w./@-]+\.[cm]?[jt]sx?):\d+:\d+\)?\s*$"
)


def _project_frame(text: str) -> bool:
    """A JS stack frame (``at fn (path:line:col)``) that points into the project, not node or node_modules."""
    m = _JS_FRAME.match(text)
    return bool(m) and "node_modules" not in text and "node:" not in text


def label_jest(lines: list[str]) -> list[int]:
    """jest: ``FAIL file``; each ``● suite › test`` header and its message (diff, Expected/Received) up to
    the code frame; the frame's ``>`` line; the stack frames in the project."""
    out: list[int] = matching(lines, r"^ ?FAIL ")
    i = 0
    while i < len(lines):
        text = plain(lines[i])
        if not re.match(r"^  ● (?!Console)", text):
            i += 1
            continue
        out.append(i)
        j = i + 1
        in_frame = False
        while j < len(lines):
            t = plain(lines[j])
            if re.match(r"^  ● |^(FAIL|PASS) |^Test Suites:", t):
                break
            if re.match(r"^\s*>?\s*\d+ \|", t):
                in_frame = True
                if re.match(r"^\s*> ?\d+ \|", t):
                    out.append(j)
            elif re.match(r"^\s*at ", t):
                if _project_frame(t):
                    out.append(j)
            elif t.strip() and not in_frame and not re.match(r"^\s*\|", t):
                out.append(j)
            j += 1
        i = j
    return sorted(set(out))


def label_vitest(lines: list[str]) -> list[int]:
    """vitest: each `` FAIL  file > suite > test`` header of the failure report, the error and its
    Expected/Received lines, the ``❯ file:line`` frames in the project and the source line the caret
    points at."""
    out: list[int] = []
    start = next((i for i, t in enumerate(lines) if re.search(r"Failed Tests \d+", plain(t))), len(lines))
    for i in range(start, len(lines)):
        t = plain(lines[i])
        if re.match(r"^ FAIL ", t):
            out.append(i)
            j = i + 1
            while j < len(lines):
                u = plain(lines[j])
                if re.match(r"^ ?❯ |^⎯|^ FAIL |^\s+\d+\|", u):
                    break
                if u.strip():
                    out.append(j)
                j += 1
        elif re.match(r"^ ?❯ ", t) and "node_modules" not in t:
            out.append(i)
        elif re.match(r"^\s+\|\s*\^", t) and i > 0:
            out.append(i - 1)
    return sorted(set(out))


def label_mocha(lines: list[str]) -> list[int]:
    """mocha: after ``N failing``, each numbered failure: its title lines, the error message and diff,
    and the stack frames in the project."""
    start = next((i for i, t in enumerate(lines) if re.match(r"^\s+\d+ failing", plain(t))), None)
    if start is None:
        return []
    out: list[int] = []
    for i in range(start + 1, len(lines)):
        t = plain(lines[i])
        if not t.strip():
            continue
        if re.match(r"^\s*at ", t):
            if _project_frame(t):
                out.append(i)
        else:
            out.append(i)
    return out


def label_node_test(lines: list[str]) -> list[int]:
    """node --test (TAP): each failing leaf test's ``not ok`` line, its location, error message,
    expected/actual, and the stack frames in the project (suites failing only by their subtests are
    left out)."""
    out: list[int] = []
    i = 0
    while i < len(lines):
        t = plain(lines[i])
        m = re.match(r"^(\s*)not ok \d+ - ", t)
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        j = i + 1
        block: list[int] = []
        while j < len(lines):
            u = plain(lines[j])
            if re.match(r"^\s*\.\.\.\s*$", u) and len(u) - len(u.lstrip()) == indent + 2:
                break
            block.append(j)
            j += 1
        texts = {k: plain(lines[k]) for k in block}
        if any("failureType: 'subtestsFailed'" in texts[k] for k in block):
            i = j
            continue
        out.append(i)
        key_indent = indent + 2
        current = None
        for k in block:
            u = texts[k]
            ind = len(u) - len(u.lstrip())
            if ind == key_indent and re.match(r"^\s*[\w]+:", u):
                current = u.strip().split(":", 1)[0]
                if current in ("location", "error", "expected", "actual"):
                    out.append(k)
            elif ind > key_indent and u.strip():
                if current == "error":
                    out.append(k)
                elif current == "stack" and "{{WORKDIR}}" in u and "node_modules" not in u:
                    out.append(k)
        i = j
    return sorted(out)


def label_tsc(lines: list[str]) -> list[int]:
    """tsc: each ``file(line,col): error TSnnnn: ...`` line, or in ``--pretty`` form each
    ``file:line:col - error TSnnnn: ...`` header and the source line quoted under it."""
    out = matching(lines, r"^\S.*\(\d+,\d+\): error TS\d+:")
    for i in matching(lines, r"^\S.*:\d+:\d+ - error TS\d+:"):
        out.append(i)
        for k in range(i + 1, min(i + 4, len(lines))):
            if re.match(r"^\d+ ", plain(lines[k])):
                out.append(k)
                break
    return sorted(set(out))


def label_eslint_errors(lines: list[str]) -> list[int]:
    """eslint (stylish): each ``line:col  error  message  rule`` line and the file header above it."""
    out: list[int] = []
    header = None
    for i, line in enumerate(lines):
        t = plain(line)
        if re.match(r"^(/|\{\{WORKDIR\}\}|[A-Za-z]:\\)\S*\.\w+$", t):
            header = i
        elif re.match(r"^\s+\d+:\d+\s+error\s", t):
            out.extend(k for k in (header, i) if k is not None)
    return sorted(set(out))


def label_eslint_max_warnings(lines: list[str]) -> list[int]:
    """eslint --max-warnings: the warning lines, their file header, and ``ESLint found too many warnings``."""
    out: list[int] = matching(lines, r"^ESLint found too many warnings")
    header = None
    for i, line in enumerate(lines):
        t = plain(line)
        if re.match(r"^(/|\{\{WORKDIR\}\}|[A-Za-z]:\\)\S*\.\w+$", t):
            header = i
        elif re.match(r"^\s+\d+:\d+\s+(warning|error)\s", t):
            out.extend(k for k in (header, i) if k is not None)
    return sorted(set(out))


def label_npm(lines: list[str]) -> list[int]:
    """npm: the ``npm error`` lines with content, less the pointers to the debug log / report and less a
    command's usage text (from its one-line description before ``Usage:`` on)."""
    errs = [i for i, t in enumerate(lines) if plain(t).startswith("npm error") and plain(t)[len("npm error") :].strip()]
    usage = next((i for i in errs if plain(lines[i]).strip() == "npm error Usage:"), None)
    if usage is not None:
        before = [i for i in errs if i < usage]
        cut = before[-1] if before else usage
        errs = [i for i in errs if i < cut]
    skip = re.compile(r"^npm error (A complete log of this run|For a full report see:|\S+\.(txt|log)$)")
    return [i for i in errs if not skip.search(plain(lines[i]))]


def label_yarn(lines: list[str]) -> list[int]:
    """yarn classic: the ``error ...`` lines."""
    return matching(lines, r"^error ")


def label_pnpm(lines: list[str]) -> list[int]:
    """pnpm: the `` ERR_PNPM_...`` line and the explanation after it, less the hints (``Note that ...``,
    ``If you need ...``) and progress lines."""
    start = next((i for i, t in enumerate(lines) if re.match(r"^\s*ERR_PNPM_", plain(t))), None)
    if start is None:
        return []
    hint = re.compile(r"^(Note that|If you |Progress: )")
    return [start] + [
        i for i in range(start + 1, len(lines)) if plain(lines[i]).strip() and not hint.match(plain(lines[i]))
    ]


# ---------------------------------------------------------------- cases


def _have(tool: str) -> bool:
    return shutil.which(tool, path=_env()["PATH"]) is not None


def _ensure_js_tool(tool: str) -> bool:
    """Make yarn/pnpm available in /tmp/corpus-js-tools (npm install -g there) if not on PATH."""
    if _have(tool):
        return True
    spec = JS_TOOL_VERSIONS[tool]
    cmd = ["npm", "install", "-g", "--prefix", str(TOOLS), "--cache", NPM_CACHE, "--no-audit", "--no-fund", spec]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"  skip {tool}: `npm i -g {spec}` failed: {proc.stderr.strip()[-300:]}")
        return False
    return _have(tool)


@dataclass
class Case:
    """One capture: the project ``projects/<name>``, the command, its label rule and the known answers.

    ``at`` lists ``(path, text)``: the file and the first line containing ``text`` that the error points
    at (code first, test second); ``text`` None for a file the error names without a line."""

    name: str
    tool: str
    kind: str
    command: str
    label: Callable[[list[str]], list[int]]
    category: str
    at: list[tuple[str, str | None]] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    install: bool = True
    color: bool = False

    def files(self) -> list[dict]:
        project = PROJECTS / self.name
        return [nofile(path) if text is None else loc(project, path, text) for path, text in self.at]


CASES = [
    Case("jest-assertion", "jest", "assertion", "npm test", label_jest, "test", color=True,
         at=[("test/cart.test.js", "expect(cart.total()).toBe(11)")],
         tests=["Cart > total multiplies price by quantity"]),
    Case("jest-exception-in-code", "jest", "exception_in_code", "npx jest --ci", label_jest, "test",
         at=[("src/config.js", "port: raw.server.port"), ("test/config.test.js", "parseConfig('{\"debug\": true}')")],
         tests=["parseConfig > falls back to the defaults without a server section"]),
    Case("jest-multiple-failures", "jest", "assertion", "npm test", label_jest, "test",
         at=[("__tests__/users.test.js", "expect(user).toEqual({"),
             ("__tests__/age.test.js", ".toThrow('age must not be negative')")],
         tests=["normalizeUser > splits and trims the roles", "parseAge > rejects a negative age"]),
    Case("vitest-assertion", "vitest", "assertion", "npx vitest run", label_vitest, "test",
         at=[("test/slug.test.js", "toBe('release-notes-v2-0')")],
         tests=["slugify > drops leading and trailing punctuation"]),
    Case("vitest-exception-in-code", "vitest", "exception_in_code", "npm test", label_vitest, "test", color=True,
         at=[("src/invoice.js", "throw new RangeError"), ("test/invoice.test.js", "expect(invoiceTotal(lines))")],
         tests=["invoiceTotal > handles a zero-rated line"]),
    Case("mocha-assertion", "mocha", "assertion", "npm test", label_mocha, "test", color=True,
         at=[("test/duration.spec.js", "formatDuration(0)")],
         tests=["formatDuration formats zero as 0s"]),
    Case("mocha-exception-in-code", "mocha", "exception_in_code", "npx mocha --reporter spec", label_mocha, "test",
         at=[("lib/rows.js", "throw new Error"), ("test/rows.spec.js", "const rows = parseCsv(")],
         tests=["parseCsv keeps quoted commas inside one cell"]),
    Case("node-test-assertion", "node", "assertion", "npm test", label_node_test, "test", install=False,
         at=[("test/bucket.test.js", "assert.equal(bucket.tokens, 3)")],
         tests=["TokenBucket > never refills beyond capacity"]),
    Case("tsc-type-errors", "tsc", "type_error", "npx tsc -p tsconfig.json", label_tsc, "typecheck",
         at=[("src/board.ts", "task.status = status"), ("src/board.ts", "sum + t.estimate"),
             ("src/board.ts", "return this.tasks.map"), ("src/board.ts", "board.move('1'")]),
    Case("tsc-pretty-errors", "tsc", "type_error", "npm run typecheck", label_tsc, "typecheck",
         at=[("src/api/client.ts", "condition: body.conditions"), ("src/format.ts", "from './units.js'"),
             ("src/format.ts", "return forecasts.sort")]),
    Case("eslint-rule-errors", "eslint", "lint_error", "npx eslint .", label_eslint_errors, "lint",
         at=[("src/notify.js", "values[key] == null"), ("src/notify.js", "export async function send"),
             ("src/notify.js", "channel.post(mesage)"), ("src/notify.js", "lastError = err")]),
    Case("eslint-max-warnings", "eslint", "lint_warnings", "npm run lint", label_eslint_max_warnings, "lint",
         color=True, at=[("lib/worker.js", "let job ="), ("lib/worker.js", "catch (err)")]),
    Case("npm-eresolve-peer", "npm", "dependency_conflict", "npm install", label_npm, "dependency", install=False,
         at=[("package.json", '"react-dom"')]),
    Case("npm-etarget", "npm", "no_matching_version", "npm install", label_npm, "dependency", install=False,
         at=[("package.json", '"lodash"')]),
    Case("npm-ci-lock-mismatch", "npm", "lockfile_out_of_sync", "npm ci", label_npm, "dependency", install=False,
         at=[("package-lock.json", None), ("package.json", '"semver"')]),
    Case("yarn-no-matching-version", "yarn", "no_matching_version", "yarn install", label_yarn, "dependency",
         install=False, at=[("package.json", '"date-fns"')]),
    Case("yarn-frozen-lockfile", "yarn", "lockfile_out_of_sync", "yarn install --frozen-lockfile", label_yarn,
         "dependency", install=False, at=[("yarn.lock", None), ("package.json", '"kleur"')]),
    Case("pnpm-no-matching-version", "pnpm", "no_matching_version", "pnpm install", label_pnpm, "dependency",
         install=False, at=[("package.json", '"zod"')]),
    Case("pnpm-outdated-lockfile", "pnpm", "lockfile_out_of_sync", "pnpm install --frozen-lockfile", label_pnpm,
         "dependency", install=False, at=[("pnpm-lock.yaml", None), ("package.json", '"kleur"')]),
]  # fmt: skip


def capture_case(case: Case) -> dict:
    """Run one case and write its raw record."""
    rec = capture(
        case.name,
        case.tool,
        case.kind,
        PROJECTS / case.name,
        case.command,
        category=case.category,
        label=case.label,
        files=case.files(),
        tests=case.tests,
        env=_env(FORCE_COLOR="1") if case.color else _env(),
        setup=NPM_INSTALL if case.install else None,
        replace=REPLACE,
    )
    lines = rec["output"].split("\n")
    print(f"  {case.name}: exit {rec['exit_code']}, {len(lines)} lines, {len(rec['must_read'])} labelled")
    return rec


def run(only: list[str] | None = None) -> None:
    """Capture every JS case (or those named in ``only``); skip, with a message, a tool that is missing."""
    if not shutil.which("node") or not shutil.which("npm"):
        print("js: skip all: node/npm not found")
        return
    ready: dict[str, bool] = {}
    for case in CASES:
        if only and case.name not in only:
            continue
        if case.tool in JS_TOOL_VERSIONS and case.tool not in ready:
            ready[case.tool] = _ensure_js_tool(case.tool)
        if not ready.get(case.tool, True):
            print(f"  skip {case.name}: {case.tool} is not available")
            continue
        try:
            capture_case(case)
        except RuntimeError as err:
            print(f"  FAILED {case.name}: {err}")


if __name__ == "__main__":
    run(sys.argv[1:] or None)
