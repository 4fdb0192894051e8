"""The command line, `python -m bot …`: serve, migrate, receive, analyze (and the identity commands)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import sys
import uuid
from pathlib import Path

import aiohttp
import orjson
from aiohttp import web
from pydantic import SecretStr

from bot import logs
from bot.auth import commands as tokens_commands
from bot.auth.crypto import require_key
from bot.settings import ConfigError, Settings, load_settings

log = logging.getLogger("bot")

DEV_WEBHOOK_SECRET = "development"  # noqa: S105 - only ever used in development mode, loudly


def settings_for(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "dev", False):
        overrides["devflowfix_env"] = "development"
    settings = load_settings(**overrides)
    logs.configure(settings.log_level, settings.log_format, settings.secret_values())
    if settings.development:
        log.warning("DEVELOPMENT MODE: relaxed checks, do not expose this server to the internet")
        if settings.webhook_secret is None:
            settings.webhook_secret = SecretStr(DEV_WEBHOOK_SECRET)
            log.warning("DEVELOPMENT MODE: WEBHOOK_SECRET is unset, using the development secret")
    return settings


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux, macOS): the same asyncio API with a faster loop under the server."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - platforms without uvloop
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.server import create_app

    settings = settings_for(args)
    if settings.webhook_secret is None:
        raise ConfigError(
            "configuration error: WEBHOOK_SECRET: required to verify deliveries (or run with --dev)"
        )
    require_key(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    log.info("serving on http://%s:%d (database: %s)", host, port, settings.database_url.split("://", 1)[0])
    web.run_app(create_app(settings), host=host, port=port, print=None, access_log=None, loop=new_event_loop())
    return 0


async def _work(settings: Settings) -> None:
    import signal

    from bot.queue import DeliveryQueue
    from bot.services import Services

    services = await Services.create(settings)
    queue = DeliveryQueue(
        services, concurrency=settings.worker_concurrency, poll_seconds=settings.worker_poll_seconds, shared=True
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await queue.start()
    log.info("worker running (%d at a time, polling every %.1fs)", settings.worker_concurrency,
             settings.worker_poll_seconds)
    try:
        await stop.wait()
    finally:
        await queue.stop(grace=30)
        await services.close()


def cmd_worker(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    require_key(settings)
    asyncio.run(_work(settings))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade_sync

    settings = settings_for(args)
    upgrade_sync(settings.database_url, args.revision)
    log.info("database migrated to %s", args.revision)
    return 0


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _receive(settings: Settings, event: str, payload: bytes, timeout: float) -> int:
    from bot.appkeys import QUEUE, SERVICES
    from bot.server import create_app

    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    delivery_id = str(uuid.uuid4())
    assert settings.webhook_secret is not None
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id,
        "X-Hub-Signature-256": sign(payload, settings.webhook_secret.get_secret_value()),
    }
    try:
        async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{port}/api/github/webhooks", data=payload, headers=headers
        ) as resp:
            answer = await resp.text()
            print(f"HTTP {resp.status} {answer}")
            if resp.status >= 300:
                return 1
        await app[QUEUE].join(timeout)
        row = await app[SERVICES].db.deliveries.by_delivery_id("github", delivery_id)
        if row is not None:
            print(f"delivery {delivery_id}: {row.status}" + (f"\n{row.last_error}" if row.last_error else ""))
            return 0 if row.status in ("done", "ignored", "pending") else 1
        return 1
    finally:
        await runner.cleanup()


def cmd_receive(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if settings.webhook_secret is None:
        settings.webhook_secret = SecretStr(DEV_WEBHOOK_SECRET)
    payload = sys.stdin.buffer.read() if args.payload == "-" else Path(args.payload).read_bytes()
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        print(f"error: {args.payload} is not JSON: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_receive(settings, args.event, payload, args.timeout))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="DevFlowFix: CI failures explained and fixed.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server (webhooks, API) and the embedded queue")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--dev", action="store_true", help="development mode: relaxed checks, said loudly")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run recorded deliveries (for QUEUE_MODE=external; run as many as needed)")
    worker.add_argument("--dev", action="store_true")
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="upgrade the database schema (Alembic)")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=cmd_migrate)

    receive = sub.add_parser("receive", help="sign a payload file and run it through the webhook path")
    receive.add_argument("--event", "-e", required=True, help="the X-GitHub-Event name, e.g. workflow_run")
    receive.add_argument("--payload", "-p", required=True, help="a JSON payload file, or - for stdin")
    receive.add_argument("--timeout", type=float, default=300.0)
    receive.add_argument("--dev", action="store_true")
    receive.set_defaults(func=cmd_receive)

    tokens_commands.register(sub)

    analyze = sub.add_parser("analyze", help="find the lines that explain a failed CI log", add_help=False)
    analyze.set_defaults(func=cmd_analyze)
    return parser


def cmd_analyze(args: argparse.Namespace) -> int:
    from bot.analysis import cli as analysis_cli

    return analysis_cli.main(args.rest)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "analyze":  # the analyzer owns its own arguments
        args = argparse.Namespace(func=cmd_analyze, rest=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
