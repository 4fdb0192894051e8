"""The front door of the webhook endpoints, over real HTTP to the real app on SQLite and PostgreSQL: bad header
values are their own request's 400 (or 401), a batch with a row the database refuses still records the others,
bodies are bounded in time and in unverified bytes, and a token bucket per client address limits the rate."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from unittest import mock

import pytest
from aiohttp.test_utils import TestClient, make_mocked_request
from sqlalchemy import func, select

from bot import log_setup as logs
from bot import webhooks
from bot.appkeys import FRONT_DOOR
from bot.front_door import RateLimiter, client_address
from bot.server import create_app
from bot.services import Services
from bot.settings import ConfigError
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import WebhookDelivery
from tests.conftest import GITLAB_SECRET, make_settings
from tests.helpers import FIXTURES, RawAnswer, load, raw_request, read_answer, send_github, send_gitlab, sign

PING = json.dumps(load("github/ping/payload.json")).encode()
PIPELINE = (FIXTURES / "gitlab" / "pipeline.json").read_bytes()
GITHUB = "/api/github/webhooks"
GITLAB = "/api/gitlab/webhooks"

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client(database_url: str, db: Database, aiohttp_client: object) -> AsyncIterator[MakeClient]:
    """A client of an app built with these settings (small limits keep the tests fast)."""
    opened: list[Services] = []

    async def make(**overrides: object) -> TestClient:
        settings = make_settings(database_url, **overrides)
        services = await Services.create(settings, db=db)
        opened.append(services)
        return await aiohttp_client(create_app(settings, services=services, migrate=False))  # type: ignore[operator,no-any-return]

    yield make
    for services in opened:
        await services.http.close()


async def delivery_ids(db: Database) -> set[str]:
    async with db.sessions() as s:
        return set((await s.execute(select(WebhookDelivery.delivery_id))).scalars())


async def count(db: Database) -> int:
    async with db.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(WebhookDelivery))).scalar_one())


def github_raw(body: bytes, **values: bytes) -> list[tuple[bytes, bytes]]:
    """Signed GitHub headers as bytes; `values` replace any of them (by name, `_` for `-`)."""
    headers = {
        b"Content-Type": b"application/json",
        b"X-GitHub-Event": b"ping",
        b"X-GitHub-Delivery": str(uuid.uuid4()).encode(),
        b"X-Hub-Signature-256": sign(body).encode(),
    }
    for name, value in values.items():
        headers[name.replace("_", "-").encode()] = value
    return list(headers.items())


def gitlab_raw(body: bytes, **values: bytes) -> list[tuple[bytes, bytes]]:
    headers = {
        b"Content-Type": b"application/json",
        b"X-Gitlab-Event": b"Pipeline Hook",
        b"X-Gitlab-Token": GITLAB_SECRET.encode(),
        b"X-Gitlab-Event-UUID": str(uuid.uuid4()).encode(),
    }
    for name, value in values.items():
        headers[name.replace("_", "-").encode()] = value
    return list(headers.items())


# Header values no batch may see: not UTF-8, a tab and a C1 control (aiohttp lets them through), one C0 control
# (aiohttp's parser refuses it itself), and one character too long for the column.
POISONS = {
    "not-utf8": b"\xff\xfe\xfd",
    "tab": b"ping\tpong",
    "c1-control": b"ping\xc2\x85",
    "c0-control": b"ping\x01",
    "too-long": b"d" * 101,
}
POISONED_HEADERS = ["X-GitHub-Event", "X-GitHub-Delivery", "X-Gitlab-Event", "Idempotency-Key", "X-Gitlab-Event-UUID"]


@pytest.mark.parametrize("header", POISONED_HEADERS)
async def test_a_poisoned_header_is_its_own_400_among_valid_concurrent_deliveries(
    client: TestClient, db: Database, header: str
) -> None:
    gitlab = not header.startswith("X-GitHub")
    valid = [str(uuid.uuid4()) for _ in range(40)]

    def good(delivery: str) -> Awaitable[tuple[int, dict[str, object]]]:
        # events no handler takes: recorded and answered, no work queued behind them
        if gitlab:
            return send_gitlab(client, "Push Hook", PIPELINE, delivery=delivery)
        return send_github(client, "star", PING, delivery=delivery)

    def bad(value: bytes) -> Awaitable[RawAnswer]:
        if gitlab:
            return raw_request(client, GITLAB, gitlab_raw(PIPELINE, **{header.replace("-", "_"): value}), PIPELINE)
        return raw_request(client, GITHUB, github_raw(PING, **{header.replace("-", "_"): value}), PING)

    calls: list[Awaitable[object]] = [good(d) for d in valid[:20]]
    calls += [bad(value) for value in POISONS.values()]
    calls += [good(d) for d in valid[20:]]
    answers = await asyncio.gather(*calls)
    good_answers = answers[:20] + answers[20 + len(POISONS):]
    bad_answers = answers[20 : 20 + len(POISONS)]
    assert all(a[0] == 202 for a in good_answers), good_answers  # type: ignore[index]
    for kind, answer in zip(POISONS, bad_answers, strict=True):
        assert isinstance(answer, RawAnswer)
        assert answer.status == 400, (kind, answer.status, answer.body)
        if kind != "c0-control":  # that one is aiohttp's own plain-text 400
            assert header in answer.json()["error"]
    assert await delivery_ids(db) == set(valid)  # every valid one recorded, nothing else


async def test_a_row_the_database_refuses_fails_alone_in_its_batch(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind the header checks, the batch itself: a row that still fails it is retried on its own."""
    monkeypatch.setattr(webhooks, "check_headers", lambda *_: None)  # let the poison through to the writer
    valid = [str(uuid.uuid4()) for _ in range(40)]
    answers = await asyncio.gather(
        *[send_github(client, "star", PING, delivery=d) for d in valid[:20]],
        raw_request(client, GITHUB, github_raw(PING, X_GitHub_Delivery=b"\xff\xfe-not-utf8"), PING),
        *[send_github(client, "star", PING, delivery=d) for d in valid[20:]],
    )
    assert [a[0] for a in answers[:20] + answers[21:]] == [202] * 40  # type: ignore[index]
    assert answers[20].status == 503  # type: ignore[union-attr]
    assert await delivery_ids(db) == set(valid)


