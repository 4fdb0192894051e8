"""Facts drawn from the chosen lines: the repository files they name and the failure's category."""

from __future__ import annotations

from collections.abc import Iterable

from . import rx
from .model import FileRef
from .patterns import LineInfo

MAX_FILES = 30

_EXT = (
    r"(?:py|pyi|pyx|js|jsx|mjs|cjs|ts|tsx|mts|cts|vue|svelte|go|rs|java|kt|kts|scala|groovy|c|cc|cpp|cxx|h"
    r"|hh|hpp"
    r"|m|mm|swift|cs|fs|vb|rb|php|ex|exs|erl|hs|ml|dart|lua|pl|pm|sh|bash|zsh|ps1|tf|hcl|yml|yaml|json|toml"
    r"|ini|cfg"
    r"|xml|gradle|cmake|mk|proto|sql|md|rst|txt|lock|mod|sum|zig|nim|cr|jl|r|R|clj|elm|sol|f90"
    r"|css|scss|sass|less|html?|graphql|gql|prisma|astro|erb|haml|twig|j2|jinja2?|cljs|cljc|edn|purs|mli|hx|feature|robot"
    # D, Pascal, Fortran, Ada, Vala, assembly, the Lisps, F#
    r"|d|pas|pp|lpr|dpr|f|for|f77|f95|f03|f08|adb|ads|vala|asm|s|S|rkt|scm|lisp|el|fsx|fsi"
    # the manifests of .NET, Ruby, Haskell, CocoaPods ("W.csproj : error NU1101: Unable to find package")
    r"|csproj|vbproj|fsproj|vcxproj|sln|props|targets|nuspec|gemspec|cabal|podspec)"
)
_NAMED = (
    r"(?:GNUmakefile|[Mm]akefile|(?:[\w-]+[.-])?(?:Dockerfile|Containerfile)(?:\.[\w-]+)?|Jenkinsfile|Rakefile"
    r"|Gemfile|Vagrantfile|[Jj]ustfile|meson\.build|BUILD(?:\.bazel)?|WORKSPACE)"
)
"""Files known by their name alone (no extension): ``make: *** [Makefile:12: build] Error 1``; a Dockerfile by
its variants' names too (``Dockerfile.dev``, ``build.Dockerfile``)."""
_NAMED_FILE = rx.compile(rf"^{_NAMED}$")
_PATH = rf"(?P<path>(?:[A-Za-z]:)?(?:[\w.@+~-]*(?:[/\\][\w.@+~-]+)*\.{_EXT}|(?:[\w.@+~-]+[/\\])*{_NAMED}))"
_PATH_OR_T = rf"(?P<path>(?:[A-Za-z]:)?[\w.@+~-]*(?:[/\\][\w.@+~-]+)*\.(?:{_EXT}|t))"
_TABLE_HEADING = rf"^\s*Line\s+{_PATH}\s*$"
"""PHPStan's table heading ("  Line   src/Parser.php"): the file its rows are in."""
_FILE_PATTERNS = [
    rx.compile(rf"File \"{_PATH}\", line (?P<line>\d+)"),
    rx.compile(rf"-->\s+{_PATH}:(?P<line>\d+)(?::\d+)?"),
    rx.compile(rf"{_PATH}:\[(?P<line>\d+),\d+\]"),
    rx.compile(rf"{_PATH}\((?P<line>\d+)(?:, ?\d+)?\)"),  # MSVC's, C#'s, D's "x.d(12,5)", Nim's "x.nim(12, 5)"
    # a location in parentheses closing the line: clojure.test's "FAIL in (t) (core_test.clj:7)", ScalaTest's
    # "3 did not equal 4 (CalcSpec.scala:10)"
    rx.compile(rf"\({_PATH}:(?P<line>\d+)\)\s*$"),
    # a bundler's location: webpack's "ERROR in ./src/index.js 3:0-27", rollup's "src/main.js (3:9)"
    rx.compile(rf"^ERROR in {_PATH} (?P<line>\d+):\d+"),
    rx.compile(rf"(?:^|\s){_PATH} \((?P<line>\d+):\d+\)"),
    # .NET's stack frame: "at App.Tests.CalcTests.Add() in /w/tests/CalcTests.cs:line 12"
    rx.compile(rf"\bin {_PATH}:line (?P<line>\d+)"),
    # a GitHub Actions workflow command a tool printed for its annotation: "::error file=src/x.php,line=28::msg"
    rx.compile(r"^::(?:error|warning|notice) [^\n]*?\bfile=(?P<path>[^,:\n]+)[^\n]*?\bline=(?P<line>\d+)"),
    # Dart's stack frame "test/widget_test.dart 20:5  main.<fn>", Kotlin's "App.kt: (10, 5): ..."
    rx.compile(rf"^\s*{_PATH} (?P<line>\d+):\d+ +\S"),
    rx.compile(rf"{_PATH}: \((?P<line>\d+), \d+\)"),
    # (a path starts after a character no path holds, "(src/a.js:3:5)" and "(/w/app/x.js:3:5)" are whole, or
    # after the scheme of a URL with no host: node's "(file:///w/app/x.mjs:3:5)", "webpack:///./src/x.js:9:8")
    rx.compile(rf"(?:^|[^\w/\\.@+~-]|file://|[a-z]+:///(?:\./)?){_PATH}:(?P<line>\d+)(?::\d+)?"),
    # "at lib/Temp.pm line 17.", "in src/Router.php on line 12", "In scripts/x.sh line 3:", "on main.tf line 19, in
    # ...", bash's "./x.sh: line 4:": the words many languages' messages put between a file and its line (a Perl
    # test script's ".t" too)
    rx.compile(rf"(?:^|[\s'\"(]){_PATH_OR_T}['\"]?[,:]? (?:on |at )?line (?P<line>\d+)\b"),
    rx.compile(rf"^(?:\S+: )?{_PATH}$"),
    rx.compile(_TABLE_HEADING),
]
_BARE_PATH = rx.compile(rf"(?:^|[\s'\"\[(]){_PATH}(?:$|[\s'\"\]),;])")
"""A path alone among words, with no line ("would reformat /w/app/x.py", "[warn] src/api.js", "ERROR: x.py ..."):
read only where no other shape matched, and listed after every path named with a line."""
# CI workspaces: what comes before the repository's own paths. Those of the CI services are known by their
# whole root (read before the foreign prefixes: Jenkins' /var/lib/jenkins, Bitbucket's /opt/atlassian); the
# generic ones after.
_CI_ROOT = rx.compile(
    # (".*?": a tool may glue its own word to the path, Gradle's ":compileJava/home/runner/work/...")
    r"^.*?(?:/home/runner/work/[^/]+/[^/]+/|/Users/runner/work/[^/]+/[^/]+/|/__w/[^/]+/[^/]+/|/github/workspace/"
    r"|[A-Za-z]:/a/[^/]+/[^/]+/"  # GitHub's Windows runners (D:\a\repo\repo\), Azure's (D:\a\1\s\)
    r"|/home/travis/build/[^/]+/[^/]+/|/Users/travis/build/[^/]+/[^/]+/|[A-Za-z]:/Users/travis/build/[^/]+/[^/]+/"
    r"|/builds/workspace/[^/]+/|/builds/[^/]+/[^/]+/"  # GitLab's /builds/<namespace>/<project>/
    r"|/home/circleci/(?:project|repo)/|/root/project/|/home/vsts/work/\d+/s/|/opt/atlassian/pipelines/agent/build/"
    r"|/var/lib/buildkite-agent/builds/[^/]+/[^/]+/[^/]+/|/drone/src/|/woodpecker/src/[^/]+/[^/]+/"
    r"|/(?:var/lib/jenkins|var/jenkins_home|home/jenkins(?:/agent)?)/workspace/[^/]+/"
    r"|[A-Za-z]:/projects/[^/]+/)"  # AppVeyor
)
_WORKSPACE = rx.compile(r"^(?:/(?:[^/]+/)*?workspace/[^/]+/|/(?:[^/]+/)*?app/|\./)")
"""A container's or an agent's workspace ("/app/", "/usr/src/app/", ".../workspace/<job>/"): an absolute path's only
(a project's own "src/app/" stays)."""
_FOREIGN = rx.compile(
    r"(?:^|/)(?:site-packages|dist-packages|node_modules|vendor|\.bundle|\.m2|\.gradle|\.cargo|\.rustup|go/pkg/mod"
    r"|hostedtoolcache"
    r"|\.pyenv|\.venv|venv|lib/python\d|usr/(?:lib|include|local)|opt/|Library/|rustc/|\$GOROOT|GOROOT"
    r"|<frozen)"
    r"|^/(?:usr|opt|lib|etc|proc|tmp|var|private|nix)/|^<|^\.\./\.\./"
)


