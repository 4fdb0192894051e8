"""Shared machinery of the corpus capture modules: run a real tool on a small project, label, store.

``capture`` copies ``bench/corpus/projects/<case>`` (or any project directory) into a fresh temporary
work dir, runs an optional ``setup`` command there (its output is discarded), then the ``command`` with
bash, stdout and stderr combined in order. The output keeps the tool's own bytes (ANSI included) except
that the temporary work dir is replaced by ``{{WORKDIR}}`` (and any extra ``replace`` strings by what
they map to). ``label(lines)`` returns the 0-based indices of the lines a person must read; the result
is written to ``bench/corpus/raw/<case>.json`` in the format of the shared contract.

The label helpers below (``matching``, ``between``, ``block_after``, ...) match against the line with
ANSI escapes removed, so a rule works the same on coloured and plain output. They use Python's ``re``:
this is offline tooling applied to bounded, self-made input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent
PROJECTS = CORPUS / "projects"
RAW = CORPUS / "raw"
WORKDIR = "{{WORKDIR}}"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

Label = Callable[[list[str]], list[int]]


def plain(line: str) -> str:
    """The line without ANSI escape sequences and without a trailing carriage return."""
    return _ANSI.sub("", line).rstrip("\r")


def project_tree(project: Path) -> list[str]:
    """The project's files, repository-relative, sorted (caches and VCS metadata left out)."""
    skip = {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "node_modules", ".venv"}
    out = []
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project)
        if path.is_file() and not (set(rel.parts) & skip):
            out.append(rel.as_posix())
    return out


def _work_parent() -> str | None:
    """Where the temporary work dirs go: /var/tmp when usable, so they share no parent with tool
    installs under /tmp (tools such as pytest print a path relative to the work dir when that is
    shorter, which a CI runner, whose tools live elsewhere, would not show)."""
    parent = Path("/var/tmp")
    return str(parent) if parent.is_dir() and os.access(parent, os.W_OK) else None


def loc(project: Path, path: str, needle: str) -> dict:
    """``{"path", "line"}`` of the first line of ``project/path`` that contains ``needle`` (1-based)."""
    for number, line in enumerate((project / path).read_text().split("\n"), start=1):
        if needle in line:
            return {"path": path, "line": number}
    raise ValueError(f"{project.name}/{path}: no line contains {needle!r}")


def _run(command: str, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, bytes]:
    proc = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        return 124, out
    return proc.returncode, out


