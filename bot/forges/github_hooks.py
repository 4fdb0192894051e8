"""GitHub repository webhooks for repositories watched without the App: the calls that install, repair, ping
and remove one (acting as the person who connects the repository, with a legacy OAuth token or a PAT that has
`admin:repo_hook`), and the per-hook secret its deliveries must be signed with.

GitHub sends `X-GitHub-Hook-ID` with every delivery. `RepoHookSecrets` keeps hook id -> decrypted secret in a
small TTL cache (30 s; "not one of ours" 5 s, so the App's own deliveries cost one look-up per 5 s), re-read from
the database (at most once a second per hook) before a signature is refused, so a hook connected by another
process is honoured at once. Connect and disconnect in this process update it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache

from bot.auth.crypto import DecryptError, TokenCipher
from bot.forges.github_actions import repo_path
from bot.forges.github_client import GitHubClient
from storage.database import Database

log = logging.getLogger(__name__)

HOOK_PATH = "/api/github/webhooks"
HOOK_EVENTS = ("workflow_run", "pull_request", "issue_comment", "check_run")
SECRET_TTL = 30.0
NOT_OURS_TTL = 5.0
RELOAD_EVERY = 1.0
MAX_HOOKS = 10_000


def hook_config(url: str, secret: str) -> dict[str, Any]:
    """The body that creates (or repairs) a DevFlowFix repository webhook."""
    return {
        "name": "web", "active": True, "events": list(HOOK_EVENTS),
        "config": {"url": url, "content_type": "json", "secret": secret, "insecure_ssl": "0"},
    }


async def repository_by_id(client: GitHubClient, repository_id: int) -> dict[str, Any]:
    """`GET /repositories/{id}`: the repository as the person sees it (with their `permissions`)."""
    data = await client.getitem(f"/repositories/{int(repository_id)}")
    return dict(data)


async def repository(client: GitHubClient, full_name: str) -> dict[str, Any]:
    data = await client.getitem(repo_path(full_name))
    return dict(data)


async def admin_repositories(client: GitHubClient, *, max_pages: int = 5) -> list[dict[str, Any]]:
    """`GET /user/repos`: the repositories the person administers (at most `max_pages` of 100), as their legacy
    OAuth token or PAT shows them: what they could connect by webhook."""
    found = []
    async for repo in client.getiter("/user/repos?per_page=100&sort=full_name", iterable_key=None,
                                     max_pages=max_pages):
        permissions = repo.get("permissions") if isinstance(repo, dict) else None
        if isinstance(permissions, dict) and permissions.get("admin") is True:
            found.append(dict(repo))
    return found


async def list_hooks(client: GitHubClient, full_name: str) -> list[dict[str, Any]]:
    return [h async for h in client.getiter(f"{repo_path(full_name)}/hooks?per_page=100", iterable_key=None,
                                            max_pages=3) if isinstance(h, dict)]


async def create_hook(client: GitHubClient, full_name: str, url: str, secret: str) -> dict[str, Any]:
    return dict(await client.post(f"{repo_path(full_name)}/hooks", data=hook_config(url, secret)))


async def update_hook(client: GitHubClient, full_name: str, hook_id: int, url: str, secret: str) -> dict[str, Any]:
    body = hook_config(url, secret)
    body.pop("name")
    return dict(await client.patch(f"{repo_path(full_name)}/hooks/{int(hook_id)}", data=body))


async def get_hook(client: GitHubClient, full_name: str, hook_id: int) -> dict[str, Any]:
    return dict(await client.getitem(f"{repo_path(full_name)}/hooks/{int(hook_id)}"))


async def delete_hook(client: GitHubClient, full_name: str, hook_id: int) -> None:
    await client.delete(f"{repo_path(full_name)}/hooks/{int(hook_id)}")


async def ping_hook(client: GitHubClient, full_name: str, hook_id: int) -> None:
    """GitHub sends the hook a `ping` delivery (204)."""
    await client.post(f"{repo_path(full_name)}/hooks/{int(hook_id)}/pings", data={})


def hooks_url(full_name: str) -> str:
    return f"{repo_path(full_name)}/hooks"


@dataclass(frozen=True)
class RepoHook:
    """A hook id's state for verification: one of ours (its secret, None if unreadable; its repository) or not."""

    ours: bool
    secret: str | None = None
    repository_id: str | None = None
    full_name: str | None = None


