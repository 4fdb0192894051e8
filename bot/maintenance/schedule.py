"""How often each periodic job runs: a cron line for procrastinate (external mode) and the same period in seconds
for the embedded timer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.maintenance import repository_hooks, work
from bot.services import Services


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    cron: str
    every: float  # seconds, the cron line's period
    run: Callable[[Services], Awaitable[Any]]


WORK: dict[str, Periodic] = {p.name: p for p in (
    Periodic("refresh_user_tokens", "*/5 * * * *", 300, work.refresh_user_tokens),
    Periodic("expire_stale_incidents", "* * * * *", 60, work.expire_stale_incidents),
    Periodic("purge", "17 * * * *", 3600, work.purge),
    Periodic("redeliver_missed", "*/10 * * * *", 600, work.redeliver_missed),
    Periodic("redeliver_repository_hooks", "5-59/10 * * * *", 600, repository_hooks.redeliver_repository_hooks),
    Periodic("check_webhook_health", "*/15 * * * *", 900, repository_hooks.check_webhook_health),
)}