def capture(
    case: str,
    tool: str,
    kind: str,
    project: Path,
    command: str,
    *,
    category: str,
    label: Label,
    files: list[dict],
    tests: list[str],
    env: dict | None = None,
    timeout: float = 300,
    setup: str | None = None,
    replace: dict[str, str] | None = None,
    expect_failure: bool = True,
    write: bool = True,
) -> dict:
    """Run ``command`` on a copy of ``project``, label its output and write ``raw/<case>.json``.

    ``env`` entries are added to the current environment (a value of None removes the variable).
    ``replace`` maps further strings of the output (e.g. a venv path) to what CI would show; the work
    dir itself always becomes ``{{WORKDIR}}``. Raises RuntimeError if ``expect_failure`` and the command
    exited 0, or if ``label`` returns no line: a case must be a real, labelled failure.
    """
    full_env = dict(os.environ)
    full_env.pop("VIRTUAL_ENV", None)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = str(value)
    tree = project_tree(project)
    with tempfile.TemporaryDirectory(prefix="corpus-", dir=_work_parent()) as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(project, work, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache"))
        if setup:
            _run(setup, work, full_env, timeout)
        exit_code, raw = _run(command, work, full_env, timeout)
        output = raw.decode("utf-8", errors="replace")
        for real in {str(work), str(work.resolve())}:
            output = output.replace(real, WORKDIR)
        for old, new in sorted((replace or {}).items(), key=lambda kv: -len(kv[0])):
            output = output.replace(old, new)
        output = output.replace(tmp, "/tmp")
    if expect_failure and exit_code == 0:
        raise RuntimeError(f"{case}: {command!r} exited 0; output:\n{output[-2000:]}")
    lines = output.split("\n")
    must_read = sorted(set(label(lines)))
    if not must_read:
        raise RuntimeError(f"{case}: the label rule found no line; output:\n{output[-3000:]}")
    if must_read[0] < 0 or must_read[-1] >= len(lines):
        raise RuntimeError(f"{case}: label index out of range")
    record = {
        "case": case,
        "tool": tool,
        "kind": kind,
        "command": command,
        "exit_code": exit_code,
        "output": output,
        "must_read": must_read,
        "files": files,
        "tests": tests,
        "category": category,
        "tree": tree,
    }
    if write:
        RAW.mkdir(parents=True, exist_ok=True)
        (RAW / f"{case}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return record


# ---------------------------------------------------------------- label helpers
# Each returns sorted 0-based indices. Regexes are searched (re.search) in the ANSI-free line.


def _rx(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    return pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)


def matching(lines: list[str], regex: str | re.Pattern[str], *, start: int = 0, end: int | None = None) -> list[int]:
    """Indices of the lines (in ``start:end``) that match ``regex``."""
    rx = _rx(regex)
    stop = len(lines) if end is None else end
    return [i for i in range(start, stop) if rx.search(plain(lines[i]))]


def first(lines: list[str], regex: str | re.Pattern[str], *, start: int = 0) -> int | None:
    """Index of the first line at or after ``start`` that matches ``regex``, or None."""
    found = matching(lines, regex, start=start)
    return found[0] if found else None


def last(lines: list[str], regex: str | re.Pattern[str]) -> int | None:
    """Index of the last line that matches ``regex``, or None."""
    found = matching(lines, regex)
    return found[-1] if found else None


def between(
    lines: list[str],
    start_regex: str | re.Pattern[str],
    end_regex: str | re.Pattern[str] | None,
    *,
    include_start: bool = True,
    include_end: bool = False,
    every: bool = True,
    skip_blank: bool = True,
) -> list[int]:
    """Lines from each line matching ``start_regex`` up to the next one matching ``end_regex``.

    Without an end match (or with ``end_regex`` None) the block runs to the end of the output.
    ``every`` False stops after the first block. Blank lines are left out unless ``skip_blank`` is False.
    """
    start_rx, end_rx = _rx(start_regex), (_rx(end_regex) if end_regex is not None else None)
    out: list[int] = []
    i = 0
    while i < len(lines):
        if not start_rx.search(plain(lines[i])):
            i += 1
            continue
        if include_start:
            out.append(i)
        j = i + 1
        while j < len(lines):
            text = plain(lines[j])
            if end_rx is not None and end_rx.search(text):
                if include_end:
                    out.append(j)
                break
            out.append(j)
            j += 1
        if not every:
            break
        i = j
    return [k for k in out if not skip_blank or plain(lines[k]).strip()]


def block_after(
    lines: list[str],
    regex: str | re.Pattern[str],
    *,
    until_blank: bool = True,
    until: str | re.Pattern[str] | None = None,
    include: bool = True,
    max_lines: int | None = None,
    every: bool = True,
) -> list[int]:
    """Each line matching ``regex`` and the lines after it, up to a blank line and/or ``until``."""
    rx = _rx(regex)
    until_rx = _rx(until) if until is not None else None
    out: list[int] = []
    i = 0
    while i < len(lines):
        if not rx.search(plain(lines[i])):
            i += 1
            continue
        if include:
            out.append(i)
        j, taken = i + 1, 0
        while j < len(lines):
            text = plain(lines[j])
            if until_blank and not text.strip():
                break
            if until_rx is not None and until_rx.search(text):
                break
            if max_lines is not None and taken >= max_lines:
                break
            out.append(j)
            taken += 1
            j += 1
        if not every:
            break
        i = j
    return out


def nonblank(lines: list[str], indices: Iterable[int] | None = None) -> list[int]:
    """The given indices (default: all lines) whose line is not blank."""
    rng = range(len(lines)) if indices is None else indices
    return sorted(i for i in rng if plain(lines[i]).strip())


def union(*groups: Iterable[int | None]) -> list[int]:
    """Sorted union of index groups; None entries are ignored."""
    return sorted({i for g in groups for i in g if i is not None})


def all_lines(lines: list[str]) -> list[int]:
    """Every non-blank line: for short outputs that are all message (e.g. a one-line error)."""
    return nonblank(lines)
