"""What error output looks like: the byte prefilter for candidate lines and the per-line rules.

The prefilter is one RE2 alternation run over multi-MiB chunks to find the few lines worth a closer look
(those that can start, head or close an error block, or mark the job's structure); one RE2 set then says,
in one pass over such a line, which rules and shapes it matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2 as _re2

from . import rx

_A = rb"(?:\x1b\[[0-9;]*m)*"  # colour codes a tool may put between the words of its verdict
_PREFILTER_SOURCE = (
    rb"(?m)^[^\n]*?(?:"
    # Only the shapes that can start, head or close an error block, or mark the job's structure: the weak
    # words ("cannot", "not found", a bare "error") are read only where lines are kept anyway (around
    # these, and the failing step's end), so ordinary lines full of such words cost one automaton pass.
    # (No class may match the newline: a candidate is one whole line.)
    rb"(?i:error)" + _A + rb"[:\[!]|ERROR|[A-Za-z](?:Error|Exception)\b|\bError\b|\b[1-9]\d* errors?\b"
    rb"|(?:^|Z |m)(?i:error) |\d+:\d+ +" + _A + rb"error |(?i:npm err)|error" + _A + rb" TS\d|ERR_"
    rb"|(?i:fail(?:ed|ing|ure[^s\n]|ure$|ures?: ?[1-9]|ures:\s*$))|FAIL|(?:Failures|Errors): [1-9]"
    rb"|(?i:fatal|panic|exception|traceback|killed|timed out|denied|forbidden|unauthori[sz]ed|no such file"
    rb"|segmentation|core dumped|out of memory|oomkill|no space left|refused|reset by peer|tls handshake"
    rb"|unreachable|exceeded|canceled|cancelled|unresolv|unsatisf|resolutionimpossible"
    rb"|exit code|exit status|exited with|non-zero|command not found|not supplied|module not found"
    rb"|could not resolve|unable to (?:locate|resolve|access)|undefined reference|cannot find module"
    rb"|invalid workflow|bad credentials|not accessible|service unavailable|bad gateway|lost communication"
    rb"|shutdown signal|version solving|no solution found|would reformat|went wrong|deadline"
    rb"|the conflict is caused by)"
    rb"|Diff in \S+:\d+:|^--- (?:a|old)/\S| SC\d{4} \(|In \S+ line \d+:|File would be reformatted"
    rb"|(?:^|[mK ])\$ \S|(?:^|[ m])[A-Z]{1,4}\d{3,4} (?:\[\*\] )?\S|[1-9]\d* problems? \(|(?:^|Z )# \S"
    rb"|\.go:\d+:\d+: |_test\.go:\d+: |\.(?:java|kt|scala|groovy):\[\d+,\d+\]"
    rb"|##\[(?:group\]Run |error)|section_(?:start|end):"
    rb"|--- FAIL|(?:\b|m)E {2,}\S|\x{25cf}|\x{2715}|\x{2717}|\x{2716}|\x{2718}|\x{274c}|\x{2577}|\*\*\*|<<< |Caused by"
    rb"|Post job cleanup|_{3,} \S|\.pyi?:\d+:\d+: [A-Z]+\d+[: ]|\d+ failing|Tests: +\d+"
    rb"|^\[[^\]\n]{1,80}\] \$ \S"
    rb"|not ok \d|^# fail [1-9]|^\[error\] |\d\) test | \[[A-Z]{1,4}\d{3,5}[:\]]|:\d+(?::\d+)? [A-Z]{2,4}\d{3,5}[ /]"
    rb"|^e: |\[E\]$|files were modified|^::error[ :]|\.kts?:\d+:\d+ |\x{2503} \[[A-Z]\] |(?i:vulnerabilit)"
    rb"|^Severity: |^Crate: "
    # pytest -v's verdict on a line of its own: the test printed output (a logged traceback) and passed
    rb"|(?:^|\dZ )" + _A + rb"PASSED" + _A + rb"(?: +\[ *\d+%\])?" + _A + rb" *$"
    rb")[^\n]*"
)

_PREFILTER_OPTIONS = _re2.Options()
# room for its automaton's states to stay cached instead of being rebuilt chunk after chunk (RE2's default 8 MiB
# ran the prefilter ~10% slower; the memory is taken only as states are made)
_PREFILTER_OPTIONS.max_mem = 64 << 20
PREFILTER = _re2.compile(_PREFILTER_SOURCE, _PREFILTER_OPTIONS)
"""Finds whole candidate lines (one match per line) in a chunk of bytes."""
SUREFIRE_VERDICT = _re2.compile(rb"Tests run: [^\n]* - in ")
"""Surefire's per-class verdict ("Tests run: 3, Failures: 0, ... - in x.FooTest"), the commonest line of a Maven
log: found in a pass of its own (where a chunk has "Tests run: "), so that the prefilter's candidates are not
mostly these, each read through Python. (A literal start: RE2 skips to it without running its automaton.)"""


@dataclass(frozen=True)
class LineInfo:
    """What one line is: its role in a block, how strongly it signals the failure, and hints."""

    role: str
    """anchor | cont | header | trailer | exit | step | noise | plain"""
    score: float = 0.0
    category: str | None = None
    rule: str = ""
    test: str | None = None
    exit_code: int | None = None
    step: str | None = None


PLAIN = LineInfo("plain")
NOISE = LineInfo("noise")

# ---------------------------------------------------------------- noise: looks like an error, is not
_NOISE = rx.compile(
    r"^\s*(?:\[INFO\]|INFO[: ]|\[DEBUG\]|DEBUG[: ]|go: (?:downloading|finding|extracting)|Downloading"
    r"|Downloaded"
    r"|Download |Progress \(|Collecting |Requirement already satisfied|Using cached|Installing |Fetching "
    r"|Get:\d+|Unpacking |Setting up |Selecting previously|Preparing to unpack|\[command\]|shell: |Compiling "
    r"|Checking |Processing |Building |Resolving |Resolved |Prepared |Installed |Uninstalled |Audited "
    r"|hint: |remote: |Receiving objects|Resolving deltas|warning: |WARNING: |\[WARN\]|\[WARNING\]"
    r"|npm WARN |npm warn |info [A-Z]|\[ *\d+%\]$"  # yarn's "info Visit ...", pytest's "[100%]"
    r"|=== (?:RUN|PAUSE|CONT|NAME)|--- (?:PASS|SKIP)|ok\s+\S|PASS\s|\?\s+\S+\s+\[no test files\]"
    r"|::(?:debug|notice|warning|group|endgroup|add-mask|set-output)::|travis_(?:time|fold):)"
)
_ZERO_COUNTS = rx.compile(
    r"(?i)\b(?:0|no) (?:failed|failures?|errors?|problems?)\b|Failures: 0, Errors: 0|\berrors?: 0\b"
    r"|\bfailed: 0\b"
    r"|\bwith 0 errors\b"
)
_PASSING = rx.compile(r"(?:\bPASSED|\bPASS|\bok|\u2713|\u2714|\bSUCCESS(?:FUL)?)\s*(?:\(\d.*\))?$")
_HARMLESS_TOKENS = rx.compile(
    r"(?i)-W(?:no-)?error\S*|error[-_]?prone|continue-on-error|on[-_]error|ignore[-_]errors?|fail[-_]fast"
    r"|fail[-_]under|failure\(\)|--no-fail\S*|allow[-_]failure|max[-_]?fail\S*|\berrors?\.(?:go|rs|py|js|ts"
    r"|h|c|java)\b"
    r"|\w+errors?(?:\.\w+)+|exit[-_]code|error_log\S*|timeout[-_=]\S*|fail_on\S*"
)

_LOUD_WARNING = rx.compile(r"^WARNING: (?:DATA RACE|ThreadSanitizer: )")
"""A warning that is the failure: the race detector's report (it fails the test that raced)."""
_WARNING_NAMES_ERROR = rx.compile(r"(?i)\b(?:errors?|exceptions?)\b")
"""A Maven warning that speaks of an error ("Error injecting", "exception in"), not of ``getErrorCode()``."""

