"""Wrap the captured tool outputs (raw/*.json) as CI job logs: logs/<case>.<variant>.log and .json.

Variants:
  github       a GitHub Actions job log: timestamps on every line, ``##[group]Run``/``##[endgroup]`` steps,
               the cyan script echo, setup steps with chatty install output, passing steps, then the
               failing step, ``##[error]Process completed with exit code N.`` and the post-job cleanup.
  gitlab       a GitLab CI job trace: ``section_start``/``section_end`` sections, green ``$ command``
               echoes, passing commands, the failing one, cleanup and ``ERROR: Job failed: exit code N``.
               One case in four also has GitLab's per-line timestamps (``<ts> 00O `` prefixes).
  github-post / gitlab-post (one of the two per case)
               the same with more output after the failure (``if: always()`` steps / ``after_script``,
               artifact uploads, service logs), so that the last lines are not the answer.

Noise is seeded by case and variant (deterministic): setup steps, package installs, passing tests, and
decoy lines that mention error/fail/warning words without being failures. Its amount varies from case
to case (short jobs, medium ones, and a few thousand lines before the failure). The raw output's
placeholders become paths a runner would show: ``{{WORKDIR}}``, ``{{PYTHON}}``, ``{{HOME}}``.

The .json holds the 1-based line numbers of the .log that a person must read: the raw ``must_read``
lines, moved to where the output landed, and, when the exit code itself is the message (124 for a
timeout, 137 for SIGKILL, 143 for SIGTERM), the runner's line that reports it.

Usage: python bench/corpus/wrap.py [CASE ...]
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
RAW = CORPUS / "raw"
LOGS = CORPUS / "logs"
EXIT_CODE_IS_MESSAGE = {124, 137, 143}

CYAN = "\x1b[36;1m"
GREEN = "\x1b[32;1m"
RED = "\x1b[31;1m"
RESET = "\x1b[0m"
GL_RESET = "\x1b[0;m"
EL = "\x1b[0K"

REPOS = [
    "acme-api",
    "billing-service",
    "dataflow",
    "webshop",
    "ledger",
    "inventory",
    "notifier",
    "hookrelay",
    "metrics-agent",
    "docs-site",
    "platform-tools",
    "scheduler",
    "auth-gateway",
    "search-indexer",
]
GROUPS = ["platform", "backend", "acme", "infra-team", "web", "data"]

# ---------------------------------------------------------------- tool families

FAMILY_BY_TOOL = {
    **dict.fromkeys(
        [
            "pytest",
            "unittest",
            "ruff",
            "flake8",
            "pylint",
            "mypy",
            "pip",
            "uv",
            "poetry",
            "python",
            "black",
            "isort",
            "tox",
            "nox",
            "pyright",
        ],
        "python",
    ),
    **dict.fromkeys(
        [
            "jest",
            "vitest",
            "mocha",
            "node",
            "node-test",
            "tsc",
            "eslint",
            "npm",
            "yarn",
            "pnpm",
            "prettier",
            "webpack",
            "vite",
        ],
        "node",
    ),
    **dict.fromkeys(["go", "gotestsum", "golangci-lint", "gofmt", "go-vet"], "go"),
    **dict.fromkeys(["cargo", "rustc", "clippy", "rustfmt"], "rust"),
    **dict.fromkeys(["mvn", "maven", "javac", "junit", "surefire"], "maven"),
    **dict.fromkeys(["gradle"], "gradle"),
    **dict.fromkeys(["gcc", "g++", "clang", "clang++", "cmake", "ctest", "cc"], "c"),
    **dict.fromkeys(["dotnet", "msbuild", "csc"], "dotnet"),
}


def family_of(rec: dict) -> str:
    """The toolchain family a case's job sets up: explicit, by tool, else guessed from the file tree."""
    if rec.get("family"):
        return rec["family"]
    tree = set(rec.get("tree", []))
    names = {p.rsplit("/", 1)[-1] for p in tree}
    exts = {p.rsplit(".", 1)[-1] for p in tree if "." in p}
    if rec["tool"] in FAMILY_BY_TOOL and not (rec["tool"] == "make"):
        return FAMILY_BY_TOOL[rec["tool"]]
    if "package.json" in names:
        return "node"
    if "go.mod" in names:
        return "go"
    if "Cargo.toml" in names:
        return "rust"
    if "pom.xml" in names:
        return "maven"
    if names & {"build.gradle", "build.gradle.kts"}:
        return "gradle"
    if exts & {"csproj", "sln", "fsproj"}:
        return "dotnet"
    if exts & {"c", "cc", "cpp", "h", "hpp"} or "CMakeLists.txt" in names:
        return "c"
    if exts & {"py", "toml"} or names & {"requirements.txt", "setup.cfg"}:
        return "python"
    return "generic"


# ---------------------------------------------------------------- the wrapped log


@dataclass
class Log:
    """Lines of a job log under construction, with the line numbers (1-based) that must be read."""

    lines: list[str] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    prefix: Callable[[], str] = lambda: ""

    def add(self, text: str = "", *, mark: bool = False) -> int:
        self.lines.append(self.prefix() + text)
        if mark:
            self.marks.append(len(self.lines))
        return len(self.lines)

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)


