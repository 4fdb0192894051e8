"""Reading a repository's configuration once per event, as Probot's `context.config` does: the repository's
`.github/devflowfix.yml` on its default branch, else the same path in the owner's `.github` repository; each
file's `_extends` followed (at most `MAX_EXTENDS` deep, never in a circle). GitLab: `.gitlab/devflowfix.yml`,
`_extends` to another project. Each file is first looked up by its blob sha (a directory listing, no content)
and parsed only when that sha was not seen before (`cachetools`, process-wide); a bad file is a `ConfigProblem`
and the defaults apply.
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
from dataclasses import dataclass, field
from typing import Any, Protocol

import cachetools
import gidgethub
import gidgetlab
from pydantic import ValidationError

from bot.config.effective import EffectiveConfig, Layer, effective
from bot.config.extends import parse_extends
from bot.config.problems import ConfigFileError, ConfigProblem
from bot.config.schema import FileConfig
from bot.config.yaml_source import YamlError, line_of, parse
from bot.forges import github_repos, gitlab_repos
from bot.forges.github_client import GitHubClient
from bot.forges.gitlab_client import GitLabClient
from bot.settings import Settings
from storage.models import RepositoryConnection

log = logging.getLogger(__name__)

GITHUB_PATH = ".github/devflowfix.yml"
GITLAB_PATH = ".gitlab/devflowfix.yml"
MAX_EXTENDS = 4

_CACHE: cachetools.LRUCache[tuple[str, str, str, str], tuple[dict[str, Any], Any]] = cachetools.LRUCache(2048)


class Reader(Protocol):
    """One forge's file access: the blob sha of a file (None: missing), then its text."""

    forge: str

    async def sha(self, repo: str, path: str, ref: str | None) -> str | None: ...

    async def text(self, repo: str, path: str, ref: str | None) -> tuple[str | None, int]: ...


@dataclass
class GitHubReader:
    client: GitHubClient
    max_bytes: int
    forge: str = "github"

    async def sha(self, repo: str, path: str, ref: str | None) -> str | None:
        entries = await github_repos.list_directory(self.client, repo, posixpath.dirname(path), ref)
        entry = (entries or {}).get(posixpath.basename(path))
        return entry.sha if entry is not None and entry.mode == "file" else None

    async def text(self, repo: str, path: str, ref: str | None) -> tuple[str | None, int]:
        blob = await github_repos.get_file_blob(self.client, repo, path, ref, max_bytes=self.max_bytes)
        return (blob.text, blob.size) if blob is not None else (None, 0)


@dataclass
class GitLabReader:
    client: GitLabClient
    max_bytes: int
    ids: dict[str, int] = field(default_factory=dict)  # project path -> id, where known (the event's project)
    forge: str = "gitlab"

    def _project(self, repo: str) -> int | str:
        return self.ids.get(repo, repo)

    async def sha(self, repo: str, path: str, ref: str | None) -> str | None:
        blobs = await gitlab_repos.tree_blobs(self.client, self._project(repo), posixpath.dirname(path), ref)
        return (blobs or {}).get(posixpath.basename(path)) or None

    async def text(self, repo: str, path: str, ref: str | None) -> tuple[str | None, int]:
        found = await gitlab_repos.read_file(self.client, self._project(repo), path, ref,
                                             max_bytes=self.max_bytes)
        return (found.text, found.size) if found is not None else (None, 0)


def _validate(name: str, path: str, text: str | None, size: int, max_bytes: int) -> tuple[dict[str, Any], Any]:
    """(the values the file sets, its `_extends`) or raises ConfigFileError."""
    if text is None:
        why = f"the file is larger than {max_bytes // 1024} KiB" if size > max_bytes else "the file is not UTF-8 text"
        raise ConfigFileError(ConfigProblem(name, path, 0, why))
    try:
        data, lines = parse(text, max_bytes=max_bytes)
    except YamlError as exc:
        raise ConfigFileError(ConfigProblem(name, path, exc.line, exc.message)) from None
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        raise ConfigFileError(ConfigProblem(name, path, 1, "the file must be a mapping of keys to values"))
    extends = data.pop("_extends", None)
    try:
        values = FileConfig.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        loc = tuple(err.get("loc") or ())
        key = ".".join(str(p) for p in loc) or "the file"
        message = str(err.get("msg") or "invalid value").removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = "unknown key"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigFileError(ConfigProblem(name, path, line_of(lines, loc), f"`{key}`: {message}{more}")) from None
    return _drop_none(values), extends


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            value = _drop_none(value)
        if value is not None:
            out[key] = value
    return out