# ---------------------------------------------------------------- continuation shapes
CONTINUATION = rx.compile(
    r"^\s+at\s+\S|^\s*\.\.\. ?\d+ (?:more|common frames omitted)|^\s*(?:Caused by|Caused|Suppressed|Also)\b:?"
    r"|^\s+File \"[^\"]+\", line \d+|^goroutine \d+ \[|^\s*created by |^\[signal "
    r"|^\s*(?:\S+/)?\S+\.go:\d+(?: \+0x|$)"
    r"|^\S+\.\w{1,6}:\d+:\d+: 0x[0-9a-fA-F]+ in \S"  # a native frame with its address (zig's, lldb's)
    r"|^\S+\(.*\)$|^E(?:\s|$)|^>\s|^\s*-->\s|^\s*\d*\s*\|(?:\s|$)|^\s*= (?:note|help):"
    r"|^\s*[\u2502\u2577\u2575\u256d\u2570\u251c\u2514\u250c]|^\S+:\d+(?::\d+)?: note: |^\s+\d+: [\w<]"
    r"|^\s*-{4,}\s*$|^\s*>\s*\[|^\s*>>>\s|^\s*\^[~^]*\s*$|^\s+\d+:\d+\s+(?:error|warning)\s|^\s*(?:symbol"
    r"|location|required|found|reason)\s*:"
    r"|^\s*(?:Expected|Received|expected|received|actual|Actual|but was|but got)\b"
    # a tool's guess under its error, asked (webpack's "Did you mean './charts.js'?"; ShellCheck's "Did you mean:" over
    # its rewrite of the line is not one)
    r"|^\s*Did you mean\b[^:]*\?\s*$"
    r"|^During handling of the above exception|^The above exception was the direct cause|^#\d+ CANCELED"
    r"|^\S*Dockerfile\S*:\d+$|^\s*\u276f \S|(?i)\bcaused by:$"
    r"|^\d+ +\S"  # tsc --pretty quotes the source line after a blank line: "9     condition: body.conditions,"
    # stack frames in any language's shape: "#1 0x55d5 in f /src/x.c:15:5" (sanitizers, gdb), "#0 /src/x.php(16):
    # f()" and "#2 {main}" (PHP), "from lib/x.rb:8:in `f'" and "# ./lib/x.rb:18:in `f'" (Ruby), "src/q.lua:28: in
    # function 'f'" (Lua), a frame that is a bare "/src/Cart.php:28" (PHPUnit), and the line that opens a trace
    # ("Stack trace:", "stack traceback:", "Backtrace:")
    r"|^\s*#\d+ (?:0x[0-9a-fA-F]+ in \S|\S+\(\d+\): \S|\{main\}$)|^\s*(?:from |# )\S+:\d+:in [`'\u2018]"
    r"|^\s*\S+\.\w{1,6}:\d+: in \S|^\s*\S+\.\w{1,6}:\d+$"
    r"|^\s*(?:Stack trace|stack traceback|Backtrace|backtrace|stacktrace|Call stack|Traceback):?$"
    r"|^# \S"  # TAP: the diagnostics of a "not ok" are "# " comment lines (busted, prove's Test::More)
)
BACK_CONTINUATION = rx.compile(
    r"^\s*-{4,}\s*$|^\s*>\s*\[|^\s*\d+\s*\|(?:\s|$)|^\s*>>>\s|^\S*Dockerfile\S*:\d+$|^#\d+ CANCELED"
    r"|^\s*[\u2502\u2577\u256d]"
    # what a tool prints just before its error lines: the file they are in (eslint), the test they belong to
    # (mocha's "1) suite" + "test:", cargo's "---- name stdout ----"), the function (ld, gcc)
    r"|^\S*[/\\]\S+\.\w{1,6}$|^\s*\d+\) \S|^\s{4,}\S.*:$|^-{4} \S.* -{4}$|\bIn function\b.*:$|: in function .*:$"
    # gcc/clang's instantiation backtrace before a template error: "In file included from x:2,", "  from y:5:",
    # "x.h: In instantiation of '...':", "main.cpp:11:44:   required from here"
    r"|^In file included from \S|^\s+from \S+:\d+[:,]$|: In instantiation of |^\S+:\d+:\d+:\s+required (?:from|by) "
)
STACK_FRAME = rx.compile(
    r"^\s+at\s+\S|^\s*\.\.\. ?\d+ more|^\s+File \"|^\s+\S+\.go:\d+|^\s*\(?[\w$.<>]+\)? \("
    r"|^\s*#\d+ (?:0x[0-9a-fA-F]+ in \S|\S+\(\d+\): \S)|^\s*(?:from |# )\S+:\d+:in [`'\u2018]"
    r"|^\s*\S+\.\w{1,6}:\d+: in \S|^\s*\S+\.\w{1,6}:\d+$"
)

# ---------------------------------------------------------------- the rules, most specific first
_RULES: list[tuple[str, rx.Pattern, str, float, str | None]] = []
_SOURCES: list[str] = []


def _rule(name: str, pattern: str, role: str, score: float, category: str | None = None) -> None:
    _RULES.append((name, rx.compile(pattern), role, score, category))
    _SOURCES.append(pattern)


# Structure markers.
_rule("gh_group_run", r"^##\[group\]Run (?P<step>.+)$", "step", 0)
_rule("gh_post", r"^Post job cleanup\.$", "step", 0)
_rule("gitlab_job_failed", r"^ERROR: Job failed(?:: exit code (?P<code>\d+)|: (?P<msg>.*))?", "exit", 0)
_rule("jenkins_finished", r"^Finished: (?:FAILURE|ABORTED|UNSTABLE)", "exit", 0)
# Travis: each command of a phase ends with its verdict; the build's verdict comes last.
_rule(
    "travis_command_exit",
    r"^The command \"(?P<step>.{1,400})\" (?:exited with|failed and exited with) (?P<code>\d+)",
    "exit",
    0,
)
_rule("travis_build_exit", r"^Done\. Your build exited with (?P<code>\d+)\.", "exit", 0)
# Shell echoes of the command about to run: GitLab and Travis print "$ cmd" (a step of the job).
_rule("shell_echo", r"^\$ (?P<step>\S.{0,300})$", "step", 0)

# Timeouts, cancellation, runner and resource problems.
_rule(
    "gh_timeout",
    r"has exceeded the maximum execution time|execution took longer than|exceeded the maximum time limit for jobs"
    r"|No output has been received in the last \S+",
    "anchor",
    4,
    "timeout",
)
_rule(
    "timeout_generic",
    r"(?i)\btimed out after\b|\btimeout of \d+\S* exceeded|\bdeadline exceeded\b"
    r"|\btest timed out\b|\bpanic: test timed out",
    "anchor",
    3,
    "timeout",
)
_rule(
    "runner_lost",
    r"(?i)lost communication with the server|runner has received a shutdown signal"
    r"|runner .* did not respond|no space left on device|out of memory|oomkilled|cannot allocate memory"
    r"|java\.lang\.OutOfMemoryError|std::bad_alloc|(?:^|: )Killed$|:\s+\d+ Killed\s|\bKilled\s+\(?signal"
    r"|exit code 137",
    "anchor",
    3.5,
    "infrastructure",
)
_rule(
    "config_gh",
    r"(?i)invalid workflow file|input required and not supplied|resource not accessible by integration"
    r"|bad credentials|secret .*(?:not set|not found|missing|empty)|unable to locate executable file"
    r"|permission denied \(publickey\)|must have admin rights"
    r"|refusing to allow .* to create or update workflow",
    "anchor",
    3,
    "configuration",
)

