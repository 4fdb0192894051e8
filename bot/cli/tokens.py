"""`python -m bot tokens …`: migrate, status, rollback, rotate-key, generate-key, add-legacy.

Tokens are read from standard input (never from the command line, where `ps` and shell history see them)
and never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.settings import ConfigError, Settings

KINDS = ("github_oauth", "github_pat")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `tokens` command and its subcommands to the main parser."""
    tokens = sub.add_parser("tokens", help="identities: migration to App user tokens, key rotation, legacy tokens")
    tsub = tokens.add_subparsers(dest="tokens_command", required=True)

    migrate = tsub.add_parser("migrate", help="migrate one batch of users to GitHub App user tokens")
    migrate.add_argument("--batch-size", type=int,
                         help="users in this batch (default: 100; env USER_MIGRATION_BATCH_SIZE)")
    migrate.add_argument("--dry-run", action="store_true",
                         help="report what would happen, change nothing (default: off)")
    migrate.add_argument("--include-rolled-back", action="store_true",
                         help="also retry rolled-back users (default: off)")
    migrate.set_defaults(func=cmd_migrate)

    status = tsub.add_parser("status", help="users per migration status, connections per kind")
    status.set_defaults(func=cmd_status)

    rollback = tsub.add_parser("rollback", help="put a user back on their legacy token")
    rollback.add_argument("user", help="a user id or GitHub login")
    rollback.set_defaults(func=cmd_rollback)

    rotate = tsub.add_parser("rotate-key", help="re-encrypt every stored token under the first key")
    rotate.set_defaults(func=cmd_rotate_key)

    generate = tsub.add_parser("generate-key", help="print a new key for OAUTH_TOKEN_ENCRYPTION_KEY")
    generate.set_defaults(func=cmd_generate_key)

    legacy = tsub.add_parser("add-legacy", help="store a legacy OAuth token or PAT (read from stdin)")
    legacy.add_argument("--github-id", type=int, required=True, help="the person's GitHub account id")
    legacy.add_argument("--login", required=True, help="the person's GitHub login")
    legacy.add_argument("--kind", choices=KINDS, required=True,
                        help="github_oauth (a legacy OAuth App token) or github_pat (a personal access token)")
    legacy.add_argument("--repository", default="",
                        help="owner/name: the repository a PAT is for (required for github_pat; default: none)")
    legacy.set_defaults(func=cmd_add_legacy)

    for parser in (migrate, status, rollback, rotate, legacy):
        parser.add_argument("--dev", action="store_true",
                            help="development mode (default: off; env DEVFLOWFIX_ENV=development)")


def _run(args: argparse.Namespace, job: Callable[..., Awaitable[int]]) -> int:
    from bot.cli.common import settings_for
    from bot.services import Services

    settings: Settings = settings_for(args)

    async def main() -> int:
        services = await Services.create(settings)
        try:
            return await job(services)
        finally:
            await services.close()

    return asyncio.run(main())


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.auth.migration import MigrationDisabled, TokenMigration

    async def job(services: object) -> int:
        migration = TokenMigration(services)  # type: ignore[arg-type]
        try:
            outcomes = await migration.run(args.batch_size, dry_run=args.dry_run,
                                           include_rolled_back=args.include_rolled_back)
        except MigrationDisabled as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for o in outcomes:
            print(f"{o.user_id} {o.login or '-'} {o.status}" + (f": {o.reason}" if o.reason else ""))
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no users to migrate"
        print(("dry run: " if args.dry_run else "") + summary)
        return 0

    return _run(args, job)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.auth.migration import TokenMigration

    async def job(services: object) -> int:
        report = await TokenMigration(services).status()  # type: ignore[arg-type]
        for section, counts in report.items():
            print(section + ": " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))
        return 0

    return _run(args, job)


def cmd_rollback(args: argparse.Namespace) -> int:
    from bot.auth.migration import TokenMigration

    async def job(services: object) -> int:
        try:
            outcome = await TokenMigration(services).rollback(args.user)  # type: ignore[arg-type]
        except LookupError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 1
        print(f"{outcome.user_id} {outcome.login or '-'} rolled_back" + (f": {outcome.reason}" if outcome.reason
                                                                          else ""))
        return 0

    return _run(args, job)


def cmd_rotate_key(args: argparse.Namespace) -> int:
    async def job(services: object) -> int:
        from bot.services import Services

        assert isinstance(services, Services)
        if services.cipher is None or services.cipher.ephemeral:
            raise ConfigError("configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: set the new key first, then the old")
        from bot.auth.crypto import DecryptError

        cipher = services.cipher

        def rotate(value: bytes) -> bytes | None:
            try:
                return cipher.rotate(value)
            except DecryptError:
                return None

        count, unreadable = await services.db.connections.reencrypt_all(rotate)
        print(f"re-encrypted {count} stored secrets under the first key")
        if unreadable:
            print(f"{len(unreadable)} rows no configured key opens, left as they are (their owners must reconnect; "
                  "keep the old key until they have): " + ", ".join(unreadable[:50]), file=sys.stderr)
            return 1
        print("the other keys can now be removed")
        return 0

    return _run(args, job)


def cmd_generate_key(args: argparse.Namespace) -> int:
    from bot.auth.crypto import TokenCipher

    print(TokenCipher.generate_key())
    return 0


def cmd_add_legacy(args: argparse.Namespace) -> int:
    if args.kind == "github_pat" and "/" not in args.repository:
        print("error: a github_pat needs --repository owner/name", file=sys.stderr)
        return 2
    token = sys.stdin.readline().strip()
    if not token:
        print("error: give the token on standard input", file=sys.stderr)
        return 2

    async def job(services: object) -> int:
        from bot.services import Services

        assert isinstance(services, Services)
        if services.user_tokens is None:
            raise ConfigError("configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: required to store tokens")
        if services.cipher is not None and services.cipher.ephemeral:
            raise ConfigError(
                "configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: unset, and development mode's ephemeral key would "
                "make the stored token unreadable after this command; set a key (`python -m bot tokens "
                "generate-key`)"
            )
        user = await services.db.users.upsert_github(args.github_id, args.login)
        row = await services.user_tokens.store_legacy(
            user_id=user.id, kind=args.kind, token=token,
            repository_full_name=args.repository if args.kind == "github_pat" else "",
        )
        print(f"stored {row.kind} connection {row.id} for {args.login}")
        return 0

    return _run(args, job)
