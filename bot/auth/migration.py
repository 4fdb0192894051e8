"""The migration from legacy OAuth tokens and PATs to GitHub App user-to-server tokens, one person at a time.

"Migrate a user" means: the person has an active `github_app_user` connection whose token (refreshed if need
be) validates against `GET /user` as the same GitHub account. Then the user is `migrated`, the App connection
is flagged `migrated_from_pat` if it supersedes per-repository PATs (and those repositories point at it), and
the legacy tokens are kept as a fallback until OAUTH_TOKEN_DEPRECATION_DATE. Without an App connection the
user stays `pending` with the reason (they must authorize the App). A refused or mismatched token makes the
user `failed` with the reason; one failure never stops the batch. `rolled_back` users act with their legacy
token again (the resolver skips their App token) and are left out of later batches unless asked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.auth.oauth_common import OAuthError, OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.services import Services
from storage.models import User
from storage.types import utcnow

log = logging.getLogger(__name__)

AUTHORIZE_HINT = "no GitHub App authorization yet: ask the person to sign in at /api/v1/oauth/github/authorize"


@dataclass
class Outcome:
    user_id: str
    login: str | None
    status: str  # migrated | pending | failed | rolled_back | would_migrate
    reason: str | None = None


class MigrationDisabled(Exception):
    """GITHUB_APP_TOKENS_ENABLED is off."""


class TokenMigration:
    """Runs batches, rollbacks and the status report."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.db = services.db

    async def migrate_user(self, user: User, *, dry_run: bool = False) -> Outcome:
        app_rows = await self.db.connections.for_user(
            user.id, provider="github", kinds=["github_app_user"], active_only=True
        )
        if not app_rows:
            if not dry_run:
                await self.db.users.set_migration(user.id, "pending", error=AUTHORIZE_HINT)
            return Outcome(user.id, user.github_login, "pending", AUTHORIZE_HINT)
        if dry_run:
            return Outcome(user.id, user.github_login, "would_migrate", "has an App connection to validate")
        connection = app_rows[0]
        tokens, oauth = self.services.user_tokens, self.services.github_oauth
        if tokens is None or oauth is None:
            raise RuntimeError("OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
        token = await tokens.access_token(connection.id)
        account = await oauth.user(token)
        if user.github_user_id is not None and account.id != user.github_user_id:
            raise OAuthError("account_mismatch", "the App token belongs to another GitHub account")
        superseded = await self.db.connections.mark_migrated_from_pat(connection.id, user.id)
        await self.db.users.set_migration(user.id, "migrated", migrated_at=utcnow())
        reason = f"superseded {superseded} PAT(s)" if superseded else None
        return Outcome(user.id, user.github_login, "migrated", reason)

    async def run(
        self, batch_size: int | None = None, *, dry_run: bool = False, include_rolled_back: bool = False
    ) -> list[Outcome]:
        """Migrate one batch of the least recently tried pending or failed users."""
        if not self.services.settings.github_app_tokens_enabled:
            raise MigrationDisabled("GITHUB_APP_TOKENS_ENABLED is off: App user tokens are not used, nothing to do")
        size = batch_size or self.services.settings.user_migration_batch_size
        statuses = ["pending", "failed"] + (["rolled_back"] if include_rolled_back else [])
        outcomes = []
        for user in await self.db.users.for_migration(statuses, size):
            try:
                outcome = await self.migrate_user(user, dry_run=dry_run)
            except (ReconnectRequired, OAuthError, OAuthUnavailable) as exc:
                outcome = await self._failed(user, str(exc), dry_run)
            except Exception as exc:  # one person's failure never stops the batch
                log.exception("migration of user %s failed unexpectedly", user.id)
                outcome = await self._failed(user, f"unexpected error ({type(exc).__name__})", dry_run)
            log.info("token migration", extra={"user_id": user.id, "outcome": outcome.status})
            outcomes.append(outcome)
        return outcomes

    async def _failed(self, user: User, reason: str, dry_run: bool) -> Outcome:
        if not dry_run:
            await self.db.users.set_migration(user.id, "failed", error=reason[:1000])
        return Outcome(user.id, user.github_login, "failed", reason)

    async def rollback(self, ref: str) -> Outcome:
        user = await self.db.users.find(ref)
        if user is None:
            raise LookupError(f"no user {ref!r} (give an id or a GitHub login)")
        await self.db.users.set_migration(user.id, "rolled_back", error="rolled back by an operator")
        legacy = await self.db.connections.for_user(
            user.id, kinds=["github_oauth", "github_pat"], active_only=True
        )
        note = None if legacy else "this person has no active legacy token: nothing acts for them until re-migrated"
        return Outcome(user.id, user.github_login, "rolled_back", note)

    async def status(self) -> dict[str, dict[str, int]]:
        return {"users": await self.db.users.migration_counts(), "connections": await self.db.connections.kind_counts()}
