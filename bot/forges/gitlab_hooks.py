"""GitLab project hooks installed for the people who connect a project by OAuth: the hook's settings, and the
per-project secret its deliveries must carry.

`HookSecrets` keeps project id -> decrypted secret in a small TTL cache (30 s; "not connected" only 5 s), so a
delivery is verified without a database round trip. Correctness first: an entry that does not accept the
delivery's token is read again from the database (at most once a second per project) before the delivery is
refused, so a project connected or reconnected by another process is honoured at once; connect and disconnect in
this process update the cache.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache

from bot.auth.crypto import DecryptError, TokenCipher
from storage.database import Database

log = logging.getLogger(__name__)

HOOK_PATH = "/api/gitlab/webhooks"
SECRET_TTL = 30.0  # seconds an entry is trusted without asking the database
NOT_CONNECTED_TTL = 5.0  # seconds "this project is not connected" is trusted
RELOAD_EVERY = 1.0  # at most one re-read per project and second for tokens the cached entry refuses
MAX_PROJECTS = 10_000


def hook_settings(url: str, secret: str) -> dict[str, Any]:
    """What a DevFlowFix project hook listens to: pipeline events, and notes (the `/devflowfix` commands in merge
    request notes), TLS verified, signed with `secret`."""
    return {
        "url": url, "token": secret, "pipeline_events": True, "note_events": True, "job_events": False,
        "merge_requests_events": False, "push_events": False, "enable_ssl_verification": True,
    }


def project_id_of(data: object) -> int | None:
    """The project a parsed delivery claims to come from (`project.id`, else top-level `project_id`), before any
    check. Used only to choose which secret the delivery must carry; nothing else in it is trusted before that.
    """
    if not isinstance(data, dict):
        return None
    project = data.get("project")
    value = project.get("id") if isinstance(project, dict) else data.get("project_id")
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    return None


@dataclass(frozen=True)
class HookSecret:
    """A project's state for verification: connected (then its own secret, None if unreadable) or not."""

    connected: bool
    secret: str | None = None
    path: str | None = None  # the project's path_with_namespace as recorded when it was connected


def claimed_path(data: object) -> str | None:
    """The `project.path_with_namespace` a delivery names, if it names one."""
    project = data.get("project") if isinstance(data, dict) else None
    path = project.get("path_with_namespace") if isinstance(project, dict) else None
    return path if isinstance(path, str) else None


def path_mismatch(entry: HookSecret, data: object) -> bool:
    """A connected project's delivery that names another project's path: its secret must not speak for that one.
    (GitLab's paths are case-insensitive; a renamed or moved project is connected again to record its new path.)
    """
    path = claimed_path(data)
    return entry.connected and entry.path is not None and path is not None and path.casefold() != entry.path.casefold()


NOT_CONNECTED = HookSecret(False)


def _accepts(entry: HookSecret, token: str | None, global_secret: str | None) -> bool:
    expected = entry.secret if entry.connected else global_secret
    return token is not None and expected is not None and hmac.compare_digest(token.encode(), expected.encode())


class HookSecrets:
    """Project id -> the secret its deliveries must carry; one instance per process."""

    def __init__(
        self, db: Database, cipher: TokenCipher | None, *, ttl: float = SECRET_TTL, reload_every: float = RELOAD_EVERY,
        not_connected_ttl: float = NOT_CONNECTED_TTL,
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.reload_every = reload_every
        self.not_connected_ttl = not_connected_ttl
        self._cache: TTLCache[int, tuple[HookSecret, float]] = TTLCache(maxsize=MAX_PROJECTS, ttl=ttl)
        self.loads = 0

    async def _load(self, project_id: int) -> HookSecret:
        self.loads += 1
        row = await self.db.repositories.by_provider_id("gitlab", str(project_id))
        if row is None or row.removed_at is not None or row.webhook_secret_enc is None:
            return NOT_CONNECTED
        if self.cipher is None:
            log.warning("a connected gitlab project's webhook secret cannot be read: no encryption key",
                        extra={"project_id": project_id})
            return HookSecret(True, None, row.full_name)
        try:
            return HookSecret(True, self.cipher.decrypt(row.webhook_secret_enc), row.full_name)
        except DecryptError:
            log.warning("a connected gitlab project's webhook secret cannot be decrypted; connect it again",
                        extra={"project_id": project_id})
            return HookSecret(True, None, row.full_name)

    async def for_delivery(self, project_id: int, token: str | None, global_secret: str | None) -> HookSecret:
        """The entry to verify a delivery of `project_id` against (the caller compares, in constant time)."""
        cached = self._cache.get(project_id)
        now = time.monotonic()
        if cached is not None:
            entry, loaded = cached
            # "not connected" is trusted briefly: a project connected by another process must stop taking the
            # global secret soon; a connected one's secret for the whole TTL.
            current = entry.connected or now - loaded < self.not_connected_ttl
            if current and (_accepts(entry, token, global_secret) or now - loaded < self.reload_every):
                return entry
        fresh = await self._load(project_id)
        self._cache[project_id] = (fresh, now)
        return fresh

    def remember(self, project_id: int, secret: str | None, path: str | None = None) -> None:
        """Connected (with `secret`, at `path`) or disconnected (None) in this process: deliveries use it at once."""
        entry = HookSecret(True, secret, path) if secret is not None else NOT_CONNECTED
        self._cache[project_id] = (entry, time.monotonic())
