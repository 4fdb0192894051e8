"""The webhook endpoints: verify, reject bad input with a 4xx, record durably, answer, then queue the work.

No API call and no LLM call happens before the answer; the handlers run after it, from the queue.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import gidgethub
import gidgethub.sansio
import gidgetlab
import gidgetlab.sansio
import orjson
from aiohttp import web

from bot import metrics, routers
from bot.appkeys import FRONT_DOOR, QUEUE, SERVICES, SETTINGS
from bot.forges import github_hooks
from bot.forges.gitlab_hooks import NOT_CONNECTED, path_mismatch, project_id_of
from bot.front_door import Header, Reject, check_headers, check_signature
from bot.queue import DeliveryQueue
from bot.settings import Settings
from bot.webhook_facts import GitHubFacts, NotJson, facts_of, github_facts, text, whole
from storage.deliveries import DONE, IGNORED, NewDelivery, repository_lock

log = logging.getLogger(__name__)

JSON_TYPES = ("application/json", "application/x-www-form-urlencoded")

# Every header each endpoint reads, checked before anything else reads it (bot/front_door.py): a value that is not
# UTF-8, holds control characters or does not fit its column is that request's 400 (401 for the credential).
GITHUB_HEADERS = (
    Header("X-GitHub-Event", 100),
    Header("X-GitHub-Hook-ID", 20),
    Header("X-GitHub-Delivery", 100),
    Header("Content-Type", 200),
    Header("X-Hub-Signature-256", 100, credential=True),
)
GITLAB_HEADERS = (
    Header("X-Gitlab-Event", 100),
    Header("Idempotency-Key", 100),
    Header("X-Gitlab-Event-UUID", 100),
    Header("X-Gitlab-Webhook-UUID", 100),
    Header("Content-Type", 200),
    Header("X-Gitlab-Token", 4096, credential=True),
)


def _answer(http_status: int, **body: Any) -> web.Response:
    return web.Response(status=http_status, body=orjson.dumps(body), content_type="application/json")


async def _refuse(request: web.Request, provider: str, exc: Reject) -> web.StreamResponse:
    """The answer to a refused request; a stalled or unreadable body also ends the connection at once (else aiohttp
    would linger to drain it), one the sender is still sending is drained and then the connection closed."""
    level = logging.DEBUG if exc.status == 429 else logging.INFO  # a flood of 429s is not worth a line each
    log.log(level, "%s delivery refused: %s", provider, exc.message, extra={"status": exc.status})
    response = _answer(exc.status, error=exc.message)
    response.headers.update(exc.headers)
    if exc.status in (408, 413, 503) or exc.close:
        response.force_close()
    if exc.close:
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:  # the sender is gone already
            pass
        request.protocol.force_close()  # closes once the answer is written; skips aiohttp's lingering read
    return response


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_github(headers: Mapping[str, str], body: bytes, secret: str | None) -> tuple[GitHubFacts, bytes]:
    """Verify a GitHub delivery and read the facts its answer needs (`bot/webhook_facts.py`: a JSON body is not
    built whole here); return them and the body to store. Raise Reject with the answer for anything wrong."""
    if secret is None:
        raise Reject(401, "no WEBHOOK_SECRET is configured, so no delivery can be verified")
    for name in ("x-github-event", "x-github-delivery"):
        if not headers.get(name):
            raise Reject(400, f"missing {name} header")
    signature = headers.get("x-hub-signature-256")
    if not signature:
        raise Reject(401, "missing X-Hub-Signature-256 header")
    check_signature(signature)
    # Only the SHA-256 signature counts (the legacy SHA-1 one is never read).
    expected = hmac.digest(secret.encode(), body, "sha256").hex()
    if not hmac.compare_digest(signature[7:], expected):
        raise Reject(401, "signature does not match")
    media_type = _media_type(headers)
    if media_type not in JSON_TYPES:
        raise Reject(415, "expected a content-type of application/json or application/x-www-form-urlencoded")
    if media_type == "application/json":
        try:
            return github_facts(body), body
        except NotJson as exc:
            raise Reject(400, str(exc)) from None
    unverified = {k.lower(): v for k, v in headers.items() if k.lower() != "x-hub-signature"}
    try:
        event = gidgethub.sansio.Event.from_http(unverified, body, secret=secret)
    except gidgethub.ValidationFailure:
        raise Reject(401, "signature does not match") from None
    except (gidgethub.BadRequest, ValueError, KeyError):
        raise Reject(400, "body is not valid form data with a JSON payload") from None
    if not isinstance(event.data, dict):
        raise Reject(400, "body must be a JSON object")
    return facts_of(event.data), orjson.dumps(event.data)


def _whole(body: bytes) -> dict[str, Any]:
    try:
        return whole(body)
    except NotJson as exc:
        raise Reject(400, str(exc)) from None


MALFORMED = object()  # what load_json gives for a body that is not JSON


def load_json(body: bytes) -> object:
    """The body parsed with orjson, or MALFORMED; parsed once, before the token is known to match, and trusted
    for nothing until it does."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return MALFORMED


