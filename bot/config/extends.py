"""Probot's `_extends`: `.github` (the organisation's `.github` repository), `repo` (same owner), `owner/repo`,
each optionally `:path/to/file.yml` (else the same path as the file that extends). GitLab: `project` (same
group), `group/sub/project`, with `:path` too. Parsed by hand (no regex), names checked against the forges' rules.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PATH = 200
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True)
class Target:
    repo: str  # owner/repo (GitLab: group/…/project)
    path: str


def _name_ok(part: str, *, limit: int = 100) -> bool:
    return 0 < len(part) <= limit and all(c in _NAME_CHARS for c in part) and part not in (".", "..")


def _path_ok(path: str) -> bool:
    parts = path.split("/")
    return (0 < len(path) <= MAX_PATH and not path.startswith("/") and all(_name_ok(p) for p in parts)
            and path.endswith((".yml", ".yaml")))


def parse_extends(value: object, *, repo: str, path: str, gitlab: bool = False) -> Target:
    """The file an `_extends` value names, relative to `repo`'s file at `path`; ValueError says what is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("`_extends` must be a repository name, `owner/repo` or `owner/repo:path`")
    text = value.strip()
    where, _, file_path = text.partition(":")
    file_path = file_path or path
    if not _path_ok(file_path):
        raise ValueError(f"`_extends`: {file_path!r} is not a path to a .yml file in that repository")
    parts = where.split("/")
    namespace = repo.rsplit("/", 1)[0]
    if len(parts) == 1:
        parts = [*namespace.split("/"), parts[0]]
    if not gitlab and len(parts) != 2:
        raise ValueError("`_extends`: a GitHub repository is `repo` or `owner/repo`")
    if not all(_name_ok(p) for p in parts) or len(parts) > 20:
        raise ValueError(f"`_extends`: {where!r} is not a repository name")
    return Target("/".join(parts), file_path)