async def test_the_writer_records_the_good_rows_of_a_failed_batch(db: Database) -> None:
    def new(delivery_id: str) -> NewDelivery:
        return NewDelivery("github", delivery_id, "ping", None, None, None, PING)

    valid = [f"ok-{i}" for i in range(30)]
    results = await asyncio.gather(
        *[db.writer.record(new(d)) for d in valid[:15]],
        db.writer.record(new("bad-\udcff")),  # no database can encode a lone surrogate
        db.writer.record(new(valid[0])),  # a duplicate in the same batch stays a duplicate
        *[db.writer.record(new(d)) for d in valid[15:]],
        return_exceptions=True,
    )
    assert isinstance(results[15], Exception)
    assert results[16].duplicate  # type: ignore[union-attr]
    recorded = results[:15] + results[17:]
    assert all(not isinstance(r, BaseException) and r.id is not None for r in recorded), recorded
    assert await delivery_ids(db) == set(valid)
    # and the writer goes on
    assert (await db.writer.record(new("after"))).id is not None


BAD_SIGNATURES = {
    "not-utf8": b"sha256=" + b"\xff" * 64,
    "non-ascii": ("sha256=" + "é" * 64).encode(),
    "c1-control": b"sha256=\xc2\x85" + b"0" * 63,
    "tab": b"sha256=\t" + b"0" * 63,
    "sha1-in-the-sha256-header": b"sha1=" + b"0" * 40,
    "upper-case": sign(PING).upper().replace(b"SHA256=".decode(), "sha256=").encode(),
    "too-long": sign(PING).encode() + b"0" * 200,
}
BAD_TOKENS = {
    "not-utf8": b"\xff\xfe" + GITLAB_SECRET.encode(),
    "non-ascii": "sécret-token".encode(),
    "c1-control": GITLAB_SECRET.encode() + b"\xc2\x85",
    "tab": GITLAB_SECRET.encode()[:4] + b"\t" + GITLAB_SECRET.encode()[4:],  # (trailing whitespace is not the value)
}