class Clock:
    """Increasing timestamps: small steps between lines, bigger ones now and then."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng = rng
        self.now = start

    def tick(self, big: bool = False) -> datetime:
        r = self.rng.random()
        if big:
            step = self.rng.uniform(0.5, 4.0)
        elif r < 0.80:
            step = self.rng.uniform(0.0, 0.004)
        elif r < 0.97:
            step = self.rng.uniform(0.004, 0.2)
        else:
            step = self.rng.uniform(0.2, 2.5)
        self.now += timedelta(seconds=step)
        return self.now

    def github(self) -> str:
        t = self.tick()
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}{self.rng.randrange(10)}Z "

    def gitlab(self) -> str:
        t = self.tick()
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z 00O "

    def epoch(self) -> int:
        return int(self.tick(big=True).timestamp())


@dataclass
class Ctx:
    rec: dict
    variant: str
    rng: random.Random
    family: str
    repo: str
    group: str
    size: str  # short | medium | long
    platform: str  # github | gitlab

    @property
    def workdir(self) -> str:
        if self.platform == "github":
            return f"/home/runner/work/{self.repo}/{self.repo}"
        return f"/builds/{self.group}/{self.repo}"

    @property
    def python_prefix(self) -> str:
        return "/opt/hostedtoolcache/Python/3.11.7/x64" if self.platform == "github" else "/usr/local"

    @property
    def home(self) -> str:
        return "/home/runner" if self.platform == "github" else "/root"

    def fill(self, text: str) -> str:
        return (
            text.replace("{{WORKDIR}}", self.workdir)
            .replace("{{PYTHON}}", self.python_prefix)
            .replace("{{HOME}}", self.home)
        )

    def scale(self, short: int, medium: int, long: int) -> int:
        base = {"short": short, "medium": medium, "long": long}[self.size]
        return max(0, int(base * self.rng.uniform(0.6, 1.4)))


def seed_of(*parts: str) -> int:
    return int(hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16], 16)


# ---------------------------------------------------------------- noise pools

PY_PACKAGES = [
    ("attrs", "24.2.0"),
    ("certifi", "2024.8.30"),
    ("charset-normalizer", "3.4.0"),
    ("idna", "3.10"),
    ("urllib3", "2.2.3"),
    ("requests", "2.32.3"),
    ("packaging", "24.2"),
    ("pluggy", "1.5.0"),
    ("iniconfig", "2.0.0"),
    ("pytest", "8.3.3"),
    ("pytest-cov", "6.0.0"),
    ("coverage", "7.6.8"),
    ("pytest-xdist", "3.6.1"),
    ("execnet", "2.1.1"),
    ("pytest-rerunfailures", "15.0"),
    ("exceptiongroup", "1.2.2"),
    ("tomli", "2.1.0"),
    ("typing_extensions", "4.12.2"),
    ("pydantic", "2.10.2"),
    ("pydantic_core", "2.27.1"),
    ("annotated-types", "0.7.0"),
    ("sqlalchemy", "2.0.36"),
    ("greenlet", "3.1.1"),
    ("alembic", "1.14.0"),
    ("Mako", "1.3.6"),
    ("MarkupSafe", "3.0.2"),
    ("jinja2", "3.1.4"),
    ("click", "8.1.7"),
    ("flask", "3.1.0"),
    ("werkzeug", "3.1.3"),
    ("itsdangerous", "2.2.0"),
    ("blinker", "1.9.0"),
    ("aiohttp", "3.11.9"),
    ("aiosignal", "1.3.1"),
    ("frozenlist", "1.5.0"),
    ("multidict", "6.1.0"),
    ("yarl", "1.18.3"),
    ("propcache", "0.2.1"),
    ("aiohappyeyeballs", "2.4.4"),
    ("anyio", "4.6.2.post1"),
    ("sniffio", "1.3.1"),
    ("httpx", "0.28.0"),
    ("httpcore", "1.0.7"),
    ("h11", "0.14.0"),
    ("python-dateutil", "2.9.0.post0"),
    ("six", "1.16.0"),
    ("pytz", "2024.2"),
    ("tzdata", "2024.2"),
    ("numpy", "2.1.3"),
    ("pandas", "2.2.3"),
    ("pyyaml", "6.0.2"),
    ("rich", "13.9.4"),
    ("markdown-it-py", "3.0.0"),
    ("mdurl", "0.1.2"),
    ("pygments", "2.18.0"),
    ("structlog", "24.4.0"),
    ("tenacity", "9.0.0"),
    ("redis", "5.2.0"),
    ("psycopg2-binary", "2.9.10"),
    ("boto3", "1.35.72"),
    ("botocore", "1.35.72"),
    ("jmespath", "1.0.1"),
    ("s3transfer", "0.10.4"),
    ("cryptography", "44.0.0"),
    ("cffi", "1.17.1"),
    ("pycparser", "2.22"),
    ("freezegun", "1.5.1"),
    ("factory-boy", "3.3.1"),
    ("faker", "33.1.0"),
    ("responses", "0.25.3"),
    ("mypy", "1.13.0"),
    ("mypy-extensions", "1.0.0"),
    ("ruff", "0.8.1"),
    ("pre-commit", "4.0.1"),
    ("virtualenv", "20.28.0"),
    ("filelock", "3.16.1"),
    ("platformdirs", "4.3.6"),
    ("distlib", "0.3.9"),
    ("identify", "2.6.3"),
    ("nodeenv", "1.9.1"),
    ("cfgv", "3.4.0"),
    ("types-requests", "2.32.0.20241016"),
    ("types-PyYAML", "6.0.12.20240917"),
    ("flake8", "7.1.1"),
    ("pyflakes", "3.2.0"),
    ("pycodestyle", "2.12.1"),
    ("mccabe", "0.7.0"),
    ("flake8-bugbear", "24.10.31"),
    ("hypothesis", "6.122.1"),
    ("sortedcontainers", "2.4.0"),
    ("orjson", "3.10.12"),
    ("uvicorn", "0.32.1"),
    ("starlette", "0.41.3"),
    ("fastapi", "0.115.6"),
    ("gunicorn", "23.0.0"),
    ("celery", "5.4.0"),
    ("kombu", "5.4.2"),
    ("vine", "5.1.0"),
    ("billiard", "4.2.1"),
    ("amqp", "5.3.1"),
    ("prompt_toolkit", "3.0.48"),
    ("wcwidth", "0.2.13"),
    ("tqdm", "4.67.1"),
]
PY_SDISTS = ["docopt", "pyperclip", "termcolor-legacy", "future"]

NODE_DEPRECATED = [
    "inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.",
    "glob@7.2.3: Glob versions prior to v9 are no longer supported",
    "rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported",
    "@humanwhocodes/config-array@0.13.0: Use @eslint/config-array instead",
    "@humanwhocodes/object-schema@2.0.3: Use @eslint/object-schema instead",
    "abab@2.0.6: Use your platform's native atob() and btoa() methods instead",
    "domexception@4.0.0: Use your platform's native DOMException instead",
    "eslint@8.57.1: This version is no longer supported.",
]

WORDS_MOD = [
    "auth",
    "billing",
    "cache",
    "config",
    "errors",
    "events",
    "export",
    "handlers",
    "io",
    "jobs",
    "models",
    "parser",
    "retry",
    "routes",
    "schema",
    "storage",
    "users",
    "utils",
    "views",
    "webhooks",
]
WORDS_TEST = [
    "returns_empty_list",
    "handles_unicode",
    "error_handler_returns_json",
    "fail_fast_flag_is_respected",
    "raises_value_error_on_empty_input",
    "warning_is_logged_once",
    "retry_after_failure_succeeds",
    "errors_are_collected",
    "timeout_is_configurable",
    "parses_iso_dates",
    "rejects_bad_signature",
    "accepts_valid_token",
    "rounds_half_up",
    "sorts_stably",
    "paginates",
    "caches_result",
    "no_errors_on_empty",
    "failed_jobs_are_retried",
    "exception_is_wrapped",
    "strict_mode_off_by_default",
    "roundtrip",
]


def _whl(rng: random.Random, name: str, version: str) -> str:
    norm = name.replace("-", "_")
    if rng.random() < 0.3:
        return f"{norm}-{version}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    return f"{norm}-{version}-py3-none-any.whl"


def _size(rng: random.Random) -> str:
    kb = rng.choice([rng.uniform(8, 200), rng.uniform(200, 900), rng.uniform(1, 18) * 1024])
    return f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} kB"


def pip_install(ctx: Ctx, n: int, *, root_warning: bool) -> list[str]:
    """Chatty ``pip install -r requirements-dev.txt`` output for ``n`` packages (with decoy warnings)."""
    rng = ctx.rng
    pkgs = rng.sample(PY_PACKAGES, min(n, len(PY_PACKAGES)))
    out = []
    retry_at = rng.randrange(len(pkgs)) if pkgs and rng.random() < 0.5 else -1
    for i, (name, version) in enumerate(pkgs):
        origin = f"-r requirements-dev.txt (line {i + 1})" if i < 12 else f"{rng.choice(pkgs)[0]}>=1.0"
        out.append(f"Collecting {name}=={version} (from {origin})" if i < 12 else f"Collecting {name}>={version}")
        if i == retry_at:
            out.append(
                "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after "
                "connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='files.pythonhosted.org', "
                "port=443): Read timed out. (read timeout=15)\")': /packages/"
                f"{rng.randrange(16**2):02x}/{rng.randrange(16**4):04x}/{_whl(rng, name, version)}"
            )
        out.append(f"  Downloading {_whl(rng, name, version)}.metadata ({rng.uniform(1, 9):.1f} kB)")
        if rng.random() < 0.5:
            size = _size(rng)
            out.append(f"  Downloading {_whl(rng, name, version)} ({size})")
            amount = size.split()[0]
            unit = size.split()[1]
            speed = f"{rng.uniform(5, 120):.1f} MB/s"
            out.append(f"     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ {amount}/{amount} {unit} {speed} eta 0:00:00")
    if rng.random() < 0.4:
        sdist = rng.choice(PY_SDISTS)
        out += [
            f"Collecting {sdist}>=0.6",
            f"  Downloading {sdist}-0.6.2.tar.gz (25 kB)",
            "  Installing build dependencies: started",
            "  Installing build dependencies: finished with status 'done'",
            "  Getting requirements to build wheel: started",
            "  Getting requirements to build wheel: finished with status 'done'",
            "  Preparing metadata (pyproject.toml): started",
            "  Preparing metadata (pyproject.toml): finished with status 'done'",
            "Building wheels for collected packages: " + sdist,
            f"  Building wheel for {sdist} (pyproject.toml): started",
            f"  Building wheel for {sdist} (pyproject.toml): finished with status 'done'",
            f"  Created wheel for {sdist}: filename={sdist}-0.6.2-py3-none-any.whl size=13704 "
            f"sha256={rng.randrange(16**64):064x}",
            f"  Stored in directory: {ctx.home}/.cache/pip/wheels/{rng.randrange(16**2):02x}/"
            f"{rng.randrange(16**2):02x}/{rng.randrange(16**60):060x}",
            f"Successfully built {sdist}",
        ]
        pkgs.append((sdist, "0.6.2"))
    names = " ".join(name for name, _ in pkgs)
    out.append(f"Installing collected packages: {names}")
    if rng.random() < 0.3:
        out.append("  Attempting uninstall: setuptools")
        out.append("    Found existing installation: setuptools 65.5.0")
        out.append("    Uninstalling setuptools-65.5.0:")
        out.append("      Successfully uninstalled setuptools-65.5.0")
    out.append("Successfully installed " + " ".join(f"{n}-{v}" for n, v in pkgs))
    if root_warning:
        out.append(
            "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour "
            "with the system package manager, possibly rendering your system unusable. It is recommended to use "
            "a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option "
            "if you know what you are doing and want to suppress this warning."
        )
    if rng.random() < 0.3:
        out.append("")
        out.append("[notice] A new release of pip is available: 24.0 -> 24.3.1")
        out.append("[notice] To update, run: pip install --upgrade pip")
    return out


def _test_names(rng: random.Random, n: int, style: str) -> list[str]:
    out = []
    for _ in range(n):
        mod, name = rng.choice(WORDS_MOD), rng.choice(WORDS_TEST)
        if style == "pytest":
            out.append(f"tests/unit/test_{mod}.py::test_{name}")
        elif style == "jest":
            out.append(f"{mod} › {name.replace('_', ' ')}")
        elif style == "go":
            out.append("Test" + "".join(w.capitalize() for w in (mod + "_" + name).split("_")))
        elif style == "rust":
            out.append(f"{mod}::tests::{name}")
        elif style == "junit":
            out.append("".join(w.capitalize() for w in mod.split("_")) + "Test > " + name.replace("_", " "))
        else:
            out.append(f"{mod}.{name}")
    return out


def pytest_pass(ctx: Ctx, n: int) -> list[str]:
    """A passing pytest run: dots or -v lines, a warnings summary with deprecations, 0 failures."""
    rng = ctx.rng
    verbose = n > 150 and rng.random() < 0.7
    real = ctx.rec["output"].split("\n")
    platform_line = next((x for x in real if x.startswith("platform linux -- Python")), None)
    plugins_line = next((x for x in real if x.startswith("plugins: ")), None)
    platform_line = (platform_line or "platform linux -- Python 3.11.7, pytest-8.3.3, pluggy-1.5.0").split(" -- /")[0]
    out = [
        "============================= test session starts ==============================",
        platform_line + (f" -- {ctx.python_prefix}/bin/python" if verbose else ""),
        f"rootdir: {ctx.workdir}",
        "configfile: pyproject.toml",
        plugins_line or "plugins: cov-6.0.0, xdist-3.6.1, rerunfailures-15.0",
        f"collected {n} items",
        "",
    ]
    names = _test_names(rng, n, "pytest")
    skipped = 0
    if verbose:
        for i, name in enumerate(names):
            status = "PASSED"
            if rng.random() < 0.02:
                status = "SKIPPED (needs docker)"
                skipped += 1
            pct = (i + 1) * 100 // n
            out.append(f"{name} {status}".ljust(73) + f"[{pct:3d}%]")
    else:
        files = sorted({name.split("::")[0] for name in names})
        done = 0
        per = max(1, n // max(1, len(files)))
        for k, f in enumerate(files):
            count = per if k < len(files) - 1 else n - done
            done += count
            dots = "".join("s" if rng.random() < 0.02 else "." for _ in range(max(count, 0)))
            skipped += dots.count("s")
            pct = done * 100 // n
            out.append(f"{f} {dots}".ljust(73) + f"[{pct:3d}%]")
    out.append("")
    warns = 0
    if rng.random() < 0.7:
        warns = rng.randint(1, 4)
        out.append("=============================== warnings summary ===============================")
        out.append("tests/unit/test_config.py::test_strict_mode_off_by_default")
        out.append(
            f"  {ctx.python_prefix}/lib/python3.11/site-packages/pydantic/_internal/_config.py:291: "
            "PydanticDeprecatedSince20: Support for class-based `config` is deprecated, use ConfigDict "
            "instead. Deprecated in Pydantic V2.0 to be removed in V3.0."
        )
        out.append("    warnings.warn(DEPRECATION_MESSAGE, DeprecationWarning)")
        out.append("")
        out.append("tests/unit/test_errors.py::test_errors_are_collected")
        out.append(
            f"  {ctx.workdir}/src/app/errors.py:41: DeprecationWarning: datetime.datetime.utcnow() is "
            "deprecated and scheduled for removal in a future version."
        )
        out.append("")
        out.append("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html")
    tail = (
        f"{n - skipped} passed"
        + (f", {skipped} skipped" if skipped else "")
        + (f", {warns} warning{'s' if warns > 1 else ''}" if warns else "")
        + f" in {rng.uniform(2, 90):.2f}s"
    )
    out.append(f" {tail} ".center(80, "="))
    return out


def ruff_pass(ctx: Ctx) -> list[str]:
    return ["All checks passed!"]


def mypy_pass(ctx: Ctx) -> list[str]:
    return [f"Success: no issues found in {ctx.rng.randint(20, 140)} source files"]


def npm_ci(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = [f"npm warn deprecated {d}" for d in rng.sample(NODE_DEPRECATED, rng.randint(1, len(NODE_DEPRECATED)))]
    out.append("")
    out.append(f"added {n} packages, and audited {n + 1} packages in {rng.randint(4, 60)}s")
    out.append("")
    out.append(f"{rng.randint(40, 200)} packages are looking for funding")
    out.append("  run `npm fund` for details")
    out.append("")
    out.append("found 0 vulnerabilities")
    return out


def jest_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = []
    suites = max(1, n // 8)
    for _ in range(suites):
        mod = rng.choice(WORDS_MOD)
        out.append(f"PASS src/{mod}/{mod}.test.{rng.choice(['js', 'ts', 'tsx'])}")
        if rng.random() < 0.5:
            out.append(f"  {mod}")
            for name in _test_names(rng, rng.randint(2, 9), "plain"):
                out.append(f"    ✓ {name.split('.')[1].replace('_', ' ')} ({rng.randint(1, 40)} ms)")
    out += [
        "",
        f"Test Suites: {suites} passed, {suites} total",
        f"Tests:       0 failed, {n} passed, {n} total",
        "Snapshots:   0 total",
        f"Time:        {rng.uniform(3, 40):.3f} s",
        "Ran all test suites.",
    ]
    return out


def go_test_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = []
    for name in _test_names(rng, n, "go"):
        out.append(f"=== RUN   {name}")
        out.append(f"--- PASS: {name} ({rng.uniform(0, 0.05):.2f}s)")
    for mod in sorted(set(rng.sample(WORDS_MOD, 8)) | {"errors"}):
        out.append(f"ok  \tgithub.com/{ctx.group}/{ctx.repo}/pkg/{mod}\t{rng.uniform(0.005, 2):.3f}s")
    return out


def go_download(ctx: Ctx, n: int) -> list[str]:
    mods = [
        "github.com/stretchr/testify v1.10.0",
        "github.com/pkg/errors v0.9.1",
        "golang.org/x/sync v0.10.0",
        "github.com/google/go-cmp v0.6.0",
        "go.uber.org/zap v1.27.0",
        "github.com/spf13/cobra v1.8.1",
        "golang.org/x/sys v0.28.0",
        "github.com/davecgh/go-spew v1.1.1",
        "gopkg.in/yaml.v3 v3.0.1",
        "github.com/hashicorp/go-retryablehttp v0.7.7",
        "go.uber.org/multierr v1.11.0",
    ]
    return [f"go: downloading {m}" for m in ctx.rng.sample(mods, min(n, len(mods)))]


def cargo_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    crates = [
        "serde v1.0.215",
        "serde_json v1.0.133",
        "thiserror v2.0.3",
        "anyhow v1.0.93",
        "tokio v1.41.1",
        "libc v0.2.167",
        "proc-macro2 v1.0.92",
        "quote v1.0.37",
        "syn v2.0.90",
        "memchr v2.7.4",
        "regex v1.11.1",
        "once_cell v1.20.2",
        "itoa v1.0.14",
        "ryu v1.0.18",
        "log v0.4.22",
    ]
    out = [f"   Compiling {c}" for c in rng.sample(crates, min(len(crates), max(3, n // 10)))]
    out.append(f"    Finished `test` profile [unoptimized + debuginfo] target(s) in {rng.uniform(5, 90):.2f}s")
    out.append(
        "     Running unittests src/lib.rs "
        f"(target/debug/deps/{ctx.repo.replace('-', '_')}-{rng.randrange(16**16):016x})"
    )
    out.append("")
    out.append(f"running {n} tests")
    for name in _test_names(rng, n, "rust"):
        out.append(f"test {name} ... ok")
    out.append("")
    out.append(
        f"test result: ok. {n} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
        f"finished in {rng.uniform(0, 3):.2f}s"
    )
    return out


def maven_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = [
        "[INFO] Scanning for projects...",
        "[INFO] ",
        f"[INFO] -------------------------< com.acme:{ctx.repo} >-------------------------",
        f"[INFO] Building {ctx.repo} 1.4.0-SNAPSHOT",
        "[INFO]   from pom.xml",
        "[INFO] --------------------------------[ jar ]---------------------------------",
    ]
    for art in [
        "org/junit/jupiter/junit-jupiter/5.11.3/junit-jupiter-5.11.3.pom",
        "com/google/errorprone/error_prone_annotations/2.36.0/error_prone_annotations-2.36.0.pom",
        "org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar",
    ][: max(1, n // 40)]:
        out.append(f"[INFO] Downloading from central: https://repo.maven.apache.org/maven2/{art}")
        out.append(
            f"[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/{art} "
            f"({rng.randint(2, 900)} kB at {rng.uniform(1, 9):.1f} MB/s)"
        )
    out.append("[INFO] -------------------------------------------------------")
    out.append("[INFO]  T E S T S")
    out.append("[INFO] -------------------------------------------------------")
    for _ in range(max(1, n // 6)):
        cls = "com.acme." + rng.choice(WORDS_MOD).capitalize() + "Test"
        out.append(f"[INFO] Running {cls}")
        out.append(
            f"[INFO] Tests run: {rng.randint(1, 12)}, Failures: 0, Errors: 0, Skipped: 0, "
            f"Time elapsed: {rng.uniform(0, 2):.3f} s -- in {cls}"
        )
    return out


def gradle_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = [
        "Starting a Gradle Daemon (subsequent builds will be faster)",
        "> Task :compileJava",
        "> Task :processResources",
        "> Task :classes",
        "> Task :compileTestJava",
        "> Task :test",
    ]
    for name in _test_names(rng, n, "junit"):
        out.append(f"{name}() PASSED")
    out += ["", "BUILD SUCCESSFUL in 41s", "5 actionable tasks: 5 executed"]
    return out


def cmake_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    out = [
        "-- The C compiler identification is GNU 13.2.0",
        "-- The CXX compiler identification is GNU 13.2.0",
        "-- Detecting C compiler ABI info",
        "-- Detecting C compiler ABI info - done",
        "-- Check for working C compiler: /usr/bin/cc - skipped",
        "-- Configuring done (0.4s)",
        "-- Generating done (0.0s)",
        f"-- Build files have been written to: {ctx.workdir}/build",
    ]
    files = [f"src/{m}.c" for m in rng.sample(WORDS_MOD, 10)] + ["src/errors.c"]
    for k, f in enumerate(files):
        out.append(f"[{(k + 1) * 100 // (len(files) + 1):3d}%] Building C object CMakeFiles/core.dir/{f}.o")
    out.append("[100%] Linking C static library libcore.a")
    out.append("[100%] Built target core")
    for k, name in enumerate(_test_names(rng, n, "plain")):
        out.append(f"{k + 1:3d}/{n} Test #{k + 1}: {name} ....................   Passed    0.0{rng.randint(0, 9)} sec")
    out.append("")
    out.append(f"100% tests passed, 0 tests failed out of {n}")
    return out


def dotnet_pass(ctx: Ctx, n: int) -> list[str]:
    rng = ctx.rng
    return [
        "  Determining projects to restore...",
        f"  Restored {ctx.workdir}/src/App/App.csproj (in 2.1 sec).",
        f"  App -> {ctx.workdir}/src/App/bin/Debug/net8.0/App.dll",
        "",
        "Build succeeded.",
        "    0 Warning(s)",
        "    0 Error(s)",
        "",
        f"Time Elapsed 00:00:{rng.randint(10, 59)}.{rng.randint(10, 99)}",
        f"Passed!  - Failed:     0, Passed:   {n:3d}, Skipped:     0, Total:   {n:3d}, Duration: 1 s - "
        "App.Tests.dll (net8.0)",
    ]


def apt_step(ctx: Ctx, n: int, name: str) -> Step:
    """A run step that installs a few Debian packages, with apt's output."""
    chosen, lines = apt_install(ctx, n)
    return Step(name, lines, commands=["sudo apt-get update -qq", "sudo apt-get install -y " + " ".join(chosen)])


