"""A fake GitLab (OAuth 2 provider and `GET /api/v4/user`) served by aiohttp on loopback, with GitLab's shapes:

`POST /oauth/token` (grant_type authorization_code / refresh_token) answers 200 with `access_token`,
`token_type` "Bearer", `expires_in` 7200, `refresh_token`, `scope`, `created_at`; errors are 400
`{"error": "invalid_grant", ...}` and 401 `{"error": "invalid_client", ...}`. Refresh tokens rotate, codes are
single-use, the redirect_uri must be the authorization's, PKCE S256 is checked.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.github_oauth import s256

GITLAB_CLIENT_ID = "gitlab-app-id-0000"
GITLAB_CLIENT_SECRET = "gitlab-app-secret-0000"
ACCESS_LIFETIME = 7200
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in "
    "the authorization request, or was issued to another client."
)


@dataclass
class GLGrant:
    user_id: int
    expires_at: float
    redirect_uri: str = ""
    challenge: str | None = None
    used: bool = False


@dataclass
class FakeGitLab:
    now: Any = time.time
    client_id: str = GITLAB_CLIENT_ID
    client_secret: str = GITLAB_CLIENT_SECRET
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    approve_as: int | None = None
    codes: dict[str, GLGrant] = field(default_factory=dict)
    refresh_tokens: dict[str, GLGrant] = field(default_factory=dict)
    access_tokens: dict[str, GLGrant] = field(default_factory=dict)
    token_calls: list[dict[str, str]] = field(default_factory=list)
    server: TestServer | None = None

    def __post_init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/oauth/authorize", self.authorize)
        self.app.router.add_post("/oauth/token", self.token)
        self.app.router.add_get("/api/v4/user", self.user)

    async def start(self) -> str:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        return self.url

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def add_user(self, username: str, user_id: int) -> None:
        self.users[user_id] = {"id": user_id, "username": username, "name": username.title(), "state": "active",
                               "web_url": f"https://gitlab.example/{username}"}

    def _grant(self, user_id: int, redirect_uri: str) -> dict[str, Any]:
        access = secrets.token_hex(32)
        refresh = secrets.token_hex(32)
        self.access_tokens[access] = GLGrant(user_id, self.now() + ACCESS_LIFETIME)
        self.refresh_tokens[refresh] = GLGrant(user_id, self.now() + 10 * 365 * 86400, redirect_uri=redirect_uri)
        return {"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_LIFETIME,
                "refresh_token": refresh, "scope": "api read_user", "created_at": int(self.now())}

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return web.json_response({"error": "invalid_request"}, status=400)
        if self.approve_as is None:
            return web.Response(text="<html>Sign in</html>", content_type="text/html")
        code = secrets.token_hex(32)
        self.codes[code] = GLGrant(self.approve_as, self.now() + 600, redirect_uri=q.get("redirect_uri", ""),
                                   challenge=q.get("code_challenge"))
        raise web.HTTPFound(f"{q.get('redirect_uri')}?{urlencode({'code': code, 'state': q.get('state', '')})}")

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_calls.append({k: v for k, v in form.items() if k in ("grant_type", "redirect_uri")})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return web.json_response({
                "error": "invalid_client", "error_description": "Client authentication failed due to unknown "
                "client, no client authentication included, or unsupported authentication method."}, status=401)
        invalid = web.json_response({"error": "invalid_grant", "error_description": INVALID_GRANT}, status=400)
        if form.get("grant_type") == "refresh_token":
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None or grant.used:
                return invalid
            if form.get("redirect_uri") and form["redirect_uri"] != grant.redirect_uri:
                return invalid
            grant.used = True
            return web.json_response(self._grant(grant.user_id, grant.redirect_uri))
        if form.get("grant_type") != "authorization_code":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        grant = self.codes.get(form.get("code", ""))
        if grant is None or grant.used or grant.expires_at <= self.now():
            return invalid
        grant.used = True
        if form.get("redirect_uri") != grant.redirect_uri:
            return invalid
        if grant.challenge is not None and s256(form.get("code_verifier", "")) != grant.challenge:
            return invalid
        return web.json_response(self._grant(grant.user_id, grant.redirect_uri))

    async def user(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        grant = self.access_tokens.get(auth[7:] if auth.startswith("Bearer ") else "")
        if grant is None or grant.expires_at <= self.now():
            return web.json_response({"message": "401 Unauthorized"}, status=401)
        return web.json_response(self.users[grant.user_id])
