"""The command line, `python -m bot …`: serve, migrate, receive, analyze (and the identity commands)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import os
import sys
import uuid
from pathlib import Path

import aiohttp
import orjson
from aiohttp import web
from pydantic import SecretStr

from bot import preflight
from bot.auth.crypto import require_key
from bot.cli import tokens as tokens_commands
from bot.cli.common import DEV_WEBHOOK_SECRET, new_event_loop, settings_for
from bot.settings import ConfigError, Settings

log = logging.getLogger("bot")

def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if settings.webhook_secret is None:
        raise ConfigError(
            "configuration error: WEBHOOK_SECRET: required to verify deliveries (or run with --dev)"
        )
    require_key(settings)
    preflight.run(settings, web=True)
    host = args.host or settings.host
    port = args.port or settings.port
    log.info("serving on http://%s:%d (database: %s)", host, port, settings.database_url.split("://", 1)[0])
    local = f"http://{'localhost' if host in ('0.0.0.0', '::', '127.0.0.1') else host}:{port}"  # noqa: S104
    for line in preflight.next_steps(settings, settings.public_url or local):
        log.info("%s", line)
    processes = settings.web_concurrency
    if processes > 1 and settings.queue_mode != "external":
        log.warning("WEB_CONCURRENCY=%d ignored: the embedded queue runs in one process (set QUEUE_MODE=external "
                    "and run `python -m bot worker` to use more)", processes)
        processes = 1
    if processes > 1:
        from bot.processes import serve_processes

        return serve_processes(processes, lambda: _serve(settings, host, port, reuse_port=True),
                               grace=settings.shutdown_grace_seconds)
    _serve(settings, host, port)
    return 0


def _serve(settings: Settings, host: str, port: int, *, reuse_port: bool = False) -> None:
    from bot.server import create_app

    app = create_app(settings)
    if settings.webhook_proxy_url and not reuse_port:  # one replayer, not one per process
        from bot import webhook_proxy

        webhook_proxy.attach(app, settings.webhook_proxy_url, f"http://127.0.0.1:{port}")
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(_run_until_stopped(app, host, port, reuse_port=reuse_port,
                                      grace=settings.shutdown_grace_seconds))


async def _run_until_stopped(app: web.Application, host: str, port: int, *, reuse_port: bool, grace: float) -> None:
    """Start the app, serve until SIGTERM/SIGINT, then stop it through its cleanup.

    The signals are taken before the app's start-up runs, so a stop asked for while it is starting (a restart on
    a busy machine) waits for the start-up to end and then runs the cleanup. aiohttp's `run_app` raises out of a
    half-run start-up instead: no cleanup, and the tasks it had started were cancelled under it, which could
    hang the process past its grace."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=grace)
    await runner.setup()
    try:
        if not stop.is_set():
            await web.TCPSite(runner, host, port, reuse_port=reuse_port or None).start()
            await stop.wait()
    finally:
        await runner.cleanup()


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
        await queue.stop(grace=settings.shutdown_grace_seconds)
        await services.close()


def cmd_worker(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    require_key(settings)
    preflight.run(settings)
    if settings.queue_mode == "embedded":
        log.warning(
            "QUEUE_MODE is embedded: the web process runs deliveries itself and takes back every unfinished one when "
            "it starts; run workers only with QUEUE_MODE=external on the web process too"
        )
    if settings.job_engine:
        from bot.jobs.worker import work

        asyncio.run(work(settings))
    else:  # SQLite: procrastinate needs PostgreSQL; the lease-polling workers share the file
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


async def _receive(settings: Settings, event: str, payload: bytes, timeout: float, gitlab: bool = False) -> int:
    from bot.appkeys import QUEUE, SERVICES
    from bot.server import create_app

    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    delivery_id = str(uuid.uuid4())
    if gitlab:
        assert settings.gitlab_webhook_secret is not None
        provider, path = "gitlab", "/api/gitlab/webhooks"
        headers = {
            "Content-Type": "application/json",
            "X-Gitlab-Event": event,
            "X-Gitlab-Event-UUID": delivery_id,
            "X-Gitlab-Token": settings.gitlab_webhook_secret.get_secret_value(),
        }
    else:
        assert settings.webhook_secret is not None
        provider, path = "github", "/api/github/webhooks"
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id,
            "X-Hub-Signature-256": sign(payload, settings.webhook_secret.get_secret_value()),
        }
    try:
        async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{port}{path}", data=payload, headers=headers
        ) as resp:
            answer = await resp.text()
            print(f"HTTP {resp.status} {answer}")
            if resp.status >= 300:
                return 1
        await app[QUEUE].join(timeout)
        row = await app[SERVICES].db.deliveries.by_delivery_id(provider, delivery_id)
        if row is not None:
            print(f"delivery {delivery_id}: {row.status}" + (f"\n{row.last_error}" if row.last_error else ""))
            return 0 if row.status in ("done", "ignored", "pending") else 1
        return 1
    finally:
        await runner.cleanup()


