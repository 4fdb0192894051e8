"""The few facts of a GitHub delivery's body that its answer and its settling need, read without building the body.

msgspec decodes into the structs below only the declared fields and skips the rest of the document in C without
making a Python object for it: a ~21 KB `workflow_run` body in about half the time orjson takes to build all of
it, and what is kept until the handlers run is a handful of strings. The handler side parses the whole body only
when there is work to do (`bot/dispatch.py`).

A body whose declared fields have other types than expected (hostile, or GitHub changed) is parsed whole with
orjson instead, and its facts are taken from that, so such input gets the same answer as before. A body that is
not valid JSON, not UTF-8 or not an object raises `NotJson` (the endpoint's 400).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class NotJson(ValueError):
    """The body is not a JSON object (the message says what is wrong with it)."""


def text(value: object, limit: int) -> str | None:
    """A string field fit for a column: a string, without NUL (PostgreSQL refuses it) or lone surrogates (no
    database can encode them; stdlib JSON lets `\\ud800` through), cut to `limit`."""
    if not isinstance(value, str):
        return None
    if value.isascii() and "\x00" not in value:
        return value[:limit] or None
    return _UNSTORABLE.sub("", value)[:limit] or None


def bigint(value: object) -> int | None:
    """An id fit for a BIGINT column, else None (a hostile 10**30 must not fail the batch it is written in)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    return None


@dataclass(frozen=True, slots=True)
class RunFacts:
    """A `workflow_run`'s fields as the handler reads them (`RunInfo`), unconverted: the settling path compares
    them with what the handler would use, and takes the full path for anything unexpected."""

    conclusion: object
    head_branch: object
    name: object
    path: object

    @property
    def workflow_name(self) -> str:
        """`RunInfo.workflow_name`'s rule."""
        return str(self.name or self.path or "workflow")


@dataclass(frozen=True, slots=True)
class GitHubFacts:
    """What the endpoint records of a GitHub delivery (column-fit) and the handlers' router and settlers read."""

    action: object  # as sent: routing compares it with the registered actions
    installation_id: int | None
    repository: str | None
    run: RunFacts | None = None

    @property
    def action_text(self) -> str | None:
        return text(self.action, 100)


class _Id(msgspec.Struct):
    id: Any = None


class _Repository(msgspec.Struct):
    full_name: Any = None


class _Run(msgspec.Struct):
    conclusion: Any = None
    head_branch: Any = None
    name: Any = None
    path: Any = None


class _GitHubBody(msgspec.Struct):
    action: Any = None
    installation: _Id | None = None
    repository: _Repository | None = None
    workflow_run: _Run | None = None


_DECODER = msgspec.json.Decoder(_GitHubBody)


def github_facts(body: bytes) -> GitHubFacts:
    """The facts of a GitHub JSON body; raises NotJson for a body that is not a JSON object."""
    if not body.isascii():
        try:
            body.decode()  # msgspec checks the UTF-8 of the fields it decodes only; orjson checks all of it
        except UnicodeDecodeError:
            raise NotJson("body is not valid JSON") from None
    try:
        lean = _DECODER.decode(body)
    except msgspec.ValidationError:  # a declared field of another type, or not an object at all
        return facts_of(whole(body))
    except msgspec.DecodeError:
        raise NotJson("body is not valid JSON") from None
    run = lean.workflow_run
    return GitHubFacts(
        lean.action,
        bigint(lean.installation.id) if lean.installation is not None else None,
        text(lean.repository.full_name, 255) if lean.repository is not None else None,
        RunFacts(run.conclusion, run.head_branch, run.name, run.path) if run is not None else None,
    )


def whole(body: bytes) -> dict[str, Any]:
    """The body parsed whole; raises NotJson unless it is a JSON object."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise NotJson("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise NotJson("body must be a JSON object")
    return data


def facts_of(data: Mapping[str, Any]) -> GitHubFacts:
    """The facts of a body parsed whole (form-encoded deliveries, and bodies the lean decoder refused)."""
    installation = data.get("installation")
    repository = data.get("repository")
    wr = data.get("workflow_run")
    run = None
    if isinstance(wr, dict):
        run = RunFacts(wr.get("conclusion"), wr.get("head_branch"), wr.get("name"), wr.get("path"))
    return GitHubFacts(
        data.get("action"),
        bigint(installation.get("id")) if isinstance(installation, dict) else None,
        text(repository.get("full_name"), 255) if isinstance(repository, dict) else None,
        run,
    )
