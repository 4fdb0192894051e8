"""The one HTTP base both forge clients (and the token mint, and the log download) send their requests through.

Per request: the identity's token (a 401 refreshes it once), `User-Agent`, GitHub's API version header; network
errors, timeouts and 5xx answers repeated with exponential backoff and full jitter, within a number of attempts
and a total time; rate limits (GitHub's primary `x-ratelimit-remaining: 0` until `x-ratelimit-reset`, secondary
403/429 with `Retry-After` or its "secondary rate limit" message; GitLab's 429 and `RateLimit-*`) close a gate
shared by every call of that installation or token, so they wait instead of failing, up to a bound, past which
the call raises `RetryLater` with the time. `Link` paging, call counting and the metrics are here too.

A POST is repeated only when it cannot have been processed (the connection was refused, or the forge answered
5xx or a rate limit); a POST whose connection dropped after it was sent raises `RetryLater`, and the callers
that create things look up what it may have created before creating again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp

from bot import metrics
from bot.forges.errors import RetryLater

log = logging.getLogger(__name__)

USER_AGENT = "devflowfix"
GITHUB_API_VERSION = "2022-11-28"
STATIC_KINDS = frozenset({"gitlab_token"})  # tokens a 401 cannot cure by asking again
SECONDARY_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute after a secondary limit
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
T = TypeVar("T")


class TokenSource(Protocol):
    """Where a request's bearer token comes from (bot/auth's providers); `invalidate` after a 401."""

    kind: str

    async def token(self) -> str: ...

    async def invalidate(self, token: str) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries: attempts and backoff against faults, the bound on rate-limit waits."""

    attempts: int = 5  # sends of one request against network errors, timeouts and 5xx
    base: float = 0.5  # the first backoff's ceiling in seconds; it doubles each time
    cap: float = 8.0  # the largest backoff ceiling
    budget: float = 90.0  # seconds one request may spend in all, waits included
    max_wait: float = 60.0  # the longest a rate limit may hold one call; beyond, RetryLater
    timeout: float = 30.0  # one send's total time
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> RetryPolicy:
        return cls(
            attempts=settings.forge_max_attempts, base=settings.forge_backoff_base,
            cap=settings.forge_backoff_cap, budget=settings.forge_retry_budget,
            max_wait=settings.forge_max_wait, timeout=settings.forge_request_timeout,
        )

    def backoff(self, attempt: int) -> float:
        """Full jitter: anywhere between 0 and the attempt's exponential ceiling."""
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** max(attempt - 1, 0)))


