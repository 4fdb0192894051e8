"""The forge-neutral facts the pipeline works on: the failed run (a GitHub workflow run or a GitLab pipeline), the
pull/merge request it tested, and what was gathered to explain it (failed jobs analyzed, the CI file, the diff,
the tree, the files the errors point at). Each forge's adapter fills them in; the pipeline reads only these."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.analysis import Analysis, redact
from bot.fixes.edits import is_ci_path

DEPENDENCY_FILES = frozenset({
    "requirements.txt", "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile.lock", "package.json",
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "pom.xml",
    "build.gradle", "build.gradle.kts", "Gemfile", "Gemfile.lock", "Dockerfile", "docker-compose.yml",
})
MAX_DIFF_CHARS = 60_000
BOT_BRANCH_PREFIX = "devflowfix/"


@dataclass(frozen=True)
class FailedRun:
    """A finished run of CI: a GitHub workflow run (one attempt) or a GitLab pipeline."""

    provider: str
    repo: str  # GitHub's full_name; GitLab's path_with_namespace (as verified for the project id)
    run_id: int
    run_attempt: int
    workflow_name: str
    head_sha: str
    head_branch: str | None
    conclusion: str | None
    succeeded: bool
    failed: bool
    run_number: int | None = None
    workflow_path: str | None = None
    event: str | None = None
    html_url: str | None = None
    installation_id: int | None = None
    default_branch: str | None = None
    pr_number: int | None = None
    pull_requests: tuple[int, ...] = ()

    @property
    def on_bot_branch(self) -> bool:
        return (self.head_branch or "").startswith(BOT_BRANCH_PREFIX)


@dataclass(frozen=True)
class PullFacts:
    """The pull/merge request a failed run tested, as far as it is known (number None: a push)."""

    number: int | None = None
    head_ref: str | None = None
    base_ref: str | None = None
    is_fork: bool = False
    labels: frozenset[str] = frozenset()
    head_sha: str | None = None  # its head now, as the forge answered (None: not read)


@dataclass
class FailedJob:
    name: str
    id: int
    url: str | None
    analysis: Analysis
    step: str | None = None
    step_number: int | None = None
    failure_reason: str | None = None
    log_truncated: bool = False
    baseline_used: bool = False


class FileTree(Protocol):
    """A repository's tree at the failing commit: path -> entry with a git `mode`, and the submodules."""

    @property
    def entries(self) -> Mapping[str, object]: ...

    @property
    def submodules(self) -> frozenset[str]: ...


class Change(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def patch(self) -> str | None: ...


@dataclass
class Gathered:
    """What explains a failure, gathered through the forge's API with few calls."""

    failures: list[FailedJob] = field(default_factory=list)
    other_failed_jobs: list[str] = field(default_factory=list)
    ci_file: str | None = None  # the workflow file, or `.gitlab-ci.yml` (and its local includes appended)
    ci_files: frozenset[str] = frozenset()  # CI configuration beyond `.github/` and `.gitlab-ci.yml`: includes
    diff: Sequence[Change] | None = None
    tree: FileTree | None = None
    refs: list[tuple[str, int | None]] = field(default_factory=list)  # repository paths the errors point at
    files: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> FailedJob | None:
        known = [f for f in self.failures if f.analysis.category != "unknown"]
        pool = known or self.failures
        return pool[0] if pool else None

    def code_to_blame(self) -> bool:
        """Does the diff touch what the failure names, the CI configuration or the dependencies?"""
        referenced = {p for p, _ in self.refs}
        for changed in self.diff or []:
            name = changed.filename
            if name in referenced or is_ci_path(name, self.ci_files) or posixpath.basename(name) in DEPENDENCY_FILES:
                return True
        return False

    def diff_text(self) -> str | None:
        if not self.diff:
            return None
        parts = []
        size = 0
        for changed in self.diff:
            piece = f"--- {changed.filename} ({changed.status})\n{changed.patch or '(no textual patch)'}\n"
            size += len(piece)
            if size > MAX_DIFF_CHARS:
                parts.append("[... more files ...]")
                break
            parts.append(piece)
        return redact("".join(parts))


def resolve_paths(refs: list[tuple[str, int | None]], tree: FileTree | None) -> list[tuple[str, int | None]]:
    """Map the paths a log names (absolute runner paths, bare file names) to the repository's paths."""
    out: list[tuple[str, int | None]] = []
    paths = list(tree.entries) if tree else []
    for raw, line in refs:
        path = raw.replace("\\", "/").lstrip("./")
        if tree is None:
            if not raw.startswith("/") and ".." not in path.split("/"):
                out.append((posixpath.normpath(path), line))
            continue
        if path in tree.entries:
            out.append((path, line))
            continue
        parts = path.split("/")
        found = None
        for i in range(len(parts)):  # the longest suffix of the named path that is a repository path
            if i and i == len(parts) - 1:
                break  # a bare file name left from a longer path: too weak to guess from
            suffix = "/".join(parts[i:])
            matches = [p for p in paths if p == suffix or p.endswith("/" + suffix)]
            if len(matches) == 1:
                found = matches[0]
                break
            if matches:
                break  # ambiguous: do not guess
        if found:
            out.append((found, line))
    return list(dict.fromkeys(out))