async def test_bad_signature_and_token_bytes_are_401_without_an_error_log(
    client: TestClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for kind, value in BAD_SIGNATURES.items():
        answer = await raw_request(client, GITHUB, github_raw(PING, X_Hub_Signature_256=value), PING)
        assert answer.status == 401, (kind, answer.body)
        assert "error" in answer.json()
    # GitLab, with and without a project id in the body (that one asks which secret the project uses)
    for body in (PIPELINE, b'{"object_kind": "pipeline"}'):
        for kind, value in BAD_TOKENS.items():
            answer = await raw_request(client, GITLAB, gitlab_raw(body, X_Gitlab_Token=value), body)
            assert answer.status == 401, (kind, answer.body)
            assert "error" in answer.json()
    assert await count(db) == 0
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_header_aiohttp_refuses_is_one_info_line_not_a_stack_trace(client: TestClient) -> None:
    logs.configure("INFO", "plain")
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    token = b"a-token-with-a\x01-control"
    answer = await raw_request(client, GITLAB, gitlab_raw(PIPELINE, X_Gitlab_Token=token), PIPELINE)
    assert answer.status == 400
    text = stream.getvalue()
    assert "INFO aiohttp.server: refused a malformed request: BadHttpMessage Invalid header value char" in text
    assert "Traceback" not in text and "ERROR" not in text and "a-token-with-a" not in text


async def test_a_repeated_header_is_refused(client: TestClient, db: Database) -> None:
    headers = [*github_raw(PING), (b"X-GitHub-Event", b"push")]
    assert (await raw_request(client, GITHUB, headers, PING)).status == 400
    headers = [*github_raw(PING), (b"X-Hub-Signature-256", sign(b"other").encode())]
    assert (await raw_request(client, GITHUB, headers, PING)).status == 401
    assert await count(db) == 0


async def open_slow(
    client: TestClient, body: bytes, *, declared: int, path: str = GITHUB, chunked: bool = False,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection that sends its headers and `body` (a part of what it declares) and then nothing."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    headers = github_raw(b"")
    head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % declared
    data = b"%x\r\n%s\r\n" % (len(body), body) if chunked else body
    writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: test\r\n" + head + framing + b"\r\n" + data)
    await writer.drain()
    return reader, writer


async def test_a_stalled_body_is_cut_off_with_408_and_the_connection_closed(
    make_client: MakeClient, db: Database
) -> None:
    client = await make_client(webhook_read_timeout=0.3, webhook_body_timeout=5)
    start = time.monotonic()
    reader, writer = await open_slow(client, b'{"zen": ', declared=5000)
    answer = await read_answer(reader, wait_close=2)
    writer.close()
    assert answer.status == 408
    assert answer.closed  # at once: no lingering read of a body that does not come
    assert time.monotonic() - start < 1.5
    assert client.app[FRONT_DOOR].budget.held == 0
    assert await count(db) == 0


async def test_a_trickled_body_is_cut_off_by_the_total_timeout(make_client: MakeClient) -> None:
    client = await make_client(webhook_read_timeout=0.5, webhook_body_timeout=1.0)
    start = time.monotonic()
    reader, writer = await open_slow(client, b"{", declared=5000)

    async def trickle() -> None:
        try:
            while True:
                await asyncio.sleep(0.1)
                writer.write(b" ")
                await writer.drain()
        except ConnectionError:
            pass

    dripping = asyncio.create_task(trickle())
    answer = await read_answer(reader, wait_close=2)
    dripping.cancel()
    writer.close()
    assert answer.status == 408 and answer.closed
    assert 0.9 < time.monotonic() - start < 2.5
    assert client.app[FRONT_DOOR].budget.held == 0


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_bodies_past_the_cap_of_unverified_bytes_are_503_with_retry_after(
    make_client: MakeClient, db: Database
) -> None:
    kib = 1024
    client = await make_client(
        max_webhook_body=64 * kib, max_unverified_body_bytes=128 * kib, webhook_read_timeout=1.0,
        webhook_body_timeout=3.0,
    )
    door = client.app[FRONT_DOOR]
    held = []
    for i in range(3):  # three stalled bodies hold 120 KiB of the 128
        held.append(await open_slow(client, b" " * (40 * kib), declared=42 * kib))
        await until(lambda i=i: door.budget.held == (i + 1) * 40 * kib)
    # declared 60 KiB: it cannot fit, refused before reading
    reader, writer = await open_slow(client, b" " * kib, declared=60 * kib)
    answer = await read_answer(reader)
    writer.close()
    assert answer.status == 503 and answer.headers["retry-after"] == "3"
    assert answer.headers["connection"] == "close"
    # no Content-Length: refused as the bytes pass the cap
    reader, writer = await open_slow(client, b" " * (20 * kib), declared=0, chunked=True)
    answer = await read_answer(reader)
    writer.close()
    assert answer.status == 503 and answer.headers["retry-after"] == "3"
    # a small delivery still fits meanwhile
    assert (await send_github(client, "ping", PING, delivery="small-one"))[0] == 202
    for reader, writer in held:
        assert (await read_answer(reader)).status == 408
        writer.close()
    assert door.budget.held == 0
    assert await delivery_ids(db) == {"small-one"}


async def test_many_concurrent_slow_bodies_are_refused_past_the_cap(make_client: MakeClient) -> None:
    kib = 1024
    client = await make_client(
        max_webhook_body=64 * kib, max_unverified_body_bytes=128 * kib, webhook_read_timeout=0.5,
        webhook_body_timeout=2.0,
    )
    door = client.app[FRONT_DOOR]
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, door.budget.held)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    connections = await asyncio.gather(*[open_slow(client, b" " * (30 * kib), declared=60 * kib) for _ in range(12)])
    answers = await asyncio.gather(*[read_answer(reader) for reader, _ in connections])
    watcher.cancel()
    for (reader, _), answer in zip(connections, answers, strict=True):
        if answer.status == 408:  # closed at once; a 503 is drained (aiohttp's lingering read), then closed
            async with asyncio.timeout(1):
                answer.closed = await reader.read(1) == b""
    for _, writer in connections:
        writer.close()
    statuses = sorted(a.status for a in answers)
    assert set(statuses) <= {408, 503}, statuses
    assert statuses.count(408) <= 4 and statuses.count(503) >= 8  # 4 x 30 KiB fit in 128, a fifth does not
    assert all(a.headers["retry-after"] == "2" for a in answers if a.status == 503)
    assert all(a.closed for a in answers if a.status == 408)
    assert all(a.headers["connection"] == "close" for a in answers)
    assert peak <= 128 * kib
    assert door.budget.held == 0


async def test_a_body_streamed_in_small_chunks_is_read_whole(client: TestClient, db: Database) -> None:
    payload = dict(load("github/ping/payload.json"), padding="x" * 200_000)
    body = json.dumps(payload).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 1000):
            yield body[i : i + 1000]

    headers = {"Content-Type": "application/json", "X-GitHub-Event": "ping", "X-GitHub-Delivery": "streamed",
               "X-Hub-Signature-256": sign(body)}
    resp = await client.post(GITHUB, data=chunks(), headers=headers)
    assert resp.status == 202, await resp.text()
    async with db.sessions() as s:
        row = (await s.execute(select(WebhookDelivery).where(WebhookDelivery.delivery_id == "streamed"))).scalar_one()
    assert row.body == body
    assert client.app[FRONT_DOOR].budget.held == 0


