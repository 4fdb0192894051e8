"""The fake GitHub's identity endpoints: the web application flow with PKCE, user-token refresh with rotation,
`GET /user`, and the App manifest conversion. Shapes and quirks follow the real ones:

- `POST /login/oauth/access_token` answers 200 even on errors (`bad_verification_code`, `bad_refresh_token`,
  `incorrect_client_credentials`, `redirect_uri_mismatch`), JSON when asked with `Accept: application/json`,
  form-encoded otherwise; a grant carries `expires_in` 28800, `refresh_token_expires_in` 15897600,
  `token_type` "bearer" and `scope` "".
- Codes are single-use and expire after 10 minutes; refresh tokens work once (rotation).
- A `code_verifier` must match the S256 `code_challenge` sent to `/login/oauth/authorize`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

CLIENT_ID = "Iv1.fakeclient0000"
CLIENT_SECRET = "fake-client-secret-0000"
USER_TOKEN_LIFETIME = 28800
REFRESH_LIFETIME = 15897600
CODE_LIFETIME = 600


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class Grant:
    user_id: int
    expires_at: float
    used: bool = False
    redirect_uri: str = ""
    challenge: str | None = None


@dataclass
class FakeGitHubIdentity:
    """The state of the fake's OAuth side; reach it as `fake_github.oauth`."""

    fake: FakeGitHub
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    approve_as: int | None = None  # the person "clicking Authorize" on the fake's page
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    manifest_codes: set[str] = field(default_factory=set)
    refresh_calls: int = 0
    # user id -> repository full name -> the person's role there ("admin", "maintain", "push", "triage", "pull")
    repo_roles: dict[int, dict[str, str]] = field(default_factory=dict)

    def grant_repo(self, user_id: int, full_name: str, role: str = "admin") -> None:
        """The person can access `full_name` with `role` (what `/user/installations/{id}/repositories` shows)."""
        self.repo_roles.setdefault(user_id, {})[full_name] = role

    def add_user(self, login: str, user_id: int) -> dict[str, Any]:
        user = {"login": login, "id": user_id, "node_id": f"U_{user_id}", "type": "User", "site_admin": False,
                "name": login.title(), "email": None, "html_url": f"https://github.com/{login}"}
        self.users[user_id] = user
        return user

    def legacy_token(self, kind: str, user_id: int) -> str:
        """A classic OAuth App token (kind "oauth") or a PAT (kind "pat") for the user, as GitHub would issue."""
        return self.fake.issue_token(kind, user_id, lifetime=10 * 365 * 86400).token

    def grant(self, user_id: int) -> dict[str, Any]:
        token = self.fake.issue_token("user", user_id, lifetime=USER_TOKEN_LIFETIME)
        refresh = "ghr_" + secrets.token_urlsafe(60)
        self.refresh_tokens[refresh] = Grant(user_id, self.fake.now() + REFRESH_LIFETIME)
        return {"access_token": token.token, "expires_in": USER_TOKEN_LIFETIME, "refresh_token": refresh,
                "refresh_token_expires_in": REFRESH_LIFETIME, "token_type": "bearer", "scope": ""}

    def revoke_refresh_tokens(self) -> None:
        for grant in self.refresh_tokens.values():
            grant.used = True


def add_identity_routes(fake: FakeGitHub) -> None:
    """Called from FakeGitHub.__post_init__, before the server starts (aiohttp freezes the router)."""
    fake.oauth = FakeGitHubIdentity(fake)  # type: ignore[attr-defined]
    fake.router.add_get("/login/oauth/authorize", functools.partial(authorize, fake))
    fake.router.add_post("/login/oauth/access_token", functools.partial(access_token, fake))
    fake.router.add_get("/user", functools.partial(get_user, fake))
    fake.router.add_delete("/applications/{client_id}/token", functools.partial(delete_app_token, fake))
    fake.router.add_get("/user/installations", functools.partial(user_installations, fake))
    fake.router.add_get(
        "/user/installations/{installation_id}/repositories", functools.partial(user_installation_repos, fake)
    )
    fake.router.add_post("/app-manifests/{code}/conversions", functools.partial(manifest_conversion, fake))


