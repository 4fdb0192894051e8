"""Corpus capture for the compiled languages: go (test, build, vet), cargo (test, build, clippy), gcc,
clang and ld through make, javac, Maven Surefire and Gradle.

Each case copies ``bench/corpus/projects/<case>`` to a temporary dir, runs the real tool there and labels
its real output with a rule written for that tool and failure kind (the ``label_*`` functions). Nothing
here reaches a package registry: the Go and Rust projects use the standard library only, Maven runs
offline on Debian's packaged plugins and JUnit (``/usr/share/maven-repo``, from the Debian packages
libmaven-compiler-plugin-java, libmaven-resources-plugin-java, libsurefire-java, junit4) and Gradle
(Debian's gradle 4.4.1) gets that same directory as its first repository through an init script in
its own user home under /tmp. Build caches go under /tmp. A tool that is not installed is skipped
with a message.

Usage: python bench/corpus/capture/compiled.py [CASE ...]
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECTS, capture, loc, matching, plain

GO_CACHE = "/tmp/corpus-gocache"
GO_PATH = "/tmp/corpus-gopath"
DEBIAN_MAVEN_REPO = Path("/usr/share/maven-repo")
# Debian's gradle treats a repository at /usr/share/maven-repo specially (it loads a Debian build hook
# that is not there outside a package build); the same directory through a symlink is a plain repo.
GRADLE_REPO_LINK = Path("/tmp/corpus-maven-repo")
GRADLE_HOME = Path("/tmp/corpus-gradle-home")
MAVEN_SETUP = f"mkdir -p .mvn && printf -- '-o\\n-Dmaven.repo.local={DEBIAN_MAVEN_REPO}\\n' > .mvn/maven.config"
REPLACE = {GO_PATH: "{{HOME}}/go", GO_CACHE: "{{HOME}}/.cache/go-build", str(GRADLE_HOME): "{{HOME}}/.gradle"}


def _env(**extra: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "GOPATH": GO_PATH,
        "GOCACHE": GO_CACHE,
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "CARGO_TERM_COLOR": None,
        "RUST_BACKTRACE": None,
        "CARGO_TARGET_DIR": None,
        "GRADLE_USER_HOME": str(GRADLE_HOME),
        "MAVEN_OPTS": None,
        "FORCE_COLOR": None,
        "NO_COLOR": None,
        "CI": "true",
        "TERM": None,  # as on a CI runner: rustfmt and others colour through terminfo when TERM is set
    }
    env.update(extra)
    return env


# ---------------------------------------------------------------- label rules: Go


def _go_project_frames(lines: list[str], start: int, end: int) -> list[int]:
    """In a goroutine dump: each frame whose file line is in the work dir, with its function line."""
    out = []
    for i in range(start, end):
        if re.match(r"^\t\{\{WORKDIR\}\}/\S+\.go:\d+", plain(lines[i])):
            out.extend([i - 1, i])
    return out


def label_go_test(lines: list[str]) -> list[int]:
    """go test: ``--- FAIL: TestX`` lines, the ``file_test.go:N: message`` lines (with their more indented
    continuation), ``panic:`` lines and the goroutine frames in the project, and ``FAIL<TAB>package``."""
    out: list[int] = []
    msg = re.compile(r"^(\s+)\S+\.go:\d+: ")
    i = 0
    while i < len(lines):
        t = plain(lines[i])
        m = msg.match(t)
        if re.match(r"^\s*--- FAIL: ", t) or re.match(r"^FAIL\t\S+", t):
            out.append(i)
        elif m:
            out.append(i)
            indent = len(m.group(1))
            while i + 1 < len(lines) and len(plain(lines[i + 1])) - len(plain(lines[i + 1]).lstrip()) > indent:
                i += 1
                out.append(i)
        elif re.match(r"^\t?panic: ", t):
            out.append(i)
            end = next((k for k in range(i + 1, len(lines)) if re.match(r"^(FAIL|ok)\s", plain(lines[k]))), len(lines))
            out.extend(_go_project_frames(lines, i + 1, end))
        i += 1
    return sorted(set(out))


def label_go_build(lines: list[str]) -> list[int]:
    """go build / go vet / a test binary that does not compile: the ``# package`` headers, the
    ``file.go:line:col: message`` lines and ``FAIL<TAB>package [build failed]``."""
    return matching(lines, r"^# \S+|^(\./)?\S+\.go:\d+(:\d+)?: |^FAIL\t\S+ \[(build|setup) failed\]")


# ---------------------------------------------------------------- label rules: Rust


def label_cargo_test(lines: list[str]) -> list[int]:
    """cargo test: each ``---- test stdout ----`` header, the ``thread '...' panicked at path:L:C:`` line
    and the panic message after it, and the backtrace frames in the project (``at ./src/...`` with
    their function line). Not the ``failures:`` list or the ``test result: FAILED`` line."""
    out: list[int] = []
    for i, line in enumerate(lines):
        t = plain(line)
        if re.match(r"^---- \S+ stdout ----$", t):
            out.append(i)
        elif re.match(r"^thread '[^']*'( \(\d+\))? panicked at ", t):
            out.append(i)
            for k in range(i + 1, len(lines)):
                u = plain(lines[k])
                if not u.strip() or re.match(r"^(stack backtrace:|note: )", u):
                    break
                out.append(k)
        elif re.match(r"^\s+at \./", t) and i > 0:
            out.extend([i - 1, i])
    return sorted(set(out))


def label_rustc(lines: list[str]) -> list[int]:
    """rustc / clippy diagnostics: each ``error[Ennnn]: ...`` / ``error: ...`` header (not cargo's closing
    ``could not compile``), its `` --> path:L:C`` line, the quoted source lines and the labels under
    them, up to the diagnostic's notes and help."""
    out: list[int] = []
    i = 0
    while i < len(lines):
        t = plain(lines[i])
        if not re.match(r"^error(\[E\d+\])?: ", t) or re.match(r"^error: (could not compile|aborting)", t):
            i += 1
            continue
        out.append(i)
        j = i + 1
        while j < len(lines):
            u = plain(lines[j])
            if not u.strip() or re.match(r"^\s*= |^help: |^note: ", u):
                break
            if re.match(r"^\s*--> ", u) or re.match(r"^\s*\d+\s+\|", u):
                out.append(j)
            elif re.match(r"^\s*\|.*[\^\-~]+\s*\S|^\s*\|\s+\S", u):
                out.append(j)
            j += 1
        i = j
    return sorted(set(out))


