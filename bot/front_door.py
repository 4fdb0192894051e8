"""What a webhook request passes before its sender is known: bounded in rate, in header values, in time and bytes.

In order, for `POST /api/github/webhooks` and `/api/gitlab/webhooks`:

1. `FrontDoor.admit`: a token bucket per client address (`WEBHOOK_RATE_LIMIT` per second, `WEBHOOK_RATE_BURST`
   at once): past it 429 with `Retry-After`. The address is the peer's, or with `TRUST_PROXY` the one the
   trusted proxies wrote into `X-Forwarded-For`. The bucket table is bounded.
2. `check_headers`: every header value the endpoint reads is one value, valid UTF-8 (aiohttp decodes header bytes
   with surrogateescape, so invalid bytes show up as surrogates), free of control characters and short enough
   for its column: else 400 for that request alone (401 for the signature or token), never a failed batch.
3. `FrontDoor.body`: the body is read incrementally with a deadline for the whole body (`WEBHOOK_BODY_TIMEOUT`)
   and for each read (`WEBHOOK_READ_TIMEOUT`), 408 and the connection closed past either; it may be at most
   `MAX_WEBHOOK_BODY` bytes (413); and all the bodies being read and not yet verified hold at most
   `MAX_UNVERIFIED_BODY_BYTES` together (past it 503 with `Retry-After`). The bytes count until the caller
   leaves the `async with` block, i.e. until the signature or token is checked.
"""

from __future__ import annotations

import asyncio
import ctypes
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import CIMultiDictProxy

from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_RATE_CLIENTS = 10_000  # buckets kept; past it the least recently seen client starts over with a full bucket
LARGE_BODY = 1 << 20  # after bodies this large the allocator is asked to give the memory back