_PY_FRAMES = (rx.compile(rf"^\s*File \"{_PATH}\", line (?P<line>\d+)"), rx.compile(rf"^{_PATH}:(?P<line>\d+):(?: |$)"))
"""A frame of a Python traceback (``File "x.py", line 3``) or of pytest's report (``x.py:3: in f``)."""
_JVM_FRAME = rx.compile(
    r"^\s*at (?:[\w.$-]+(?:@[\w.$-]+)?/|[\w.$-]+/(?:[\w.$-]+(?:@[\w.$-]+)?)?/)?(?P<cls>[\w$.]+)\.[\w$<>]+"
    r"\((?P<file>[\w$-]+\.(?:java|kt|scala|groovy)):(?P<line>\d+)\)"
)
"""A JVM stack frame: the class's package says the file's directory (``at a.b.C.m(C.java:5)``; Java 9's class loader
and module before it, ``at app//a.b.C.m(C.java:5)``, ``at java.base/java.lang.Thread.run(Thread.java:833)``)."""
_JVM_LIBRARY = rx.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.opentest4j|org\.testng"
    r"|org\.gradle|org\.apache\.maven|org\.codehaus|org\.spockframework|org\.assertj|org\.hamcrest|org\.mockito"
    r"|org\.springframework|io\.kotest|worker\.org\.gradle)\."
)
"""The packages of the JVM, its languages' runtimes and the test and build tools: their frames are not the project's."""