# ---------------------------------------------------------------- label rules: C

_MAKE_ERROR = re.compile(r"^g?make(\[\d+\])?: \*\*\* \[.*\] Error \d+")


def label_cc(lines: list[str]) -> list[int]:
    """gcc / g++ / clang: each ``file:L:C: error: ...`` line with the source line quoted under it, the
    ``note:`` lines that follow an error (not their quoted source), a template error's ``required from
    here`` lines (the user's code that instantiated it), and make's ``*** [...] Error N`` lines (which
    target failed). Not warnings, not ``In instantiation of`` / ``In file included from`` context, not
    ``N errors generated``."""
    out: list[int] = []
    in_error = False
    diag = re.compile(r"^\S+:\d+:\d+: (fatal error|error|warning|note): ")
    for i, line in enumerate(lines):
        t = plain(line)
        m = diag.match(t)
        if m and m.group(1) in ("error", "fatal error"):
            in_error = True
            out.append(i)
            nxt = plain(lines[i + 1]) if i + 1 < len(lines) else ""
            if nxt.strip() and not diag.match(nxt) and not re.match(r"^\S+: In |^In file included|^g?make", nxt):
                out.append(i + 1)
        elif m and m.group(1) == "note":
            if in_error:
                out.append(i)
        elif m:
            in_error = False
        elif re.search(r":\d+:\d+:\s+required from here$", t):
            out.append(i)
        elif _MAKE_ERROR.match(t):
            out.append(i)
            in_error = False
        elif re.match(r"^\d+ errors? generated|^\d+ warnings? generated", t):
            in_error = False
    return out


