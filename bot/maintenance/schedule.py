"""How often each periodic job runs: a cron line for procrastinate (external mode) and the same period in seconds
for the embedded timer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.maintenance import work
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
)}
