"""The effective configuration: the defaults, then the server's settings, then the files (the organisation's or
an `_extends` base first, the repository's own last), merged as Probot's `context.config` does (objects deeply,
lists concatenated); a file may only narrow what the server allows, and what it tried beyond that is said.
Each value keeps where it came from: `default`, `server`, or the file (`owner/repo:path`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config.globs import watched
from bot.config.problems import ConfigProblem
from bot.config.schema import DEFAULTS
from bot.settings import Settings
from storage.models import RepositoryConnection

DEFAULT = "default"
SERVER = "server"
BOT_BRANCH_PREFIX = "devflowfix/"  # bot/incidents/github_context.py's loop guard: fix branches stay under it


@dataclass(frozen=True)
class Layer:
    """One source's values, nested as in a file."""

    source: str
    values: dict[str, Any]


@dataclass
class EffectiveConfig:
    values: dict[str, Any]
    sources: dict[str, str]  # dotted key -> where its value came from
    ignored: list[str] = field(default_factory=list)  # what a file asked beyond the server's limits
    problems: list[ConfigProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the files used, base first

    # ---- the values
    @property
    def enabled(self) -> bool:
        return bool(self.values["enabled"])

    @property
    def auto_pr(self) -> bool:
        return bool(self.values["auto_pr"])

    @property
    def allow_workflow_edits(self) -> bool:
        return bool(self.values["allow_workflow_edits"])

    @property
    def labels(self) -> list[str]:
        return list(self.values["labels"])

    @property
    def branch_prefix(self) -> str:
        return str(self.values["branch_prefix"])

    @property
    def max_attempts(self) -> int:
        return int(self.values["max_attempts"])

    @property
    def short_commands(self) -> bool:
        return bool(self.values["short_commands"])

    @property
    def llm_enabled(self) -> bool:
        return bool(self.values["llm"]["enabled"])

    @property
    def llm_model(self) -> str | None:
        model = self.values["llm"]["model"]
        return str(model) if model else None

    @property
    def default_branch_issues(self) -> bool:
        return bool(self.values["default_branch_issues"])

    @property
    def comment(self) -> str:
        return str(self.values["comment"])

    @property
    def fatal_problems(self) -> list[ConfigProblem]:
        return [p for p in self.problems if p.fatal]

    def watches_workflow(self, *names: str | None) -> bool:
        """The workflow (by its name or its file path) passes `workflows`' include/exclude globs."""
        w = self.values["workflows"]
        return watched([n for n in names if n], w["include"], w["exclude"])

    def watches_branch(self, branch: str | None) -> bool:
        b = self.values["branches"]
        if not b["include"] and not b["exclude"]:
            return True
        return watched([branch or ""], b["include"], b["exclude"])

    def not_watched(self, *, workflow: str | None, path: str | None, branch: str | None) -> str | None:
        """Why a run is not acted on under this configuration (None: it is)."""
        if not self.enabled:
            return f"turned off by `enabled: false` ({self.sources.get('enabled', DEFAULT)})"
        if not self.watches_workflow(workflow, path):
            return f"workflow {workflow or path!r} not watched ({self.sources.get('workflows.include', DEFAULT)})"
        if not self.watches_branch(branch):
            return f"branch {branch!r} not watched ({self.sources.get('branches.include', DEFAULT)})"
        return None

    # ---- for people
    def render(self) -> str:
        """Markdown: each value and where it came from, then what was ignored and the problems."""
        rows = [f"| `{key}` | `{_show(value)}` | {self.sources.get(key, DEFAULT)} |"
                for key, value in _flat(self.values)]
        parts = ["| key | value | from |", "|---|---|---|", *rows]
        if self.files:
            parts += ["", "Files read (base first): " + ", ".join(f"`{f}`" for f in self.files)]
        if self.ignored:
            parts += ["", "Ignored (a repository's file cannot raise a server limit):",
                      *[f"- {line}" for line in self.ignored]]
        if self.problems:
            parts += ["", "Problems:", *[f"- `{p.file}` line {p.line}: {p.message}" if p.line else
                                         f"- `{p.file}`: {p.message}" for p in self.problems]]
        return "\n".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _flat(values: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flat(value, name + ".")
        else:
            out.append((name, value))
    return out


def server_layer(settings: Settings, conn: RepositoryConnection | None) -> Layer:
    """What the server decides: its settings and the repository's row (the web console's switches)."""
    values: dict[str, Any] = {
        "max_attempts": settings.max_fix_attempts_per_pr,
        "llm": {"enabled": settings.llm_enabled, "model": settings.openai_model},
    }
    if conn is not None:
        values.update(enabled=bool(conn.is_enabled), auto_pr=bool(conn.auto_pr_enabled),
                      allow_workflow_edits=bool(conn.allow_workflow_edits))
    return Layer(SERVER, values)


def _merge(into: dict[str, Any], sources: dict[str, str], layer: Layer, prefix: str = "") -> None:
    """Probot's deepmerge: objects merged key by key, lists concatenated (repeats dropped), the rest replaced."""
    for key, value in layer.values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], sources, Layer(layer.source, value), name + ".")
        elif isinstance(value, list) and isinstance(into.get(key), list):
            old = into[key]
            added = [v for v in value if v not in old]
            into[key] = old + added
            if added:
                before = sources.get(name, DEFAULT)
                sources[name] = layer.source if not old else f"{before} + {layer.source}"
        else:
            into[key] = copy.deepcopy(value)
            sources[name] = layer.source


