"""Runs one recorded delivery: loads it, builds the context, runs every matching handler isolated, records the end."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import traceback
from dataclasses import dataclass

import gidgethub.sansio
import gidgetlab.sansio
import orjson

from bot import metrics, routers
from bot.context import HandlerContext
from bot.forges.errors import RetryLater
from bot.log_setup import SECRETS, work_context
from bot.services import NotConfigured, Services
from bot.webhook_facts import GitHubFacts, NotJson, github_facts
from storage.deliveries import DONE, FAILED, IGNORED, PENDING, ClaimedDelivery
from storage.models import WebhookDelivery
from storage.types import utcnow

log = logging.getLogger(__name__)

BACKOFF = (30, 120, 600, 1800, 3600)  # seconds before attempt 2, 3, ...


def parse_event(delivery: ClaimedDelivery | WebhookDelivery) -> gidgethub.sansio.Event | gidgetlab.sansio.Event:
    data = orjson.loads(delivery.body)
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    if delivery.provider == "gitlab":
        return gidgetlab.sansio.Event(data, event=delivery.event)
    return gidgethub.sansio.Event(data, event=delivery.event, delivery_id=delivery.delivery_id)


def handlers_for(
    delivery_provider: str, event: gidgethub.sansio.Event | gidgetlab.sansio.Event
) -> list[routers.Handler]:
    if delivery_provider == "gitlab":
        assert isinstance(event, gidgetlab.sansio.Event)
        return routers.gitlab_handlers(event)
    assert isinstance(event, gidgethub.sansio.Event)
    return routers.github_handlers(event)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How running a delivery ended: its new status, the error to keep, and when to try again (pending)."""

    status: str
    error: str | None = None
    retry_at: dt.datetime | None = None


async def run_delivery(services: Services, delivery_pk: int, *, steal: bool = False) -> str | None:
    """Run the delivery if it is still unfinished; return its new status (None if another worker has it).

    The claim and the end are marks in the recorder's group commit (`DeliveryWriter`), not transactions of their
    own."""
    writer = services.db.writer
    lease = dt.timedelta(seconds=services.settings.delivery_lease_seconds)
    delivery = await writer.claim(delivery_pk, lease=lease, steal=steal)
    if delivery is None:
        return None
    outcome = await run_handlers(services, delivery)
    await record_outcome(services, delivery_pk, outcome)
    return outcome.status


def record_outcome(services: Services, delivery_pk: int, outcome: Outcome) -> asyncio.Future[None]:
    """Write how the delivery ended in the next group commit; the future is done once that is durable."""
    writer = services.db.writer
    if outcome.status == PENDING:
        assert outcome.retry_at is not None
        return writer.retry_later_soon(delivery_pk, outcome.retry_at, outcome.error or "")
    return writer.finish_soon(delivery_pk, outcome.status, outcome.error)


async def run_handlers(services: Services, delivery: ClaimedDelivery) -> Outcome:
    """Run every matching handler of a claimed delivery, each one isolated; writes nothing about the delivery.
    Every log line of the work carries the delivery id, installation and repository; the end is counted."""
    with work_context(delivery_id=delivery.delivery_id, provider=delivery.provider,
                      installation_id=delivery.installation_id, repository=delivery.repository):
        outcome = await _run_handlers(services, delivery)
    metrics.delivery_ended(delivery.provider, delivery.event or "", outcome.status)
    return outcome


async def _run_handlers(services: Services, delivery: ClaimedDelivery) -> Outcome:
    handlers: list[routers.Handler] | None = None
    if delivery.provider == "github":
        # Routed and maybe settled from the few facts the endpoint read (or reads now from the stored body),
        # before the body is parsed: a green run with nothing open ends here.
        facts = delivery.facts
        try:
            if not isinstance(facts, GitHubFacts):
                facts = github_facts(delivery.body)
            handlers = routers.github_handlers_for(delivery.event, facts, delivery.body)
        except NotJson as exc:
            return Outcome(FAILED, f"stored body is not a JSON object: {exc}")
        if not handlers:
            return Outcome(IGNORED)
        if await routers.settled_without_work(handlers, facts, services.db):
            return Outcome(DONE)
    try:
        event = parse_event(delivery)
    except (orjson.JSONDecodeError, TypeError) as exc:
        return Outcome(FAILED, f"stored body is not a JSON object: {exc}")
    if handlers is None:
        handlers = handlers_for(delivery.provider, event)
    if not handlers:
        return Outcome(IGNORED)

    logger = logging.LoggerAdapter(
        log, {"delivery": delivery.delivery_id, "event": delivery.event, "action": delivery.action}
    )
    ctx = HandlerContext(services=services, delivery=delivery, log=logger)
    hooks = services.repo_hooks
    if delivery.provider == "github" and delivery.installation_id is None and hooks is not None \
            and hooks.recently_verified(delivery.repository):
        await ctx.act_through_repository_hook()  # a repository watched without the App: act as its person
    errors: list[str] = []
    retry: RetryLater | None = None
    for handler in handlers:  # each one isolated: one raising never stops the others
        name = routers.handler_name(handler)
        started = time.perf_counter()
        try:
            await handler(event, ctx)
        except RetryLater as exc:
            retry = exc
            logger.warning("handler %s will be retried: %s", name, exc)
        except NotConfigured as exc:
            errors.append(f"{name}: {exc}")
            logger.warning("handler %s skipped: %s", name, exc)
        except Exception as exc:
            logger.error("handler %s failed", name, exc_info=True)
            errors.append(f"{name}: {type(exc).__name__}: {exc}\n{_tail(exc)}")
        finally:
            metrics.handler_took(name, time.perf_counter() - started)

    if retry is not None and delivery.attempts < services.settings.max_delivery_attempts:
        delay = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
        when = retry.at or utcnow() + dt.timedelta(seconds=delay)
        return Outcome(PENDING, SECRETS.scrub(str(retry)), when)
    if retry is not None:
        errors.append(f"gave up after {delivery.attempts} attempts: {retry}")
    if errors:
        return Outcome(FAILED, SECRETS.scrub("\n".join(errors))[:20_000])
    return Outcome(DONE)


def _tail(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc, limit=-3)).strip()[-4000:]
