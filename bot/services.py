"""The long-lived parts one process shares: settings, storage, the HTTP session, the identity services (and the
analysis worker processes, sized here and stopped at close)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp

from bot.auth.app_jwt import AppJWT
from bot.auth.crypto import TokenCipher
from bot.auth.fallback import IdentityResolver, Resolved
from bot.auth.installation_tokens import InstallationTokens
from bot.auth.oauth_github import GitHubOAuth
from bot.auth.oauth_gitlab import GitLabOAuth
from bot.auth.user_tokens import ConnectionTokenProvider, ReconnectRequired, UserTokens
from bot.forges.github_client import USER_AGENT, GitHubClient
from bot.forges.github_hooks import RepoHookSecrets
from bot.forges.gitlab_client import GitLabClient, StaticToken
from bot.forges.gitlab_hooks import HookSecrets
from bot.forges.http import RetryPolicy
from bot.incidents import job_logs
from bot.settings import Settings
from storage.database import Database

log = logging.getLogger(__name__)


class NotConfigured(Exception):
    """The work needs a setting that is not there (e.g. no GitHub App configured yet)."""


@dataclass
class Services:
    """Built once at startup and closed at shutdown; handlers reach it through their context."""

    settings: Settings
    db: Database
    http: aiohttp.ClientSession
    app_jwt: AppJWT | None = None
    installation_tokens: InstallationTokens | None = None
    cipher: TokenCipher | None = None
    github_oauth: GitHubOAuth | None = None
    gitlab_oauth: GitLabOAuth | None = None
    user_tokens: UserTokens | None = None
    identities: IdentityResolver | None = None
    gitlab_hooks: HookSecrets | None = None
    policy: RetryPolicy | None = None  # how the forge clients retry and wait (FORGE_* settings)
    repo_hooks: RepoHookSecrets | None = None

    @classmethod
    async def create(cls, settings: Settings, db: Database | None = None) -> Services:
        db = db or Database.connect(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=120, connect=15), headers={"User-Agent": USER_AGENT}
        )
        services = cls(settings=settings, db=db, http=http, policy=RetryPolicy.from_settings(settings))
        job_logs.configure(settings.analysis_workers, timeout=settings.analysis_timeout)
        if settings.app_configured:
            assert settings.private_key is not None and settings.app_id is not None
            services.app_jwt = AppJWT(settings.app_id, settings.private_key.get_secret_value())
            services.installation_tokens = InstallationTokens(
                http, services.app_jwt, settings.github_api_base, policy=services.policy
            )
        services.setup_identities()
        return services

    def setup_identities(self) -> None:
        """The user-token side: encryption, the OAuth clients, the refresher and the fallback resolver."""
        self.cipher = TokenCipher.from_settings(self.settings)
        self.github_oauth = GitHubOAuth(self.http, self.settings)
        self.gitlab_oauth = GitLabOAuth(self.http, self.settings)
        if self.cipher is not None:
            providers = {"github": self.github_oauth, "gitlab": self.gitlab_oauth}
            self.user_tokens = UserTokens(self.db, self.cipher, providers)
        self.identities = IdentityResolver(self.settings, self.db, self.user_tokens, self.installation_tokens)
        self.gitlab_hooks = HookSecrets(self.db, self.cipher)
        self.repo_hooks = RepoHookSecrets(self.db, self.cipher)

    async def identity_for(self, user_id: str | None, repository: str | None = None) -> Resolved:
        """Who acts: a person (App user token, then legacy OAuth, then PAT), or the repository's installation."""
        assert self.identities is not None
        return await self.identities.identity_for(user_id, repository)

    async def user_client(self, user_id: str | None, repo: str | None = None) -> GitHubClient:
        """A GitHub client acting for the person `user_id` (or, without one, the installation on `repo`)."""
        return self.github_client(await self.identity_for(user_id, repo))

    def github_client(self, resolved: Resolved) -> GitHubClient:
        """A GitHub client acting as an identity already resolved (a web request's person), with the configured
        retry policy like every worker's client."""
        return GitHubClient(self.http, resolved.provider, self.settings.github_api_base, policy=self.policy)

    def installation_client(self, installation_id: int) -> GitHubClient:
        """A GitHub client acting as the App's installation `installation_id`."""
        if self.installation_tokens is None:
            raise NotConfigured("the GitHub App is not configured (APP_ID and PRIVATE_KEY); see README")
        provider = self.installation_tokens.provider(installation_id)
        return GitHubClient(self.http, provider, self.settings.github_api_base, policy=self.policy)

    def gitlab_client(self) -> GitLabClient | None:
        """A GitLab client acting as the bot account (`GITLAB_TOKEN`); None when no token is configured."""
        if self.settings.gitlab_token is None or not self.settings.gitlab_token.get_secret_value():
            return None
        provider = StaticToken(self.settings.gitlab_token.get_secret_value())
        return GitLabClient(self.http, provider, self.settings.gitlab_base, policy=self.policy)

    def gitlab_user_client(self, provider: ConnectionTokenProvider) -> GitLabClient:
        """A GitLab client acting as a person (their `gitlab_oauth` connection, refreshed as needed)."""
        return GitLabClient(self.http, provider, self.settings.gitlab_base, policy=self.policy)

    async def gitlab_project_client(self, project_id: int) -> GitLabClient | None:
        """Who acts on a GitLab project: `GITLAB_TOKEN` if set, else the person who connected the project (their
        OAuth token, refreshed as needed); None when neither. Raises ReconnectRequired if that person's connection
        is dead."""
        client = self.gitlab_client()
        if client is not None:
            return client
        row = await self.db.repositories.by_provider_id("gitlab", str(project_id))
        if row is None or row.removed_at is not None or self.user_tokens is None:
            return None
        if row.oauth_connection_id is None:  # the person deleted the connection that connected the project
            raise ReconnectRequired("-", "the connection that connected the project no longer exists")
        connection = await self.db.connections.get(row.oauth_connection_id)
        if connection is None or not connection.is_active:
            reason = connection.deactivated_reason if connection else "the connection no longer exists"
            raise ReconnectRequired(row.oauth_connection_id, reason or "the connection is inactive")
        return self.gitlab_user_client(ConnectionTokenProvider(self.user_tokens, connection))

    async def close(self) -> None:
        job_logs.shutdown()
        await self.http.close()
        await self.db.close()