def label_ld(lines: list[str]) -> list[int]:
    """The linker through the compiler driver: ``in function`` context lines, each ``undefined
    reference to`` (or ``multiple definition of``) line, ``collect2: error: ld returned ...`` and make's
    ``*** [...] Error N``."""
    return matching(
        lines,
        r"(/ld|^ld)(\.\w+)?: .*in function |undefined reference to |multiple definition of |"
        r"^collect2: error: |^clang: error: linker command failed|" + _MAKE_ERROR.pattern,
    )


def label_ctest(lines: list[str]) -> list[int]:
    """ctest --output-on-failure: each failing ``N/M Test #N: name ...***Failed`` (or ``Subprocess
    aborted``, ``Timeout``, ...) line and the test's own output under it, the ``The following tests
    FAILED:`` list and ``Errors while running CTest``."""
    out: list[int] = []
    status = re.compile(r"^\s*\d+/\d+ Test\s+#\d+: \S+ \.+\s*(\*\*\*|Failed|Subprocess|Timeout|Exception|Not Run)")
    for i, line in enumerate(lines):
        t = plain(line)
        if status.match(t):
            out.append(i)
            k = i + 1
            while k < len(lines):
                u = plain(lines[k])
                if not u.strip() or re.match(r"^\s+Start\s+\d+: |^\s*\d+/\d+ Test\s+#", u):
                    break
                out.append(k)
                k += 1
        elif t.startswith("The following tests FAILED:"):
            out.append(i)
            k = i + 1
            while k < len(lines) and re.match(r"^\s+\d+ - ", plain(lines[k])):
                out.append(k)
                k += 1
        elif t.startswith("Errors while running CTest"):
            out.append(i)
    return out


def label_rustfmt(lines: list[str]) -> list[int]:
    """cargo fmt --check: each ``Diff in path:line:`` line (not the diff itself)."""
    return matching(lines, r"^Diff in \S+:\d+:")


# ---------------------------------------------------------------- label rules: Java

_JAVA_FRAMEWORK = re.compile(
    r"^\s*at (java\.|javax\.|jdk\.|sun\.|java\.base/|org\.junit\.|junit\.|org\.apache\.maven\.|org\.gradle\.|"
    r"worker\.org\.gradle\.|com\.sun\.|jdk\.internal\.)"
)


def label_javac(lines: list[str]) -> list[int]:
    """javac (alone or under Gradle): each ``path:N: error: ...`` line (Gradle may put its task name
    before it), the quoted source line, and the ``symbol:`` / ``location:`` lines."""
    out: list[int] = []
    for i, line in enumerate(lines):
        t = plain(line)
        if re.search(r"\.java:\d+: error: ", t):
            out.append(i)
            if i + 1 < len(lines) and plain(lines[i + 1]).strip():
                out.append(i + 1)
            k = i + 3
            while k < len(lines) and re.match(r"^\s+(symbol|location): ", plain(lines[k])):
                out.append(k)
                k += 1
    return sorted(set(out))


def label_surefire(lines: list[str]) -> list[int]:
    """Maven Surefire: the class's ``Tests run: ... <<< FAILURE!`` line, each test's ``<<< FAILURE!`` /
    ``<<< ERROR!`` line with the exception and the stack frames in the project under it, the
    ``Failures:`` / ``Errors:`` lists of the Results, and Maven's ``Failed to execute goal`` line."""
    out: list[int] = []
    i = 0
    while i < len(lines):
        t = plain(lines[i])
        if re.search(r"<<< (FAILURE|ERROR)!", t):
            out.append(i)
            j = i + 1
            while j < len(lines):
                u = plain(lines[j])
                if not u.strip() or u.startswith("["):
                    break
                if not re.match(r"^\s*at ", u):
                    out.append(j)  # the exception and its message
                elif not _JAVA_FRAMEWORK.match(u):
                    out.append(j)
                j += 1
            i = j
            continue
        if re.match(r"^\[ERROR\] (Failures|Errors): ?$", t):
            out.append(i)
            j = i + 1
            while j < len(lines) and re.match(r"^\[ERROR\]   \S", plain(lines[j])):
                out.append(j)
                j += 1
            i = j
            continue
        if re.match(r"^\[ERROR\] Failed to execute goal ", t):
            out.append(i)
        i += 1
    return sorted(set(out))