# Annotations and block-like tool prefixes.
_rule("gh_error", r"^##\[error\](?P<msg>.*)$", "anchor", 3)
_rule(
    "maven_boiler",
    r"^\[ERROR\]\s*(?:$|-> \[Help|To see the full stack trace|Re-run Maven|For more information"
    r"|\[Help \d+\]|After correcting the problems|mvn <\w+> |\s*$|COMPILATION ERROR :?\s*$)",
    "cont",
    0.5,
)
_rule(
    "surefire_summary",
    # (a bare "Errors:" is MSBuild's and others' heading too: surefire's only under its "[ERROR] ")
    r"^(?:\[ERROR\] (?:Failures|Errors|Failed tests|Tests in error|Flaked tests)"
    r"|(?:Failures|Failed tests|Tests in error|Flaked tests)): *$",
    "anchor",
    3.5,
    "test",
)
_rule("maven_error", r"^\[(?:ERROR|FATAL)\] ", "anchor", 3)
_rule("sbt_error", r"^\[error\] \S", "anchor", 2.5)  # sbt's log level: "[error] src/X.scala:12:5: type mismatch;"
# Build configurators: a package they did not find is a dependency; any other error in the build's own files
# (meson.build, CMakeLists.txt, configure.ac) is its configuration, not the code's
_rule(
    "configure_missing",
    r"^(?:meson\.build:\d+:\d+: ERROR: (?:Dependency|Program|Library|C (?:shared|static) library|Pkg-config)\b"
    r".*\bnot found"
    r"|configure: error: .*(?:not found|[Cc]annot find|[Nn]o (?:acceptable|usable)|required|were not met|missing)"
    r"|CMake Error at \S+ \((?:find_package|pkg_check_modules|pkg_search_module|find_library|find_program)\):)",
    "anchor",
    3,
    "dependency",
)
# CMake's words under its "CMake Error at ... (message):": a package it did not find
_rule(
    "cmake_missing",
    r"^\s*(?:Could NOT find \w|Could not find a package configuration file provided by|By not providing \"Find)",
    "anchor",
    3,
    "dependency",
)
# Next.js's build prints the type checker's error so: "./src/app/page.tsx:12:7" then "Type error: ..."
# a process the kernel killed (the OOM killer, mostly): cargo's "(signal: 9, SIGKILL: kill)", "Killed signal terminated
# program cc1plus"
_rule("sigkill", r"\bSIGKILL\b|\(signal: 9\b|^Killed signal terminated program", "anchor", 3, "infrastructure")
_rule("rake_aborted", r"^rake aborted!$", "anchor", 2)  # (Rake's heading over the exception that ended a task)
_rule("type_error_line", r"^Type error: ", "anchor", 3, "typecheck")
# Ansible: a task that failed on a host ("fatal: [web1]: FAILED! => {...}", "failed: [web1] (item=x) => {...}")
_rule(
    "ansible_failed",
    r"^(?:fatal|failed): \[[^\]\n]+\]: (?:FAILED!|UNREACHABLE!)|^failed: \[[^\]\n]+\] \(item=",
    "anchor",
    3,
    "configuration",
)
_rule("ansible_task", r"^TASK \[[^\]\n]+\] \*{3,}$", "header", 0)  # (the task a failure under it belongs to)
# Cython: "Error compiling Cython file:", its code frame, then "src/x.pyx:21:42: undeclared name not builtin: y"
_rule("cython_header", r"^Error compiling Cython file:$", "header", 2, "compile")
_rule("cython_error", r"^\S+\.(?:pyx|pxd|pxi):\d+:\d+: \S", "anchor", 3, "compile")
# jq: a filter that fails on its input ("jq: error (at config/x.json:8): Cannot index string with string") is the
# data's (configuration); one that does not parse ("jq: error: syntax error, unexpected ...") the script's
_rule("jq_data_error", r"^jq: error \(at [^)\n]*\): ", "anchor", 3, "configuration")
_rule("jq_compile_error", r"^jq: error: |^jq: \d+ compile errors?$", "anchor", 3, "compile")
# cucumber-js: "1) Scenario: Adding items sums their prices # features/cart.feature:4" heads a failing scenario
_rule(
    "cucumber_scenario",
    r"^\d+\) Scenario(?: Outline)?: (?P<test>.+?) # \S+\.feature:\d+$",
    "header",
    2,
    "test",
)
_rule("configure_error", r"^(?:meson\.build:\d+:\d+: ERROR: |configure: error: )", "anchor", 3, "configuration")
# the check that failed, printed just before such an error: autoconf's "checking for zlib.h... no", meson's
# "Run-time dependency gtk4 found: NO" (a header of no weight: ordinary runs print many of them, for what is optional)
_rule(
    "configure_check_failed",
    r"^(?:checking (?:for |whether |if |how )?.{1,200}\.\.\. (?:no|not found|none)\b"
    r"|(?:Run-time |Build-time )?[Dd]ependency \S+ found: NO\b|(?:Program|Library) \S+ found: NO\b)",
    "header",
    0,
    "dependency",
)
_rule("cmake_error", r"^CMake Error\b", "anchor", 3, "configuration")  # "CMake Error at CMakeLists.txt:3 (add_exe):"
_rule("surefire_fail", r"<<< (?:FAILURE|ERROR)!", "anchor", 3, "test")
_rule("junit_counts", r"Tests run: \d+, Failures: \d+, Errors: \d+", "anchor", 2, "test")
_rule(
    "npm_resolve_code",
    r"^npm (?:ERR!|error) (?:code )?(?:ERESOLVE|ETARGET|E404|EINTEGRITY|ENOTFOUND)\b",
    "anchor",
    3,
    "dependency",
)
_rule("npm_err", r"^npm (?:ERR!|error)(?: |$)", "anchor", 2)
_rule("pnpm_run_err", r"\bERR_PNPM_(?:RECURSIVE_RUN_FIRST_FAIL|\w*LIFECYCLE\w*|\w*SCRIPT\w*)", "anchor", 2)
_rule("pnpm_err", r"\bERR_PNPM_\w+", "anchor", 3, "dependency")