async def _read(reader: Reader, repo: str, path: str, ref: str | None, max_bytes: int
                ) -> tuple[dict[str, Any], Any] | None:
    """One file's values and `_extends` (None: it does not exist), from the cache when its blob sha was seen."""
    name = f"{repo}:{path}"
    sha = await reader.sha(repo, path, ref)
    if sha is None:
        return None
    key = (reader.forge, repo, path, sha)
    cached = _CACHE.get(key)
    if cached is None:
        text, size = await reader.text(repo, path, ref)
        try:
            cached = _validate(name, path, text, size, max_bytes)
        except ConfigFileError as exc:
            cached = ({}, dataclasses.replace(exc.problem, blob=sha))
        _CACHE[key] = cached
    values, extends = cached
    if isinstance(extends, ConfigProblem):
        raise ConfigFileError(extends)
    return values, extends


async def read_chain(reader: Reader, repo: str, path: str, ref: str | None, *, max_bytes: int,
                     org_fallback: str | None) -> tuple[list[Layer], list[ConfigProblem]]:
    """The layers of the files that apply, base first, and the problems met (one fatal problem stops)."""
    layers: list[Layer] = []
    problems: list[ConfigProblem] = []
    try:
        found = await _read(reader, repo, path, ref, max_bytes)
        if found is None and org_fallback and org_fallback != repo:
            repo, ref = org_fallback, None
            found = await _read(reader, repo, path, ref, max_bytes)
        seen = {(repo, path)}
        while found is not None:
            values, extends = found
            layers.insert(0, Layer(f"{repo}:{path}", values))
            if extends is None:
                break
            if len(seen) > MAX_EXTENDS:
                problems.append(ConfigProblem(f"{repo}:{path}", path, 0,
                                              f"`_extends` goes deeper than {MAX_EXTENDS} files: stopped here",
                                              fatal=False))
                break
            try:
                target = parse_extends(extends, repo=repo, path=path, gitlab=reader.forge == "gitlab")
            except ValueError as exc:
                raise ConfigFileError(ConfigProblem(f"{repo}:{path}", path, 1, str(exc))) from None
            if (target.repo, target.path) in seen:
                problems.append(ConfigProblem(f"{repo}:{path}", path, 1,
                                              f"`_extends: {extends}` leads back to a file already read",
                                              fatal=False))
                break
            seen.add((target.repo, target.path))
            found = await _read(reader, target.repo, target.path, None, max_bytes)
            if found is None:
                problems.append(ConfigProblem(f"{repo}:{path}", path, 1,
                                              f"`_extends`: `{target.repo}:{target.path}` was not found (or "
                                              "the bot cannot read it)", fatal=False))
            repo, path = target.repo, target.path
    except ConfigFileError as exc:
        problems.append(exc.problem)
    except (gidgethub.BadRequest, gidgetlab.BadRequest) as exc:
        problems.append(ConfigProblem(f"{repo}:{path}", path, 0,
                                      f"could not be read (HTTP {int(exc.status_code)}): defaults apply",
                                      fatal=False))
    return layers, problems


async def load_github_config(
    client: GitHubClient, settings: Settings, conn: RepositoryConnection | None, repo: str,
    default_branch: str | None,
) -> EffectiveConfig:
    """The effective configuration of a GitHub repository (its file on the default branch, Probot's rules)."""
    owner = repo.split("/", 1)[0]
    reader = GitHubReader(client, settings.config_max_bytes)
    layers, problems = await read_chain(reader, repo, GITHUB_PATH, default_branch, max_bytes=settings.config_max_bytes,
                                        org_fallback=f"{owner}/.github")
    return effective(settings, conn, layers, problems)


async def load_gitlab_config(
    client: GitLabClient, settings: Settings, conn: RepositoryConnection | None, project: str,
    default_branch: str | None, *, project_id: int | None = None,
) -> EffectiveConfig:
    """The effective configuration of a GitLab project (`.gitlab/devflowfix.yml`, `_extends` to another one)."""
    reader = GitLabReader(client, settings.config_max_bytes, {project: project_id} if project_id else {})
    layers, problems = await read_chain(reader, project, GITLAB_PATH, default_branch,
                                        max_bytes=settings.config_max_bytes, org_fallback=None)
    return effective(settings, conn, layers, problems)


def clear_cache() -> None:
    _CACHE.clear()