class RateGate:
    """When each identity may call again; shared by every client of the process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def block(self, key: str, seconds: float) -> None:
        until = self._clock() + max(seconds, 0.0)
        if until > self._until.get(key, 0.0):
            self._until[key] = until
        if len(self._until) > 10_000:  # forget the gates that opened long ago
            now = self._clock()
            self._until = {k: v for k, v in self._until.items() if v > now}

    def forget(self) -> None:
        """Open every gate (what a restart does; tests use it to let time pass)."""
        self._until.clear()

    def remaining(self, key: str) -> float:
        return max(self._until.get(key, 0.0) - self._clock(), 0.0)

    async def wait(self, key: str, max_wait: float, what: str) -> float:
        """Sleep until the gate opens; RetryLater (with the time) if that is further away than `max_wait`."""
        remaining = self.remaining(key)
        if remaining <= 0:
            return 0.0
        if remaining > max_wait:
            raise RetryLater(f"rate limited on {what} for {remaining:.0f}s more", at=_at(remaining))
        await asyncio.sleep(remaining)
        return remaining


GATE = RateGate()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transient(Exception):
    """One attempt failed in a way worth repeating; `wait`: how long the server asked for (Retry-After)."""

    def __init__(self, message: str, *, wait: float | None = None, reason: str = "5xx") -> None:
        super().__init__(message)
        self.wait = wait
        self.reason = reason


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()[:64]
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(when.timestamp() - (now if now is not None else time.time()), 0.0)


def rate_limit_wait(forge: str, status: int, headers: Mapping[str, str], body: bytes,
                    now: float | None = None) -> tuple[float, str] | None:
    """(seconds to wait, kind) when the answer is a rate limit, else None."""
    if status not in (403, 429):
        return None
    now = time.time() if now is None else now
    lower = {k.lower(): v for k, v in headers.items()}
    after = retry_after(lower.get("retry-after"), now)
    if after is not None:  # at least a second: a "Retry-After: 0" must not make a busy loop of the limit
        return max(after, 1.0), "secondary"
    remaining = lower.get("x-ratelimit-remaining", lower.get("ratelimit-remaining"))
    reset = lower.get("x-ratelimit-reset", lower.get("ratelimit-reset"))
    if remaining == "0":
        try:
            return max(float(int(reset or "")) - now, 1.0), "primary"
        except ValueError:
            return SECONDARY_WAIT, "primary"
    if status == 429:
        return SECONDARY_WAIT, "secondary"
    if forge == "github" and b"secondary rate limit" in body[:4096].lower():
        return SECONDARY_WAIT, "secondary"
    return None


def next_link(headers: Mapping[str, str]) -> str | None:
    """The `rel="next"` URL of a `Link` header (GitHub's and GitLab's paging)."""
    value = next((v for k, v in headers.items() if k.lower() == "link"), "")
    for part in value[:20_000].split(","):
        url, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", "") or "rel=next" in params.replace(" ", ""):
            url = url.strip()
            if url.startswith("<") and url.endswith(">"):
                return url[1:-1]
    return None


def _network_error(exc: BaseException, *, sent_safely: bool) -> str | None:
    """The reason to repeat after a transport error, or None when it must not be repeated in place."""
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, unreachable, DNS: nothing was sent
        return "connect"
    connect_timeout = getattr(aiohttp, "ConnectionTimeoutError", None)
    if connect_timeout is not None and isinstance(exc, connect_timeout):
        return "connect"
    if not sent_safely:
        return None
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        return "network"
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout"
    return None


async def retrying(policy: RetryPolicy, what: str, attempt: Callable[[int], Awaitable[T]], *, forge: str = "github",
                   idempotent: bool = True) -> T:
    """Run `attempt(n)` until it returns: a `Transient` or a network error is repeated after a backoff (or the
    wait it names), within the policy's attempts and time; past them, RetryLater."""
    started = time.monotonic()
    faults = 0
    while True:
        try:
            return await attempt(faults + 1)
        except Transient as exc:
            reason, wait, message = exc.reason, exc.wait, str(exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            found = _network_error(exc, sent_safely=idempotent)
            message = f"{what}: {type(exc).__name__}"
            if found is None:
                raise RetryLater(f"{message} (not repeated in place: it may have been done)") from None
            reason, wait = found, None
        elapsed = time.monotonic() - started
        if wait is not None and (wait > policy.max_wait or elapsed + wait > policy.budget):
            raise RetryLater(f"{message} (asked to wait {wait:.0f}s)", at=_at(wait)) from None
        if wait is not None and reason.startswith("rate_"):  # a limit said when: not a fault, but bounded
            delay = wait
        else:  # a fault (a 503's Retry-After, when it has one, is its backoff)
            faults += 1
            delay = wait if wait is not None else policy.backoff(faults)
            if faults >= policy.attempts or elapsed + delay > policy.budget:
                raise RetryLater(f"{message} (after {faults} attempts)") from None
        metrics.API_RETRIES.labels(forge, reason).inc()
        log.info("%s: %s; again in %.2fs", what, reason, delay)
        await asyncio.sleep(delay)


class ForgeHTTP:
    """Sends one identity's requests to one forge with the rules above; `calls` counts what was sent."""

    def __init__(
        self, session: aiohttp.ClientSession, provider: TokenSource | None, *, forge: str,
        policy: RetryPolicy | None = None, gate: RateGate | None = None, identity: str | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.session = session
        self.provider = provider
        self.forge = forge
        self.policy = policy or RetryPolicy()
        self.gate = gate or GATE
        self.user_agent = user_agent
        self._identity = identity
        self.calls = 0

    def _key(self, url: str, token: str | None) -> str:
        """The gate of this identity on this forge (the host: github.com and a GHE are different limits)."""
        origin = urlsplit(url).netloc
        if self._identity:
            return f"{self.forge}@{origin}:{self._identity}"
        installation = getattr(self.provider, "installation_id", None)
        if installation is not None:
            return f"{self.forge}@{origin}:installation:{installation}"
        digest = hashlib.sha256((token or "").encode()).hexdigest()[:16]
        return f"{self.forge}@{origin}:token:{digest}"

    @property
    def kind(self) -> str:
        return str(getattr(self.provider, "kind", None) or "app")

    async def request(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = None, body: bytes = b"",
        allow_redirects: bool = True, idempotent: bool | None = None,
    ) -> Answer:
        """Send and read the whole answer. Returns any answer that is not a fault (2xx, 3xx, 4xx but a cured
        401 and the rate limits); raises RetryLater when the faults or the limits outlast the policy."""

        async def read(resp: aiohttp.ClientResponse) -> Answer:
            return Answer(resp.status, resp.headers, await resp.read())

        answer = await self.stream(method, url, read, headers=headers, body=body, allow_redirects=allow_redirects,
                                   idempotent=idempotent)
        assert isinstance(answer, Answer)
        return answer

    async def stream(
        self, method: str, url: str, consume: Callable[[aiohttp.ClientResponse], Awaitable[T]], *,
        headers: Mapping[str, str] | None = None, body: bytes = b"", allow_redirects: bool = True,
        idempotent: bool | None = None,
    ) -> T | Answer:
        """As `request`, but a 2xx answer is handed to `consume` while it is open (a log, streamed); any other
        answer that is not a fault comes back as an `Answer`."""
        method = method.upper()
        what = f"{method} {urlsplit(url).path[:200]}"
        refreshed = False

        async def attempt(_n: int) -> T | Answer:
            nonlocal refreshed
            while True:
                token = await self.provider.token() if self.provider is not None else None
                key = self._key(url, token)
                await self.gate.wait(key, self.policy.max_wait, what)
                sent = self._headers(headers, token)
                self.calls += 1
                metrics.IDENTITY_USES.labels(self.forge, metrics.identity_kind(self.kind)).inc()
                try:
                    async with self.session.request(
                        method, url, headers=sent, data=body, allow_redirects=allow_redirects,
                        timeout=aiohttp.ClientTimeout(total=self.policy.timeout),
                    ) as resp:
                        metrics.API_CALLS.labels(self.forge, f"{resp.status // 100}xx").inc()
                        self._note_limit(key, resp.status, resp.headers)
                        if 200 <= resp.status < 300:
                            return await consume(resp)
                        answer = Answer(resp.status, resp.headers, await resp.read())
                except (aiohttp.ClientError, TimeoutError):
                    metrics.API_CALLS.labels(self.forge, "error").inc()
                    raise
                if answer.status == 401 and token is not None and not refreshed and self.kind not in STATIC_KINDS:
                    assert self.provider is not None
                    refreshed = True
                    await self.provider.invalidate(token)
                    continue
                limited = rate_limit_wait(self.forge, answer.status, answer.headers, answer.body)
                if limited is not None:
                    wait, kind = limited
                    self.gate.block(key, wait)
                    metrics.RATE_LIMIT_WAITS.labels(self.forge, kind).inc()
                    raise Transient(f"{self.forge} {kind} rate limit on {what}", wait=wait, reason=f"rate_{kind}")
                if answer.status >= 500:  # a 503 may say when to come back: then that is the wait
                    asked = retry_after(next((v for k, v in answer.headers.items() if k.lower() == "retry-after"),
                                             None))
                    raise Transient(f"{self.forge} answered {answer.status} on {what}", wait=asked)
                return answer

        safe = idempotent if idempotent is not None else method in IDEMPOTENT
        return await retrying(self.policy, what, attempt, forge=self.forge, idempotent=safe)

    def _headers(self, given: Mapping[str, str] | None, token: str | None) -> dict[str, str]:
        sent = {k.lower(): v for k, v in (given or {}).items()}
        sent["user-agent"] = self.user_agent
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        if self.forge == "github":
            sent.setdefault("x-github-api-version", GITHUB_API_VERSION)
            sent.setdefault("accept", "application/vnd.github+json")
        return sent

    def _note_limit(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Keep the newest remaining count; an exhausted primary limit closes the gate until its reset."""
        lower = {k.lower(): v for k, v in headers.items()}
        remaining = lower.get("x-ratelimit-remaining", lower.get("ratelimit-remaining"))
        if remaining is None or not remaining.isdigit():
            return
        metrics.RATE_LIMIT_REMAINING.labels(self.forge).set(int(remaining))
        if remaining == "0" and status < 400:
            reset = lower.get("x-ratelimit-reset") or lower.get("ratelimit-reset") or ""
            if reset.isdigit():
                self.gate.block(key, float(reset) - time.time())

    async def pages(
        self, url: str, decode: Callable[[Answer], Any], *, max_pages: int
    ) -> AsyncIterator[Any]:
        """Each page's decoded data, following `Link: rel="next"`; `decode` raises the forge's own errors."""
        next_url: str | None = url
        pages = 0
        while next_url is not None and pages < max_pages:
            answer = await self.request("GET", next_url)
            pages += 1
            yield decode(answer)
            next_url = next_link(answer.headers)