# Tests.
_rule("pytest_e", r"^E(?: {2,}\S| *$)", "anchor", 3, "test")
# a parametrized id may hold spaces ("x.py::t[a b] - message"): its brackets end at the first "] - " or the line's end
_rule(
    "pytest_summary",
    r"^(?:FAILED|ERROR) (?P<test>\S+::[^\s\[]+\[.*\](?: - .*)?$|\S+::\S+|\S+\.py)(?:\s|$)",
    "anchor",
    3,
    "test",
)
_rule("pytest_header", r"^_{3,} (?P<test>(?:ERROR collecting )?\S.*?) _{3,}$", "header", 2, "test")
_rule("pytest_totals", r"^=+ .*\b\d+ (?:failed|errors?)\b.* =+$", "trailer", 1, "test")
# pytest's verdict when collection stopped it ("!!!! Interrupted: 1 error during collection !!!!"), -q's totals and
# the banner of a run whose tests passed (a plugin failed it: "=== 2 passed in 0.17s ===")
_rule(
    "pytest_totals_plain",
    r"^!{3,} Interrupted: .* !{3,}$|^\d+ (?:failed|errors?)(?:, \d+ \w+)* in [\d.]+s$"
    r"|^=+ (?:\d+ \w+, )*\d+ passed(?:, \d+ \w+)* in [\d.]+s(?: \([\d:]+\))? =+$",
    "trailer",
    1,
    "test",
)
_rule("unittest_ran", r"^Ran \d+ tests? in [\d.]+s$", "trailer", 1, "test")  # unittest's count before its verdict
_rule("unittest_fail", r"^(?:FAIL|ERROR): (?P<test>\w+ \([\w.]+\))", "anchor", 3, "test")
# its verbose (-v) verdict, Django's test runner's too: "test_x (app.tests.T.test_x) ... FAIL" (its report's
# "FAIL: test_x (...)" heading names the test)
_rule("unittest_verdict", r"^\w+ \([\w.]+\) \.\.\. (?:FAIL|ERROR)$", "anchor", 2.5, "test")
# Twisted trial: its report's heading "[FAIL]" / "[ERROR]" over each failure's traceback (the test's dotted id after
# it), and its verbose reporter's verdict "    test_fee ...        [FAIL]"
_rule("trial_heading", r"^\[(?:FAIL|ERROR)\]$", "header", 2, "test")
_rule("trial_verdict", r"^\s+(?P<test>\w+) \.\.\. +\[(?:FAIL|ERROR)\]$", "anchor", 2, "test")
# a Python exception named by its module ("twisted.trial.unittest.FailTest: 150 != 15", Django's
# "django.core.exceptions.ImproperlyConfigured: ..."), the line that closes a traceback (a class named "...Error" or
# "...Exception" is read by the generic rules)
_rule("py_qualified_exception", r"^(?:[a-z_][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_]*: \S", "anchor", 2)
_rule("go_test_log", r"^\s+\S+_test\.go:\d+: \S", "anchor", 2.5, "test")
_rule("path_line_exception", r"^\S+\.\w+:\d+: [A-Z][\w.]*(?:Error|Exception)\b", "anchor", 3)
_rule("go_fail", r"^\s*--- FAIL: (?P<test>\S+)", "anchor", 3, "test")
_rule("go_build_failed", r"^FAIL\s+\S+\s+\[(?:build|setup) failed\]", "anchor", 2, "compile")
_rule("go_pkg_fail", r"^FAIL(?:\s+\S+\s+[\d.]+s)?\s*$", "trailer", 1, "test")
_rule("panic", r"^(?:panic|fatal error): ", "anchor", 3)
_rule("rust_panic", r"^thread '(?P<test>[^']{1,300})'(?: \(\d+\))? panicked at", "anchor", 3, "test")
_rule("cargo_rerun", r"^error: test failed, to rerun pass ", "trailer", 1, "test")
_rule("cargo_test_fail", r"^test (?P<test>\S+) \.\.\. FAILED", "anchor", 3, "test")
_rule("cargo_result", r"^test result: FAILED", "trailer", 1, "test")
_rule("jest_bullet", r"^\s*\u25cf (?P<test>.+)$", "anchor", 3, "test")
_rule(
    "jest_fail_file",
    r"^\s*FAIL\s+(?P<test>\S+\.(?:[cm]?[jt]sx?|vue|svelte))\b(?:\s+>\s+(?P<name>.+))?",
    "anchor",
    2,
    "test",
)
# the cross is not only a test runner's: esbuild's "✘ [ERROR] Could not resolve "./x"", pip's (rich) "× Building
# wheel for x did not run successfully." and "× Encountered error while generating package metadata."
_rule("esbuild_error", r"^\s*\u2718 \[ERROR\] ", "anchor", 3, "compile")
_rule(
    "pip_build",
    r"^\s*(?:\u00d7 |ERROR: )(?:Failed building wheel|Could not build wheels|Failed to build"
    r"|Encountered error while generating package metadata|.* did not run successfully)",
    "anchor",
    3,
    "dependency",
)
# ESLint's count after its report: "\u2716 5 problems (4 errors, 1 warning)", "  0 errors and 1 warning potentially
# fixable with the `--fix` option."
_rule(
    "eslint_totals",
    r"^\u2716 \d+ problems? \(\d+ errors?, \d+ warnings?\)$"
    r"|^\s*\d+ errors? and \d+ warnings? potentially fixable with ",
    "trailer",
    1.5,
    "lint",
)
# a vulnerable dependency in an audit's report: Snyk's "\u2717 Prototype Pollution [High Severity][url] in lodash@4.1"
_rule("audit_severity", r"^\s*\u2717 .+\[(?:Low|Medium|High|Critical) Severity\]", "anchor", 3, "dependency")
_rule("audit_fix", r"^\s*Upgrade \S+ to \S+ to fix$", "header", 0, "dependency")  # (over the ones it fixes)
# flutter/dart analyze: "  error \u2022 Undefined name 'foo' \u2022 lib/main.dart:12:5 \u2022 undefined_identifier"
_rule("dart_analyze", r"^\s*(?:error|warning) \u2022 .+ \u2022 \S+:\d+:\d+ \u2022 \w+$", "anchor", 3, "lint")
# a formatter's verdict: Spotless's "The following files had format violations:", "Code style issues found in 2 files"
_rule(
    "format_violations",
    r"had format violations:?$|^Code style issues found|\bneeds? formatting\b|\b(?:is|are|were|was) not formatted\b",
    "anchor",
    2,
    "lint",
)
# Dialyzer's short format: "lib/w/parser.ex:12:no_return" (the warning's name after the location), its words under it
_rule("dialyzer", r"^\S+\.(?:ex|exs|erl):\d+(?::\d+)?:[a-z_]+$", "anchor", 3, "typecheck")
_rule(
    "js_cross",
    r"^\s*(?:\u2715|\u2717|\u00d7|\u2716|\u2718)\s+(?P<test>\S.*?)(?:\s+\(\d+\s*m?s\))?$",
    "anchor",
    2,
    "test",
)
# a red cross before a diagnostic: xcpretty's "\u274c  /path/X.m:12:5: use of undeclared identifier 'y'", and the
# many tools that mark their errors so
_rule("red_cross", r"^\s*\u274c\s+\S", "anchor", 3)
_rule("mocha_failing", r"^\s*\d+ failing$", "anchor", 2, "test")
# ExUnit (Elixir): "  1) test parses empty input (ParserTest)" heads the file:line and the assertion
_rule("exunit_header", r"^\s+\d+\) (?P<test>test .+) \([\w.]+\)$", "header", 2, "test")
# clojure.test: "FAIL in (test-parse) (core_test.clj:7)"; ScalaTest: "- should parse *** FAILED ***"
_rule("clojure_fail", r"^(?:FAIL|ERROR) in \((?P<test>[^)\s]+)\)", "anchor", 3, "test")
_rule("scalatest_failed", r"\*\*\* FAILED \*\*\*", "anchor", 3, "test")
# ScalaTest's reason under the failed test, through sbt's "[info]": "[info]   3 did not equal 4 (CalcSpec.scala:10)"
_rule("scalatest_reason", r"^\[info\] {3,}\S.* \(\S+\.(?:scala|java|kt|sc):\d+\)$", "anchor", 2.5, "test")
# Test::More (prove, make test): "#   Failed test 'adds'" then "#   at t/x.t line 7." and got/expected
_rule("test_more_failed", r"^#\s+Failed test\b", "anchor", 3, "test")
# prove's summary: "Test Summary Report", "t/x.t (Wstat: 256 (exited 1) Tests: 4 Failed: 1)" and its details
_rule("prove_summary", r"^Test Summary Report$", "header", 2, "test")
_rule("prove_file", r"^\S+\.t\s+\(Wstat: \d+", "anchor", 2.5, "test")
_rule("prove_detail", r"^\s+(?:Failed tests?:\s+\d|Non-zero exit status: \d|Parse errors: )", "cont", 1, "test")
# Perl's die: "cannot parse temperature '21 C' at lib/Temperature.pm line 17."
_rule("perl_die", r"^\S.* at \S+\.(?:pm|pl|t|cgi) line \d+\.$", "anchor", 3)
_rule("test_more_detail", r"^#\s+(?:at \S+ line \d+\.|got: |expected: |in \S+ at line \d+\.)", "cont", 1, "test")
# TAP (node --test, tap, tape, prove, bats): "not ok N - name" then its indented YAML diagnostics; a
# "# TODO" or "# SKIP" directive marks an expected failure, not one (node-tap's "# time=28ms" comment does not)
_rule("tap_todo", r"^\s*not ok \d+\b[^#\n]*#\s*(?i:todo|skip)\b", "noise", 0)
_rule("tap_not_ok", r"^\s*not ok \d+(?: -)? (?P<test>[^#\n]*[^#\s])\s*(?:#.*)?$", "anchor", 3, "test")
_rule("tap_fail_count", r"^# fail +[1-9]\d*$", "trailer", 1, "test")  # (tape pads it: "# fail  2")
# zig test: "2/3 stack.test.peek...expected 2, found 1" then "FAIL (TestExpectedEqual)" (a passing one ends "...OK");
# its tests are named "<module>.test.<name>"
_rule("zig_test_passed", r"^\d+/\d+ (?:\w+\.)*test\.\S.*\.\.\.(?:OK|SKIP)$", "noise", 0)
_rule("zig_test_failed", r"^\d+/\d+ (?P<test>(?:\w+\.)*test\.\S.*?)\.\.\.\S", "anchor", 3, "test")
_rule("zig_fail", r"^FAIL \(\w+\)$", "anchor", 3, "test")
# the race detector (go test -race, ThreadSanitizer): "WARNING: DATA RACE" heads the two goroutines' stacks
_rule("data_race", r"^WARNING: (?:DATA RACE|ThreadSanitizer: )", "anchor", 3, "test")
# git: "! [rejected]  HEAD -> main (fetch first)", "! [remote rejected] main -> main (protected branch hook declined)"
_rule("git_rejected", r"^\s*! \[(?:rejected|remote rejected)\] ", "anchor", 3)
# GoogleTest: "x_test.cc:12: Failure" and its expectation, "[  FAILED  ] Suite.Test (0 ms)" and the summary's list
_rule("gtest_failure", r"^\S+:\d+: Failure$", "anchor", 3, "test")
_rule("gtest_failed", r"^\[  FAILED  \] (?P<test>[\w/]+\.[\w/]+)(?:, where .*)?(?: \(\d+ ms\))?$", "anchor", 3, "test")
_rule("gtest_totals", r"^\[  FAILED  \] \d+ tests?, listed below:$|^ ?\d+ FAILED TESTS?$", "trailer", 1, "test")
# Deno's test runner: "adds => ./calc_test.ts:3:6" heads a failure; "FAILED | 1 passed | 1 failed (5ms)"
_rule("deno_failure", r"^(?P<test>\S.*?) => \S+\.[cm]?[jt]sx?:\d+:\d+$", "header", 2, "test")
_rule("deno_totals", r"^FAILED \| \d+ passed(?: \(\d+ steps?\))? \| \d+ failed", "trailer", 1.5, "test")
# ktlint: "App.kt:10:1 Unexpected blank line(s) before "}" (standard:no-blank-line-before-rbrace)"; Credo's
# "┃ [R] → Modules should have a @moduledoc tag."
# detekt: "App.kt:12:5: The function foo is too long (65). The maximum length is 60. [LongMethod]"
_rule("detekt", r"^\S+\.kts?:\d+:\d+: .+ \[[A-Z]\w+\]$", "anchor", 3, "lint")
_rule("ktlint", r"^\S+\.kts?:\d+:\d+ .+ \([\w-]+:[\w-]+\)$", "anchor", 3, "lint")
_rule("credo", r"^\u2503 \[[A-Z]\] [\u2190-\u21ff] ", "anchor", 3, "lint")
# Julia's Test: "Test Failed at /x/test/runtests.jl:5" (its expression and values follow), "Error During Test at"
_rule("julia_test", r"^(?:Test Failed|Error During Test) at \S+:\d+$", "anchor", 3, "test")
_rule("julia_totals", r"Some tests did not pass: \d+ passed, \d+ failed", "trailer", 1, "test")
# dart test / flutter test: "00:02 +3 -1: test/widget_test.dart: Counter increments [E]"
_rule("dart_test", r"^\d+:\d\d \+\d+(?: ~\d+)? -\d+: (?P<test>.+) \[E\]$", "anchor", 3, "test")
_rule("dart_totals", r"^\d+:\d\d \+\d+(?: ~\d+)? -\d+: Some tests failed\.$", "trailer", 1, "test")
# pre-commit: "black....................Failed", then "- hook id: black" and what the hook printed
_rule("precommit_failed", r"^[^\s.][^.]*\.{4,}(?:\([^)]*\))?Failed$", "anchor", 3, "lint")
_rule("precommit_modified", r"^- files were modified by this hook$", "anchor", 2, "lint")
# busted (Lua): "Failure -> spec/queue_spec.lua @ 13" (or "→") above the test's name and its message; its totals
_rule("busted_failure", r"^(?:Failure|Error) (?:->|\u2192) \S+ @ \d+$", "anchor", 3, "test")
_rule("busted_totals", r"^\d+ success(?:es)? / [1-9]\d* failures? / \d+ errors? / \d+ pending", "trailer", 1, "test")
_rule("busted_errors", r"^\d+ success(?:es)? / \d+ failures? / [1-9]\d* errors? / \d+ pending", "trailer", 1, "test")
# RSpec, Minitest, PHPUnit, dotnet test
_rule("rspec_failure", r"^\s+Failure/Error: ", "anchor", 3, "test")
_rule("rspec_rerun", r"^rspec (?P<test>\./\S+:\d+) # ", "anchor", 2.5, "test")
_rule("rspec_totals", r"^\d+ examples?, [1-9]\d* failures?", "trailer", 1.5, "test")
# Jasmine: "1) suite spec" then "  Message:" (the expectation's words), "  Stack:"; its totals "3 specs, 2 failures"
# (.NET's test runners head the assertion with "Error Message:")
_rule("test_message", r"^\s*(?:Error )?Message:$", "header", 2, "test")
_rule("jasmine_totals", r"^\d+ specs?, [1-9]\d* failures?", "trailer", 1.5, "test")
# BDD runners (behave, Cucumber): behave's "ASSERT FAILED: ..." under the failing step ("Then x  # steps/x.py:21"),
# the lists of failing scenarios ("Failing scenarios:" then "  features/x.feature:7  Name"; Cucumber's
# "cucumber features/x.feature:7 # Scenario: Name") and the totals ("1 scenario passed, 1 failed, 1 error")
_rule("assert_failed", r"^\s*(?i:assert(?:ion)? failed)\b", "anchor", 3, "test")
_rule("bdd_step", r"^\s+(?:Given|When|Then|And|But) \S.*\s# \S+:\d+$", "header", 0, "test")  # (each step's line)
_rule("bdd_failing_list", r"^(?:Failing|Errored) [Ss]cenarios:$", "header", 2, "test")
_rule("bdd_scenario_row", r"^\s+\S+\.feature:\d+\s+(?P<test>\S.*)$", "anchor", 2, "test")
_rule(
    "cucumber_rerun",
    r"^cucumber(?: -p \w+)? \S+\.feature:\d+ # (?:Scenario(?: Outline)?: )?(?P<test>.+)$",
    "anchor",
    2.5,
    "test",
)
_rule(
    "bdd_totals",
    r"^\d+ scenarios? (?:passed, (?:[1-9]\d* failed|\d+ failed, [1-9]\d* error)|\((?:.*, )?[1-9]\d* failed)",
    "trailer",
    1.5,
    "test",
)
_rule("minitest_failure", r"^\s*\d+\) (?:Failure|Error):$", "header", 2, "test")
_rule("minitest_totals", r"^\d+ runs, \d+ assertions, \d+ failures, \d+ errors", "trailer", 1.5, "test")
_rule("phpunit_header", r"^There (?:was|were) \d+ (?:failures?|errors?):$", "header", 2, "test")
_rule("phpunit_assert", r"^Failed asserting that ", "anchor", 3, "test")
_rule(
    "phpunit_verdict",
    r"^(?:FAILURES|ERRORS)!$|^Tests: \d+, Assertions: \d+, (?:Failures|Errors): \d+",
    "trailer",
    1.5,
    "test",
)
_rule("dotnet_failed", r"^\s*Failed (?P<test>[\w.]+(?:\(.*\))?) \[[\d.]+ m?s\]$", "anchor", 3, "test")
_rule("js_totals", r"^\s*Tests?:\s+\d+ failed", "trailer", 1, "test")
# the rest of Jest's and Vitest's run summary ("Test Suites: 1 failed, 1 total", "Snapshots:   0 total", "Time:  1.3 s",
# "Ran all test suites."; " Test Files  1 failed (1)", "      Tests  1 failed | 2 passed (3)", "   Start at  21:35:25",
# "   Duration  1.28s (...)") and the rule that closes Vitest's last failure ("⎯⎯⎯[1/1]⎯")
_rule(
    "js_summary",
    r"^(?:Test Suites|Snapshots): .*\d+ total$|^Time: +[\d.]+ ?m?s\b|^Ran all test suites"
    r"|^\s*(?:Test Files|Tests) {2,}\d+ (?:failed|passed)\b|^\s+Start at {2}\d\d:\d\d:\d\d$|^\s+Duration {2}[\d.]+m?s\b"
    r"|^\u23af+\[\d+/\d+\]\u23af*$",
    "trailer",
    1,
    "test",
)
_rule("gradle_test", r"^(?P<test>\S+ > .+) FAILED$", "anchor", 3, "test")
# a test runner's per-test verdict at the line's end (Karma's "Chrome 90 Suite should x FAILED", Ant's JUnit
# task "Test com.x.YTest FAILED"): two words at least, so a build's own "BUILD FAILED" is not one
_rule("test_line_failed", r"^(?P<test>[^\s>\[]\S*(?: \S+)+) FAILED$", "anchor", 2.5, "test")
# a spec runner's verdict numbered for its list of failures below (hspec: "  reads hours FAILED [1]" under its
# "describe"; the list's "1) Parser reads hours" names the test whole)
_rule("spec_failed_numbered", r"^\s+\S.* FAILED \[\d+\]$", "anchor", 2.5, "test")
# CTest: a test's failing verdict ("2/2 Test #2: trim ....***Failed  0.01 sec", "...Subprocess aborted***Exception:")
# and its run's count ("50% tests passed, 1 tests failed out of 2", "Total Test time (real) =   0.02 sec")
_rule(
    "ctest_failed",
    r"^\s*\d+/\d+ Test +#\d+: (?P<test>\S+) \.*\s*(?:\*{3}|Subprocess \w+|Exception|Timeout|Failed|Child aborted)",
    "anchor",
    3,
    "test",
)
_rule(
    "ctest_totals",
    r"^\d+% tests passed, \d+ tests? failed out of \d+$|^Total Test time \(real\) = ",
    "trailer",
    1,
    "test",
)
_rule("gradle_counts", r"^\d+ tests? completed, \d+ failed", "trailer", 1, "test")