def effective(
    settings: Settings, conn: RepositoryConnection | None, files: Sequence[Layer] = (),
    problems: Sequence[ConfigProblem] = (),
) -> EffectiveConfig:
    """Merge defaults, the server and the files (base first); then clamp what the files asked to the server's
    limits. A fatal problem in any file means no file applies (the defaults and the server do)."""
    values = copy.deepcopy(DEFAULTS)
    sources: dict[str, str] = {}
    server = server_layer(settings, conn)
    _merge(values, sources, server)
    limits = copy.deepcopy(values)
    limit_sources = dict(sources)
    problems = list(problems)
    used = [] if any(p.fatal for p in problems) else list(files)
    for layer in used:
        _merge(values, sources, layer)
    ignored: list[str] = []

    def deny(key: str, shown: Any, why: str, keep: Any) -> None:
        ignored.append(f"`{key}: {_show(shown)}` from {sources.get(key)}: {why}; `{_show(keep)}` applies.")
        parts = key.split(".")
        target = values
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = keep
        sources[key] = limit_sources.get(key, DEFAULT)

    for key, what in (("enabled", "the repository is turned off on the server"),
                      ("auto_pr", "fix PRs are turned off on the server"),
                      ("allow_workflow_edits", "the server does not allow workflow edits")):
        if values[key] and not limits[key]:
            deny(key, True, what, False)
    if values["max_attempts"] > limits["max_attempts"]:
        deny("max_attempts", values["max_attempts"], f"above the server's limit of {limits['max_attempts']}",
             limits["max_attempts"])
    if values["llm"]["enabled"] and not limits["llm"]["enabled"]:
        deny("llm.enabled", True, "the server has no LLM configured", False)
    allowed = allowed_models(settings)
    model = values["llm"]["model"]
    if model and model not in allowed:
        deny("llm.model", model, "not in the server's allow list (" + ", ".join(sorted(allowed)) + ")",
             limits["llm"]["model"])
    prefix = str(values["branch_prefix"])
    if not _safe_prefix(prefix):
        deny("branch_prefix", prefix, f"fix branches must stay under `{BOT_BRANCH_PREFIX}` (letters, digits, "
             "`-`, `_`, `.`, `/`)", DEFAULTS["branch_prefix"])
    return EffectiveConfig(values, sources, ignored, problems, [layer.source for layer in used])


def allowed_models(settings: Settings) -> set[str]:
    return {settings.openai_model, *settings.llm_allowed_models}


def _safe_prefix(prefix: str) -> bool:
    if not prefix.startswith(BOT_BRANCH_PREFIX) or ".." in prefix or "//" in prefix:
        return False
    return all(c.isascii() and (c.isalnum() or c in "-_./") for c in prefix)