async def authorize(fake: FakeGitHub, request: web.Request) -> web.StreamResponse:
    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    q = request.query
    if q.get("client_id") != oauth.client_id:
        return web.Response(status=404, text="Not Found")
    challenge = q.get("code_challenge")
    if challenge and q.get("code_challenge_method") != "S256":
        return web.Response(status=400, text="code_challenge_method must be S256")
    if oauth.approve_as is None:
        return web.Response(text="<html>Sign in to GitHub</html>", content_type="text/html")
    code = secrets.token_hex(10)
    oauth.codes[code] = Grant(oauth.approve_as, fake.now() + CODE_LIFETIME, redirect_uri=q.get("redirect_uri", ""),
                              challenge=challenge)
    params = {"code": code}
    if "state" in q:
        params["state"] = q["state"]
    raise web.HTTPFound(f"{q.get('redirect_uri')}?{urlencode(params)}")


def _answer(request: web.Request, data: dict[str, Any]) -> web.Response:
    if "application/json" in request.headers.get("Accept", ""):
        return web.json_response(data)  # 200, even for errors: that is how GitHub answers
    return web.Response(text=urlencode(data), content_type="application/x-www-form-urlencoded")


def _error(request: web.Request, error: str, description: str) -> web.Response:
    return _answer(request, {"error": error, "error_description": description,
                             "error_uri": "https://docs.github.com/apps/troubleshooting"})


async def access_token(fake: FakeGitHub, request: web.Request) -> web.Response:
    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    form: dict[str, Any] = dict(await request.post()) if request.content_type != "application/json" \
        else await request.json()
    if form.get("client_id") != oauth.client_id or form.get("client_secret") != oauth.client_secret:
        return _error(request, "incorrect_client_credentials",
                      "The client_id and/or client_secret passed are incorrect.")
    if form.get("grant_type") == "refresh_token":
        oauth.refresh_calls += 1
        grant = oauth.refresh_tokens.get(str(form.get("refresh_token")))
        if grant is None or grant.used or grant.expires_at <= fake.now():
            return _error(request, "bad_refresh_token", "The refresh token passed is incorrect or expired.")
        grant.used = True  # rotation: a refresh token works once
        return _answer(request, oauth.grant(grant.user_id))
    code = str(form.get("code") or "")
    grant = oauth.codes.get(code)
    if grant is None or grant.used or grant.expires_at <= fake.now():
        return _error(request, "bad_verification_code", "The code passed is incorrect or expired.")
    if form.get("redirect_uri") and form["redirect_uri"] != grant.redirect_uri:
        return _error(request, "redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL.")
    if grant.challenge is not None and s256(str(form.get("code_verifier") or "")) != grant.challenge:
        grant.used = True
        return _error(request, "bad_verification_code", "The code_verifier does not match the code_challenge.")
    grant.used = True
    return _answer(request, oauth.grant(grant.user_id))


async def get_user(fake: FakeGitHub, request: web.Request) -> web.Response:
    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    token = fake.check_token(request)
    if isinstance(token, web.Response):
        return token
    if token.kind == "installation":
        return fake.error(403, "Resource not accessible by integration")
    user = oauth.users.get(int(token.subject))
    if user is None:
        return fake.error(404, "Not Found")
    headers = {}
    if token.kind in ("oauth", "pat"):
        headers["X-OAuth-Scopes"] = getattr(fake, "token_scopes", {}).get(token.token, "repo, read:user")
    if token.kind == "pat":
        headers["GitHub-Authentication-Token-Expiration"] = "2030-01-01 00:00:00 UTC"
    return web.json_response(user, headers=headers)


async def manifest_conversion(fake: FakeGitHub, request: web.Request) -> web.Response:
    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    code = request.match_info["code"]
    if code not in oauth.manifest_codes:
        return fake.error(404, "Not Found")
    oauth.manifest_codes.discard(code)  # a manifest code works once, within an hour
    from tests.fakes.github import app_key

    pem, _ = app_key()
    return web.json_response({
        "id": 98765, "slug": "devflowfix-test", "node_id": "A_1", "name": "DevFlowFix test",
        "owner": {"login": "octocat", "id": 1}, "html_url": "https://github.com/apps/devflowfix-test",
        "client_id": "Iv1.manifestclient", "client_secret": "manifest-client-secret",
        "webhook_secret": "manifest-webhook-secret", "pem": pem,
    }, status=201)