# Sanitizers (Address, Thread, Memory, Leak, UndefinedBehavior: clang, gcc, rustc and go share the format): the
# report's first line and its SUMMARY, and UBSan's "file:line:col: runtime error: ..."
_rule(
    "sanitizer",
    r"^(?:==\d+==)?(?:ERROR|WARNING|SUMMARY): \w*Sanitizer: |^\S+:\d+:\d+: runtime error: ",
    "anchor",
    3,
    "test",
)

# Compilers, type checkers, linters.
_rule("tsc", r"\.(?:[cm]?tsx?|vue)(?:\(\d+,\d+\)|:\d+:\d+)(?::| -) error TS\d+", "anchor", 3, "typecheck")
_rule("mypy", r"^\S+\.pyi?:\d+(?::\d+)?: error: ", "anchor", 3, "typecheck")
_rule("pyright", r"^\s*\S+\.pyi?:\d+:\d+ - error: ", "anchor", 3, "typecheck")
_rule("typecheck_total", r"^Found \d+ errors? in \d+ files?", "trailer", 1.5, "typecheck")
_rule("ruff_rule", r"^[A-Z]{1,4}\d{3,4} (?:\[\*\] )?\S", "anchor", 3, "lint")
_rule("pylint_ruff", r"^\S+\.pyi?:\d+:\d+: (?:[A-Z]{1,4}\d{2,4}|[CRWEF]\d{4})\b", "anchor", 3, "lint")
# a stylish report's row: ESLint's "  7:3  error  msg  rule", stylelint's string formatter's "  7:3  \u2716  msg  rule"
# (its warnings are "\u26a0")
_rule("eslint", r"^\s+\d+:\d+\s+(?:error|\u2716)\s+", "anchor", 3, "lint")
_rule(
    "lint_totals",
    r"^(?:\u2716 \d+ problems?|\d+ files? would be reformatted)",
    "trailer",
    1.5,
    "lint",
)
# ruff check's count after its findings and its note on what --fix can do: "Found 6 errors.", "[*] 3 fixable with ..."
_rule("lint_found", r"^Found \d+ errors?\.(?:$| \[\*\] \d+ fixable)|^\[\*\] \d+ fixable with ", "trailer", 1.5, "lint")
_rule("black", r"^would reformat ", "anchor", 3, "lint")
# ruff format --check's full output: "unformatted: File would be reformatted", then " --> path:line:col" and the diff
_rule("ruff_format", r"^unformatted: File would be reformatted$", "anchor", 3, "lint")
# rustfmt --check: each hunk of its proposed change opens with "Diff in /path/src/lib.rs:12:"
_rule("rustfmt_diff", r"^Diff in \S+:\d+:$", "anchor", 3, "lint")
# a formatter's change as a unified diff between two trees ("terraform fmt -diff": "--- old/main.tf", git's
# "--- a/src/x.go"): its file's header (the step's command says whose: a formatter's, a generator's)
_rule("tree_diff_header", r"^--- (?:a|old)/\S+$", "anchor", 2)
# a formatter's proposed change as "diff -u" heads it: "--- path<TAB>2026-12-02 12:55:33.588230+00:00" (black
# --diff, isort --diff, diff -u itself); git's "--- a/path" carries no date and is not one
_rule("diff_file_header", r"^--- \S+\t\d{4}-\d\d-\d\d[ T]\d\d:\d\d", "anchor", 2, "lint")
# a finding named by its rule's code in brackets, as many checkers print it: "[B602:subprocess_popen_with_shell]"
# (bandit), "[SC2086]" (shellcheck -f gcc), "[DL3008]" (hadolint), "[E501]"
# (a word of its own: not rustc's "error[E0308]")
_rule("coded_finding", r"(?:^|\s)\[[A-Z]{1,4}\d{3,5}(?::[\w-]+)?\]", "anchor", 2.5, "lint")
# ShellCheck's default (tty) format: "In deploy.sh line 9:", the line it quotes, then a marker per finding under it,
# "     ^-----^ SC2086 (info): Double quote to prevent globbing and word splitting."
_rule("shellcheck_at", r"^In \S+ line \d+:$", "header", 2, "lint")
_rule("shellcheck_note", r"^\s*\^-*\^? SC\d{4} \((?:error|warning|info|style)\): ", "anchor", 3, "lint")
# a finding named by its rule's code after the file and line: hadolint's "Dockerfile:3 DL3008 warning: Pin
# versions", markdownlint's "README.md:3 MD013/line-length Line length"
_rule("path_line_code", r"^\S+:\d+(?::\d+)? [A-Z]{2,4}\d{3,5}(?:/[\w-]+)? \S", "anchor", 3, "lint")
# RuboCop's offense line (and its ports'): "lib/x.rb:9:14: C: [Correctable] Style/StringConcatenation: message"
_rule("rubocop", r"^\S+:\d+:\d+: [CWEFR]: (?:\[Correctable\] )?[A-Z]\w*/[A-Z]\w*: ", "anchor", 3, "lint")
_rule(
    "go_vet_lint",
    r"^\S+\.go:\d+:\d+: .*\((?:[A-Z]{1,3}\d{3,4}|errcheck|unused|gosimple|govet|ineffassign|staticcheck"
    r"|revive|gofmt|goimports|misspell|stylecheck|gocritic)\)$",
    "anchor",
    3,
    "lint",
)
# Kotlin's compiler (Gradle, Maven, kotlinc): "e: file:///x/App.kt:10:5 Unresolved reference", older
# "e: /x/App.kt: (10, 5): Unresolved reference: foo"
_rule("kotlinc", r"^e: (?:file://)?\S+\.kts?(?::\d+:\d+|: \(\d+, \d+\):) ", "anchor", 3, "compile")
# XCTest (swift test, xcodebuild): "x.swift:12: error: -[Mod.Class testAdd] : XCTAssertEqual failed", and
# "Test Case '-[Mod.Class testAdd]' failed (0.001 seconds)." (on macOS "'Mod.Class.testAdd'")
_rule("xctest_assert", r"^\S+:\d+: error: -\[(?P<test>[\w.]+ \w+)\] : ", "anchor", 3, "test")
_rule("xctest_failed", r"^Test Case '-?\[?(?P<test>[\w.]+[ .]\w+)\]?' failed \(", "anchor", 3, "test")
# go's module resolution: "go: github.com/x/y@v1.9.0: reading ... unknown revision v1.9.0", "missing go.sum entry"
_rule(
    "go_module",
    r"^go: .*(?:unknown revision|invalid version|no matching versions|cannot find module providing package"
    r"|missing go\.sum entry|found, but does not contain package|unrecognized import path)",
    "anchor",
    3,
    "dependency",
)
_rule("go_compile", r"^(?:\S+\.go):\d+:\d+: ", "anchor", 3, "compile")
_rule("javac_maven", r"\.(?:java|kt|scala|groovy):\[\d+,\d+\]", "anchor", 3, "compile")
# clang-tidy: a compiler-shaped diagnostic named by its check, "[modernize-use-nullptr,-warnings-as-errors]"
_rule(
    "clang_tidy",
    r"^\S+:\d+:\d+: (?:error|warning): .* \[(?:bugprone|modernize|readability|performance|cppcoreguidelines"
    r"|google|llvm|misc|cert|hicpp|clang-analyzer|portability|concurrency|abseil|boost|fuchsia|android|altera"
    r"|darwin|linuxkernel|mpi|objc|openmp|zircon|llvmlibc)-[\w.,-]+\]$",
    "anchor",
    3,
    "lint",
)
# HLint: "src/Calc.hs:5:8-20: Warning: Redundant bracket" (GHC's own are "error:"/"warning:", lowercase)
_rule("hlint", r"^\S+\.hs:\d+:\d+(?:-\d+)?: (?:Warning|Error|Suggestion): ", "anchor", 3, "lint")
# luacheck: "    src/queue.lua:3:7: unused variable 'x'", "Total: 1 warning / 0 errors in 1 file"
_rule("luacheck", r"^ {4}\S+\.lua:\d+:\d+: ", "anchor", 3, "lint")
_rule("luacheck_total", r"^Total: \d+ warnings? / \d+ errors? in \d+ files?", "trailer", 1.5, "lint")
# security audits of the dependencies: cargo audit's advisory ("Crate:", ..., "ID: RUSTSEC-...", "Solution:") and
# verdict, npm audit's count, Trivy's totals
_rule("cargo_audit_crate", r"^Crate:\s+\S+$", "header", 2, "dependency")
_rule("cargo_audit_field", r"^(?:Version|Title|Date|ID|URL|Solution|Dependency tree):\s", "cont", 1, "dependency")
_rule("audit_verdict", r"^error: \d+ vulnerabilit(?:y|ies) found!?$|^\d+ (?:low|moderate|high|critical) severity "
      r"vulnerabilit(?:y|ies)$", "anchor", 3, "dependency")
