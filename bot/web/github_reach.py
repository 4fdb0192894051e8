"""GitHub repositories a person could connect without the App: the ones their legacy OAuth token or PAT shows
them with admin permission (`GET /user/repos`), cached a minute per person. The Repositories page lists them
(not watched, with a Connect button that installs a repository webhook); the App's own repositories come from
bot/web/repositories.py. Without a legacy token, or when GitHub refuses it, the list is empty and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import gidgethub
from aiohttp import web

from bot.auth.crypto import DecryptError
from bot.auth.fallback import NoIdentity
from bot.auth.oauth_common import OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.forges import github_hooks
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.web.person_cache import PersonCache
from bot.web.sessions import SignedIn, services_of

REACH_TTL = 60.0
REACH_USERS = 10_000


@dataclass(frozen=True)
class Reachable:
    """A repository the person administers, as their legacy token shows it."""

    github_id: str
    full_name: str
    private: bool


@dataclass(frozen=True)
class Reach:
    """The person's repositories through their legacy token, or why there are none."""

    repositories: tuple[Reachable, ...] = ()
    problem: str | None = None


class LegacyReach(PersonCache[Reach]):
    def __init__(self, ttl: float = REACH_TTL) -> None:
        super().__init__(ttl, REACH_USERS)

    async def of(self, request: web.Request, who: SignedIn) -> Reach:
        return await self.get(who.user.id, lambda: fetch_reach(request, who))


async def fetch_reach(request: web.Request, who: SignedIn) -> Reach:
    services = services_of(request)
    if services.identities is None or services.user_tokens is None:
        return Reach()
    try:
        resolved = await services.identities.legacy_for_person(who.user.id, "")
    except NoIdentity:
        return Reach()  # no legacy token: nothing to list, nothing to say (the App is the way)
    client = GitHubClient(services.http, resolved.provider, services.settings.github_api_base)
    try:
        listed = await github_hooks.admin_repositories(client)
    except (ReconnectRequired, DecryptError):
        return Reach(problem="your legacy GitHub token must be renewed to list repositories without the App")
    except gidgethub.BadRequest as exc:
        return Reach(problem=f"GitHub refused to list your repositories with your legacy token "
                             f"(HTTP {int(exc.status_code)})")
    except (RetryLater, OAuthUnavailable, gidgethub.GitHubException, aiohttp.ClientError, TimeoutError) as exc:
        return Reach(problem=f"GitHub is unavailable ({type(exc).__name__}); try again shortly")
    found = []
    for repo in listed:
        name, repo_id = repo.get("full_name"), repo.get("id")
        if isinstance(name, str) and "/" in name and isinstance(repo_id, int) and repo_id > 0:
            found.append(Reachable(str(repo_id), name, bool(repo.get("private"))))
    return Reach(tuple(found))


REACH_KEY = web.AppKey("legacy_reach", LegacyReach)


def reach_of(app: web.Application) -> LegacyReach:
    return app[REACH_KEY]


def add_state(app: web.Application) -> None:
    app[REACH_KEY] = LegacyReach()
