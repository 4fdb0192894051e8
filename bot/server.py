"""The aiohttp application: webhook endpoints, health checks, and the life cycle of storage and the queue."""

from __future__ import annotations

import gc
import logging
import sys

from aiohttp import web

from bot import webhooks
from bot.appkeys import FRONT_DOOR, OWN_SERVICES, QUEUE, SERVICES, SETTINGS, TIMER
from bot.front_door import FrontDoor
from bot.jobs.deferrer import JobQueue
from bot.maintenance.timer import PeriodicTimer
from bot.observability import init_sentry, metrics_endpoint
from bot.queue import DeliveryQueue, RecordOnlyQueue
from bot.services import Services
from bot.settings import Settings
from bot.web import add_routes as add_web_routes
from bot.web import headers as security_headers

log = logging.getLogger(__name__)

GIL_SWITCH_SECONDS = 0.0005


async def ping(_request: web.Request) -> web.Response:
    return web.Response(text="PONG")


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    services: Services = request.app[SERVICES]
    try:
        await services.db.ping()
    except Exception as exc:
        log.warning("readyz: database unreachable: %s", type(exc).__name__)
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    if not await services.db.is_current():
        return web.json_response({"status": "unavailable", "database": "ok", "migrations": "behind"}, status=503)
    return web.json_response({"status": "ok", "database": "ok", "migrations": "current"})


@web.middleware
async def no_500(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    """Anything unexpected becomes a logged 500 without internals; HTTP errors pass through as they are."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)


def create_app(settings: Settings, *, services: Services | None = None, migrate: bool | None = None) -> web.Application:
    """Build the application. `migrate` defaults to on for SQLite (the embedded default upgrades itself)."""
    app = web.Application(middlewares=[no_500], client_max_size=settings.max_webhook_body + 1)
    app[SETTINGS] = settings
    app[OWN_SERVICES] = services is None
    app[FRONT_DOOR] = FrontDoor(settings)
    security_headers.install(app, settings)  # CSP, nosniff, Referrer-Policy, HSTS on every answer
    webhooks.add_routes(app)
    add_web_routes(app)
    app.router.add_get("/ping", ping)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    init_sentry(settings)

    async def startup(app: web.Application) -> None:
        svc = services or await Services.create(settings)
        app[SERVICES] = svc
        should_migrate = migrate if migrate is not None else svc.db.engine.dialect.name == "sqlite"
        if should_migrate:
            await svc.db.migrate()
        svc.db.writer.start()
        queue: DeliveryQueue | RecordOnlyQueue | JobQueue
        if settings.job_engine:
            queue = JobQueue(settings.database_url, writer=svc.db.writer)  # jobs written with the records
            log.info("QUEUE_MODE=external: this process records deliveries and defers their jobs; "
                     "`python -m bot worker` runs them")
        elif settings.queue_mode == "external":
            queue = RecordOnlyQueue()
            log.info("QUEUE_MODE=external: this process records deliveries; `python -m bot worker` runs them")
        else:
            queue = DeliveryQueue(svc, concurrency=settings.worker_concurrency)
        app[QUEUE] = queue
        await queue.start()
        if settings.queue_mode == "embedded" and settings.periodic_work:
            timer = PeriodicTimer(svc)
            timer.start()
            app[TIMER] = timer
        # Everything loaded so far lives as long as the process: keep the collector from walking it again and
        # again (a full collection over SQLAlchemy's and the libraries' objects is a latency spike).
        gc.freeze()
        # The threads beside the event loop (aiosqlite's, the analysis pool's feeder, the WAL checkpoint) hand the
        # GIL back after this long instead of Python's 5 ms: an answer waits at most that for the loop's turn.
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        if not settings.app_configured:
            log.warning("no GitHub App configured (APP_ID, PRIVATE_KEY): webhooks are recorded, API work is not done")

    async def cleanup(app: web.Application) -> None:
        if TIMER in app:
            await app[TIMER].stop()
        if QUEUE in app:
            await app[QUEUE].stop(grace=settings.shutdown_grace_seconds)
        if app[OWN_SERVICES] and SERVICES in app:
            await app[SERVICES].close()

    app.on_startup.insert(0, startup)  # first: the routes' own start-up work (the setup code) needs the services
    app.on_cleanup.append(cleanup)
    return app
