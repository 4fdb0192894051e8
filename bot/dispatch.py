"""Runs one recorded delivery: loads it, builds the context, runs every matching handler isolated, records the end."""

from __future__ import annotations

import datetime as dt
import logging
import traceback

import gidgethub.sansio
import gidgetlab.sansio
import orjson

from bot import routers
from bot.context import HandlerContext
from bot.forges.errors import RetryLater
from bot.logs import SECRETS
from bot.services import NotConfigured, Services
from storage.deliveries import DONE, FAILED, IGNORED
from storage.models import WebhookDelivery
from storage.types import utcnow

log = logging.getLogger(__name__)

BACKOFF = (30, 120, 600, 1800, 3600)  # seconds before attempt 2, 3, ...


def parse_event(delivery: WebhookDelivery) -> gidgethub.sansio.Event | gidgetlab.sansio.Event:
    data = orjson.loads(delivery.body)
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


async def run_delivery(services: Services, delivery_pk: int, *, steal: bool = False) -> str | None:
    """Run the delivery if it is still unfinished; return its new status (None if another worker has it)."""
    store = services.db.deliveries
    lease = dt.timedelta(seconds=services.settings.delivery_lease_seconds)
    delivery = await store.claim(delivery_pk, lease=lease, steal=steal)
    if delivery is None:
        return None
    logger = logging.LoggerAdapter(
        log, {"delivery": delivery.delivery_id, "event": delivery.event, "action": delivery.action}
    )
    try:
        event = parse_event(delivery)
    except (orjson.JSONDecodeError, TypeError) as exc:
        await store.finish(delivery.id, FAILED, f"stored body is not a JSON object: {exc}")
        return FAILED
    handlers = handlers_for(delivery.provider, event)
    if not handlers:
        await store.finish(delivery.id, IGNORED)
        return IGNORED

    ctx = HandlerContext(services=services, delivery=delivery, log=logger)
    errors: list[str] = []
    retry: RetryLater | None = None
    for handler in handlers:  # each one isolated: one raising never stops the others
        name = routers.handler_name(handler)
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

    if retry is not None and delivery.attempts < services.settings.max_delivery_attempts:
        delay = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
        when = retry.at or utcnow() + dt.timedelta(seconds=delay)
        await store.retry_later(delivery.id, when, SECRETS.scrub(str(retry)))
        return "pending"
    if retry is not None:
        errors.append(f"gave up after {delivery.attempts} attempts: {retry}")
    if errors:
        await store.finish(delivery.id, FAILED, SECRETS.scrub("\n".join(errors))[:20_000])
        return FAILED
    await store.finish(delivery.id, DONE)
    return DONE


def _tail(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc, limit=-3)).strip()[-4000:]