def label_maven_compile(lines: list[str]) -> list[int]:
    """Maven compiler plugin: the ``[ERROR] path:[L,C] message`` lines with their ``symbol:`` /
    ``location:`` lines, in the COMPILATION ERROR block and again under ``Failed to execute goal``,
    and that line itself."""
    out: list[int] = []
    for i, line in enumerate(lines):
        t = plain(line)
        if re.match(r"^\[ERROR\] \S+\.java:\[\d+,\d+\] ", t) or re.match(r"^\[ERROR\] Failed to execute goal ", t):
            out.append(i)
            k = i + 1
            while k < len(lines) and re.match(r"^(\[ERROR\])?\s+(symbol|location): ", plain(lines[k])):
                out.append(k)
                k += 1
    return sorted(set(out))


def label_gradle_test(lines: list[str]) -> list[int]:
    """Gradle test: each ``Class > method FAILED`` line with the indented exception lines under it, and
    the ``Execution failed for task`` line with its ``> reason`` lines."""
    out: list[int] = []
    for i, line in enumerate(lines):
        t = plain(line)
        if re.match(r"^\S+ > .+ FAILED$", t):
            out.append(i)
            k = i + 1
            while k < len(lines) and re.match(r"^\s{4}\S", plain(lines[k])):
                if not _JAVA_FRAMEWORK.match(plain(lines[k])):
                    out.append(k)
                k += 1
    out.extend(_gradle_what_went_wrong(lines))
    return sorted(set(out))


def _gradle_what_went_wrong(lines: list[str]) -> list[int]:
    out: list[int] = []
    for i in matching(lines, r"^\* What went wrong:"):
        k = i + 1
        while k < len(lines) and plain(lines[k]).strip():
            out.append(k)
            k += 1
    return out


def label_gradle_compile(lines: list[str]) -> list[int]:
    """Gradle compileJava: javac's errors (see ``label_javac``) and the ``What went wrong`` lines."""
    return sorted(set(label_javac(lines)) | set(_gradle_what_went_wrong(lines)))


# ---------------------------------------------------------------- cases


def nofile(path: str) -> dict:
    """A file the error names without a line."""
    return {"path": path, "line": None}


@dataclass
class Case:
    """One capture: the project ``projects/<name>``, the command, its label rule and the known answers.

    ``at`` lists ``(path, text)``: the file and the first line containing ``text`` that the error points
    at (code first, test second); ``text`` None for a file the error names without a line, or the line
    number itself where the tool reports a line without text of its own (a diff hunk's first line).
    ``needs`` names the executables the case needs."""

    name: str
    tool: str
    kind: str
    command: str
    label: Callable[[list[str]], list[int]]
    category: str
    at: list[tuple[str, str | int | None]] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    needs: tuple[str, ...] = ()
    env: dict[str, str | None] = field(default_factory=dict)
    setup: str | None = None

    def files(self) -> list[dict]:
        project = PROJECTS / self.name
        out = []
        for path, where in self.at:
            if where is None:
                out.append(nofile(path))
            elif isinstance(where, int):
                out.append({"path": path, "line": where})
            else:
                out.append(loc(project, path, where))
        return out


JAVA = "src/main/java/com/acme"
JTEST = "src/test/java/com/acme"

