"""The periodic jobs themselves: each takes the process's `Services` and returns what it did (a count or a dict)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot.auth.oauth_common import OAuthError, OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.forges.app_hooks import AppHookError, AppHooks, HookDelivery
from bot.services import Services
from storage.types import utcnow

log = logging.getLogger(__name__)

REFRESH_AHEAD = dt.timedelta(minutes=15)  # user tokens expiring within this are refreshed now
UNLEASED_INCIDENT = dt.timedelta(minutes=15)  # `analyzing` with no lease this long: its work never started
OAUTH_STATE_KEPT = dt.timedelta(days=1)  # expired authorization attempts are deleted after this
REDELIVER_SETTLE = dt.timedelta(minutes=2)  # a failed attempt younger than this may still be retried by its sender
REDELIVER_AGAIN = dt.timedelta(minutes=30)  # a redelivery asked for is not asked again before this
MAX_REDELIVERIES = 50  # per run: a storm of failures is redelivered over several runs


async def refresh_user_tokens(services: Services) -> int:
    """Refresh every user token that expires soon, so no handler waits on a refresh (one winner per token)."""
    if services.user_tokens is None:
        return 0
    refreshed = 0
    for connection_id in await services.db.connections.expiring(utcnow() + REFRESH_AHEAD):
        try:
            await services.user_tokens.access_token(connection_id, force_refresh=True)
            refreshed += 1
        except ReconnectRequired:
            continue  # refused: the connection was deactivated and the person is asked to reconnect
        except (OAuthUnavailable, OAuthError) as exc:
            log.warning("user token refresh failed, tried again next run: %s", type(exc).__name__,
                        extra={"connection_id": connection_id})
    return refreshed


async def expire_stale_incidents(services: Services) -> int:
    """Incidents whose worker died while `analyzing` go back to `open`; none stays `analyzing`."""
    count = await services.db.incidents.expire_stale(utcnow(), UNLEASED_INCIDENT)
    if count:
        log.warning("%d incidents left analyzing by work that died went back to open", count)
    return count


async def purge(services: Services) -> dict[str, int]:
    """Old OAuth states; past DELIVERY_RETENTION_DAYS, finished deliveries' bodies."""
    now = utcnow()
    done = {"oauth_states": await services.db.oauth_states.purge(now - OAUTH_STATE_KEPT), "delivery_bodies": 0}
    days = services.settings.delivery_retention_days
    if days > 0:
        done["delivery_bodies"] = await services.db.deliveries.purge_bodies(now - dt.timedelta(days=days))
    return done


def missed(by_guid: dict[str, list[HookDelivery]], known: set[str], now: dt.datetime, limit: int
           ) -> list[tuple[str, HookDelivery]]:
    """The events to redeliver (guid, its newest attempt): never recorded here, not asked for again lately, and
    not failed so recently that their sender may still retry; at most `limit`."""
    chosen: list[tuple[str, HookDelivery]] = []
    for guid, attempts in by_guid.items():
        if guid in known or len(chosen) >= limit:
            continue
        latest = max(attempts, key=lambda a: a.delivered_at)
        if latest.redelivery and latest.delivered_at > now - REDELIVER_AGAIN:
            continue  # asked for already; give it time
        if not latest.succeeded and latest.delivered_at > now - REDELIVER_SETTLE:
            continue
        chosen.append((guid, latest))
    return chosen


@dataclass
class Redelivered:
    """What the missed-deliveries run saw and did."""

    seen: int = 0
    redelivered: list[str] = field(default_factory=list)  # guids
    failed: int = 0


async def redeliver_missed(services: Services) -> Redelivered:
    """Ask GitHub to redeliver the App's recent deliveries that never reached the delivery log.

    GitHub lists every attempt (redeliveries too) under the event's guid; an event whose guid is recorded here
    arrived, whatever GitHub says; one that is not, and whose attempts all failed (or that succeeded at GitHub
    without being recorded, e.g. answered by a lost database), is redelivered once, newest attempt first."""
    done = Redelivered()
    if services.app_jwt is None:
        return done
    hooks = AppHooks(services.http, services.app_jwt, services.settings.github_api_base)
    now = utcnow()
    since = now - dt.timedelta(hours=services.settings.redelivery_lookback_hours)
    by_guid: dict[str, list[HookDelivery]] = {}
    try:
        async for attempt in hooks.deliveries():
            if attempt.delivered_at < since:
                break
            done.seen += 1
            by_guid.setdefault(attempt.guid, []).append(attempt)
    except AppHookError as exc:
        log.warning("missed deliveries: %s", exc)
        return done
    known = await services.db.deliveries.known("github", list(by_guid))
    for guid, latest in missed(by_guid, known, now, MAX_REDELIVERIES):
        try:
            await hooks.redeliver(latest.id)
            done.redelivered.append(guid)
        except AppHookError as exc:
            done.failed += 1
            log.warning("redelivery of %s (%s) refused: %s", guid, latest.event, exc)
    if done.redelivered:
        log.warning("asked GitHub to redeliver %d deliveries that never reached the log", len(done.redelivered))
    return done