ROLES = ("pull", "triage", "push", "maintain", "admin")


def permissions_of(role: str) -> dict[str, bool]:
    """GitHub's `permissions` object of a repository for a person with `role`."""
    rank = ROLES.index(role)
    return {name: rank >= i for i, name in enumerate(ROLES)}


def _user_repos(fake: FakeGitHub, user_id: int) -> dict[int, list[dict[str, Any]]]:
    """installation id -> the repositories of that installation the person can access, with their permissions."""
    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    roles = oauth.repo_roles.get(user_id, {})
    found: dict[int, list[dict[str, Any]]] = {}
    for installation_id, installation in sorted(fake.installations.items()):
        repos = [
            {**repo, "permissions": permissions_of(roles[repo["full_name"]])}
            for repo in installation["repositories"] if repo["full_name"] in roles
        ]
        if repos:
            found[installation_id] = repos
    return found


def _user_token(fake: FakeGitHub, request: web.Request) -> Any:
    token = fake.check_token(request)
    if isinstance(token, web.Response):
        return token
    if token.kind != "user":  # an installation token, a classic OAuth token or a PAT
        return fake.error(403, "You must authenticate with an access token authorized to a GitHub App in order to "
                               "list installations")
    return token


async def user_installations(fake: FakeGitHub, request: web.Request) -> web.Response:
    """`GET /user/installations`: the App's installations the person can reach through some repository."""
    token = _user_token(fake, request)
    if isinstance(token, web.Response):
        return token
    from tests.fakes.github import paginate

    installations = [
        {"id": iid, "account": fake.installations[iid]["account"], "app_id": fake.app_id, "app_slug": "devflowfix",
         "target_type": "Organization", "repository_selection": "selected",
         "permissions": fake.installations[iid].get("permissions", {"metadata": "read"}),
         "events": fake.installations[iid].get("events", []), "suspended_at": None}
        for iid in _user_repos(fake, int(token.subject))
    ]
    chunk, headers = paginate(request, installations)
    return web.json_response({"total_count": len(installations), "installations": chunk}, headers=headers)


async def user_installation_repos(fake: FakeGitHub, request: web.Request) -> web.Response:
    """`GET /user/installations/{id}/repositories`: that installation's repositories the person can access."""
    token = _user_token(fake, request)
    if isinstance(token, web.Response):
        return token
    from tests.fakes.github import paginate

    try:
        installation_id = int(request.match_info["installation_id"])
    except ValueError:
        return fake.error(404, "Not Found")
    repos = _user_repos(fake, int(token.subject)).get(installation_id)
    if repos is None:
        return fake.error(404, "Not Found")
    chunk, headers = paginate(request, repos)
    return web.json_response(
        {"total_count": len(repos), "repository_selection": "selected", "repositories": chunk}, headers=headers
    )


async def delete_app_token(fake: FakeGitHub, request: web.Request) -> web.Response:
    """`DELETE /applications/{client_id}/token`: basic auth with the App's OAuth credentials; 204, or 404 for
    a token this client didn't issue, 422 without one."""
    import base64

    oauth: FakeGitHubIdentity = fake.oauth  # type: ignore[attr-defined]
    auth = request.headers.get("Authorization", "")
    expected = "Basic " + base64.b64encode(f"{oauth.client_id}:{oauth.client_secret}".encode()).decode()
    if request.match_info["client_id"] != oauth.client_id or auth != expected:
        return fake.error(404, "Not Found")
    try:
        body = await request.json()
    except ValueError:
        return fake.error(422, "Validation Failed")
    token = fake.tokens.get(str(body.get("access_token") or ""))
    if token is None or token.kind != "user":
        return fake.error(404, "Not Found")
    token.revoked = True
    return web.Response(status=204)