CASES = [
    # Go (standard library only; the module proxy is not used)
    Case("go-test-failure", "go", "assertion", "go test ./...", label_go_test, "test", needs=("go",),
         at=[("textutil/util_test.go", 't.Errorf("WordCount')], tests=["TestWordCount"]),
    Case("go-test-subtests", "go", "assertion", "go test -v ./...", label_go_test, "test", needs=("go",),
         at=[("semver/semver_test.go", 't.Fatalf("Parse(%q) error')], tests=["TestParse", "TestParse/bad_patch"]),
    Case("go-test-panic", "go", "exception_in_code", "go test ./...", label_go_test, "test", needs=("go",),
         at=[("ledger/ledger.go", "l.history[len(l.history)-1-i]"), ("ledger/ledger_test.go", "got := l.Last(3)")],
         tests=["TestLastMoreThanHistory"]),
    Case("go-build-error", "go", "compile_error", "go test ./...", label_go_build, "compile", needs=("go",),
         at=[("server/server.go", "var count int = d.Seconds()"), ("server/server.go", 'r.URL.Path + " " + count')]),
    Case("go-vet", "go", "vet", "go vet ./...", label_go_build, "lint", needs=("go",),
         at=[("report/report.go", "func (c Counter) Add"), ("report/report.go", '"%-20s %d %.1fs\\n"'),
             ("report/report.go", '"%d results\\n"')]),
    # Rust (no dependencies: crates.io is not used)
    Case("cargo-test-assert", "cargo", "assertion", "cargo test", label_cargo_test, "test", needs=("cargo",),
         at=[("src/lib.rs", "assert_eq!(describe(26)")], tests=["tests::describes_a_warm_day"]),
    Case("cargo-test-panic", "cargo", "exception_in_code", "cargo test", label_cargo_test, "test",
         needs=("cargo",), env={"RUST_BACKTRACE": "1"},
         at=[("src/stock.rs", "*on_hand -= quantity"), ("tests/shipping.rs", 'let left = stock.ship("B-7", 2)')],
         tests=["ship_more_than_on_hand_is_refused"]),
    Case("cargo-build-error", "cargo", "compile_error", "cargo build", label_rustc, "compile",
         needs=("cargo",), env={"CARGO_TERM_COLOR": "always"},
         at=[("src/count.rs", "+ missing"), ("src/main.rs", "let top: u32"), ("src/main.rs", "for (word, n) in top")]),
    Case("cargo-fmt-check", "rustfmt", "format", "cargo fmt --check", label_rustfmt, "lint",
         needs=("cargo", "cargo-fmt"), at=[("src/lib.rs", 2), ("src/lib.rs", 12)]),
    Case("cargo-clippy", "clippy", "lint_error", "cargo clippy --all-targets -- -D warnings", label_rustc, "lint",
         needs=("cargo", "cargo-clippy"),
         at=[("src/lib.rs", "return joined;"), ("src/lib.rs", "pub fn normalize(path: &String)"),
             ("src/lib.rs", 'if part == ""')]),
    # C through make
    Case("gcc-compile-error", "gcc", "compile_error", "make", label_cc, "compile", needs=("gcc", "make"),
         at=[("src/ring.c", "% r->capacity"), ("src/ring.c", "r->len--")]),
    Case("clang-compile-error", "clang", "compile_error", "make", label_cc, "compile", needs=("clang", "make"),
         at=[("src/cli.c", "uint32_t h = fnv1a(word)"), ("src/cli.c", "words hashed")]),
    Case("make-linker-error", "ld", "link_error", "make", label_ld, "compile", needs=("gcc", "make"),
         at=[("src/main.c", "parse_duration(argv[1])"), ("src/main.c", "round(seconds")]),
    Case("cmake-gxx-error", "g++", "compile_error", "cmake -S . -B build && cmake --build build", label_cc,
         "compile", needs=("cmake", "g++", "make"),
         at=[("src/main.cpp", "std::make_unique<Rect>(2.0)"), ("src/main.cpp", "copy = shapes")]),
    Case("ctest-failure", "ctest", "assertion",
         "cmake -S . -B build && cmake --build build && ctest --test-dir build --output-on-failure", label_ctest,
         "test", needs=("cmake", "ctest", "cc", "make"),
         at=[("tests/test_trim.c", 'assert(strcmp(sb.data, "padded") == 0)')], tests=["trim"]),
    # Java
    Case("javac-compile-error", "javac", "compile_error",
         "mkdir -p build/classes && javac -d build/classes $(find src/main/java -name '*.java')", label_javac,
         "compile", needs=("javac",),
         at=[(f"{JAVA}/orders/Order.java", "item.price().multiply"),
             (f"{JAVA}/orders/OrderReport.java", "Logger.info")]),
    Case("maven-surefire-failure", "maven", "assertion", "mvn -B test", label_surefire, "test", needs=("mvn",),
         setup=MAVEN_SETUP, at=[(f"{JTEST}/pricing/DiscountTest.java", "Discount.volumePercent(50)")],
         tests=["com.acme.pricing.DiscountTest.fiftyUnitsGetTenPercent"]),
    Case("maven-surefire-error", "maven", "exception_in_code", "mvn -B verify", label_surefire, "test",
         needs=("mvn",), setup=MAVEN_SETUP,
         at=[(f"{JAVA}/shipping/Parcel.java", 'address.get("country")'),
             (f"{JTEST}/shipping/RateTableTest.java", "assertEquals(1300, rates.cost(parcel))")],
         tests=["com.acme.shipping.RateTableTest.parcelWithoutCountryUsesTheInternationalRate"]),
    Case("maven-compile-error", "maven", "compile_error", "mvn -B package", label_maven_compile, "compile",
         needs=("mvn",), setup=MAVEN_SETUP,
         at=[(f"{JAVA}/catalog/Catalog.java", "public List<Product> all()"),
             (f"{JAVA}/catalog/Catalog.java", "Product product = find(sku)"),
             (f"{JAVA}/catalog/Catalog.java", "return new ArrayList<>")]),
    Case("gradle-test-failure", "gradle", "assertion", "gradle --no-daemon test", label_gradle_test, "test",
         needs=("gradle",),
         at=[(f"{JTEST}/inventory/ReservationTest.java", "assertFalse(")],
         tests=["com.acme.inventory.ReservationTest > refusesMoreThanIsFree"]),
    Case("gradle-compile-error", "gradle", "compile_error", "gradle --no-daemon build", label_gradle_compile,
         "compile", needs=("gradle",),
         at=[(f"{JAVA}/mail/Outbox.java", "public int flush(Transport"), (f"{JAVA}/mail/Outbox.java", ".subject;")]),
]  # fmt: skip