async def test_memory_is_given_back_after_a_large_body(client: TestClient) -> None:
    door = client.app[FRONT_DOOR]
    trims: list[int] = []
    door._trim.every = 0.05
    door._trim._trim = trims.append  # glibc's malloc_trim, where it is there
    body = json.dumps(dict(load("github/ping/payload.json"), padding="x" * (2 << 20))).encode()
    assert (await send_github(client, "star", body))[0] == 202
    assert (await send_github(client, "star", PING))[0] == 202  # a small one asks for nothing
    await until(lambda: trims == [0], timeout=2)
    await asyncio.sleep(0.2)
    assert trims == [0]


async def test_the_rate_limit_answers_429_with_retry_after(make_client: MakeClient, db: Database) -> None:
    client = await make_client(webhook_rate_limit=2, webhook_rate_burst=5)
    answers = await asyncio.gather(*[send_github(client, "ping", PING, delivery=f"r{i}") for i in range(5)])
    assert [status for status, _ in answers] == [202] * 5
    resp = await client.post(GITHUB, data=PING, headers={"X-GitHub-Event": "ping", "X-GitHub-Delivery": "r5",
                                                         "X-Hub-Signature-256": sign(PING),
                                                         "Content-Type": "application/json"})
    assert resp.status == 429
    assert resp.headers["Retry-After"] == "1"
    assert "error" in await resp.json()
    assert (await send_gitlab(client, "Pipeline Hook", PIPELINE))[0] == 429  # one bucket per address, both doors
    assert (await client.get("/ping")).status == 200  # only the webhook endpoints are limited
    await asyncio.sleep(0.6)  # two tokens a second: one is back
    assert (await send_github(client, "ping", PING, delivery="r6"))[0] == 202
    assert await count(db) == 6


async def test_a_normal_delivery_burst_passes_the_default_limit(client: TestClient, db: Database) -> None:
    answers = await asyncio.gather(*[send_github(client, "star", PING, delivery=f"n{i}") for i in range(300)])
    assert [status for status, _ in answers] == [202] * 300
    assert await count(db) == 300


def test_the_default_bucket_takes_github_sized_bursts_and_rates() -> None:
    settings = make_settings("sqlite:///unused.sqlite3")
    now = [0.0]
    limiter = RateLimiter(settings.webhook_rate_limit, settings.webhook_rate_burst, clock=lambda: now[0])
    assert all(limiter.take("140.82.115.1") == 0.0 for _ in range(800))  # a burst of hundreds at once
    for _ in range(6000):  # then a busy organisation's steady 50 deliveries a second for two minutes
        now[0] += 0.02
        assert limiter.take("140.82.115.1") == 0.0
    assert limiter.take("140.82.115.2") == 0.0  # another address has a bucket of its own


