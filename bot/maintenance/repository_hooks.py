"""The periodic work on repositories watched through their own webhook (not the App): missed deliveries of a
GitHub repository hook redelivered as the person who connected it (beside the App's own sweep in `work.py`), and
the webhook health check (GitHub's `last_response`, GitLab's `alert_status` / `disabled_until`) recorded on the
repository's row for the console. GitLab has no redelivery API (see `bot/forges/repository_hook_deliveries.py`):
its own retries and our 2xx-only-once-recorded answers recover its deliveries.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import gidgethub

from bot.auth.fallback import NoIdentity
from bot.auth.user_tokens import ReconnectRequired
from bot.forges import hook_health
from bot.forges import repository_hook_deliveries as deliveries
from bot.forges.app_hooks import HookDelivery
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.maintenance.work import MAX_REDELIVERIES, Redelivered, missed
from bot.services import Services
from storage.models import RepositoryConnection
from storage.types import utcnow

log = logging.getLogger(__name__)


async def _person_client(services: Services, row: RepositoryConnection) -> GitHubClient | None:
    """The client of the person who connected the repository (None: nobody can act, said in the log)."""
    if row.oauth_connection_id is None or services.identities is None:
        return None
    try:
        resolved = await services.identities.for_connection(row.oauth_connection_id)
    except NoIdentity as exc:
        log.info("repository hook of %s not swept: %s", row.full_name, exc)
        return None
    return services.github_client(resolved)


async def redeliver_repository_hooks(services: Services) -> Redelivered:
    """For each GitHub repository connected by its own webhook: list the hook's recent deliveries (by cursor) and
    redeliver those that never reached the delivery log, with the rules of the App's sweep."""
    done = Redelivered()
    now = utcnow()
    since = now - dt.timedelta(hours=services.settings.redelivery_lookback_hours)
    for row in await services.db.repositories.with_own_hooks("github"):
        client = await _person_client(services, row)
        if client is None or not str(row.webhook_id or "").isdigit():
            continue
        hook_id = int(str(row.webhook_id))
        by_guid: dict[str, list[HookDelivery]] = {}
        try:
            async for attempt in deliveries.hook_deliveries(client, row.full_name, hook_id):
                if attempt.delivered_at < since:
                    break
                done.seen += 1
                by_guid.setdefault(attempt.guid, []).append(attempt)
        except (gidgethub.BadRequest, RetryLater) as exc:
            log.warning("deliveries of the hook of %s not listed: %s", row.full_name, type(exc).__name__)
            continue
        known = await services.db.deliveries.known("github", list(by_guid))
        for guid, latest in missed(by_guid, known, now, MAX_REDELIVERIES - len(done.redelivered)):
            try:
                await deliveries.redeliver(client, row.full_name, hook_id, latest.id)
                done.redelivered.append(guid)
            except (gidgethub.BadRequest, RetryLater) as exc:
                done.failed += 1
                log.warning("redelivery of %s to the hook of %s refused: %s", guid, row.full_name,
                            type(exc).__name__)
    if done.redelivered:
        log.warning("asked GitHub to redeliver %d repository-hook deliveries that never reached the log",
                    len(done.redelivered))
    return done


@dataclass
class HookHealth:
    """What the health check found: repositories checked, and the unhealthy ones (full name -> what is wrong)."""

    checked: int = 0
    unhealthy: dict[str, str] | None = None


async def check_webhook_health(services: Services) -> HookHealth:
    """Read each connected repository's own hook (GitHub: as the person who connected it; GitLab: as the bot or
    that person) and record its health on the repository's row."""
    found = HookHealth(unhealthy={})
    assert found.unhealthy is not None
    now = utcnow()
    for row in await services.db.repositories.with_own_hooks():
        if not str(row.webhook_id or "").isdigit():
            continue
        hook_id = int(str(row.webhook_id))
        health: str | None = None
        try:
            if row.provider == "github":
                client = await _person_client(services, row)
                health = "unknown: nobody can read the hook (reconnect the repository)" if client is None else (
                    await hook_health.github_hook_health(client, row.full_name, hook_id))
            elif row.provider == "gitlab":
                gitlab = await services.gitlab_project_client(int(row.repository_id))
                health = "unknown: nobody can read the hook (reconnect the project)" if gitlab is None else (
                    await hook_health.gitlab_hook_health(gitlab, int(row.repository_id), hook_id, now))
        except ReconnectRequired:
            health = "unknown: the connection that connected it must be reconnected"
        except RetryLater as exc:  # the forge is down or limited: the next run checks again
            log.info("hook of %s not checked now: %s", row.full_name, exc)
            continue
        if health is None:
            continue
        await services.db.repositories.set_hook_health(row.id, health)
        found.checked += 1
        if health != hook_health.OK:
            found.unhealthy[row.full_name] = health
    if found.unhealthy:
        log.warning("%d repository webhooks unhealthy", len(found.unhealthy))
    return found