def _prepare(tool: str) -> str | None:
    """Make ready what a tool needs beyond its executable; a reason to skip it, or None."""
    if tool == "maven":
        plugins = DEBIAN_MAVEN_REPO / "org/apache/maven/plugins"
        for plugin in ("maven-surefire-plugin/2.22.3", "maven-compiler-plugin/3.10.1", "maven-resources-plugin/3.3.0"):
            if not (plugins / plugin).is_dir():
                return (
                    f"{plugins / plugin} missing: apt-get install libsurefire-java libmaven-compiler-plugin-java "
                    "libmaven-resources-plugin-java libmaven-jar-plugin-java junit4"
                )
        if not (DEBIAN_MAVEN_REPO / "junit/junit/4.13.2").is_dir():
            return "junit 4.13.2 missing from /usr/share/maven-repo: apt-get install junit4"
    if tool == "gradle":
        if not (DEBIAN_MAVEN_REPO / "junit/junit/4.13.2").is_dir():
            return "junit 4.13.2 missing from /usr/share/maven-repo: apt-get install junit4"
        if not GRADLE_REPO_LINK.exists():
            GRADLE_REPO_LINK.symlink_to(DEBIAN_MAVEN_REPO)
        init = GRADLE_HOME / "init.d" / "offline-repo.gradle"
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(
            "// The corpus runs offline: Debian's packaged artifacts are the first repository.\n"
            f"allprojects {{\n    repositories {{\n        maven {{ url 'file://{GRADLE_REPO_LINK}' }}\n    }}\n}}\n"
        )
    return None


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
        env=_env(**case.env),
        setup=case.setup,
        replace=REPLACE,
    )
    lines = rec["output"].split("\n")
    print(f"  {case.name}: exit {rec['exit_code']}, {len(lines)} lines, {len(rec['must_read'])} labelled")
    return rec


def run(only: list[str] | None = None) -> None:
    """Capture every compiled-language case (or those named in ``only``); skip, with a message, a tool
    that is missing."""
    path = os.environ.get("PATH", "")
    reasons: dict[str, str | None] = {}
    for case in CASES:
        if only and case.name not in only:
            continue
        missing = [exe for exe in case.needs if shutil.which(exe, path=path) is None]
        if missing:
            print(f"  skip {case.name}: {', '.join(missing)} not installed")
            continue
        if case.tool not in reasons:
            reasons[case.tool] = _prepare(case.tool)
        if reasons[case.tool]:
            print(f"  skip {case.name}: {reasons[case.tool]}")
            continue
        try:
            capture_case(case)
        except RuntimeError as err:
            print(f"  FAILED {case.name}: {err}")


if __name__ == "__main__":
    run(sys.argv[1:] or None)
