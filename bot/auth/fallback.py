"""Which identity acts: for a person, the App user-to-server token, then a legacy OAuth token, then a legacy PAT;
for a repository the App is installed on (no person), the installation token.

Every use is logged and counted with its kind (never its value); a legacy kind logs a deprecation warning that
the API answers repeat, and after OAUTH_TOKEN_DEPRECATION_DATE legacy kinds are refused with a clear message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.auth.installation_tokens import InstallationTokens, TokenProvider
from bot.auth.user_tokens import ConnectionTokenProvider, UserTokens
from bot.settings import Settings
from storage.database import Database
from storage.models import OAuthConnection

log = logging.getLogger(__name__)

PERSON_ORDER = ("github_app_user", "github_oauth", "github_pat")
ROLLED_BACK = "rolled_back"
LEGACY_KINDS = frozenset({"github_oauth", "github_pat", "gitlab_pat"})


class NoIdentity(LookupError):
    """Nobody can act here: the person has no usable token, or the App is not installed on the repository."""


class LegacyTokenRefused(NoIdentity):
    """Only a legacy token is left and legacy tokens are past their deprecation date."""


def deprecation_notice(kind: str, settings: Settings) -> str | None:
    """The warning shown when a legacy kind is used (None for current kinds)."""
    if kind not in LEGACY_KINDS:
        return None
    when = settings.oauth_token_deprecation_date
    until = f" and stops working after {when.isoformat()}" if when else ""
    return (
        f"this action used a legacy {kind} token, which is deprecated{until}; "
        "authorize the DevFlowFix GitHub App at /api/v1/oauth/github/authorize to keep working"
    )


def legacy_refused(settings: Settings, today: dt.date) -> bool:
    date = settings.oauth_token_deprecation_date
    return date is not None and today > date


@dataclass
class Resolved:
    """The chosen identity and the warning to show with the answer, if any."""

    provider: TokenProvider
    kind: str
    connection_id: str | None = None
    deprecation: str | None = None


class CountingProvider:
    """Wraps a provider: logs and counts each token use by kind, warns on legacy kinds."""

    def __init__(self, inner: TokenProvider, counter: Counter[str], notice: str | None, subject: str) -> None:
        self._inner = inner
        self._counter = counter
        self._notice = notice
        self._subject = subject
        self.kind = inner.kind

    async def token(self) -> str:
        token = await self._inner.token()
        self._counter[self.kind] += 1
        if self._notice:
            log.warning("legacy token used: %s", self._notice, extra={"token_kind": self.kind, "for": self._subject})
        else:
            log.info("token used", extra={"token_kind": self.kind, "for": self._subject})
        return token

    async def invalidate(self, token: str) -> None:
        await self._inner.invalidate(token)


class IdentityResolver:
    """Resolves who acts for a person or on a repository."""

    def __init__(
        self, settings: Settings, db: Database, user_tokens: UserTokens | None,
        installation_tokens: InstallationTokens | None, *, today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.user_tokens = user_tokens
        self.installation_tokens = installation_tokens
        self.uses: Counter[str] = Counter()
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())

    async def candidates(self, user_id: str, repository: str | None) -> list[OAuthConnection]:
        """The person's active GitHub connections usable here, best first."""
        user = await self.db.users.get(user_id)
        if user is None:
            return []
        rows = await self.db.connections.for_user(user_id, provider="github", kinds=PERSON_ORDER, active_only=True)
        usable = []
        for row in rows:
            rolled_back = user.token_migration_status == ROLLED_BACK
            if row.kind == "github_app_user" and (not self.settings.github_app_tokens_enabled or rolled_back):
                continue  # the flag is off, or this person was rolled back to the legacy token
            own_repo = repository is not None and row.repository_full_name.lower() == repository.lower()
            if row.kind == "github_pat" and not own_repo:
                continue  # a PAT only ever acts on its own repository
            usable.append(row)
        return sorted(usable, key=lambda r: PERSON_ORDER.index(r.kind))

    async def for_person(self, user_id: str, repository: str | None = None) -> Resolved:
        if self.user_tokens is None:
            raise NoIdentity("no OAUTH_TOKEN_ENCRYPTION_KEY is configured, so no personal token can be used")
        rows = await self.candidates(user_id, repository)
        if not rows:
            raise NoIdentity("this person has no usable GitHub token; ask them to authorize the DevFlowFix App")
        best = rows[0]
        if best.kind in LEGACY_KINDS and legacy_refused(self.settings, self._today()):
            raise LegacyTokenRefused(
                f"legacy {best.kind} tokens are refused since {self.settings.oauth_token_deprecation_date}; "
                "authorize the DevFlowFix GitHub App at /api/v1/oauth/github/authorize to continue"
            )
        notice = deprecation_notice(best.kind, self.settings)
        inner = ConnectionTokenProvider(self.user_tokens, best)
        provider = CountingProvider(inner, self.uses, notice, f"user:{user_id}")
        return Resolved(provider, best.kind, best.id, notice)

    def _legacy(self, row: OAuthConnection, user_id: str) -> Resolved:
        if legacy_refused(self.settings, self._today()):
            raise LegacyTokenRefused(
                f"legacy {row.kind} tokens are refused since {self.settings.oauth_token_deprecation_date}; "
                "install the DevFlowFix GitHub App on the repository instead"
            )
        assert self.user_tokens is not None
        notice = deprecation_notice(row.kind, self.settings)
        inner = ConnectionTokenProvider(self.user_tokens, row)
        provider = CountingProvider(inner, self.uses, notice, f"user:{user_id}")
        return Resolved(provider, row.kind, row.id, notice)

    async def legacy_for_person(self, user_id: str, repository: str) -> Resolved:
        """The person's legacy OAuth token or PAT (for the repository): what can install a repository webhook,
        which an App user token cannot (the App does not ask for `repository_hooks`)."""
        if self.user_tokens is None:
            raise NoIdentity("no OAUTH_TOKEN_ENCRYPTION_KEY is configured, so no personal token can be used")
        rows = [r for r in await self.candidates(user_id, repository) if r.kind in ("github_oauth", "github_pat")]
        if not rows:
            raise NoIdentity(
                "connecting a repository without the App needs your legacy GitHub OAuth token or a PAT with the "
                "admin:repo_hook scope; or install the DevFlowFix GitHub App on it"
            )
        return self._legacy(rows[0], user_id)

    async def for_connection(self, connection_id: str) -> Resolved:
        """The identity of one stored legacy connection (the person who connected a repository by webhook)."""
        if self.user_tokens is None:
            raise NoIdentity("no OAUTH_TOKEN_ENCRYPTION_KEY is configured, so no personal token can be used")
        row = await self.db.connections.get(connection_id)
        if row is None or not row.is_active or row.kind not in ("github_oauth", "github_pat"):
            raise NoIdentity("the connection that connected this repository is gone or inactive; connect it again")
        return self._legacy(row, row.user_id)

    async def for_repository(self, repository: str) -> Resolved:
        if self.installation_tokens is None:
            raise NoIdentity("the GitHub App is not configured (APP_ID and PRIVATE_KEY)")
        repo = await self.db.installations.repository(repository)
        if repo is None or repo.installation_id is None or repo.removed_at is not None:
            raise NoIdentity(f"the DevFlowFix App is not installed on {repository}")
        inner = self.installation_tokens.provider(repo.installation_id)
        return Resolved(CountingProvider(inner, self.uses, None, f"repo:{repository}"), "installation")

    async def identity_for(self, user_id: str | None, repository: str | None = None) -> Resolved:
        """A person's identity when `user_id` is given, else the installation of `repository`."""
        if user_id is not None:
            return await self.for_person(user_id, repository)
        if repository is None:
            raise NoIdentity("name a person or a repository")
        return await self.for_repository(repository)