def cmd_receive(args: argparse.Namespace) -> int:
    import tempfile

    payload = sys.stdin.buffer.read() if args.payload == "-" else Path(args.payload).read_bytes()
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        print(f"error: {args.payload} is not JSON: {exc}", file=sys.stderr)
        return 2
    overrides: dict[str, object] = {}
    if args.api_url:
        overrides["gitlab_url" if args.gitlab else "github_api_url"] = args.api_url
    with tempfile.TemporaryDirectory(prefix="devflowfix-receive-") as scratch:
        # Its own database unless told otherwise: a server's unfinished work in a shared file is never taken over.
        overrides["database_url"] = args.database_url or f"sqlite:///{scratch}/receive.sqlite3"
        settings = settings_for(args, **overrides)
        if settings.webhook_secret is None:
            settings.webhook_secret = SecretStr(DEV_WEBHOOK_SECRET)
        if settings.gitlab_webhook_secret is None:
            settings.gitlab_webhook_secret = SecretStr(DEV_WEBHOOK_SECRET)
        preflight.run(settings)
        return asyncio.run(_receive(settings, args.event, payload, args.timeout, gitlab=args.gitlab))


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("devflowfix")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


def env_help(text: str, variable: str | None = None, default: object = None) -> str:
    """An option's help with where its value comes from: `text (default: X; env VARIABLE)`."""
    where = []
    if default is not None:
        where.append(f"default: {default}")
    if variable:
        where.append(f"env {variable}")
    return f"{text} ({'; '.join(where)})" if where else text


DEV_HELP = env_help("development mode: relaxed checks, said loudly", "DEVFLOWFIX_ENV=development", "off")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="devflowfix",
        description="DevFlowFix: CI failures explained and fixed. Also run as `python -m bot`. Settings come from "
        "the environment or .env (see README.md); options here override them for one run.",
    )
    parser.add_argument("--version", action="version", version=f"devflowfix {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the web server (webhooks, API) and the embedded queue")
    serve.add_argument("--host", help=env_help("the address to listen on", "HOST", "0.0.0.0"))  # noqa: S104
    serve.add_argument("--port", type=int, help=env_help("the port to listen on", "PORT", 3000))
    serve.add_argument("--dev", action="store_true", help=DEV_HELP)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run recorded deliveries (for QUEUE_MODE=external; run as many as needed)")
    worker.add_argument("--dev", action="store_true", help=DEV_HELP)
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="upgrade the database schema (Alembic)")
    migrate.add_argument("revision", nargs="?", default="head",
                         help=env_help("the Alembic revision to upgrade to; the database is DATABASE_URL's",
                                       default="head"))
    migrate.set_defaults(func=cmd_migrate)

    receive = sub.add_parser(
        "receive", help="sign a payload file and run it through the webhook path and the handlers, like `probot "
        "receive` (examples/ has failures to try)")
    receive.add_argument("--event", "-e", required=True,
                         help="the event name: X-GitHub-Event (workflow_run), or X-Gitlab-Event (Pipeline Hook) "
                         "with --gitlab (required)")
    receive.add_argument("--payload", "-p", required=True, help="a JSON payload file, or - for stdin (required)")
    receive.add_argument("--gitlab", action="store_true", help="send it as a GitLab webhook (default: GitHub)")
    receive.add_argument("--api-url", help=env_help(
        "the API to work against for this run, e.g. a fake GitHub (scripts/fake-github)",
        "GITHUB_API_URL, or GITLAB_URL with --gitlab", "the configured one"))
    receive.add_argument("--database-url", help=env_help(
        "the database to record in", default="a temporary SQLite file, deleted afterwards; DATABASE_URL is not used "
        "unless passed here"))
    receive.add_argument("--timeout", type=float, default=300.0,
                         help=env_help("seconds to wait for the handlers to finish", default="300"))
    receive.add_argument("--dev", action="store_true", help=DEV_HELP)
    receive.set_defaults(func=cmd_receive)

    from bot import doctor

    doctor.register(sub)
    tokens_commands.register(sub)

    analyze = sub.add_parser("analyze", help="find the lines that explain a failed CI log "
                             "(`devflowfix analyze --help` for its options)", add_help=False)
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
        if os.environ.get("LOG_LEVEL", "").strip().upper() in ("DEBUG", "TRACE"):
            import traceback

            traceback.print_exc()
        return 2
