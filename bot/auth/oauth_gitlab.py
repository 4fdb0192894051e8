"""GitLab's OAuth 2 authorization code flow with PKCE, refresh (rotating), and `GET /api/v4/user`.

Self-managed GitLab through GITLAB_URL. Access tokens live two hours; each refresh returns a new refresh token
and the redirect_uri sent must stay identical to the one of the authorization.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson

from bot.auth.oauth_common import OAuthError, OAuthUnavailable, ProviderUser, TokenSet, post_token_form
from bot.settings import Settings


class GitLabOAuth:
    """The GitLab application's OAuth client (GITLAB_CLIENT_ID / GITLAB_CLIENT_SECRET)."""

    name = "gitlab"
    connection_kind = "gitlab_oauth"

    def __init__(self, session: aiohttp.ClientSession, settings: Settings) -> None:
        self._http = session
        self._client_id = settings.gitlab_client_id
        self._secret = settings.gitlab_client_secret
        self._scopes = settings.gitlab_oauth_scopes
        self._settings = settings
        self.base = settings.gitlab_base

    @property
    def default_redirect_uri(self) -> str | None:
        """The callback under PUBLIC_URL: sent again on every refresh, identical to the authorization's."""
        public = self._settings.public_url
        return f"{public.rstrip('/')}/api/v1/oauth/gitlab/callback" if public else None

    @property
    def configured(self) -> bool:
        return bool(self._client_id and self._secret)

    def authorize_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        query = {
            "client_id": self._client_id or "", "redirect_uri": redirect_uri, "response_type": "code",
            "state": state, "scope": self._scopes, "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.base}/oauth/authorize?{urlencode(query)}"

    async def exchange(self, *, code: str, code_verifier: str, redirect_uri: str) -> TokenSet:
        return TokenSet.from_answer(await self._token_call({
            "grant_type": "authorization_code", "code": code, "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
        }))

    async def refresh(self, refresh_token: str, *, redirect_uri: str | None = None) -> TokenSet:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        redirect_uri = redirect_uri or self.default_redirect_uri
        if redirect_uri:
            form["redirect_uri"] = redirect_uri
        return TokenSet.from_answer(await self._token_call(form))

    async def _token_call(self, form: dict[str, str]) -> dict[str, Any]:
        if not self.configured:
            raise OAuthError("not_configured", "GITLAB_CLIENT_ID and GITLAB_CLIENT_SECRET are not set")
        assert self._secret is not None and self._client_id is not None
        data = {"client_id": self._client_id, "client_secret": self._secret.get_secret_value(), **form}
        status, answer = await post_token_form(self._http, f"{self.base}/oauth/token", data, "GitLab")
        if status != 200 or "error" in answer:
            raise OAuthError(str(answer.get("error") or f"http_{status}")[:100],
                             str(answer.get("error_description") or "")[:300])
        return answer

    async def revoke(self, access_token: str) -> bool:
        """Revoke a token (`POST /oauth/revoke`, RFC 7009: 200 whether or not GitLab still knew it)."""
        if not self.configured:
            return False
        assert self._client_id is not None and self._secret is not None
        form = {"token": access_token, "client_id": self._client_id, "client_secret": self._secret.get_secret_value()}
        try:
            async with self._http.post(f"{self.base}/oauth/revoke", data=form) as resp:
                return resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def user(self, access_token: str) -> ProviderUser:
        try:
            async with self._http.get(
                f"{self.base}/api/v4/user", headers={"Authorization": f"Bearer {access_token}"}
            ) as resp:
                body = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OAuthUnavailable(f"GitLab is unreachable ({type(exc).__name__})") from None
        if status == 401:
            raise OAuthError("invalid_token", "GitLab refused the token (401)")
        if status != 200:
            raise OAuthUnavailable(f"GitLab answered HTTP {status} on /api/v4/user")
        data = orjson.loads(body)
        return ProviderUser(id=int(data["id"]), login=str(data["username"]), name=data.get("name"),
                            email=data.get("email"))