# npm audit's advisory: "Severity: high", "Command Injection in lodash - https://github.com/advisories/GHSA-..."
_rule("npm_advisory", r"^Severity: (?:low|moderate|high|critical)$|^\S.* - https://github\.com/advisories/GHSA-[\w-]+$",
      "anchor", 2.5, "dependency")
_rule("trivy_total", r"^Total: \d+ \(UNKNOWN: \d+, LOW: \d+, MEDIUM: \d+, HIGH: \d+, CRITICAL: \d+\)$", "anchor", 2,
      "dependency")
# Boost.Test: "tests/x.cpp(14): error: in "suite/case": check a == b has failed [2 != 3]" (a compiler's shape, a test's
# failure), its verdict "*** 1 failure is detected in the test module "m""
_rule(
    "boost_test",
    r"^\S+\(\d+\): (?:fatal )?error:? in \"(?P<test>[^\"\n]{1,200})\": ",
    "anchor",
    3,
    "test",
)
_rule("boost_test_verdict", r"^\*\*\* \d+ failures? (?:is|are) detected in ", "trailer", 1.5, "test")
_rule(
    "compiler",
    r"^\s*(?:In file included from )?\S+\.(?:c|cc|cpp|cxx|h|hh|hpp|m|mm|rs|java|kt|scala|swift|cs|zig|f90)"
    r"(?::\d+(?::\d+)?|\(\d+(?:,\d+)?\)):? *(?:fatal )?error\b",
    "anchor",
    3,
    "compile",
)
# a checker's "file:line:col: message [rule-name]" with no severity word before the message (actionlint), after
# the compilers' rules; "x.c:3:5: warning: ... [uninitvar]" (a severity, as cppcheck and compilers print) and
# a compiler's "[-Wunused]" (a rule's name starts with a letter) are not one
_rule("bracketed_rule", r"^\S+:\d+:\d+: [^\s:]+ .+ \[[a-z][a-z0-9]*(?:-[a-z0-9]+)*\]$", "anchor", 3, "lint")
# cargo's resolver speaks like rustc ("error: failed to select a version for the requirement `x = "^9"`")
_rule(
    "cargo_resolve",
    r"^error: (?:failed to select a version for|no matching package named|failed to get `[^`]+` as a dependency"
    r"|failed to load source for dependency|the lock file \S+ needs to be updated)",
    "anchor",
    3,
    "dependency",
)
# an exception a runtime reports under "error: " (Deno's "error: AssertionError: Values are not equal."): not rustc's
_rule("error_exception", r"^error: (?:Uncaught )?(?:\w+\.)*\w*(?:Error|Exception)\b", "anchor", 3)
_rule("rustc", r"^error\[E\d+\]: ", "anchor", 3, "compile")
# a bare "error: " at a line's start is many tools' (rustc's uncoded errors, cargo's, bun's and zig's failed tests,
# git's): its words and the lines around it say what failed
_rule("error_colon", r"^error: ", "anchor", 3)
# the GNU shape of a compiler's diagnostic in any language the rule above does not name ("src/Main.hs:12:29:
# error:", "lib/x.ml:3:4: error:")
_rule("gnu_diagnostic", r"^\S+\.[A-Za-z][\w+-]{0,7}:\d+:\d+: (?:fatal )?error:", "anchor", 3, "compile")
# the other shape, the line in parentheses (indented too, in MSBuild's summary): MSVC's "x.cpp(12): error C2065:",
# C#'s "X.cs(12,13): error CS0103:", D's "x.d(12,5): Error:", Nim's "x.nim(12, 5) Error:", Free Pascal's
# "x.pas(12,5) Error:"
_rule(
    "paren_diagnostic",
    r"^\s*\S+\.[A-Za-z][\w+-]{0,7}\(\d+(?:, ?\d+)?\):? (?:fatal )?(?:error|Error|Fatal)\b",
    "anchor",
    3,
    "compile",
)
_rule(
    "linker",
    r"undefined reference to|\bld(?:\.\w+)?: .*error|collect2: error|linker command failed",
    "anchor",
    3,
    "compile",
)
_rule("gradle_wrong", r"^\* What went wrong:", "noise", 0)
_rule("gradle_task", r"^Execution failed for task", "anchor", 3)
_rule("gradle_failure", r"^FAILURE: Build failed with an exception", "anchor", 2)
_rule("gradle_task_failed", r"^> Task \S+ FAILED", "noise", 0)

