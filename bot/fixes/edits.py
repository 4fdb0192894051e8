"""Checks a proposed fix before anything is written: safe paths of existing files, no workflow edits unless
allowed, edits that apply cleanly to the files at the failing commit, and size limits. Then applies it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from bot.llm.answer import ProposedFix

WORKFLOWS_DIR = ".github/workflows/"
REDACTED = "[REDACTED]"


class EditRejected(Exception):
    """The proposed fix cannot be applied; the message says why (shown to people)."""


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_bytes: int
    allow_workflow_edits: bool = False


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
    for item in [*fix.files, *fix.edits]:
        seen.setdefault(item.path, None)
    return list(seen)


def check_paths(fix: ProposedFix, existing: set[str] | dict[str, object], limits: Limits) -> list[str]:
    """The paths the fix touches, each checked: safe, existing, not a workflow (unless allowed); or EditRejected."""
    paths = [safe_path(p) for p in touched_paths(fix)]
    if not paths:
        raise EditRejected("the fix changes nothing")
    if len(paths) > limits.max_files:
        raise EditRejected(f"the fix touches {len(paths)} files; the limit is {limits.max_files}")
    for path in paths:
        if path.startswith(WORKFLOWS_DIR) and not limits.allow_workflow_edits:
            raise EditRejected(f"`{path}` is a workflow file, and this repository does not allow workflow edits")
        if path not in existing:
            raise EditRejected(f"`{path}` is not a file of the repository at the failing commit")
    return paths


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
