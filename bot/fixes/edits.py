"""Checks a proposed fix before anything is written: safe paths of existing regular files (never a symbolic link
or a submodule), nothing CI runs with its secrets (`.github/`, `.gitlab-ci.yml` and its local includes) unless
workflow edits are allowed, edits that apply cleanly to the files at the failing commit, and size limits. Then
applies it. Forge-neutral: the file modes come from GitHub's or GitLab's tree (both use git's modes).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import yaml

from bot.llm.answer import ProposedFix

WORKFLOWS_DIR = ".github/workflows/"
CI_DIRS = (".github/",)  # workflows, local actions (run with the workflow's secrets), CODEOWNERS, dependabot
GITLAB_CI_FILE = ".gitlab-ci.yml"
REGULAR_MODES = frozenset({"100644", "100755"})
SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"
REDACTED = "[REDACTED]"


class EditRejected(Exception):
    """The proposed fix cannot be applied; the message says why (shown to people)."""


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_bytes: int
    allow_workflow_edits: bool = False
    ci_files: frozenset[str] = field(default_factory=frozenset)  # e.g. `.gitlab-ci.yml`'s local includes


def is_ci_path(path: str, ci_files: Collection[str] = ()) -> bool:
    """Is `path` something CI runs or trusts: under `.github/`, `.gitlab-ci.yml`, or one of `ci_files`?"""
    return path.startswith(CI_DIRS) or path == GITLAB_CI_FILE or path in ci_files


def local_includes(ci_text: str | None) -> frozenset[str]:
    """The repository paths `.gitlab-ci.yml` includes locally (`include: path`, `- local: path`, …).

    Unparsable YAML gives nothing: the file itself is refused anyway, and a fix is refused on any file whose
    role we cannot tell only if it is named here. Remote, template and project includes are not ours to edit.
    """
    if not ci_text:
        return frozenset()
    try:
        data = yaml.safe_load(ci_text)
    except yaml.YAMLError:
        return frozenset()
    if not isinstance(data, dict):
        return frozenset()
    found: set[str] = set()

    def take(item: object) -> None:
        if isinstance(item, str):
            if "://" not in item:
                found.add(item.lstrip("/"))
        elif isinstance(item, dict):
            local = item.get("local")
            if isinstance(local, str):
                found.add(local.lstrip("/"))
        elif isinstance(item, list):
            for entry in item:
                take(entry)

    take(data.get("include"))
    return frozenset(found)


def entry_mode(entry: object) -> str | None:
    """A tree entry's git mode: the entry itself (a mode string) or its `mode` attribute; None if unknown."""
    if isinstance(entry, str):
        return entry
    mode = getattr(entry, "mode", None)
    return str(mode) if mode is not None else None


def safe_path(path: str) -> str:
    """A normalised repository-relative path, or EditRejected."""
    if not path or "\\" in path or "\x00" in path or path.startswith(("/", "~")) or ":" in path.split("/")[0]:
        raise EditRejected(f"`{path[:100]}` is not a repository-relative path")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise EditRejected(f"`{path[:100]}` is not a plain repository path")
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith(".git/") or normal == ".git":
        raise EditRejected(f"`{path[:100]}` is not a plain repository path")
    return normal


def touched_paths(fix: ProposedFix) -> list[str]:
    seen: dict[str, None] = {}
    for path in [*(f.path for f in fix.files), *(e.path for e in fix.edits)]:
        seen.setdefault(path, None)
    return list(seen)


def check_paths(
    fix: ProposedFix, existing: Mapping[str, object], limits: Limits, *, submodules: Iterable[str] = ()
) -> list[str]:
    """The paths the fix touches, each checked: safe, an existing regular file (mode 100644 or 100755, never a
    symbolic link or a submodule, nor inside one), not CI configuration (unless allowed); or EditRejected.

    `existing` maps the repository's paths to their tree entries (or modes); `submodules` names the tree's
    submodule entries (GitHub lists them as `commit` entries, GitLab likewise), which hold no files of ours.
    """
    paths = [safe_path(p) for p in touched_paths(fix)]
    if not paths:
        raise EditRejected("the fix changes nothing")
    if len(paths) > limits.max_files:
        raise EditRejected(f"the fix touches {len(paths)} files; the limit is {limits.max_files}")
    modules = set(submodules) | {p for p, e in existing.items() if entry_mode(e) == SUBMODULE_MODE}
    for path in paths:
        if is_ci_path(path, limits.ci_files) and not limits.allow_workflow_edits:
            raise EditRejected(f"`{path}` is a workflow file (CI configuration), and this repository does not "
                               "allow workflow edits")
        if path in modules or any(path.startswith(m + "/") for m in modules):
            raise EditRejected(f"`{path}` is a submodule, not a file of this repository")
        if path not in existing:
            raise EditRejected(f"`{path}` is not a file of the repository at the failing commit")
        mode = entry_mode(existing[path])
        if mode == SYMLINK_MODE:
            raise EditRejected(f"`{path}` is a symbolic link; only regular files are edited")
        if mode == SUBMODULE_MODE:
            raise EditRejected(f"`{path}` is a submodule, not a file of this repository")
        if mode is not None and mode not in REGULAR_MODES:
            raise EditRejected(f"`{path}` is not a regular file (mode {mode[:8]})")
    return paths


def written_modes(changed: Iterable[str], existing: Mapping[str, object]) -> dict[str, str]:
    """The mode each changed file is written with: the one it has (no new executable bit, no link, no
    submodule); EditRejected for anything else. The last check before a commit, on every forge."""
    modes: dict[str, str] = {}
    for path in changed:
        mode = entry_mode(existing.get(path)) if path in existing else None
        if mode not in REGULAR_MODES:
            raise EditRejected(f"`{path}` is not a regular file of the repository; it is not written")
        modes[path] = str(mode)
    return modes


def apply_fix(fix: ProposedFix, originals: dict[str, str], limits: Limits) -> dict[str, str]:
    """The new content of every touched file, or EditRejected if an edit does not apply cleanly."""
    result = dict.fromkeys(touched_paths(fix), "")
    for path in result:
        if path not in originals:
            raise EditRejected(f"`{path}` could not be read at the failing commit")
        result[path] = originals[path]
    for whole in fix.files:
        result[whole.path] = whole.content
    for edit in fix.edits:
        text = result[edit.path]
        count = text.count(edit.search)
        if count != 1:
            where = "is not found" if count == 0 else f"is found {count} times"
            raise EditRejected(f"an edit to `{edit.path}` does not apply: its search text {where}")
        result[edit.path] = text.replace(edit.search, edit.replace, 1)
    changed = {p: t for p, t in result.items() if t != originals[p]}
    for path, text in changed.items():  # the model saw redacted text: it must not write the placeholder back
        if text.count(REDACTED) > originals[path].count(REDACTED):
            raise EditRejected(f"the fix to `{path}` would write a redacted placeholder into the file")
    if not changed:
        raise EditRejected("the fix leaves every file as it was")
    written = sum(len(t.encode()) for t in changed.values())
    if written > limits.max_bytes:
        raise EditRejected(f"the fix writes {written} bytes; the limit is {limits.max_bytes}")
    return changed


def unified_diff(originals: dict[str, str], changed: dict[str, str], *, max_chars: int = 20_000) -> str:
    """The change as a unified diff (for a fork's PR, where the bot may only suggest it)."""
    import difflib

    out: list[str] = []
    for path, new in changed.items():
        out.extend(
            difflib.unified_diff(
                originals[path].splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}",
            )
        )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in out)
    return text if len(text) <= max_chars else text[:max_chars] + "\n[... trimmed ...]\n"
