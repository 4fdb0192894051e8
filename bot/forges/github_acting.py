"""A GitHub client acting as a person for a repository watched without the App: every issue or PR comment it
writes ends with a line saying who acted, and that installing the App is the better way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.auth.installation_tokens import TokenProvider
from bot.forges.github_client import GitHubClient
from bot.forges.http import RetryPolicy

COMMENT_URL = re.compile(r"/issues/(?:[0-9]{1,20}/comments|comments/[0-9]{1,20})$")


def acting_note(login: str | None, kind: str, repository: str) -> str:
    who = f"@{login}" if login else "the person who connected this repository"
    how = "personal access token" if kind == "github_pat" else "personal OAuth connection"
    return (f"DevFlowFix acted as {who} through a {how} (the App is not installed on {repository}); install the "
            "DevFlowFix GitHub App on this repository for check runs, fix PRs under the App's name and "
            "permissions that do not depend on one person's token.")


class ActingAsClient(GitHubClient):
    """A `GitHubClient` whose comments carry `note` as their last line."""

    def __init__(
        self, session: aiohttp.ClientSession, provider: TokenProvider, api_base: str, note: str, *,
        policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(session, provider, api_base, policy=policy)
        self.note = note

    def _with_note(self, url: str, data: Any) -> Any:
        if COMMENT_URL.search(url.split("?", 1)[0]) and isinstance(data, dict) and isinstance(data.get("body"), str):
            if self.note not in data["body"]:
                return {**data, "body": f"{data['body']}\n\n---\n<sub>{self.note}</sub>"}
        return data

    async def post(self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any, **kw: Any) -> Any:
        return await super().post(url, url_vars, data=self._with_note(url, data), **kw)

    async def patch(self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any, **kw: Any) -> Any:
        return await super().patch(url, url_vars, data=self._with_note(url, data), **kw)
