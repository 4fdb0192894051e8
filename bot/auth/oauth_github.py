"""GitHub's web application flow for the App's user-to-server tokens (PKCE S256), refresh, and `GET /user`.

GitHub answers the token endpoint with 200 even on errors (`{"error": "bad_verification_code"}`), so the
body decides, not the status. Works against GitHub Enterprise through GHE_HOST / GITHUB_URL.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson

from bot.auth.oauth_common import OAuthError, OAuthUnavailable, ProviderUser, TokenSet, post_token_form
from bot.settings import Settings


class GitHubOAuth:
    """The GitHub App's OAuth client (GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET)."""

    name = "github"
    connection_kind = "github_app_user"

    def __init__(self, session: aiohttp.ClientSession, settings: Settings) -> None:
        self._http = session
        self._client_id = settings.github_client_id
        self._secret = settings.github_client_secret
        self.web_base = settings.github_web_base
        self.api_base = settings.github_api_base

    @property
    def configured(self) -> bool:
        return bool(self._client_id and self._secret)

    def authorize_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        query = {
            "client_id": self._client_id or "", "redirect_uri": redirect_uri, "state": state,
            "code_challenge": code_challenge, "code_challenge_method": "S256", "allow_signup": "true",
        }
        return f"{self.web_base}/login/oauth/authorize?{urlencode(query)}"

    async def exchange(self, *, code: str, code_verifier: str, redirect_uri: str) -> TokenSet:
        return TokenSet.from_answer(await self._token_call(
            {"code": code, "code_verifier": code_verifier, "redirect_uri": redirect_uri}
        ))

    async def refresh(self, refresh_token: str, *, redirect_uri: str | None = None) -> TokenSet:
        return TokenSet.from_answer(await self._token_call(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}
        ))

    async def _token_call(self, form: dict[str, str]) -> dict[str, Any]:
        if not self.configured:
            raise OAuthError("not_configured", "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set")
        assert self._secret is not None and self._client_id is not None
        data = {"client_id": self._client_id, "client_secret": self._secret.get_secret_value(), **form}
        status, answer = await post_token_form(self._http, f"{self.web_base}/login/oauth/access_token", data, "GitHub")
        if "error" in answer:
            raise OAuthError(str(answer["error"])[:100], str(answer.get("error_description") or "")[:300])
        if status != 200:
            raise OAuthError("http_error", f"HTTP {status}")
        return answer

    async def revoke(self, access_token: str) -> bool:
        """Revoke a token this App issued (`DELETE /applications/{client_id}/token`, basic auth with the App's
        OAuth credentials). True when GitHub revoked it or no longer knew it (404)."""
        if not self.configured:
            return False
        assert self._client_id is not None and self._secret is not None
        credentials = base64.b64encode(f"{self._client_id}:{self._secret.get_secret_value()}".encode()).decode()
        try:
            async with self._http.delete(
                f"{self.api_base}/applications/{self._client_id}/token", json={"access_token": access_token},
                headers={"Authorization": f"Basic {credentials}", "Accept": "application/vnd.github+json",
                         "X-GitHub-Api-Version": "2022-11-28"},
            ) as resp:
                return resp.status in (204, 404)
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def user(self, access_token: str) -> ProviderUser:
        headers = {
            "Authorization": f"Bearer {access_token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        try:
            async with self._http.get(f"{self.api_base}/user", headers=headers) as resp:
                body = await resp.read()
                status = resp.status
                scopes = resp.headers.get("X-OAuth-Scopes")
                expiry = resp.headers.get("GitHub-Authentication-Token-Expiration")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OAuthUnavailable(f"GitHub is unreachable ({type(exc).__name__})") from None
        if status == 401:
            raise OAuthError("bad_credentials", "GitHub refused the token (401)")
        if status != 200:
            raise OAuthUnavailable(f"GitHub answered HTTP {status} on /user")
        data = orjson.loads(body)
        return ProviderUser(
            id=int(data["id"]), login=str(data["login"]), name=data.get("name"), email=data.get("email"),
            scopes=[s.strip() for s in scopes.split(",") if s.strip()] if scopes is not None else None,
            token_expires_at=expiry,
        )