class Reject(Exception):
    """A request refused with `status`; `headers` go with the answer; `close` ends the connection right after it
    (a stalled body, or one that cannot be read: there is nothing more worth waiting for)."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None, close: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.close = close


# ---- header values -------------------------------------------------------------------------------------------

# C0 controls, DEL, C1 controls, and lone surrogates (the bytes that were not UTF-8, as aiohttp decodes them).
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Header:
    """A header an endpoint reads: its name, the longest value accepted, and whether it is the credential (then a
    bad value is 401, as a wrong one is)."""

    name: str
    max_length: int
    credential: bool = False


def check_headers(headers: CIMultiDictProxy[str], wanted: tuple[Header, ...]) -> None:
    """Raise Reject (400, or 401 for a credential) unless each of `wanted` that is present is a single, clean value.

    The message names the header, never its value.
    """
    for header in wanted:
        values = headers.getall(header.name, None)
        if values is None:
            continue
        status = 401 if header.credential else 400
        if len(values) > 1:
            raise Reject(status, f"more than one {header.name} header")
        value = values[0]
        # printable ASCII (nearly every value) has none of them: two scans in C instead of the pattern
        if not (value.isascii() and value.isprintable()) and _BAD_CHARS.search(value) is not None:
            raise Reject(status, f"{header.name} holds bytes that are not UTF-8 text, or control characters")
        if len(value) > header.max_length:
            raise Reject(status, f"{header.name} is longer than {header.max_length} characters")


def check_signature(value: str) -> None:
    """X-Hub-Signature-256 must look like one (`sha256=` and 64 lowercase hex digits): anything else is 401 here,
    before it reaches a comparison that would raise on non-ASCII text."""
    if _SIGNATURE.fullmatch(value) is None:
        raise Reject(401, "X-Hub-Signature-256 is not a sha256= signature")


# ---- who is asking ------------------------------------------------------------------------------------------


def _bucket_key(address: str) -> str | None:
    """The rate limit's key for an address: IPv4 as it is, IPv6 by its /64 (one host often holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address(request: web.BaseRequest, trusted_proxies: int) -> str:
    """The address the rate limit counts: the peer's, or with `trusted_proxies` (TRUST_PROXY) the address the
    outermost trusted proxy saw, which is that many entries from the right of X-Forwarded-For (each proxy appends
    the address it was connected from, so anything further left is whatever the client wrote)."""
    peer = request.remote or ""
    if trusted_proxies == 0 and ":" not in peer:
        return peer  # IPv4, as the socket gave it: nothing to parse
    if trusted_proxies > 0:
        hops = [hop.strip() for value in request.headers.getall("X-Forwarded-For", ()) for hop in value.split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            candidate = hops[-trusted_proxies] if len(hops) >= trusted_proxies else hops[0]
            key = _bucket_key(candidate)
            if key is not None:
                return key
    return _bucket_key(peer) or peer


class RateLimiter:
    """Token buckets per key: `rate` tokens a second, at most `burst` saved.

    The table is a dict bounded by `max_clients`: when it is full, the buckets that have filled up again are dropped
    (a client seen again starts with a full bucket, which is what it would have), and if that frees less than a
    quarter of the table, the older half by first sight goes too. Forgetting a bucket can only make the limit more
    lenient, and the sweep costs O(1) per new client over time, so many addresses cannot make it expensive.
    """

    def __init__(
        self, rate: float, burst: int, *, max_clients: int = MAX_RATE_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}  # key -> [tokens, when they were counted]

    def take(self, key: str) -> float:
        """Spend a token of `key`'s bucket: 0.0 if there was one, else the seconds until there will be."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._sweep(now)
            self._buckets[key] = [self.burst - 1.0, now]
            return 0.0
        tokens = bucket[0] + (now - bucket[1]) * self.rate
        if tokens > self.burst:
            tokens = self.burst
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / self.rate

    def _sweep(self, now: float) -> None:
        rate, burst = self.rate, self.burst
        full = [key for key, (tokens, then) in self._buckets.items() if tokens + (now - then) * rate >= burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) > self.max_clients * 3 // 4:
            for key in list(self._buckets)[: len(self._buckets) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


# ---- the body -----------------------------------------------------------------------------------------------


class BodyBudget:
    """The bytes held by request bodies that are being read and not yet verified, over all requests together."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def fits(self, size: int) -> bool:
        return self.held + size <= self.limit

    def reserve(self, size: int) -> bool:
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def release(self, size: int) -> None:
        self.held -= size


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, from the symbols already loaded into the process; None elsewhere (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


class _MemoryTrim:
    """Gives freed heap memory back to the system after large bodies (glibc keeps it otherwise: the process grew by
    the bodies of 16 slow connections and stayed that big). `malloc_trim(0)` runs in a thread, at most once per
    `every` seconds and `every` seconds after a large body was reported; a no-op where glibc is not the libc."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self._pending = False
        self._running = False
        self._task: asyncio.Task[None] | None = None
        self._trim: Callable[[int], int] | None = _malloc_trim()

    def large_body_done(self) -> None:
        if self._trim is None:
            return
        self._pending = True
        if not self._running:
            self._running = True
            self._task = asyncio.get_running_loop().create_task(self._run(), name="malloc-trim")  # held: not GC'd

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                # Wait first: the last body is still referenced (being recorded) when it is reported.
                self._pending = False
                await asyncio.sleep(self.every)
                assert self._trim is not None
                await loop.run_in_executor(None, self._trim, 0)
        finally:
            self._running = False


class FrontDoor:
    """The limits of one server process (its rate buckets and its budget of unverified bytes)."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_body = settings.max_webhook_body
        self.body_timeout = settings.webhook_body_timeout
        self.read_timeout = settings.webhook_read_timeout
        self.trusted_proxies = settings.trust_proxy
        self.budget = BodyBudget(settings.max_unverified_body_bytes)
        self.limiter = (
            RateLimiter(settings.webhook_rate_limit, settings.webhook_rate_burst, clock=clock)
            if settings.webhook_rate_limit > 0 else None
        )
        self._trim = _MemoryTrim()

    def admit(self, request: web.BaseRequest) -> None:
        """Spend one of the client's tokens, or raise Reject(429) with the seconds to wait."""
        if self.limiter is None:
            return
        wait = self.limiter.take(client_address(request, self.trusted_proxies))
        if wait > 0:
            raise Reject(429, "too many requests from this address", headers={"Retry-After": _seconds(wait)})

    def _busy(self) -> Reject:
        return Reject(
            503, "too many request bodies are being received at once; retry later",
            headers={"Retry-After": _seconds(self.body_timeout)},
        )

    def body(self, request: web.BaseRequest) -> _Body:
        """`async with door.body(request) as body`: the body, read within the limits; its bytes count against the
        budget of unverified bytes until the block is left."""
        return _Body(self, request)

    async def _read(self, request: web.BaseRequest, body: _Body) -> bytes:
        declared = request.content_length
        if declared is not None:
            if declared > self.max_body:
                raise Reject(413, f"body larger than {self.max_body} bytes")
            if not self.budget.fits(declared):
                raise self._busy()
        content = request.content
        try:
            if content.is_eof():  # all of it came with the headers (most deliveries): no timer, no copy
                return self._take(body, content.read_nowait())
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.body_timeout
            chunks: bytearray | None = None
            first = b""
            async with asyncio.timeout(min(deadline, loop.time() + self.read_timeout)) as timeout:
                while chunk := await content.readany():
                    self._take(body, chunk)
                    if not first:
                        first = chunk
                    elif chunks is None:
                        chunks = bytearray(first)  # one buffer that grows, not a list of chunks to join
                        chunks += chunk
                    else:
                        chunks += chunk
                    timeout.reschedule(min(deadline, loop.time() + self.read_timeout))
        except TimeoutError:
            raise Reject(408, "the body was not received in time", close=True) from None
        except (ConnectionError, HttpProcessingError) as exc:
            raise Reject(400, f"the body could not be read ({type(exc).__name__})", close=True) from None
        if chunks is None:
            return first
        whole = bytes(chunks)
        del chunks
        return whole

    def _take(self, body: _Body, chunk: bytes) -> bytes:
        if body.held + len(chunk) > self.max_body:
            raise Reject(413, f"body larger than {self.max_body} bytes")
        if not self.budget.reserve(len(chunk)):
            raise self._busy()
        body.held += len(chunk)
        return chunk

    def _done(self, held: int) -> None:
        self.budget.release(held)
        if held >= LARGE_BODY:
            self._trim.large_body_done()


class _Body:
    __slots__ = ("door", "held", "request")

    def __init__(self, door: FrontDoor, request: web.BaseRequest) -> None:
        self.door, self.request, self.held = door, request, 0

    async def __aenter__(self) -> bytes:
        try:
            return await self.door._read(self.request, self)
        except BaseException:
            self.door._done(self.held)
            self.held = 0
            raise

    async def __aexit__(self, *_: object) -> None:
        self.door._done(self.held)
        self.held = 0


def _seconds(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