def parse_gitlab(
    headers: Mapping[str, str], body: bytes, secret: str | None, *, data: object = MALFORMED,
    expected_from: str = "GITLAB_WEBHOOK_SECRET",
) -> tuple[gidgetlab.sansio.Event, str]:
    """Verify (constant time) and parse a GitLab delivery; return the event and its delivery id. `data` is the
    body as `load_json` parsed it (a JSON body is not parsed again)."""
    if secret is None:
        raise Reject(401, f"no {expected_from} is configured, so no delivery can be verified")
    token = headers.get("x-gitlab-token")
    if token is None:
        raise Reject(401, "missing X-Gitlab-Token header")
    if not hmac.compare_digest(token.encode(errors="surrogateescape"), secret.encode()):
        raise Reject(401, "X-Gitlab-Token does not match")
    if not headers.get("x-gitlab-event"):
        raise Reject(400, "missing X-Gitlab-Event header")
    media_type = _media_type(headers)
    if media_type not in JSON_TYPES:
        raise Reject(415, "expected a content-type of application/json")
    if media_type == "application/json":
        if data is MALFORMED:
            raise Reject(400, "body is not valid JSON")
        if not isinstance(data, dict):
            raise Reject(400, "body must be a JSON object")
        return gidgetlab.sansio.Event(data, event=headers["x-gitlab-event"]), _gitlab_delivery_id(headers, body)
    unverified = {k.lower(): v for k, v in headers.items() if k.lower() != "x-gitlab-token"}
    try:
        event = gidgetlab.sansio.Event.from_http(unverified, body)
    except (gidgetlab.BadRequest, ValueError, KeyError):
        raise Reject(400, "body is not valid JSON") from None
    if not isinstance(event.data, dict):
        raise Reject(400, "body must be a JSON object")
    return event, _gitlab_delivery_id(headers, body)


def _gitlab_delivery_id(headers: Mapping[str, str], body: bytes) -> str:
    delivery_id = (
        headers.get("idempotency-key")
        or headers.get("x-gitlab-event-uuid")
        or headers.get("x-gitlab-webhook-uuid")
        or "sha256:" + hashlib.sha256(body).hexdigest()
    )
    return delivery_id[:100]