def test_the_bucket_table_is_bounded_and_forgets_full_buckets_first() -> None:
    now = [0.0]
    limiter = RateLimiter(10, 20, max_clients=100, clock=lambda: now[0])
    for i in range(1000):  # a thousand addresses at once: the table stays bounded
        limiter.take(f"10.0.{i // 256}.{i % 256}")
        assert len(limiter) <= 100
    while limiter.take("10.9.9.9") == 0.0:  # one client spends its whole burst
        pass
    assert 0 < limiter.take("10.9.9.9") <= 0.1
    now[0] += 1.0  # the others' buckets are full again by now, its bucket is not: they go first
    for i in range(60):
        limiter.take(f"192.0.2.{i}")
        assert len(limiter) <= 100
    assert limiter.take("10.9.9.9") == 0.0  # ten tokens back after a second
    for _ in range(9):
        assert limiter.take("10.9.9.9") == 0.0
    assert limiter.take("10.9.9.9") > 0  # still counted: its bucket was not the one forgotten


def mocked(peer: str, forwarded: str | None = None) -> object:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (peer, 4242) if name == "peername" else default
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return make_mocked_request("POST", GITHUB, headers=headers, transport=transport)


def test_client_address() -> None:
    assert client_address(mocked("192.0.2.7", "203.0.113.9"), 0) == "192.0.2.7"  # not trusted: the peer
    assert client_address(mocked("192.0.2.7", "203.0.113.9"), 1) == "203.0.113.9"
    assert client_address(mocked("192.0.2.7", "6.6.6.6, 203.0.113.9"), 1) == "203.0.113.9"  # the left is the client's
    assert client_address(mocked("192.0.2.7", "6.6.6.6, 203.0.113.9, 10.0.0.2"), 2) == "203.0.113.9"
    assert client_address(mocked("192.0.2.7", "203.0.113.9"), 3) == "203.0.113.9"  # fewer hops than proxies
    assert client_address(mocked("192.0.2.7", "not an address"), 1) == "192.0.2.7"
    assert client_address(mocked("192.0.2.7"), 1) == "192.0.2.7"
    # IPv6 by its /64; IPv4-mapped as IPv4
    assert client_address(mocked("2001:db8:1:2:3:4:5:6"), 0) == "2001:db8:1:2::/64"
    assert client_address(mocked("2001:db8:1:2:ffff::1"), 0) == "2001:db8:1:2::/64"
    assert client_address(mocked("::ffff:192.0.2.7"), 0) == "192.0.2.7"


async def test_x_forwarded_for_counts_only_with_trust_proxy(make_client: MakeClient) -> None:
    async def burst(client: TestClient, forwarded: list[str]) -> list[int]:
        statuses = []
        for value in forwarded:
            headers = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": str(uuid.uuid4()),
                       "X-Hub-Signature-256": sign(PING), "Content-Type": "application/json",
                       "X-Forwarded-For": value}
            statuses.append((await client.post(GITHUB, data=PING, headers=headers)).status)
        return statuses

    others = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    untrusted = await make_client(webhook_rate_limit=0.01, webhook_rate_burst=2)
    assert await burst(untrusted, others) == [202, 202, 429]  # one peer, one bucket, whatever the header says
    trusted = await make_client(webhook_rate_limit=0.01, webhook_rate_burst=2, trust_proxy="true")
    assert await burst(trusted, others) == [202, 202, 202]
    # the proxy appends the address it saw; what the client wrote to the left of it changes nothing
    spoofed = [f"203.0.113.{i}, 198.51.100.9" for i in range(3)]
    assert await burst(trusted, spoofed) == [202, 202, 429]


def test_front_door_settings() -> None:
    settings = make_settings("sqlite:///unused.sqlite3")
    assert (settings.webhook_body_timeout, settings.webhook_read_timeout) == (15.0, 5.0)
    assert settings.max_unverified_body_bytes == 64 * 1024 * 1024
    assert (settings.webhook_rate_limit, settings.webhook_rate_burst, settings.trust_proxy) == (100.0, 1000, 0)
    for value, hops in (("true", 1), ("FALSE", 0), ("2", 2), ("", 0)):
        assert make_settings("sqlite:///x", trust_proxy=value).trust_proxy == hops
    with pytest.raises(ConfigError, match="TRUST_PROXY"):
        make_settings("sqlite:///x", trust_proxy="sometimes")
    with pytest.raises(ConfigError, match="MAX_UNVERIFIED_BODY_BYTES"):
        make_settings("sqlite:///x", max_unverified_body_bytes=4096)