NOT_OURS = RepoHook(False)


def _accepts(entry: RepoHook, signature: str | None, body: bytes) -> bool:
    if not entry.ours or entry.secret is None or signature is None:
        return False
    expected = "sha256=" + hmac.new(entry.secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(errors="surrogateescape"), expected.encode())


class RepoHookSecrets:
    """Hook id -> the secret its deliveries must be signed with; one instance per process."""

    def __init__(
        self, db: Database, cipher: TokenCipher | None, *, ttl: float = SECRET_TTL, reload_every: float = RELOAD_EVERY,
        not_ours_ttl: float = NOT_OURS_TTL,
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.reload_every = reload_every
        self.not_ours_ttl = not_ours_ttl
        self._cache: TTLCache[int, tuple[RepoHook, float]] = TTLCache(maxsize=MAX_HOOKS, ttl=ttl)
        self._verified: TTLCache[str, bool] = TTLCache(maxsize=MAX_HOOKS, ttl=24 * 3600)
        self.loads = 0

    def verified(self, full_name: str) -> None:
        """A delivery of `full_name` was verified with its own hook's secret (in this process)."""
        self._verified[full_name.casefold()] = True

    def recently_verified(self, full_name: str | None) -> bool:
        """Did this process verify a delivery of `full_name` with a repository hook's secret today? (The
        dispatcher binds the person's client for those without a database look-up for every other delivery.)"""
        return full_name is not None and full_name.casefold() in self._verified

    async def _load(self, hook_id: int) -> RepoHook:
        self.loads += 1
        row = await self.db.repositories.by_webhook_id("github", str(hook_id))
        if row is None or row.webhook_secret_enc is None or row.installation_id is not None:
            return NOT_OURS
        secret: str | None = None
        if self.cipher is None:
            log.warning("a connected repository's webhook secret cannot be read: no encryption key",
                        extra={"hook_id": hook_id})
        else:
            try:
                secret = self.cipher.decrypt(row.webhook_secret_enc)
            except DecryptError:
                log.warning("a connected repository's webhook secret cannot be decrypted; connect it again",
                            extra={"hook_id": hook_id})
        return RepoHook(True, secret, row.repository_id, row.full_name)

    async def for_delivery(self, hook_id: int, signature: str | None, body: bytes) -> RepoHook:
        """The entry to verify a delivery of `hook_id` against (the caller verifies the signature)."""
        cached = self._cache.get(hook_id)
        now = time.monotonic()
        if cached is not None:
            entry, loaded = cached
            current = entry.ours or now - loaded < self.not_ours_ttl
            if current and (not entry.ours or _accepts(entry, signature, body) or now - loaded < self.reload_every):
                return entry
        fresh = await self._load(hook_id)
        self._cache[hook_id] = (fresh, now)
        return fresh

    def remember(self, hook_id: int, entry: RepoHook) -> None:
        self._cache[hook_id] = (entry, time.monotonic())


def claimed_repository(data: object) -> tuple[str | None, str | None]:
    """The repository (id, full name) a parsed delivery names."""
    repo = data.get("repository") if isinstance(data, dict) else None
    if not isinstance(repo, dict):
        return None, None
    rid = repo.get("id")
    name = repo.get("full_name")
    return (str(rid) if isinstance(rid, int) and not isinstance(rid, bool) else None,
            name if isinstance(name, str) else None)


def mismatch(entry: RepoHook, data: object) -> bool:
    """A hook's delivery that names another repository: its secret speaks for its own repository only."""
    rid, name = claimed_repository(data)
    if not entry.ours:
        return False
    if rid is not None and entry.repository_id is not None:
        return rid != entry.repository_id
    return name is not None and entry.full_name is not None and name.casefold() != entry.full_name.casefold()