def _gitlab_summary(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    attributes = data.get("object_attributes")
    status = None
    if isinstance(attributes, dict):
        status = attributes.get("action") or attributes.get("status")
    elif isinstance(data.get("build_status"), str):
        status = data["build_status"]
    project = data.get("project")
    path = project.get("path_with_namespace") if isinstance(project, dict) else data.get("project_name")
    return text(status, 100), text(path, 255)


async def _record_and_answer(request: web.Request, delivery: NewDelivery, status: str) -> web.StreamResponse:
    """Record the delivery and answer; `status` is "queued" (its handlers run after the answer), "ignored" (no
    handler wants it) or "done" (its handlers' settlers found no work: recorded finished, nothing runs)."""
    app = request.app
    if status != "queued":
        delivery.status = IGNORED if status == "ignored" else DONE
        delivery.finished_at = delivery.received_at
        delivery.attempts = 1 if status == "done" else 0
        if not app[SETTINGS].keep_unworked_bodies:
            # Nothing will ever read it (it never runs; only a failed delivery is redelivered): its row is written
            # as a purged one, which spares its compression and most of the pages its commit writes.
            delivery.body = b""
    try:
        recorded = await app[SERVICES].db.writer.record(delivery)
    except Exception:  # storage is down or full: say so, so the sender (or a person) redelivers it
        log.exception("could not record %s delivery %s", delivery.provider, delivery.delivery_id)
        return _answer(503, error="the delivery could not be recorded; redeliver it later")
    if recorded.duplicate:
        return _answer(200, status="duplicate", delivery=delivery.delivery_id)
    response = _answer(202, status=status, delivery=delivery.delivery_id)
    if status == "done":
        metrics.delivery_ended(delivery.provider, delivery.event, DONE)
    elif status == "queued" and recorded.id is not None:
        try:
            await response.prepare(request)  # the answer leaves before any handler can start
            await response.write_eof()
        except ConnectionResetError:  # the sender went away before the answer: it is recorded, so it runs
            log.info("%s delivery %s: the sender left before the answer", delivery.provider, delivery.delivery_id)
        if not recorded.deferred:  # the job engine's job, when it was not written with the record
            app[QUEUE].submit(recorded.id, repository_lock(delivery.provider, delivery.repository))
    return response


async def _github_status(request: web.Request, event: str, facts: GitHubFacts, body: bytes) -> str:
    """queued, ignored, or done: where this process runs the handlers itself (the embedded queue) and every
    matching handler's settler finds no work (one indexed read), the delivery is recorded finished: its record is
    its only write, and nothing is queued."""
    handlers = routers.github_handlers_for(event, facts, body)
    if not handlers:
        return "ignored"
    queue = request.app[QUEUE]
    if isinstance(queue, DeliveryQueue) and queue.runs_here:
        try:
            if await routers.settled_without_work(handlers, facts, request.app[SERVICES].db):
                return "done"
        except Exception as exc:  # the read failed: the handlers decide after the answer, as always
            log.warning("settling a github %s delivery at the door failed: %s", event, type(exc).__name__)
    return "queued"


async def github_webhook(request: web.Request) -> web.StreamResponse:
    settings: Settings = request.app[SETTINGS]
    door = request.app[FRONT_DOOR]
    try:
        door.admit(request)
        check_headers(request.headers, GITHUB_HEADERS)
        async with door.body(request) as body:  # its bytes count as unverified until the signature is checked
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            # A repository connected without the App signs with its own hook's secret: the hook id GitHub sends
            # (trusted for nothing else) says which secret must have signed it; any other id means the App's.
            entry = github_hooks.NOT_OURS
            hook_id = request.headers.get("x-github-hook-id", "")
            hooks = request.app[SERVICES].repo_hooks
            if hook_id.isdigit() and 0 < int(hook_id) < 2**63 and hooks is not None:
                try:
                    entry = await hooks.for_delivery(int(hook_id), request.headers.get("x-hub-signature-256"), body)
                except Exception:  # storage is down: the sender (or a person) redelivers it
                    log.exception("could not look up the secret of github hook %s", hook_id)
                    return _answer(503, error="the delivery could not be verified; redeliver it later")
                if entry.ours:
                    if entry.secret is None:
                        raise Reject(401, "this repository's webhook secret cannot be read; connect it again")
                    secret = entry.secret
            facts, stored = parse_github(request.headers, body, secret)
            if entry.ours and github_hooks.mismatch(entry, _whole(stored)):
                raise Reject(403, "the delivery's repository is not the one whose webhook secret verified it")
            if entry.ours and entry.full_name and hooks is not None:
                hooks.verified(entry.full_name)
    except Reject as exc:
        return await _refuse(request, "github", exc)
    event = request.headers["x-github-event"][:100]
    delivery = NewDelivery(
        provider="github",
        delivery_id=request.headers["x-github-delivery"][:100],
        event=event,
        action=facts.action_text,
        installation_id=facts.installation_id,
        repository=facts.repository,
        body=stored,
        facts=facts,  # the embedded queue routes it (and settles it) without parsing the body
    )
    return await _record_and_answer(request, delivery, await _github_status(request, event, facts, stored))


async def gitlab_webhook(request: web.Request) -> web.StreamResponse:
    settings: Settings = request.app[SETTINGS]
    door = request.app[FRONT_DOOR]
    try:
        door.admit(request)
        check_headers(request.headers, GITLAB_HEADERS)
        async with door.body(request) as body:  # its bytes count as unverified until the token is checked
            secret = settings.gitlab_webhook_secret.get_secret_value() if settings.gitlab_webhook_secret else None
            expected_from = "GITLAB_WEBHOOK_SECRET"
            # A project connected by OAuth signs with its own secret: the claimed project id (read only after the
            # size check, and trusted for nothing else) says which secret the token must match.
            data = load_json(body) if _media_type(request.headers) == "application/json" else MALFORMED
            project_id = project_id_of(data)
            hooks = request.app[SERVICES].gitlab_hooks
            entry = NOT_CONNECTED
            if project_id is not None and hooks is not None:
                try:
                    entry = await hooks.for_delivery(project_id, request.headers.get("x-gitlab-token"), secret)
                except Exception:  # storage is down: the sender (or a person) redelivers it
                    log.exception("could not look up the webhook secret of gitlab project %s", project_id)
                    return _answer(503, error="the delivery could not be verified; redeliver it later")
                if entry.connected:
                    secret, expected_from = entry.secret, "readable webhook secret for this connected project"
            event, delivery_id = parse_gitlab(request.headers, body, secret, data=data, expected_from=expected_from)
            if path_mismatch(entry, data):  # project A's secret speaks for project A only
                raise Reject(403, "the delivery's project path does not match the project whose secret verified it")
    except Reject as exc:
        return await _refuse(request, "gitlab", exc)
    action, repository = _gitlab_summary(event.data)
    delivery = NewDelivery(
        provider="gitlab",
        delivery_id=delivery_id,
        event=event.event[:100],
        action=action,
        installation_id=None,
        repository=repository,
        body=body,
    )
    return await _record_and_answer(request, delivery, "queued" if routers.gitlab_handlers(event) else "ignored")


def _timed(provider: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
           ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler, with the time to its answer observed (devflowfix_webhook_answer_seconds)."""

    observe = metrics.ANSWER_SECONDS.labels(provider).observe

    async def timed(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            observe(time.perf_counter() - started)

    return timed


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/github/webhooks", _timed("github", github_webhook))
    app.router.add_post("/api/gitlab/webhooks", _timed("gitlab", gitlab_webhook))