# Dependencies.
_rule(
    "pip_resolve",
    r"^ERROR: (?:Could not find a version|No matching distribution|Cannot install|ResolutionImpossible"
    r"|Could not install packages|Failed building wheel|pip's dependency resolver)",
    "anchor",
    3,
    "dependency",
)
# pip's resolver says which requirements conflict under this heading (pip, and the tools that run it: pipenv,
# pip-compile, tox), its lines indented under it
_rule("pip_conflict", r"^The conflict is caused by:$", "header", 2, "dependency")
_rule(
    "uv_resolve",
    r"No solution found when resolving|version solving failed|SolverProblemError|Because .* depends on",
    "anchor",
    3,
    "dependency",
)
# webpack under its "ERROR in ./src/x.js 4:43": a module it could not parse, or a loader (babel's, ts-loader's)
# failed on
_rule("webpack_module_failed", r"^Module (?:parse|build) failed\b", "anchor", 3, "compile")
# a bundler that cannot find a file of the project itself ("Module not found: Error: Can't resolve './utils'",
# "Cannot find module './x'", rollup's "is not exported by"): a build error, not a missing package
_rule(
    "local_module_missing",
    r"Can't resolve '\.{1,2}/|Cannot find module '\.{1,2}/|\bis not exported by \"",
    "anchor",
    3,
    "compile",
)
_rule(
    "module_missing",
    # (vite's "[vite]: Rollup failed to resolve import "lodash-es" from ...")
    r"^(?:ModuleNotFoundError|ImportError): |Cannot find module '|Module not found: |failed to resolve import \"[^.]",
    "anchor",
    3,
    "dependency",
)
_rule(
    "npm_resolve",
    r"\b(?:ERESOLVE|ETARGET|E404|ENOTFOUND|EINTEGRITY)\b|Could not resolve dependenc|could not be resolved"
    r"|Could not resolve all (?:files|dependencies)|failed to select a version|unable to resolve dependency"
    r"|not up-to-date\. Run 'go mod tidy'|missing go\.sum entry",
    "anchor",
    3,
    "dependency",
)

# Containers, infrastructure as code, build drivers.
_rule("docker_step_error", r"^#\d+ (?:\d+\.\d+ )?ERROR\b", "anchor", 3)
_rule(
    "docker_failed",
    r"(?i)^(?:ERROR|error): failed to (?:solve|build)|returned a non-zero code: \d+",
    "anchor",
    3,
)
_rule("terraform", r"^\s*\u2502\s*Error: ", "anchor", 3, "configuration")
# JSHint: "src/app.js: line 10, col 5, Missing semicolon."
_rule("jshint", r"^\S+\.[cm]?jsx?: line \d+, col \d+, ", "anchor", 3, "lint")
# a GitHub Actions workflow command a tool printed to annotate its finding: "::error file=x,line=3,title=T::msg"
_rule("gh_command_error", r"^::error(?: [^:\n]*)?::", "anchor", 3)
_rule("error_line", r"^\s*Error: ", "anchor", 3)
_rule("make", r"^(?:g?make|mingw32-make|ninja)(?:\[\d+\])?: \*\*\* |^ninja: build stopped", "trailer", 1.5)
_rule("jenkins_step", r"^Build step '.*' marked build as failure", "trailer", 1.5)
_rule("jenkins_post_step", r"^ERROR: Step .* (?:failed|aborted)", "anchor", 2)
_rule("yarn_error", r"^error (?:Command failed|An unexpected error|.*exited with)", "trailer", 1.5)
# yarn 1's own error, its log level before a sentence: "error Your lockfile needs to be updated, but ..."
_rule("yarn_message", r"^error [A-Z\"'`]", "anchor", 3)
_rule("npm_lifecycle", r"^\s*(?:npm ERR! )?(?:code ELIFECYCLE|errno \d+|Exit status \d+)$", "trailer", 1)
_rule(
    "exit_status",
    r"^(?:exit status \d+|Error: Process completed with exit code \d+\.?|Command exited with code \d+)$",
    "trailer",
    1,
)

# Network trouble in any tool's words.
_rule(
    "network",
    r"(?i)could not resolve host|temporary failure in name resolution|connection refused|connection reset"
    r"|connection timed out|tls handshake timeout|\b50[234] (?:service unavailable|bad gateway"
    r"|gateway time-?out)"
    r"|service unavailable|rate limit exceeded|network is unreachable|i/o timeout|econnreset|etimedout"
    r"|econnrefused",
    "anchor",
    2.5,
    "infrastructure",
)

# Generic shapes any tool uses.
_rule(
    "exception_line",
    r"^\s*(?:Exception in thread \"[^\"]*\" )?(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error|Failure"
    r"|Failed|Fault)(?::|$|\s)",
    "anchor",
    3,
)
_rule("traceback", r"^\s*Traceback \(most recent call last\):", "header", 2)
_rule("go_pkg_header", r"^# [\w.\-/]+(?: \[[\w.\-/]+\])?$", "header", 1)
_rule("error_prefix", r"^(?:\S+: )?(?:ERROR|FATAL|Error|error|fatal|FAILED|FAILURE)\b\s*[:!\]]", "anchor", 3)
_rule("error_word", r"\b(?:ERROR|FATAL)\b|\b[Ee]rror:|\bException\b|\bfatal:", "anchor", 2)
_rule(
    "failed_word",
    r"\b(?:[Ff]ailed|FAILED|FAILURE)\b|\bcommand not found\b|\bPermission denied\b|\bSegmentation fault\b"
    r"|\bcore dumped\b|\bpanic\b|\bAborted\b|\bNo such file or directory\b",
    "anchor",
    1.5,
)
_rule(
    "weak_word",
    r"(?i)\bcannot\b|\bcan't\b|\bcould not\b|\bunable to\b|\bundefined\b|\bnot found\b|\bdenied\b"
    r"|\bforbidden\b|\bunauthori[sz]ed\b|\bassert|\bdoes not exist\b|\bwent wrong\b",
    "anchor",
    1,
)

_MAVEN_ERROR_COUNT = rx.compile(r"^\[INFO\] \d+ errors?\s*$")
MAVEN_ERROR_COUNT = LineInfo("trailer", 1, "compile", "maven_error_count")
"""The compiler plugin's count after its list of errors ("[INFO] 30 errors"): closes that list."""
_JENKINS_COMMAND = rx.compile(r"^\[[^\]]{1,80}\] \$ \S")
SHELL_COMMAND = LineInfo("noise", 0, None, "shell_command")
"""Jenkins' echo of a build step's command ("[job] $ /bin/sh -xe /tmp/jenkins1.sh"): a step starts."""
_SUREFIRE_PASS = rx.compile(r"Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+, .*\bin \S+$")
TEST_CLASS_PASSED = LineInfo("noise", 0, None, "test_class_passed")
_PYTEST_PASS = rx.compile(r"^PASSED(?:\s+\[\s*\d+%\])?$")
"""pytest -v's verdict alone on a line: what the test printed since its id came from a test that passed."""
SUREFIRE_PASSED = _re2.compile(b"(?m)" + _SUREFIRE_PASS.pattern.replace(".*", "[^\\n]*").encode())
"""The same as :func:`surefire_passed`, over a chunk: a passing class's verdict where it is in a line."""
_SUREFIRE_PASS_RAW = _re2.compile(_SUREFIRE_PASS.pattern.encode())._regexp  # the binding: no match object
_UNANCHORED = _re2._Anchor.UNANCHORED
_ANCHOR_START = _re2._Anchor.ANCHOR_START


