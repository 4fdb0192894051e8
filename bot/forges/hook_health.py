"""What a repository's webhook says about its own health, read as the identity that manages it: a GitHub
repository hook's `last_response` (`code`, `status`: active / unused / failed, `message`) and whether it is
`active`; a GitLab project hook's `alert_status` (executable / temporarily_disabled / disabled) and
`disabled_until`. `OK` is healthy; anything else is one short line saying what is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

import gidgethub
import gidgetlab

from bot.forges import github_hooks
from bot.forges.github_client import GitHubClient
from bot.forges.gitlab_client import GitLabClient, project_path

OK = "ok"
MAX_LINE = 255


def _line(text: str) -> str:
    return " ".join(text.split())[:MAX_LINE]


def github_health(hook: dict[str, Any]) -> str:
    if hook.get("active") is False:
        return "inactive: the hook is switched off on GitHub"
    raw = hook.get("last_response")
    last: dict[str, Any] = raw if isinstance(raw, dict) else {}
    code, status = last.get("code"), str(last.get("status") or "")
    if status in ("active", "unused", "") and (code is None or (isinstance(code, int) and 200 <= code < 300)):
        return OK
    return _line(f"failing: the last delivery got {code or 'no answer'} ({last.get('message') or status})")


def gitlab_health(hook: dict[str, Any], now: dt.datetime) -> str:
    alert = str(hook.get("alert_status") or "executable")
    until = hook.get("disabled_until")
    if alert == "disabled":
        return "disabled: GitLab stopped sending after repeated failures"
    if until:
        try:
            when = dt.datetime.fromisoformat(str(until).replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None and (when.tzinfo is None or when > now):
            return _line(f"temporarily disabled by GitLab after failures, until {until}")
    if alert == "temporarily_disabled":
        return "temporarily disabled by GitLab after failures"
    return OK


async def github_hook_health(client: GitHubClient, full_name: str, hook_id: int) -> str:
    try:
        hook = await github_hooks.get_hook(client, full_name, hook_id)
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:
            return "missing: the hook was deleted on GitHub (or the person lost admin); connect it again"
        return _line(f"unknown: GitHub answered {int(exc.status_code)} reading the hook")
    return github_health(hook)


async def gitlab_hook_health(client: GitLabClient, project_id: int, hook_id: int, now: dt.datetime) -> str:
    try:
        hook = await client.getitem(f"{project_path(project_id)}/hooks/{int(hook_id)}")
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) == 404:
            return "missing: the hook was deleted on GitLab (or the token lost maintainer); connect it again"
        return _line(f"unknown: GitLab answered {int(exc.status_code)} reading the hook")
    return gitlab_health(dict(hook) if isinstance(hook, dict) else {}, now)