def apt_install(ctx: Ctx, n: int) -> tuple[list[str], list[str]]:
    rng = ctx.rng
    pkgs = [
        "libssl-dev",
        "libpq-dev",
        "jq",
        "zip",
        "unzip",
        "libffi-dev",
        "pkg-config",
        "libxml2-dev",
        "libyaml-dev",
        "gettext",
        "shellcheck",
        "librdkafka-dev",
        "liberror-perl",
        "libgpg-error0",
    ]
    chosen = rng.sample(pkgs, min(len(pkgs), max(2, n // 6)))
    out = [
        "Reading package lists...",
        "Building dependency tree...",
        "Reading state information...",
        "The following NEW packages will be installed:",
        "  " + " ".join(chosen),
        f"0 upgraded, {len(chosen)} newly installed, 0 to remove and 41 not upgraded.",
        f"Need to get {rng.uniform(0.5, 30):.1f} MB of archives.",
    ]
    for k, p in enumerate(chosen):
        out.append(
            f"Get:{k + 1} http://archive.ubuntu.com/ubuntu noble/main amd64 {p} amd64 "
            f"{rng.randint(1, 3)}.{rng.randint(0, 20)}-{rng.randint(1, 9)}ubuntu{rng.randint(1, 4)} "
            f"[{rng.randint(20, 900)} kB]"
        )
    out.append("debconf: delaying package configuration, since apt-utils is not installed")
    out.append(f"Fetched {rng.uniform(0.5, 30):.1f} MB in 1s ({rng.uniform(5, 40):.1f} MB/s)")
    for p in chosen:
        out.append(f"Selecting previously unselected package {p}:amd64.")
        out.append(f"Preparing to unpack .../{p}_amd64.deb ...")
        out.append(f"Unpacking {p}:amd64 ...")
    for p in chosen:
        out.append(f"Setting up {p}:amd64 ...")
    out.append("Processing triggers for libc-bin (2.39-0ubuntu8.3) ...")
    return chosen, out


# ---------------------------------------------------------------- a job: steps before and after the failure


@dataclass
class Step:
    name: str  # the step's command (for run steps) or action (for uses steps)
    output: list[str]
    uses: dict[str, str] | None = None  # with: inputs of an action step
    commands: list[str] | None = None  # script lines of a run step
    per_command: list[list[str]] | None = None  # the output of each command, when they differ (GitLab echoes each)

    def __post_init__(self) -> None:
        if self.per_command is not None:
            self.output = [line for part in self.per_command for line in part]


def setup_steps(ctx: Ctx) -> list[Step]:
    """The setup and passing steps of the job, by toolchain family, sized by ctx.size."""
    rng, fam = ctx.rng, ctx.family
    steps: list[Step] = []
    n_install = ctx.scale(8, 45, 110)
    n_tests = ctx.scale(20, 220, 2400)
    if fam == "python":
        steps.append(
            Step(
                "actions/setup-python@v5",
                [
                    "##[group]Installed versions",
                    "Successfully set up CPython (3.11.7)",
                    "##[endgroup]",
                ],
                uses={
                    "python-version": "3.11",
                    "cache": "pip",
                    "check-latest": "false",
                    "token": "***",
                    "update-environment": "true",
                    "allow-prereleases": "false",
                    "freethreaded": "false",
                },
            )
        )
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "python -m pip install --upgrade pip",
                    [
                        "Requirement already satisfied: pip in "
                        f"{ctx.python_prefix}/lib/python3.11/site-packages (24.3.1)"
                    ],
                )
            )
        steps.append(
            Step(
                "pip install -r requirements-dev.txt",
                pip_install(ctx, n_install, root_warning=ctx.platform == "gitlab"),
            )
        )
        if rng.random() < 0.6:
            steps.append(Step("Lint", ruff_pass(ctx), commands=["ruff check ."]))
        if rng.random() < 0.4:
            steps.append(Step("Type check", mypy_pass(ctx), commands=["mypy src"]))
        if ctx.rec["category"] not in ("test",) or rng.random() < 0.5:
            steps.append(
                Step(
                    "Unit tests",
                    pytest_pass(ctx, n_tests),
                    commands=[
                        rng.choice(
                            [
                                "pytest tests/unit --maxfail=20",
                                "pytest tests/unit -q",
                                "pytest tests/unit -p no:randomly",
                            ]
                        )
                    ],
                )
            )
    elif fam == "node":
        steps.append(
            Step(
                "actions/setup-node@v4",
                [
                    "Attempting to download 20.x...",
                    "Acquiring 20.18.1 - x64 from https://github.com/actions/node-versions/"
                    "releases/download/20.18.1-12029961473/node-20.18.1-linux-x64.tar.gz",
                    "Extracting ...",
                    "[command]/usr/bin/tar xz --strip 1 --warning=no-unknown-keyword --overwrite -C "
                    f"{ctx.home}/work/_temp/{rng.randrange(16**8):08x} "
                    f"-f {ctx.home}/work/_temp/{rng.randrange(16**8):08x}",
                    "Adding to the cache ...",
                    "##[group]Environment details",
                    "node: v20.18.1",
                    "npm: 10.8.2",
                    "yarn: 1.22.22",
                    "##[endgroup]",
                ],
                uses={"node-version": "20", "cache": "npm", "check-latest": "false", "token": "***"},
            )
        )
        steps.append(Step("npm ci", npm_ci(ctx, n_install * 9), commands=["npm ci"]))
        if rng.random() < 0.6:
            steps.append(
                Step(
                    "npm run lint",
                    [f"> {ctx.repo}@1.0.0 lint", "> eslint . --max-warnings=0", ""],
                    commands=["npm run lint"],
                )
            )
        if ctx.rec["category"] != "test" or rng.random() < 0.5:
            steps.append(Step("npm run test:unit", jest_pass(ctx, n_tests), commands=["npm run test:unit -- --ci"]))
    elif fam == "go":
        steps.append(
            Step(
                "actions/setup-go@v5",
                [
                    "Setup go version spec 1.23",
                    "Found in cache @ /opt/hostedtoolcache/go/1.23.4/x64",
                    "Added go to the path",
                    "Successfully set up Go version 1.23",
                    "go version go1.23.4 linux/amd64",
                ],
                uses={"go-version": "1.23", "check-latest": "false", "cache": "true"},
            )
        )
        steps.append(Step("go mod download", go_download(ctx, n_install), commands=["go mod download"]))
        steps.append(Step("go vet", [], commands=["go vet ./..."]))
        if ctx.rec["category"] != "test" or rng.random() < 0.5:
            steps.append(Step("go test", go_test_pass(ctx, n_tests // 2), commands=["go test -v -failfast ./pkg/..."]))
    elif fam == "rust":
        steps.append(
            Step(
                "dtolnay/rust-toolchain@stable",
                [
                    "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
                    "info: latest update on 2026-11-28, rust version 1.83.0",
                    "info: default toolchain set to 'stable-x86_64-unknown-linux-gnu'",
                ],
                uses={"toolchain": "stable"},
            )
        )
        steps.append(
            Step("cargo test --lib", cargo_pass(ctx, n_tests // 2), commands=["cargo test --lib --no-fail-fast"])
        )
    elif fam in ("maven", "gradle"):
        steps.append(
            Step(
                "actions/setup-java@v4",
                [
                    "Trying to resolve the latest version from remote",
                    "Resolved latest version as 21.0.5+11",
                    "Trying to download...",
                    "Java 21.0.5+11 was downloaded",
                    "Setting Java 21.0.5+11 as the default",
                    "Creating toolchains.xml for JDK version 21 from temurin",
                    "",
                    "Java configuration:",
                    "  Distribution: temurin",
                    "  Version: 21.0.5+11",
                    "  Path: /opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11/x64",
                ],
                uses={"distribution": "temurin", "java-version": "21"},
            )
        )
        if fam == "maven":
            steps.append(
                Step("mvn -B -q verify -pl core", maven_pass(ctx, n_tests // 3), commands=["mvn -B verify -pl core"])
            )
        else:
            steps.append(
                Step("./gradlew :core:test", gradle_pass(ctx, n_tests // 3), commands=["./gradlew :core:test"])
            )
    elif fam == "c":
        steps.append(apt_step(ctx, n_install, "Install build deps"))
        steps.append(
            Step(
                "Build and test core",
                cmake_pass(ctx, n_tests // 4),
                commands=["cmake -S . -B build", "cmake --build build", "ctest --test-dir build"],
            )
        )
    elif fam == "dotnet":
        steps.append(
            Step(
                "actions/setup-dotnet@v4",
                [
                    "dotnet-install: Attempting to download using primary link",
                    "dotnet-install: Installed version is 8.0.404",
                    "dotnet-install: Installation finished successfully.",
                ],
                uses={"dotnet-version": "8.0.x"},
            )
        )
        steps.append(
            Step(
                "dotnet test tests/App.Tests", dotnet_pass(ctx, n_tests // 3), commands=["dotnet test tests/App.Tests"]
            )
        )
    else:
        steps.append(apt_step(ctx, n_install, "Install tools"))
    # decoy steps (lines that mention errors, failures or warnings and are none), at seeded places
    for decoy in rng.sample(DECOYS, rng.randint(1, 3)):
        step = decoy(ctx)
        at = rng.randint(1 if steps and steps[0].uses is not None else 0, len(steps))
        steps.insert(at, step)
    return steps


def decoy_pre_commit(ctx: Ctx) -> Step:
    rng = ctx.rng
    hooks = [
        "check for added large files",
        "check for merge conflicts",
        "check toml",
        "check yaml",
        "debug statements (python)",
        "detect private key",
        "fix end of files",
        "mixed line ending",
        "trim trailing whitespace",
        "codespell",
        "detect error-prone regex patterns",
        "shellcheck",
    ]
    out = []
    if rng.random() < 0.5:
        out += [
            "[INFO] Initializing environment for https://github.com/pre-commit/pre-commit-hooks.",
            "[INFO] Installing environment for https://github.com/pre-commit/pre-commit-hooks.",
            "[INFO] Once installed this environment will be reused.",
            "[INFO] This may take a few minutes...",
        ]
    for hook in rng.sample(hooks, rng.randint(5, len(hooks))):
        status = "Passed" if rng.random() < 0.85 else "(no files to check)Skipped"
        out.append(hook + "." * max(3, 79 - len(hook) - len(status)) + status)
    return Step("pre-commit run --all-files --show-diff-on-failure", out)


def decoy_download(ctx: Ctx) -> Step:
    rng = ctx.rng
    url = f"https://downloads.example.org/fixtures/{ctx.repo}-fixtures-{rng.randint(1, 9)}.tar.gz"
    per_command = [
        ["Warning: Problem : timeout. Will retry in 1 seconds. 3 retries left."],
        [f"fixtures/: extracted {rng.randint(20, 400)} files"],
        ["Retrying (1/3) checksum verification of fixtures.tar.gz ... succeeded"],
    ]
    return Step(
        "Download fixtures",
        [],
        per_command=per_command,
        commands=[
            f"curl --retry 3 -fsSL -o fixtures.tar.gz {url}",
            'tar -xzf fixtures.tar.gz && echo "fixtures/: extracted $(ls fixtures | wc -l) files"',
            "scripts/verify-checksum.sh fixtures.tar.gz",
        ],
    )


def decoy_checks(ctx: Ctx) -> Step:
    rng = ctx.rng
    n = rng.randint(50, 400)
    out = [
        f"checked {n} links: ok: {n}, failed: 0, skipped: {rng.randint(0, 9)}",
        "docs/errors.md: ok",
        "docs/troubleshooting/failed-builds.md: ok",
        "pkg/errors/errors.go: license header ok",
        "warning: docs/_build/latest is a broken symlink, ignored",
        "0 errors, 0 warnings",
    ]
    if ctx.platform == "github":
        out.insert(5, "##[warning]docs/_build/latest is a broken symlink (ignored)")
    return Step("make check-docs", out)


def decoy_config(ctx: Ctx) -> Step:
    rng = ctx.rng
    out = [
        "Validating .github/workflows/ci.yml ... ok",
        "  jobs.test.strategy.fail-fast: false",
        "  jobs.test.continue-on-error: false",
        "  error_handler: default (set ERROR_HANDLER to override)",
        f"Found 0 errors in {rng.randint(2, 9)} workflow files",
        "DEPRECATION WARNING: the 'set-output' command is deprecated and will be disabled soon. "
        "Please upgrade to using Environment Files.",
    ]
    return Step("Validate CI config", out, commands=["python scripts/validate_workflows.py --fail-fast"])


DECOYS = [decoy_pre_commit, decoy_download, decoy_checks, decoy_config]


def after_steps(ctx: Ctx) -> list[Step]:
    """``if: always()`` steps of a -post variant: artifact upload and service logs (decoys included)."""
    rng = ctx.rng
    steps = []
    n = ctx.scale(20, 60, 250)
    logs = []
    t = datetime(2026, 11, 30, 10, 0, 3, tzinfo=UTC)
    for _ in range(n):
        t += timedelta(milliseconds=rng.randint(1, 3000))
        ts = t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d} UTC"
        msg = rng.choice(
            [
                "LOG:  checkpoint starting: time",
                f"LOG:  checkpoint complete: wrote {rng.randint(1, 90)} buffers (0.{rng.randint(1, 9)}%); "
                "0 WAL file(s) added, 0 removed, 0 recycled",
                "LOG:  database system is ready to accept connections",
                "WARNING:  no usable system locales were found",
                f"LOG:  connection received: host=172.18.0.{rng.randint(2, 9)} port={rng.randint(30000, 60000)}",
                "LOG:  connection authorized: user=app database=app_test",
                f"LOG:  disconnection: session time: 0:00:00.0{rng.randint(10, 99)} user=app database=app_test",
                'ERROR:  relation "schema_migrations" already exists (ignored: migration 0001 re-run is a no-op)',
            ]
        )
        logs.append(f"db-1  | {ts} [{rng.randint(60, 90)}] {msg}")
    steps.append(Step("Dump service logs", logs, commands=["docker compose logs --no-color db"]))
    artifact_id = rng.randint(10**9, 2 * 10**9)
    steps.append(
        Step(
            "actions/upload-artifact@v4",
            [
                f"With the provided path, there will be {rng.randint(2, 40)} files uploaded",
                "Artifact name is valid!",
                "Root directory input is valid!",
                "Beginning upload of artifact content to blob storage",
                f"Uploaded bytes {rng.randint(10_000, 9_000_000)}",
                "Finished uploading artifact content to blob storage!",
                "SHA256 hash of uploaded artifact zip is " + f"{rng.randrange(16**64):064x}",
                "Finalizing artifact upload",
                f"Artifact test-reports.zip successfully finalized. Artifact ID {artifact_id}",
                "Artifact test-reports has been successfully uploaded! "
                f"Final size is {rng.randint(10_000, 9_000_000)} bytes. "
                f"Artifact ID is {artifact_id}",
                f"Artifact download URL: https://github.com/{ctx.group}/{ctx.repo}/actions/runs/"
                f"{rng.randint(10**10, 2 * 10**10)}"
                f"/artifacts/{artifact_id}",
            ],
            uses={
                "name": "test-reports",
                "path": "reports/\nlogs/\n",
                "if-no-files-found": "warn",
                "compression-level": "6",
                "overwrite": "false",
                "include-hidden-files": "false",
            },
        )
    )
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Summary",
                [
                    "Test summary: see the uploaded reports",
                    "errors.log: 0 bytes",
                    "warnings: none recorded",
                ],
                commands=[
                    'echo "Test summary: see the uploaded reports"',
                    "wc -c < logs/errors.log | xargs -I{} echo errors.log: {} bytes",
                    'echo "warnings: none recorded"',
                ],
            )
        )
    return steps


# ---------------------------------------------------------------- GitHub Actions


def _checkout_lines(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    sha = f"{rng.randrange(16**40):040x}"
    n_obj = rng.randint(40, 4000)
    wd = ctx.workdir
    return [
        f"Syncing repository: {ctx.group}/{ctx.repo}",
        "##[group]Getting Git version info",
        f"Working directory is '{wd}'",
        "[command]/usr/bin/git version",
        "git version 2.47.1",
        "##[endgroup]",
        f"Temporarily overriding HOME='/home/runner/work/_temp/{rng.randrange(16**8):08x}-{rng.randrange(16**4):04x}' "
        "before making global git config changes",
        "Adding repository directory to the temporary git global config as a safe directory",
        f"[command]/usr/bin/git config --global --add safe.directory {wd}",
        f"Deleting the contents of '{wd}'",
        "##[group]Initializing the repository",
        f"[command]/usr/bin/git init {wd}",
        "hint: Using 'master' as the name for the initial branch. This default branch name",
        "hint: is subject to change. To configure the initial branch name to use in all",
        "hint: of your new repositories, which will suppress this warning, call:",
        "hint:",
        "hint: \tgit config --global init.defaultBranch <name>",
        f"Initialized empty Git repository in {wd}/.git/",
        f"[command]/usr/bin/git remote add origin https://github.com/{ctx.group}/{ctx.repo}",
        "##[endgroup]",
        "##[group]Disabling automatic garbage collection",
        "[command]/usr/bin/git config --local gc.auto 0",
        "##[endgroup]",
        "##[group]Setting up auth",
        "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
        "[command]/usr/bin/git config --local http.https://github.com/.extraheader AUTHORIZATION: basic ***",
        "##[endgroup]",
        "##[group]Fetching the repository",
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 "
        f"origin +{sha}:refs/remotes/origin/main",
        f"remote: Enumerating objects: {n_obj}, done.        ",
        f"remote: Counting objects: 100% ({n_obj}/{n_obj}), done.        ",
        f"remote: Compressing objects: 100% ({n_obj * 3 // 4}/{n_obj * 3 // 4}), done.        ",
        f"remote: Total {n_obj} (delta {n_obj // 9}), reused {n_obj // 2} (delta {n_obj // 20}), "
        "pack-reused 0 (from 0)        ",
        f"From https://github.com/{ctx.group}/{ctx.repo}",
        f" * [new ref]         {sha} -> origin/main",
        "##[endgroup]",
        "##[group]Determining the checkout info",
        "##[endgroup]",
        "[command]/usr/bin/git sparse-checkout disable",
        "[command]/usr/bin/git config --local --unset-all extensions.worktreeConfig",
        "##[group]Checking out the ref",
        "[command]/usr/bin/git checkout --progress --force -B main refs/remotes/origin/main",
        "Switched to a new branch 'main'",
        "branch 'main' set up to track 'origin/main'.",
        "##[endgroup]",
        "[command]/usr/bin/git log -1 --format=%H",
        sha,
    ]


def _gh_env(ctx: Ctx) -> list[str]:
    if ctx.family != "python":
        return []
    p = ctx.python_prefix
    return [
        "env:",
        f"  pythonLocation: {p}",
        f"  PKG_CONFIG_PATH: {p}/lib/pkgconfig",
        f"  Python_ROOT_DIR: {p}",
        f"  Python2_ROOT_DIR: {p}",
        f"  Python3_ROOT_DIR: {p}",
        f"  LD_LIBRARY_PATH: {p}/lib",
    ]


def _gh_step(log: Log, ctx: Ctx, step: Step) -> None:
    if step.uses is not None:
        log.add(f"##[group]Run {step.name}")
        log.add("with:")
        for key, value in step.uses.items():
            for k, part in enumerate(value.rstrip("\n").split("\n")):
                log.add(f"  {key}: {part}" if k == 0 else f"  {part}")
        log.extend(_gh_env(ctx) if step.name != "actions/setup-python@v5" else [])
        log.add("##[endgroup]")
    else:
        commands = step.commands or [step.name]
        log.add(f"##[group]Run {commands[0]}")
        for c in commands:
            log.add(f"{CYAN}{c}{RESET}")
        log.add("shell: /usr/bin/bash -e {0}")
        log.extend(_gh_env(ctx))
        log.add("##[endgroup]")
    log.extend(step.output)


def wrap_github(ctx: Ctx, output: list[str], must_read: set[int], post: bool) -> Log:
    rng = ctx.rng
    clock = Clock(rng, datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 600)))
    log = Log(prefix=clock.github)
    rec = ctx.rec
    log.add("Current runner version: '2.321.0'")
    log.lines[0] = "\ufeff" + log.lines[0]  # downloaded GitHub logs start with a byte order mark
    log.extend(
        [
            "##[group]Operating System",
            "Ubuntu",
            "24.04.1",
            "LTS",
            "##[endgroup]",
            "##[group]Runner Image",
            "Image: ubuntu-24.04",
            "Version: 20261124.1.0",
            "Included Software: https://github.com/actions/runner-images/blob/ubuntu24/20261124.1/images/ubuntu/Ubuntu2404-Readme.md",
            "Image Release: https://github.com/actions/runner-images/releases/tag/ubuntu24%2F20261124.1",
            "##[endgroup]",
            "##[group]Runner Image Provisioner",
            "2.0.400.1",
            "##[endgroup]",
            "##[group]GITHUB_TOKEN Permissions",
            "Contents: read",
            "Metadata: read",
            "##[endgroup]",
            "Secret source: Actions",
            "Prepare workflow directory",
            "Prepare all required actions",
            "Getting action download info",
            f"Download action repository 'actions/checkout@v4' (SHA:{rng.randrange(16**40):040x})",
        ]
    )
    steps = setup_steps(ctx)
    for s in steps:
        if s.uses is not None:
            log.add(f"Download action repository '{s.name}' (SHA:{rng.randrange(16**40):040x})")
    log.add(f"Complete job name: {_job_name(ctx)}")
    _gh_step(
        log,
        ctx,
        Step(
            "actions/checkout@v4",
            _checkout_lines(ctx),
            uses={
                "repository": f"{ctx.group}/{ctx.repo}",
                "token": "***",
                "ssh-strict": "true",
                "ssh-user": "git",
                "persist-credentials": "true",
                "clean": "true",
                "sparse-checkout-cone-mode": "true",
                "fetch-depth": "1",
                "fetch-tags": "false",
                "show-progress": "true",
                "lfs": "false",
                "submodules": "false",
                "set-safe-directory": "true",
            },
        ),
    )
    for s in steps:
        s.output = [ctx.fill(x) for x in s.output]
        _gh_step(log, ctx, s)
    # the failing step
    commands = rec["command"].split("\n")
    _gh_step(log, ctx, Step(rec["command"], [], commands=commands))
    for i, line in enumerate(output):
        log.add(ctx.fill(line), mark=i in must_read)
    log.add(
        f"##[error]Process completed with exit code {rec['exit_code']}.", mark=rec["exit_code"] in EXIT_CODE_IS_MESSAGE
    )
    if post:
        for s in after_steps(ctx):
            _gh_step(log, ctx, s)
    # post steps
    if ctx.family == "python" and rng.random() < 0.5:
        log.add("Post job cleanup.")
        log.add(
            f"Cache hit occurred on the primary key setup-python-Linux-x64-24.04-Ubuntu-python-3.11.7-pip-"
            f"{rng.randrange(16**64):064x}, not saving cache."
        )
    log.add("Post job cleanup.")
    log.extend(
        [
            "[command]/usr/bin/git version",
            "git version 2.47.1",
            f"Temporarily overriding HOME='/home/runner/work/_temp/{rng.randrange(16**8):08x}' "
            "before making global git config changes",
            "Adding repository directory to the temporary git global config as a safe directory",
            f"[command]/usr/bin/git config --global --add safe.directory {ctx.workdir}",
            "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
            '[command]/usr/bin/git submodule foreach --recursive sh -c "git config --local --name-only --get-regexp '
            "'core\\.sshCommand' && git config --local --unset-all 'core.sshCommand' || :\"",
            "[command]/usr/bin/git config --local --name-only --get-regexp "
            "http\\.https\\:\\/\\/github\\.com\\/\\.extraheader",
            "http.https://github.com/.extraheader",
            "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader",
            '[command]/usr/bin/git submodule foreach --recursive sh -c "git config --local --name-only --get-regexp '
            "'http\\.https\\:\\/\\/github\\.com\\/\\.extraheader' && git config --local --unset-all "
            "'http.https://github.com/.extraheader' || :\"",
            "Cleaning up orphan processes",
        ]
    )
    return log


def _job_name(ctx: Ctx) -> str:
    cat = ctx.rec["category"]
    return {
        "test": "test (3.11)" if ctx.family == "python" else "test",
        "lint": "lint",
        "typecheck": "typecheck",
        "dependency": "build",
        "compile": "build",
        "timeout": "integration",
        "infrastructure": "deploy",
        "configuration": "deploy",
    }.get(cat, "ci")


# ---------------------------------------------------------------- GitLab CI

GITLAB_IMAGES = {
    "python": "python:3.11-slim",
    "node": "node:20-bookworm",
    "go": "golang:1.23",
    "rust": "rust:1.83",
    "maven": "maven:3.9-eclipse-temurin-21",
    "gradle": "gradle:8.11-jdk21",
    "c": "gcc:14",
    "dotnet": "mcr.microsoft.com/dotnet/sdk:8.0",
    "generic": "ubuntu:24.04",
}


def wrap_gitlab(ctx: Ctx, output: list[str], must_read: set[int], post: bool) -> Log:
    rng = ctx.rng
    clock = Clock(rng, datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 600)))
    timestamps = seed_of(ctx.rec["case"], "gitlab-ts") % 4 == 0
    log = Log(prefix=clock.gitlab if timestamps else (lambda: ""))
    rec = ctx.rec
    image = GITLAB_IMAGES.get(ctx.family, "ubuntu:24.04")
    digest = f"{rng.randrange(16**64):064x}"
    runner = f"{rng.randrange(16**8):08x}"

    def start(name: str, title: str, collapsed: bool = False) -> None:
        opt = "[collapsed=true]" if collapsed else ""
        log.add(f"section_start:{clock.epoch()}:{name}{opt}\r{EL}{EL}{CYAN}{title}{GL_RESET}")

    def end(name: str) -> None:
        log.add(f"section_end:{clock.epoch()}:{name}\r{EL}")

    log.add(f"{EL}Running with gitlab-runner 17.6.0 (374d34fd){GL_RESET}")
    log.add(
        f"{EL}  on blue-{rng.randint(1, 6)}.saas-linux-small-amd64.runners-manager.gitlab.com/default {runner[:8]}, "
        f"system ID: s_{rng.randrange(16**12):012x}{GL_RESET}"
    )
    log.add(f"{EL}  feature flags: FF_USE_FASTZIP:true{', FF_TIMESTAMPS:true' if timestamps else ''}{GL_RESET}")
    start("prepare_executor", 'Preparing the "docker+machine" executor')
    log.add(f"{EL}Using Docker executor with image {image} ...{GL_RESET}")
    if ctx.size != "short":
        log.add(f"{EL}Starting service postgres:16 ...{GL_RESET}")
        log.add(f"{EL}Pulling docker image postgres:16 ...{GL_RESET}")
        log.add(
            f"{EL}Using docker image sha256:{rng.randrange(16**64):064x} for postgres:16 with digest "
            f"postgres@sha256:{rng.randrange(16**64):064x} ...{GL_RESET}"
        )
        log.add(f"{EL}Waiting for services to be up and running (timeout 30 seconds)...{GL_RESET}")
    log.add(f"{EL}Pulling docker image {image} ...{GL_RESET}")
    log.add(
        f"{EL}Using docker image sha256:{digest} for {image} with digest {image.split(':')[0]}@sha256:"
        f"{rng.randrange(16**64):064x} ...{GL_RESET}"
    )
    end("prepare_executor")
    start("prepare_script", "Preparing environment")
    log.add(
        f"Running on runner-{runner}-project-{rng.randint(10**7, 9 * 10**7)}-concurrent-0 via "
        f"runner-{runner}-s-l-s-amd64-{rng.randint(10**9, 2 * 10**9)}-{rng.randrange(16**8):08x}..."
    )
    end("prepare_script")
    start("get_sources", "Getting source from Git repository")
    sha = f"{rng.randrange(16**40):040x}"
    log.extend(
        [
            f"{GREEN}Fetching changes with git depth set to 20...{GL_RESET}",
            f"Initialized empty Git repository in {ctx.workdir}/.git/",
            f"{GREEN}Created fresh repository.{GL_RESET}",
            f"{GREEN}Checking out {sha[:8]} as detached HEAD (ref is main)...{GL_RESET}",
            "",
            f"{GREEN}Skipping Git submodules setup{GL_RESET}",
        ]
    )
    end("get_sources")
    steps = setup_steps(ctx)
    if ctx.family in ("python", "node") and rng.random() < 0.6:
        start("restore_cache", "Restoring cache")
        key = "pip" if ctx.family == "python" else "npm"
        log.extend(
            [
                f"{GREEN}Checking cache for {key}-{rng.randrange(16**8):08x}-protected...{GL_RESET}",
                f"Downloading cache from https://storage.googleapis.com/gitlab-com-runners-cache/project/"
                f"{rng.randint(10**7, 9 * 10**7)}/{key}-protected{GL_RESET}",
                f"{GREEN}Successfully extracted cache{GL_RESET}",
            ]
        )
        end("restore_cache")
    start("step_script", 'Executing "step_script" stage of the job script')
    log.add(
        f"{EL}Using docker image sha256:{digest} for {image} with digest {image.split(':')[0]}@sha256:"
        f"{rng.randrange(16**64):064x} ...{GL_RESET}"
    )
    for s in steps:
        if s.uses is not None:  # GitHub actions have no GitLab counterpart: the image provides the toolchain
            continue
        cmds = s.commands or [s.name]
        outputs = s.per_command or [[] for _ in cmds[:-1]] + [s.output]
        for c, part in zip(cmds, outputs, strict=True):
            log.add(f"{GREEN}$ {c}{GL_RESET}")
            log.extend(ctx.fill(x) for x in part)
    commands = rec["command"].split("\n")
    if len(commands) > 1:
        log.add(f"{GREEN}$ {commands[0]} # collapsed multi-line command{GL_RESET}")
    else:
        log.add(f"{GREEN}$ {commands[0]}{GL_RESET}")
    for i, line in enumerate(output):
        log.add(ctx.fill(line), mark=i in must_read)
    end("step_script")
    if post:
        start("after_script", "Running after_script")
        log.add(f"{GREEN}Running after script...{GL_RESET}")
        for s in after_steps(ctx):
            if s.uses is not None:
                continue
            for c in s.commands or [s.name]:
                log.add(f"{GREEN}$ {c}{GL_RESET}")
            log.extend(s.output)
        end("after_script")
        start("upload_artifacts_on_failure", "Uploading artifacts for failed job")
        log.extend(
            [
                f"{GREEN}Uploading artifacts...{GL_RESET}",
                "reports/: found 14 matching artifact files and directories",
                "WARNING: logs/: no matching files. Ensure that the artifact path is relative to the working directory"
                f" ({ctx.workdir})",
                f'Uploading artifacts as "archive" to coordinator... 201 Created  id={rng.randint(10**9, 9 * 10**9)} '
                f"responseStatus=201 Created token={rng.randrange(16**8):08x}",
                f"{GREEN}Uploading artifacts...{GL_RESET}",
                "reports/junit.xml: found 1 matching artifact files and directories",
                f'Uploading artifacts as "junit" to coordinator... 201 Created  id={rng.randint(10**9, 9 * 10**9)} '
                f"responseStatus=201 Created token={rng.randrange(16**8):08x}",
            ]
        )
        end("upload_artifacts_on_failure")
    start("cleanup_file_variables", "Cleaning up project directory and file based variables")
    end("cleanup_file_variables")
    log.add("")
    log.add(f"{RED}ERROR: Job failed: exit code {rec['exit_code']}", mark=rec["exit_code"] in EXIT_CODE_IS_MESSAGE)
    log.add(GL_RESET)
    return log


# ---------------------------------------------------------------- driver


def _size_of(case: str, variant: str) -> str:
    r = seed_of(case, variant, "size") % 100
    return "short" if r < 50 else "medium" if r < 90 else "long"


def variants_of(case: str) -> list[str]:
    """github and gitlab for every case, and one -post variant (which one is seeded by the case)."""
    return ["github", "gitlab", "github-post" if seed_of(case, "post") % 2 else "gitlab-post"]


def wrap_case(rec: dict, variant: str) -> tuple[str, dict]:
    """The wrapped log text and its label record for one raw case and variant."""
    platform = variant.split("-")[0]
    rng = random.Random(seed_of(rec["case"], variant))
    ctx = Ctx(
        rec=rec,
        variant=variant,
        rng=rng,
        family=family_of(rec),
        repo=REPOS[seed_of(rec["case"], "repo") % len(REPOS)],
        group=GROUPS[seed_of(rec["case"], "group") % len(GROUPS)],
        size=_size_of(rec["case"], variant),
        platform=platform,
    )
    output = rec["output"].split("\n")
    if output and output[-1] == "":
        output = output[:-1]
    must_read = set(rec["must_read"])
    post = variant.endswith("-post")
    log = (wrap_github if platform == "github" else wrap_gitlab)(ctx, output, must_read, post)
    expected = len([i for i in must_read if i < len(output)]) + (rec["exit_code"] in EXIT_CODE_IS_MESSAGE)
    if len(log.marks) != expected:
        raise RuntimeError(f"{rec['case']}.{variant}: {len(log.marks)} lines marked, {expected} expected")
    meta = {
        "case": rec["case"],
        "tool": rec["tool"],
        "kind": rec["kind"],
        "variant": variant,
        "lines": log.marks,
        "files": rec["files"],
        "tests": rec["tests"],
        "category": rec["category"],
        "tree": rec["tree"],
    }
    return "\n".join(log.lines) + "\n", meta


def wrap_all(
    only: list[str] | None = None, *, raw: Path = RAW, logs: Path = LOGS, carry: Iterable[str] = ()
) -> int:
    """Write ``logs`` for every case in ``raw`` (or those in ``only``); return the number of logs written. Each
    log's .json also holds the raw case's fields named in ``carry`` (the held-out set's ``half``)."""
    logs.mkdir(parents=True, exist_ok=True)
    if not only:  # logs/ is derived from raw/ alone: drop what no raw case makes any more
        for stale in list(logs.glob("*.log")) + list(logs.glob("*.json")):
            stale.unlink()
    count = 0
    for path in sorted(raw.glob("*.json")):
        rec = json.loads(path.read_text())
        if only and rec["case"] not in only:
            continue
        for variant in variants_of(rec["case"]):
            text, meta = wrap_case(rec, variant)
            meta.update({key: rec[key] for key in carry})
            name = f"{rec['case']}.{variant}"
            (logs / f"{name}.log").write_text(text, encoding="utf-8")
            (logs / f"{name}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    n = wrap_all(sys.argv[1:] or None)
    print(f"wrote {n} logs to {LOGS}")