class RepoTree:
    """The repository's file list, to map what a tool printed (a base name, a path relative to a module,
    an absolute path in a CI workspace) to a repository path."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths: set[str] = set()
        self.by_name: dict[str, list[str]] = {}
        for path in paths:
            path = path.strip().lstrip("/")
            if not path or path in self.paths:
                continue
            self.paths.add(path)
            self.by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)

    def resolve(self, path: str) -> str | None:
        """The repository path ``path`` names, or None when it is not in the repository (or ambiguous)."""
        path = path.replace("\\", "/")
        while path.startswith("./"):
            path = path[2:]
        if path in self.paths:
            return path
        parts = [p for p in path.split("/") if p]
        if not parts:
            return None
        best: list[str] = []
        best_len = 0
        for candidate in self.by_name.get(parts[-1], ()):
            cparts = candidate.split("/")
            k = 0
            while k < len(cparts) and k < len(parts) and cparts[-1 - k] == parts[-1 - k]:
                k += 1
            if k == len(cparts) or k == len(parts):  # one is a suffix of the other, by whole components
                if k > best_len:
                    best, best_len = [candidate], k
                elif k == best_len:
                    best.append(candidate)
        return best[0] if len(best) == 1 else None


def _relative(path: str, text: str, start: int) -> str | None:
    """A path as printed, made relative to the repository without its file list (CI workspace prefixes)."""
    path = path.replace("\\", "/") if "\\" in path else path
    root = _CI_ROOT.match(path)
    if root is not None:
        rel = path[root.end() :]
        if _FOREIGN.search(rel):
            return None  # (a dependency installed into the workspace: node_modules, a virtualenv)
    elif _FOREIGN.search(path):
        return None
    else:
        rel = _WORKSPACE.sub("", path)
    before = text[max(0, start - 8) : start + 1]
    if rel.startswith("/") or ("://" in before and ":///" not in before):  # (a URL with a host is no file)
        return None
    if rel.startswith("./"):
        rel = rel[2:]
    if not rel or rel.startswith(".") or not _WORDISH.search(rel):
        return None
    return rel


def _refs(text: str) -> list[tuple[str, int | None, bool]]:
    """(path, line, is_python_frame) for each file reference in one line, in order."""
    out: list[tuple[str, int | None, bool]] = []
    for pattern in _PY_FRAMES:
        frame = pattern.search(text)
        if frame is not None:
            out.append((frame.group("path"), int(frame.group("line")), True))
            return out
    jvm = _JVM_FRAME.search(text)
    if jvm is not None:
        if _JVM_LIBRARY.match(jvm.group("cls")):
            return out
        package = jvm.group("cls").split("$")[0].rsplit(".", 1)[0].replace(".", "/")
        name = jvm.group("file")
        out.append((f"{package}/{name}" if package else name, int(jvm.group("line")), False))
        return out
    for pattern in _FILE_PATTERNS:
        for m in pattern.finditer(text):
            line = m.groupdict().get("line")
            out.append((m.group("path"), int(line) if line else None, False))
        if out:
            break
    return out


_ANY_PATH = r"(?P<path>(?:[A-Za-z]:)?[\w.@+~-]*(?:[/\\][\w.@+~-]+)*[\w@+~-]\.[A-Za-z][\w-]{0,15})"
_ANY_LINE_PATTERNS = [
    rx.compile(rf"(?:^|[^\w/\\.@+~-]|file://){_ANY_PATH}:(?P<line>\d+)\b"),
    rx.compile(rf"{_ANY_PATH}\((?P<line>\d+)(?:[,.:] ?\d+)?\)"),
    rx.compile(rf"(?:^|[\s'\"(]){_ANY_PATH}['\"]?[,:]? (?:on |at )?line (?P<line>\d+)\b"),
    rx.compile(rf"(?i)\bline (?P<line>\d+)(?:, col(?:umn)? \d+)? (?:of|in) (?:file )?['\"]?{_ANY_PATH}"),
]
_ANY_BARE = rx.compile(rf"(?:^|[\s'\"\[(]){_ANY_PATH}(?:$|[\s'\"\]),;]|:)")
"""With the repository's file list, a path of any extension (a ``.bats`` test, a ``.coffee`` source, a ``.vhd``
unit): a file only when the list holds it, read where no known shape named a file. The same places for the line as
the known shapes: after a colon, in parentheses, "<path>, line N", "line N of <path>"."""


def _tree_refs(text: str, tree: RepoTree) -> list[tuple[str, int | None]]:
    """The repository files a line names in any of the shapes above, with their line where it has one."""
    out: list[tuple[str, int | None]] = []
    for pattern in _ANY_LINE_PATTERNS:
        for m in pattern.finditer(text):
            rel = tree.resolve(m.group("path"))
            if rel is not None:
                out.append((rel, int(m.group("line"))))
        if out:
            return out
    for m in _ANY_BARE.finditer(text):
        rel = tree.resolve(m.group("path"))
        if rel is not None:
            out.append((rel, None))
    return out


def _bare_refs(text: str) -> list[str]:
    """The paths a line names without a line number (only for a line :func:`_refs` found nothing in)."""
    return [m.group("path") for m in _BARE_PATH.finditer(text)]


_STYLISH_HEADING = rx.compile(rf"^(?:FILE: )?{_PATH}$|{_TABLE_HEADING}")
_STYLISH_ROW = rx.compile(
    r"^\s+(?P<line>\d+):\d+\s+(?:error|warning|\u2716|\u26a0)\s|^\s*(?P<row>\d+) \| (?:ERROR|WARNING) \|"
    r"|^  (?P<cell>\d+)\s{3,}\S"
    r"|^[A-Z]{1,4}\d{2,5} (?P<coded>\d+):\d+ \S"
)
"""ESLint's (and stylelint's, tslint's) default "stylish" report: the file's path alone on a line, then a row
per problem, "  13:5  error  'x' is defined but never used  no-unused-vars" (PHP_CodeSniffer's: "FILE: path",
then " 12 | ERROR | message"; PHPStan's table: "  Line   src/Parser.php" then "  12     Call to an undefined ...";
djLint's: the file, a rule of box-drawing, then "H005 2:0 Html tag should have a lang attribute.")."""
_STYLISH_BETWEEN = rx.compile(
    r"^[-=\u2500\u2501\u2550]{10,}$|^FOUND \d+ (?:ERRORS?|WARNINGS?)|^\s*-{4,}(?: +-{4,})+\s*$"
)
"""What PHP_CodeSniffer prints between a file's heading and its rows (rules, "FOUND 1 ERROR AFFECTING 1 LINE"), and
PHPStan's table rules (" ------ ---------")."""


def is_file_heading(text: str) -> bool:
    """Whether ``text`` can head a stylish report: a path alone on its line."""
    return bool(_STYLISH_HEADING.match(text))


def is_stylish_row(text: str) -> bool:
    """Whether ``text`` is a row of a stylish report ("  13:5  error  message  rule"), or what is printed
    between a file's heading and its rows."""
    return bool(_STYLISH_ROW.match(text) or _STYLISH_BETWEEN.match(text))


def heads_stylish_rows(text: str) -> bool:
    """Whether ``text`` is what a stylish report prints over a file's rows: the file's path, or a rule."""
    return bool(_STYLISH_HEADING.match(text) or _STYLISH_BETWEEN.match(text))


def extract_files(groups: Iterable[Iterable[str]], tree: RepoTree | None = None) -> list[FileRef]:
    """Repository paths (with their line when known) that the error lines point at, most relevant first.

    ``groups`` are the chosen blocks' lines, most explanatory block first. In a Python traceback (and
    pytest's report) the innermost frame, where the error was raised, comes first and the outermost (the
    test that called it) second. With ``tree`` a printed path must name a file of the repository; a base
    name or a module-relative path is mapped to its repository path.
    """
    seen: dict[tuple[str, int | None], None] = {}
    plain: list[tuple[str, int | None]] = []
    frames: list[tuple[str, int | None]] = []

    def flush() -> None:
        """One traceback (or one test's report) ends: its references, in reading order."""
        ordered = [frames[-1], frames[0], *frames[1:-1]] if len(frames) > 1 else list(frames)
        refs = [*ordered, *plain]
        frames.clear()
        plain.clear()
        # where the error was raised first, then the test that called it
        caller = next((i for i, (path, _) in enumerate(refs[1:], 1) if _TEST_PATH.search(path)), None)
        if caller is not None and not _TEST_PATH.search(refs[0][0]):
            refs.insert(1, refs.pop(caller))
        for key in refs:
            if key in seen:
                continue
            if key[1] is not None and (key[0], None) in seen:  # the file named again, now with its line
                entries = list(seen)
                entries[entries.index((key[0], None))] = key
                seen.clear()
                seen.update(dict.fromkeys(entries))
            elif len(seen) < MAX_FILES and (key[0], None) not in seen:
                seen[key] = None

    bare: dict[str, None] = {}
    for lines in groups:
        heading: str | None = None  # the file a stylish report's "  13:5  error ..." rows are in
        for text in lines:
            if _TRACE_START.search(text):
                flush()  # a new test's report, a new traceback
            row = _STYLISH_ROW.match(text) if heading is not None else None
            if row is not None and heading is not None:
                if (heading, None) in plain:
                    plain.remove((heading, None))
                number = row.group("line") or row.group("row") or row.group("cell") or row.group("coded")
                plain.append((heading, int(number)))
                continue
            if heading is not None and _STYLISH_BETWEEN.match(text):
                continue
            refs = _refs(text)
            heading = None
            lone = len(refs) == 1 and refs[0][1] is None and _STYLISH_HEADING.match(text) is not None
            for path, line, is_frame in refs:
                if "/" not in path and "." not in path and not _NAMED_FILE.match(path):
                    continue
                rel = tree.resolve(path) if tree is not None else _relative(path, text, text.find(path))
                if rel is not None:
                    (frames if is_frame else plain).append((rel, line))
                    if lone:
                        heading = rel  # a path alone: the rows of a stylish report may follow it
            if not refs and tree is not None:
                named_any = _tree_refs(text, tree)
                plain.extend(ref for ref in named_any if ref[1] is not None)
                if len(bare) < MAX_FILES:
                    bare.update((path, None) for path, line in named_any if line is None)
                continue
            if not refs and len(bare) < MAX_FILES:
                for path in _bare_refs(text):
                    if tree is not None:
                        rel = tree.resolve(path)
                    else:  # without the tree, a path with a directory only: "package.json" may be a word
                        rel = _relative(path, text, text.find(path)) if "/" in path or "\\" in path else None
                    if rel is not None:
                        bare[rel] = None
        if not frames:
            flush()  # a block without frames stands alone; a traceback may go on in the next block
    flush()
    named = {p for p, _ in seen}
    for path in bare:
        if path not in named and len(seen) < MAX_FILES:
            seen[(path, None)] = None
    return [FileRef(p, ln) for p, ln in seen]


# What a failure is, in the words of its lines. The first group that matches decides.
_CATEGORY_WORDS: list[tuple[str, rx.Pattern]] = [
    (
        "timeout",
        rx.compile(
            r"(?i)exceeded the maximum execution time|execution took longer than|\btimed out\b"
            r"|deadline exceeded|timeout of \d+\S* exceeded|exceeded timeout of|operation was canceled"
            # pytest-timeout's "Failed: Timeout (>3.0s) from pytest-timeout"
            r"|\bTimeout \(>\d"
        ),
    ),
    (
        "infrastructure",
        rx.compile(
            r"(?i)no space left on device|out of memory|oomkill|cannot allocate memory"
            r"|OutOfMemoryError|\bKilled\b|\bSIGKILL\b|\bsignal:? 9\b|lost communication with the server"
            r"|shutdown signal"
            r"|could not resolve host|name resolution|connection (?:refused|reset|timed out)"
            r"|reset by peer|tls handshake timeout|service unavailable|bad gateway|\b50[234]\b"
            r"|rate limit|network is unreachable|i/o timeout|ECONNRESET|ETIMEDOUT|docker daemon"
            r"|error cloning remote repo|unable to access 'https?://|failed to connect to|couldn't connect to server"
            # DNS and git transport failures: "getaddrinfo EAI_AGAIN registry.npmjs.org", "error: RPC failed; curl 92"
            r"|EAI_AGAIN|getaddrinfo|\bENOTFOUND\b|RPC failed|the remote end hung up unexpectedly"
            r"|\b429 Too Many Requests|toomanyrequests"
        ),
    ),
    (
        "configuration",
        rx.compile(
            r"(?i)invalid workflow file|input required and not supplied|not accessible by integration"
            r"|bad credentials|secret|permission denied|unauthori[sz]ed|forbidden|403\b|AccessDenied|access denied"
            # a registry refusing a push: "denied: requested access to the resource is denied"
            r"|(?m:^)denied: |requested access to the resource is denied"
            # a workflow that names what does not exist: an action's version, a toolchain's version, a lock file
            r"|unable to resolve action|version '[^'\n]+' with architecture '[^'\n]+' was not found"
            r"|lock file is not found|no file matched to \["
            # credentials a private dependency or registry needs: git's prompt, npm's E401
            r"|could not read (?:username|password) for|terminal prompts disabled|authentication failed for"
            r"|\bE401\b|unable to authenticate"
            # an action's own complaints: a repository it cannot see, a path that matched no file
            r"|repository not found|repository '[^'\n]+' not found|no files were found with the provided path"
            r"|command not found|unable to locate executable|unsafe repository|safe\.directory"
            r"|no such file or directory.*\b(?:action|workflow)\b|not a git repository"
            # a setting the job did not get: an environment variable's name looked up and missing
            r"|(?-i:KeyError: ['\"][A-Z][A-Z0-9]*_[A-Z0-9_]+['\"])|environment variable|\benv var|\bis not set\b"
            r"|must be set\b"
            # a manifest the cluster refused: kubectl's "error validating data: ValidationError(Deployment.spec)"
            r"|error validating data"
        ),
    ),
]
_REFUSED = rx.compile(
    r"returned error: 40[13]\b|\bPermission to \S+ denied to\b|\bAuthentication failed for '|\bBad credentials\b"
    r"|\b40[13] (?:Forbidden|Unauthorized)\b"
)
"""A server refusing the job's credentials or their rights (git's "The requested URL returned error: 403", "Permission
to o/r.git denied to github-actions[bot]", an API's 401): configuration (a token, a permission), whatever network
words come with it ("unable to access 'https://...'"); read only where those words are (a test asserting a 403 is a
test)."""
_ASSERTION_TIMEOUT = rx.compile(r"(?i)timed out (?:\d+ ?ms waiting for expect|retrying after \d+ ?ms)")
"""An assertion that waited for its condition (Playwright's expect, Cypress's retries): a failed test, not a
job that ran out of time."""
_RULE_CATEGORY_WEIGHT = {"test": 1.0, "lint": 1.2, "typecheck": 1.2, "compile": 1.1, "dependency": 1.3}
_MAVEN_HINTS: list[tuple[str, rx.Pattern]] = [
    ("test", rx.compile(r"There are test failures|maven-surefire|maven-failsafe|Tests run:.*Failures")),
    (
        "compile",
        rx.compile(r"COMPILATION ERROR|Compilation failure|maven-compiler-plugin|cannot find symbol"),
    ),
    (
        "dependency",
        rx.compile(
            r"Could not resolve dependencies|could not be resolved|Failed to collect dependencies"
            r"|Non-resolvable"
            # npm: "`npm ci` can only install packages when your package.json and package-lock.json ... are in
            # sync", "Missing: x@1.2 from lock file", ERESOLVE, ETARGET
            r"|from lock file|are in sync|\bERESOLVE\b|\bETARGET\b|No matching version found"
        ),
    ),
    ("lint", rx.compile(r"(?i)checkstyle|spotless|pmd|spotbugs|animal-sniffer|enforcer|revapi|japicmp")),
]


def categorize(items: list[tuple[str, LineInfo]], step: str | None = None) -> str:
    """The failure's category from the chosen lines and the rules they matched; when they say nothing, from
    the words of the failing ``step`` (its command or name: "lint", "fmt --check", "test", "build", ...)."""
    anchors = [(t, i) for t, i in items if i.role in ("anchor", "header") and i.score >= 2]
    texts = [t for t, i in anchors] or [t for t, _ in items]
    joined = "\n".join(texts)
    timed = _ASSERTION_TIMEOUT.sub(" ", joined) if "imed out" in joined else joined
    for category, pattern in _CATEGORY_WORDS:
        if category == "configuration":
            break
        if pattern.search(timed):
            if category == "infrastructure" and _REFUSED.search(joined):
                return "configuration"  # a server that answered, refusing the job's credentials: not the network
            return category
    votes: dict[str, float] = {}
    for text, info in anchors:
        if info.category in ("timeout", "infrastructure", "configuration"):
            votes[info.category] = votes.get(info.category, 0.0) + 3
        elif info.category:
            weight = _RULE_CATEGORY_WEIGHT.get(info.category, 1.0) * info.score
            votes[info.category] = votes.get(info.category, 0.0) + weight
        if info.rule in (
            "maven_error",
            "gh_error",
            "error_prefix",
            "error_word",
            "exception_line",
            "npm_err",
        ):
            for category, pattern in _MAVEN_HINTS:
                if pattern.search(text):
                    votes[category] = votes.get(category, 0.0) + 2
                    break
    if _CATEGORY_WORDS[2][1].search(joined) and not votes:
        return "configuration"
    if votes:
        best, weight = max(votes.items(), key=lambda kv: kv[1])  # the first of equals, as Counter gives
        if best == "compile":
            return _compile_or_lint(joined, step)
        if _CATEGORY_WORDS[2][1].search(joined) and weight < 4:
            return "configuration"
        return best
    if _CATEGORY_WORDS[2][1].search(joined):
        return "configuration"
    if _TEST_WORDS.search(joined):
        return "test"
    if _COMPILE_WORDS.search(joined):
        return _compile_or_lint(joined, step)
    if _LINT_WORDS.search(joined):
        return "lint"
    if step:
        words = step.replace("_", " ").replace("/", " ")  # "./build/test_runner" says "build" and "test"
        for category, pattern in _STEP_WORDS:
            if pattern.search(words):
                return category
        if _ACTION_STEP.match(step):
            return "configuration"  # a workflow's action failed and its lines name no tool: its inputs, paths, tokens
    return "unknown"


def _compile_or_lint(joined: str, step: str | None) -> str:
    """A compiler's words in a lint step are a linter speaking them (cargo clippy, go vet, a linter's file:line:col:
    error), unless they say the code itself does not compile."""
    if step and _STEP_WORDS[0][1].search(step) and not _COMPILER_CODE.search(joined):
        return "lint"
    return "compile"


_ACTION_STEP = rx.compile(r"^(?:Run )?[\w.-]+/[\w./-]+@[\w.-]+$")
"""A GitHub Actions step that runs an action ("Run actions/checkout@v4"), not a command."""
_COMPILER_CODE = rx.compile(r"\berror\[E\d{4}\]|\(compile\)$|undeclared name|undefined: ")
"""What says the code itself does not compile (rustc's coded errors, go's type checker)."""
_WORDISH = rx.compile(r"[/\w]")
_TRACE_START = rx.compile(r"^_{3,} \S.* _{3,}$|^\s*Traceback \(most recent call last\)")
"""A pytest report's header or a traceback's first line: the frames before it belong to another error."""
_TEST_PATH = rx.compile(
    r"(?i)(?:^|/)(?:tests?|spec|__tests__)/|(?:^|/|_)tests?_|_test\.|\.(?:test|spec)\.|Tests?\.\w+$"
)
"""A path that holds tests (tests/x.py, x_test.go, x.test.js, FooTest.java)."""
_STEP_WORDS: list[tuple[str, rx.Pattern]] = [
    (
        "lint",
        rx.compile(
            r"(?i)\blint\w*|\w*fmt\b|\bdetekt\b|\bformat\w*|--check\b|\bstyle\b|\bvet\b|\bclippy\b|\bshellcheck\b"
            r"|\brubocop\b|\bflake8\b|\bruff\b|\bpylint\b|\bstaticcheck\b|\bcppcheck\b|\w+lint\b|\bphpstan\b"
            r"|\bpsalm\b|\bphpcs\b|\bstandardrb\b|\bbandit\b|\bsemgrep\b|\bluacheck\b|\bclang-tidy\b|\bhlint\b"
            r"|\banaly[sz]e\b|\bautopep8\b|\s--diff\b"  # flutter's, dart's; a formatter asked for its diff
            r"|\bpyflakes\b|\bvulture\b"
        ),
    ),
    ("typecheck", rx.compile(r"(?i)\btype-?check\w*|\bcheck-types\b|\bmypy\b|\bpyright\b|\btsc\b|\bdialyzer\b")),
    (
        "test",
        rx.compile(
            r"(?i)\btests?\b|\bspecs?\b|\bunit\b|\b(?:py|c|vi|unit|go|nose)tests?\b|\bjest\b|\bmocha\b|\brspec\b"
            r"|\bphpunit\b"
        ),
    ),
    ("dependency", rx.compile(r"(?i)\b(?:install|restore|lock|sync|resolve|deps)\b")),
    ("compile", rx.compile(r"(?i)\b(?:build|compile|make|assemble)\b")),
]
"""What a failing step's command or name says it did, for a failure whose lines do not say."""
_TEST_WORDS = rx.compile(r"(?i)\bassert|\btests? failed|\bFAIL\b|\bfailed tests?\b|\btest failures?\b")
_COMPILE_WORDS = rx.compile(
    r"(?i)\berror\b.*\bcompil|\bcompil\w* (?:error|failed)|\bsyntax ?error"
    # a type checker's words in a compiler's error (OCaml's "This expression has type string but an expression
    # was expected of type int", "mismatched types", "type mismatch")
    r"|\bexpression has type\b|\bwas expected of type\b|\bmismatched types\b|\btype mismatch\b"
    # a name the compiler does not know, in the words of many ("undeclared identifier", "Identifier not found",
    # "Unresolved reference", "not in scope"), and xcodebuild's verdict on a build
    r"|\bundeclared identifier\b|\bundefined identifier\b|\bidentifier not found\b|\bunresolved reference\b"
    r"|\bcannot find symbol\b|\bnot in scope\b|\*\* BUILD FAILED \*\*|\bfollowing build commands failed\b"
    r"|\bcould not compile\b"  # cargo's verdict
    # a parser's words (a bundler's "Module parse failed: Unexpected token (4:43)", a compiler's "parse error")
    r"|\bparse failed\b|\bunexpected token\b|\bparse error\b"
)
_LINT_WORDS = rx.compile(
    r"(?i)\bunused (?:import|variable|function|argument|parameter|code|method|class|attribute|property|label)\b"
    r"|\bimported but unused\b|\bnever used\b|\bundefined name\b|\bline too long\b|\btrailing whitespace\b"
)
"""A linter's words about the code ("'os' imported but unused", "unused import 'os'", "undefined name 'x'"), read when
no rule or error word says what failed: a compiler only warns in them."""
