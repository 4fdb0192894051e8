"""Typed keys for what the aiohttp application holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.front_door import FrontDoor
    from bot.jobs.deferrer import JobQueue
    from bot.maintenance.timer import PeriodicTimer
    from bot.queue import DeliveryQueue, RecordOnlyQueue
    from bot.services import Services

SETTINGS = web.AppKey("settings", Settings)
SERVICES: web.AppKey[Services] = web.AppKey("services")
QUEUE: web.AppKey[DeliveryQueue | RecordOnlyQueue | JobQueue] = web.AppKey("queue")
OWN_SERVICES = web.AppKey("own_services", bool)
FRONT_DOOR: web.AppKey[FrontDoor] = web.AppKey("front_door")
TIMER: web.AppKey[PeriodicTimer] = web.AppKey("periodic_timer")
