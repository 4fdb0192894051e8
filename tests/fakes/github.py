"""A fake GitHub REST API served by aiohttp on loopback, with the real API's shapes, status codes and quirks.

It checks what GitHub checks (the App JWT's signature and claims, bearer tokens it issued), answers with the
real status codes (201 on creation, 401, 404, 422), sends rate-limit headers, and records every request so a
test can assert on what the bot sent. Feature modules add their routes with `fake.router` before start.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes import github_commands, github_hooks, github_repos
from tests.fakes.github_oauth import add_identity_routes

APP_ID = 4242


def generate_private_key() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, key.public_key()


_KEY_CACHE: list[tuple[str, rsa.RSAPublicKey]] = []


def app_key() -> tuple[str, rsa.RSAPublicKey]:
    """One RSA key pair for the whole test session (generating one takes a while)."""
    if not _KEY_CACHE:
        _KEY_CACHE.append(generate_private_key())
    return _KEY_CACHE[0]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body) if self.body else None


@dataclass
class IssuedToken:
    token: str
    kind: str  # installation | user
    subject: int | str
    expires_at: float
    revoked: bool = False


@dataclass
class Faults:
    """The fault-injection switch of the fake, seeded so a run is repeatable: each API call (not the log blobs)
    may be answered as a sick GitHub answers. Set the fields, or call `FakeGitHub.refuse_connections`."""

    seed: int = 12
    error_rate: float = 0.0  # this fraction of calls answered `error_status` (a proxy's 502 by default)
    error_status: int = 502
    secondary_rate: float = 0.0  # this fraction answered 403 "secondary rate limit" with `Retry-After`
    retry_after: int = 1
    primary_until: float = 0.0  # until this epoch, the primary limit is spent: 403, remaining 0, reset then
    drop_after: set[tuple[str, str]] = field(default_factory=set)  # (method, path): do it, then drop the connection
    drop_times: int = 1  # how many such drops before serving normally
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


@dataclass
class FakeGitHub:
    """State and routes of the fake; `start()` serves it, `url` is its base."""

    public_key: rsa.RSAPublicKey
    app_id: int = APP_ID
    now: Any = time.time  # tests may replace the clock
    requests: list[Recorded] = field(default_factory=list)
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    installations: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (method, path) -> what to answer: a status (403 = the rate-limit kind), or (status, message) for a plain one
    # or {"status": ..., "message": ..., "headers": {...}} for an answer with headers (a Retry-After)
    failures: dict[tuple[str, str], list[int | tuple[int, str] | dict[str, Any]]] = field(default_factory=dict)
    # a path fragment -> seconds every request whose path holds it waits before it is served (a slow GitHub)
    delays: dict[str, float] = field(default_factory=dict)
    token_lifetime: int = 3600
    rate_limit_remaining: int = 4999
    ids: Any = field(default_factory=lambda: itertools.count(1000))
    server: TestServer | None = None
    faults: Faults = field(default_factory=Faults)
    refused: int = 0  # connections a test's refusal window turned away (counted by the client's failures)

    def __post_init__(self) -> None:
        self.app = web.Application(middlewares=[self._middleware])
        self.router = self.app.router
        self.router.add_post("/app/installations/{installation_id}/access_tokens", self.create_installation_token)
        self.router.add_get("/app", self.get_app)
        self.router.add_get("/rate_limit", self.get_rate_limit)
        self.router.add_get("/installation/repositories", self.list_installation_repositories)
        add_identity_routes(self)  # OAuth web flow, refresh, /user, manifest conversion (tests/fakes/github_oauth.py)
        github_repos.install(self)  # repositories: Actions, contents, Git Data, pulls, comments, check runs
        github_commands.install(self)  # a commit's runs, reactions, people's comments, label removal
        github_hooks.install(self)  # a repository as a person sees it; repository webhooks, really delivered

    # ---- life cycle
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

    # ---- helpers for tests
    def add_installation(
        self, installation_id: int, account: str = "octo-org", repos: list[str] = (), *, first_repo_id: int = 5000
    ) -> None:
        self.installations[installation_id] = {
            "id": installation_id, "account": {"login": account, "id": 1},
            "repositories": [
                {"id": first_repo_id + i, "name": name.split("/")[-1], "full_name": name, "private": False}
                for i, name in enumerate(repos)
            ],
        }

    def fail_next(self, method: str, path: str, *statuses: int | tuple[int, str] | dict[str, Any]) -> None:
        """Answer the next calls to (method, path) with these statuses, one each, before serving it normally.
        A bare 403 is GitHub's rate-limit answer; `(403, "Resource not accessible by integration")` a plain one."""
        self.failures.setdefault((method.upper(), path), []).extend(statuses)

    async def refuse_connections(self, seconds: float) -> None:
        """Stop listening (new connections are refused, the open ones closed) for `seconds`, then listen again on
        the same port: what a restarting GitHub front end looks like to a client."""
        assert self.server is not None and self.server.runner is not None
        runner = self.server.runner
        port = self.server.port
        for site in list(runner.sites):
            await site.stop()
        server = runner.server
        for handler in list(getattr(server, "connections", []) if server else []):
            handler.force_close()
            if handler.transport is not None:
                handler.transport.close()
        await asyncio.sleep(seconds)
        site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
        await site.start()

    def calls(self, method: str | None = None, path_prefix: str = "") -> list[Recorded]:
        return [
            r for r in self.requests
            if (method is None or r.method == method.upper()) and r.path.startswith(path_prefix)
        ]

    def issue_token(self, kind: str, subject: int | str, lifetime: int | None = None) -> IssuedToken:
        # Real tokens' length and prefix are not promised; make these long and oddly shaped on purpose.
        prefix = "ghs_" if kind == "installation" else "ghu_"
        token = IssuedToken(
            prefix + secrets.token_urlsafe(48), kind, subject, self.now() + (lifetime or self.token_lifetime)
        )
        self.tokens[token.token] = token
        return token

    def revoke_all(self, kind: str | None = None) -> None:
        for token in self.tokens.values():
            if kind is None or token.kind == kind:
                token.revoked = True

    # ---- auth checks
    def error(self, status: int, message: str, **headers: str) -> web.Response:
        return web.json_response(
            {"message": message, "documentation_url": "https://docs.github.com/rest"}, status=status, headers=headers
        )

    def check_jwt(self, request: web.Request) -> dict[str, Any] | web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self.error(401, "A JSON web token could not be decoded")
        try:
            claims = jwt.decode(
                auth[7:], self.public_key, algorithms=["RS256"],
                options={"require": ["iat", "exp", "iss"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            return self.error(401, f"A JSON web token could not be decoded ({type(exc).__name__})")
        if str(claims["iss"]) != str(self.app_id):
            return self.error(401, "Integration not found")
        if claims["exp"] - claims["iat"] > 600:
            return self.error(401, "Expiration time' claim ('exp') is too far in the future")
        if claims["exp"] <= self.now():
            return self.error(401, "'Expiration time' claim ('exp') must be a numeric value representing the future")
        if claims["iat"] > self.now() + 1:
            return self.error(401, "'Issued at' claim ('iat') must be an Integer representing a time in the past")
        return claims

    def check_token(self, request: web.Request, kind: str | None = None) -> IssuedToken | web.Response:
        auth = request.headers.get("Authorization", "")
        value = auth.split(" ", 1)[1] if " " in auth else ""
        token = self.tokens.get(value)
        if token is None or token.revoked or token.expires_at <= self.now() or (kind and token.kind != kind):
            return self.error(401, "Bad credentials")
        return token

    # ---- middleware: record, injected failures, rate-limit headers
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        for fragment, seconds in self.delays.items():
            if fragment in request.path:
                await asyncio.sleep(seconds)
        queued = self.failures.get((request.method, request.path))
        if queued:
            status = queued.pop(0)
            if isinstance(status, dict):
                return self.error(int(status["status"]), str(status.get("message") or "Error"),
                                  **dict(status.get("headers") or {}))
            if isinstance(status, tuple):
                return self.error(status[0], status[1])
            if status == 403:
                return self.error(
                    403, "API rate limit exceeded for installation.",
                    **{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0",
                       "X-RateLimit-Reset": str(int(self.now()) + 60)},
                )
            return self.error(status, "Server Error" if status >= 500 else "Error")
        injected = self._injected_fault(request)
        if injected is not None:
            return injected
        response = await handler(request)
        if (request.method, request.path) in self.faults.drop_after and self.faults.drop_times > 0:
            self.faults.drop_times -= 1  # done, and the answer never arrives (a worker killed, a cut cable)
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("the fake dropped the connection after doing the work")
        response.headers.setdefault("X-RateLimit-Limit", "5000")
        response.headers.setdefault("X-RateLimit-Remaining", str(self.rate_limit_remaining))
        response.headers.setdefault("X-RateLimit-Reset", str(int(self.now()) + 3600))
        response.headers.setdefault("X-GitHub-Request-Id", secrets.token_hex(8).upper())
        return response

    def _injected_fault(self, request: web.Request) -> web.Response | None:
        if request.path.startswith("/_blobs"):
            return None
        faults = self.faults
        if faults.primary_until > self.now():
            return self.error(
                403, "API rate limit exceeded for installation ID 31337.",
                **{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
                   "X-RateLimit-Reset": str(int(faults.primary_until) + 1), "X-RateLimit-Resource": "core"},
            )
        roll = faults.rng.random()
        if roll < faults.error_rate:
            return web.Response(status=faults.error_status, text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                                content_type="text/html")
        if roll < faults.error_rate + faults.secondary_rate:
            return self.error(
                403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                **{"Retry-After": str(faults.retry_after), "X-RateLimit-Remaining": "4000"},
            )
        return None

    # ---- routes
    async def get_app(self, request: web.Request) -> web.Response:
        claims = self.check_jwt(request)
        if isinstance(claims, web.Response):
            return claims
        return web.json_response({"id": self.app_id, "slug": "devflowfix", "name": "DevFlowFix"})

    async def get_rate_limit(self, request: web.Request) -> web.Response:
        return web.json_response({"resources": {"core": {"limit": 5000, "remaining": self.rate_limit_remaining}}})

    async def list_installation_repositories(self, request: web.Request) -> web.Response:
        token = self.check_token(request, "installation")
        if isinstance(token, web.Response):
            return token
        repos = self.installations[int(token.subject)]["repositories"]
        chunk, headers = paginate(request, repos)
        return web.json_response(
            {"total_count": len(repos), "repository_selection": "selected", "repositories": chunk}, headers=headers
        )

    async def create_installation_token(self, request: web.Request) -> web.Response:
        claims = self.check_jwt(request)
        if isinstance(claims, web.Response):
            return claims
        installation_id = int(request.match_info["installation_id"])
        if installation_id not in self.installations:
            return self.error(404, "Not Found")
        token = self.issue_token("installation", installation_id)
        expires = dt.datetime.fromtimestamp(token.expires_at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return web.json_response(
            {"token": token.token, "expires_at": expires, "permissions": {"contents": "write"},
             "repository_selection": "all"},
            status=201,
        )


def paginate(request: web.Request, items: list[Any], *, per_page_default: int = 30) -> tuple[list[Any], dict[str, str]]:
    """GitHub-style paging: `per_page`/`page` query and a Link header with next/last."""
    per_page = min(int(request.query.get("per_page", per_page_default)), 100)
    page = max(int(request.query.get("page", 1)), 1)
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    last = max((len(items) + per_page - 1) // per_page, 1)
    links = []
    base = request.url.with_query({**request.query, "per_page": str(per_page)})
    if page < last:
        links.append(f'<{base.update_query(page=str(page + 1))}>; rel="next"')
        links.append(f'<{base.update_query(page=str(last))}>; rel="last"')
    return chunk, ({"Link": ", ".join(links)} if links else {})
