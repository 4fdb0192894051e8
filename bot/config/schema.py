"""The schema of `devflowfix.yml` (pydantic, strict: unknown keys are errors) and the built-in defaults.

Every key is optional in a file; `FileConfig.model_dump(exclude_unset=True)` is what a file sets.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Glob = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=50, strip_whitespace=True)]
MAX_GLOBS = 50
MAX_LABELS = 10


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Globs(_Strict):
    """What to watch: a name is watched if it matches an `include` glob (or there is none) and no `exclude`
    glob. A bare list is short for `{include: [...]}`."""

    include: list[Glob] | None = Field(default=None, max_length=MAX_GLOBS)
    exclude: list[Glob] | None = Field(default=None, max_length=MAX_GLOBS)


class LLMConfig(_Strict):
    enabled: bool | None = None
    model: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class FileConfig(_Strict):
    """One file's keys (all optional); `_extends` is read before validation and never reaches it."""

    enabled: bool | None = None
    auto_pr: bool | None = None
    allow_workflow_edits: bool | None = None
    workflows: Globs | None = None
    branches: Globs | None = None
    labels: list[Label] | None = Field(default=None, max_length=MAX_LABELS)
    branch_prefix: Annotated[str, StringConstraints(min_length=1, max_length=60)] | None = None
    max_attempts: Annotated[int, Field(ge=0, le=100)] | None = None
    short_commands: bool | None = None
    llm: LLMConfig | None = None
    default_branch_issues: bool | None = None
    comment: Literal["always", "on_failure", "never"] | None = None

    @field_validator("workflows", "branches", mode="before")
    @classmethod
    def _list_is_include(cls, value: Any) -> Any:
        return {"include": value} if isinstance(value, list) else value


# The values when nothing else says otherwise (the server's settings come on top: bot/config/effective.py).
DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "auto_pr": True,
    "allow_workflow_edits": False,
    "workflows": {"include": [], "exclude": []},
    "branches": {"include": [], "exclude": []},
    "labels": [],
    "branch_prefix": "devflowfix/",
    "max_attempts": 3,
    "short_commands": False,
    "llm": {"enabled": True, "model": None},
    "default_branch_issues": False,
    "comment": "always",
}