_TAP_COMMENT_NAME = rx.compile(r"^# (?P<name>[^\s#](?:.*\S)?)\s*$")
_TAP_NOT_A_NAME = rx.compile(
    r"^# (?:tests|suites|pass|fail|skip(?:ped)?|todo|cancelled|duration_ms|ok|Subtest:|time=)(?:\s|=|$)"
)
TAP_PASSED_POINT = rx.compile(r"^ok \d+\b")


def tap_comment_name(text: str, before: str | None) -> str | None:
    """The test a TAP comment names, for the producers that print a test's name as a comment above its points
    (tape: "# parses numbers", then "ok 1 ...", "not ok 2 ..."); ``before`` is the line above the comment. None for
    the run's counts ("# tests 4", "# fail 2"), node's "# Subtest:" and a failing point's diagnostics: those that
    follow the point ("not ok 2 x" then "# (in test file t.bats, line 16)"), go on from another comment, or are
    indented after the "#" (Test::More's "#   Failed test 'x'")."""
    m = _TAP_COMMENT_NAME.match(text)
    if m is None or _TAP_NOT_A_NAME.match(text):
        return None
    if before is not None and (before.startswith("#") or before.lstrip().startswith("not ok ")):
        return None
    return str(m.group("name"))


def surefire_passed(raw: bytes) -> bool:
    """Whether a raw line (a timestamp or colour codes before it do not matter) is a passing class's verdict."""
    return bool(_SUREFIRE_PASS_RAW.Match(_UNANCHORED, raw, 0, len(raw))[0][0] >= 0)
"""Surefire's verdict on one test class that passed: output printed before it came from passing tests."""
_WARNING_START = _re2.compile(
    rb"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,12})?Z(?: [0-9a-f]{2}[OE]\+?)? ?)?\[WARNING\] "
)._regexp
_WARNING_LOOK = _re2.compile(
    rb"(?i)\b(?:errors?|exceptions?)\b|Tests run: |\] \$ |section_|[\x00-\x1f\x7f]|\[[0-9;]*m"
)._regexp


def plain_warning(raw: bytes) -> bool:
    """Whether a raw line is a Maven ``[WARNING]`` (after a timestamp, if any) that :func:`classify` calls
    noise: one without the words error or exception, a test class's verdict, colour or control codes (whose
    removal could make such a word) or a section marker. Read from the bytes, without cleaning the line."""
    end = len(raw)
    if not raw.startswith(b"[WARNING] ") and _WARNING_START.Match(_ANCHOR_START, raw, 0, end)[0][0] < 0:
        return False  # (a line that starts with the level needs no pattern to say so)
    return bool(_WARNING_LOOK.Match(_UNANCHORED, raw, 0, end)[0][0] < 0)


_EXIT_CODE = rx.compile(r"(?:Process completed|exited) with (?:exit )?code '?(\d+)")
_NONZERO_COUNTS = rx.compile(r"\b[1-9]\d* (?:failed|errors?|failures?)\b|Failures: [1-9]|Errors: [1-9]")


def classify(text: str, *, script_echo: bool = False) -> LineInfo:
    """Say what a cleaned line is. Cheap for the common case of a line without any signal."""
    if not text or script_echo:
        return PLAIN
    if text.startswith("##["):
        if text.startswith("##[error]"):
            m = _EXIT_CODE.search(text)
            if m:
                return LineInfo("exit", 0, None, "gh_exit", exit_code=int(m.group(1)))
            if "The operation was canceled" in text:
                return LineInfo("exit", 0, "timeout", "gh_canceled", exit_code=None)
            inner = classify(text[9:])
            category = inner.category
            return LineInfo("anchor", max(3.0, inner.score), category, "gh_error", test=inner.test)
        if text.startswith("##[group]Run "):
            return LineInfo("step", 0, None, "gh_group_run", step=text[9:].strip()[:120])
        return NOISE
    if text == "Post job cleanup.":
        return LineInfo("step", 0, None, "gh_post", step="Post job cleanup")
    hits = _ALL.Match(text)
    if not hits:
        return PLAIN
    found = frozenset(hits)
    if _JENKINS_COMMAND_ID in found:
        return SHELL_COMMAND
    if _MAVEN_ERROR_COUNT_ID in found:
        return MAVEN_ERROR_COUNT
    if _SUREFIRE_PASS_ID in found or _PYTEST_PASS_ID in found:
        return TEST_CLASS_PASSED
    if _NOISE_ID in found or (_PASSING_ID in found and "FAIL" not in text):
        if text.startswith("[WARNING]") and _WARNING_NAMES_ERROR.search(text):
            return LineInfo("anchor", 1, None, "warning_error")
        if not _LOUD_WARNING.match(text):
            return NOISE
    if _ZERO_COUNTS_ID in found and _NONZERO_COUNTS_ID not in found:
        return NOISE
    harmless = _HARMLESS_ID in found
    hits = [i for i in hits if i < _RULE_COUNT]
    if not hits:
        return PLAIN
    residue_hits: frozenset[int] | None = None
    for index in sorted(hits):
        name, pattern, role, score, category = _RULES[index]
        if harmless and role in ("anchor", "trailer") and score <= 3 and name in GENERIC_RULES:
            # a generic word only inside a harmless token ("-Werror", "error_log") does not count: the rules
            # that still match once those tokens are blanked out (one pass of the set over the residue)
            if residue_hits is None:
                residue_hits = frozenset(_ALL.Match(_HARMLESS_TOKENS.sub(" ", text)) or ())
            if index not in residue_hits:
                continue
        if not _NAMED[index] and role not in ("step", "exit"):
            fixed: LineInfo = _FIXED[index]  # nothing to read from the match: the rule's one answer
            return fixed
        groups: dict[str, Any] = {}
        if _NAMED[index]:  # the set said it matches; the match itself only for what the rule's groups name
            m = pattern.search(text)
            groups = m.groupdict() if m is not None else {}
        test = groups.get("test")
        if name == "jest_fail_file" and groups.get("name"):
            test = f"{test} > {groups['name']}"
        if name == "gh_group_run":
            return LineInfo("step", 0, None, name, step=groups["step"].strip()[:120])
        if role == "step":
            return LineInfo("step", 0, None, name, step=groups["step"].strip()[:120])
        if role == "exit":
            code = groups.get("code")
            cat = None
            if name == "gitlab_job_failed":  # the runner's own reason: the job's time limit, the runner's failure
                cat = "timeout" if "longer than" in text else "infrastructure" if "system failure)" in text else None
            return LineInfo("exit", 0, cat, name, exit_code=int(code) if code else None)
        return LineInfo(role, score, category, name, test=test)
    return PLAIN


RULE_CATEGORY: dict[str, str | None] = {name: category for name, _, _, _, category in _RULES}
"""Each rule's category (None for the generic ones and the structure markers)."""
_RULE_COUNT = len(_SOURCES)
_NAMED = [pattern.groups > 0 for _, pattern, *_ in _RULES]
_FIXED: list[LineInfo] = [LineInfo(role, score, category, name) for name, _, role, score, category in _RULES]
"""What a rule without groups says of every line it matches (one instance each: no object per line)."""
_SHAPES = [
    _NOISE.pattern,
    _PASSING.pattern,
    _ZERO_COUNTS.pattern,
    _NONZERO_COUNTS.pattern,
    _JENKINS_COMMAND.pattern,
    _MAVEN_ERROR_COUNT.pattern,
    _SUREFIRE_PASS.pattern,
    _HARMLESS_TOKENS.pattern,
    _PYTEST_PASS.pattern,
]
(
    _NOISE_ID,
    _PASSING_ID,
    _ZERO_COUNTS_ID,
    _NONZERO_COUNTS_ID,
    _JENKINS_COMMAND_ID,
    _MAVEN_ERROR_COUNT_ID,
    _SUREFIRE_PASS_ID,
    _HARMLESS_ID,
    _PYTEST_PASS_ID,
) = range(_RULE_COUNT, _RULE_COUNT + len(_SHAPES))
_ALL = rx.pattern_set([*_SOURCES, *_SHAPES])
"""Every rule and every shape at once: one pass over a line says which of them match it."""

GENERIC_RULES = frozenset(
    {"error_prefix", "error_word", "failed_word", "weak_word", "exception_line", "timeout_generic", "error_line"}
)
