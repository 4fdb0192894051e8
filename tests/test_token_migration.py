"""The migration to App user tokens (a batch with failing users, dry run, rollback), key rotation, the
`tokens` commands, and no token in plain text anywhere in the database."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update

from bot.auth.crypto import DecryptError, TokenCipher, require_key
from bot.auth.migration import TokenMigration
from bot.auth.oauth_common import TokenSet
from bot.services import Services
from bot.settings import ConfigError
from storage.models import Base, OAuthConnection
from tests.conftest import make_settings
from tests.fakes.github import FakeGitHub
from tests.identities import KEY

ROOT = Path(__file__).resolve().parent.parent


async def app_connection(services: Services, fake: FakeGitHub, user_id: str, account: int) -> OAuthConnection:
    assert services.user_tokens is not None
    return await services.user_tokens.store_grant(
        user_id=user_id, provider="github", kind="github_app_user",
        tokens=TokenSet.from_answer(fake.oauth.grant(account)), account=None,
    )


async def population(services: Services, fake: FakeGitHub) -> dict[str, str]:
    """ok: App token + legacy OAuth + a PAT; mismatch: App token of another account; waiting: legacy only;
    broken: an App token row that cannot be decrypted."""
    tokens = services.user_tokens
    assert tokens is not None
    ids = {}
    for login, account in (("ok", 1), ("mismatch", 2), ("waiting", 3), ("broken", 4), ("stranger", 5)):
        fake.oauth.add_user(login, account)
        if login != "stranger":
            ids[login] = (await services.db.users.upsert_github(account, login)).id
    await app_connection(services, fake, ids["ok"], 1)
    await tokens.store_legacy(user_id=ids["ok"], kind="github_oauth", token=fake.oauth.legacy_token("oauth", 1))
    await tokens.store_legacy(user_id=ids["ok"], kind="github_pat", token=fake.oauth.legacy_token("pat", 1),
                              repository_full_name="octo-org/app")
    await app_connection(services, fake, ids["mismatch"], 5)
    await tokens.store_legacy(user_id=ids["waiting"], kind="github_oauth", token=fake.oauth.legacy_token("oauth", 3))
    broken = await app_connection(services, fake, ids["broken"], 4)
    async with services.db.sessions.begin() as s:
        await s.execute(update(OAuthConnection).where(OAuthConnection.id == broken.id)
                        .values(access_token_enc=Fernet(Fernet.generate_key()).encrypt(b"x")))
    return ids


async def test_migration_batch_with_failing_users_and_rollback(
    id_services: Services, fake_github: FakeGitHub
) -> None:
    ids = await population(id_services, fake_github)
    migration = TokenMigration(id_services)
    dry = {o.login: o.status for o in await migration.run(10, dry_run=True)}
    assert dry == {"ok": "would_migrate", "mismatch": "would_migrate", "waiting": "pending", "broken": "would_migrate"}
    assert (await migration.status())["users"]["migrated"] == 0

    outcomes = {o.login: o for o in await migration.run(10)}
    assert {k: o.status for k, o in outcomes.items()} == {
        "ok": "migrated", "mismatch": "failed", "waiting": "pending", "broken": "failed"}
    assert "another GitHub account" in (outcomes["mismatch"].reason or "")
    assert "DecryptError" in (outcomes["broken"].reason or "")
    assert "authorize" in (outcomes["waiting"].reason or "")
    ok = await id_services.db.users.get(ids["ok"])
    assert ok is not None and ok.token_migration_status == "migrated" and ok.token_migrated_at is not None
    [app_row] = await id_services.db.connections.for_user(ids["ok"], kinds=["github_app_user"])
    assert app_row.migrated_from_pat
    failed = await id_services.db.users.get(ids["broken"])
    assert failed is not None and failed.token_migration_status == "failed" and failed.token_migration_error
    status = await migration.status()
    assert status["users"] == {"pending": 1, "migrated": 1, "failed": 2, "rolled_back": 0}
    assert status["connections"]["github_pat"] == 1

    assert (await id_services.identity_for(ids["ok"])).kind == "github_app_user"
    rolled = await migration.rollback("OK")  # by GitHub login, any case
    assert rolled.status == "rolled_back" and rolled.reason is None
    resolved = await id_services.identity_for(ids["ok"])
    assert resolved.kind == "github_oauth"  # the legacy token is usable again
    client = await id_services.user_client(ids["ok"])
    assert (await client.getitem("/user"))["login"] == "ok"
    again = {o.login for o in await migration.run(10)}
    assert "ok" not in again  # rolled-back users stay out of batches unless asked
    assert "ok" in {o.login for o in await migration.run(10, include_rolled_back=True)}
    with pytest.raises(LookupError):
        await migration.rollback("nobody")

    id_services.settings.github_app_tokens_enabled = False
    from bot.auth.migration import MigrationDisabled

    with pytest.raises(MigrationDisabled):
        await migration.run(10)


async def test_key_rotation_reencrypts_every_row(id_services: Services, fake_github: FakeGitHub) -> None:
    await population(id_services, fake_github)
    broken = {r.id: r.access_token_enc for r in await _all_connections(id_services) if not _readable(r, KEY)}
    assert broken  # the population has a row no key opens: it must not stop the rotation of the others
    before = {
        r.id: TokenCipher([KEY]).decrypt(r.access_token_enc)
        for r in await _all_connections(id_services) if r.id not in broken
    }
    new_key = Fernet.generate_key().decode()
    rotating = TokenCipher([new_key, KEY])

    def rotate(value: bytes) -> bytes | None:
        try:
            return rotating.rotate(value)
        except DecryptError:
            return None

    count, unreadable = await id_services.db.connections.reencrypt_all(rotate)
    assert count >= len(before)
    assert sorted(unreadable) == sorted(f"oauth_connections:{i}" for i in broken)
    only_new = TokenCipher([new_key])
    rows = await _all_connections(id_services)
    after = {r.id: only_new.decrypt(r.access_token_enc) for r in rows if r.id not in broken}
    assert after == before
    assert {r.id: r.access_token_enc for r in rows if r.id in broken} == broken  # left exactly as they were
    for row in (r for r in rows if r.id not in broken):
        with pytest.raises(DecryptError):
            TokenCipher([KEY]).decrypt(row.access_token_enc)
        if row.refresh_token_enc:
            only_new.decrypt(row.refresh_token_enc)


def _readable(row: OAuthConnection, key: str) -> bool:
    try:
        TokenCipher([key]).decrypt(row.access_token_enc)
    except DecryptError:
        return False
    return True


async def _all_connections(services: Services) -> list[OAuthConnection]:
    async with services.db.sessions() as s:
        return list((await s.execute(select(OAuthConnection))).scalars())


async def test_no_token_in_plain_text_in_the_database(
    id_services: Services, fake_github: FakeGitHub, database_url: str
) -> None:
    ids = await population(id_services, fake_github)
    assert id_services.user_tokens is not None
    [conn] = await id_services.db.connections.for_user(ids["ok"], kinds=["github_app_user"])
    await id_services.user_tokens.access_token(conn.id, force_refresh=True)  # a refresh stores new tokens too
    secrets = [t.token for t in fake_github.tokens.values()] + list(fake_github.oauth.refresh_tokens)
    assert len(secrets) > 8
    dumped = []
    async with id_services.db.engine.connect() as c:
        for table in Base.metadata.sorted_tables:
            for row in (await c.execute(select(table))).all():
                for value in row:
                    dumped.append(value if isinstance(value, bytes) else str(value).encode())
    blob = b"\n".join(dumped)
    for secret in secrets:
        assert secret.encode() not in blob
    if database_url.startswith("sqlite"):
        path = Path(database_url.split(":///", 1)[1])
        await id_services.db.engine.dispose()
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert raw
        for secret in secrets:
            assert secret.encode() not in raw


def test_the_server_refuses_to_start_without_a_key(database_url: str) -> None:
    with pytest.raises(ConfigError, match="OAUTH_TOKEN_ENCRYPTION_KEY"):
        require_key(make_settings(database_url, devflowfix_env="production"))
    require_key(make_settings(database_url, devflowfix_env="development"))
    dev = TokenCipher.from_settings(make_settings(database_url, devflowfix_env="development"))
    assert dev is not None and dev.ephemeral
    assert TokenCipher.from_settings(make_settings(database_url, devflowfix_env="production")) is None
    with pytest.raises(ConfigError, match="Fernet key"):
        TokenCipher.from_settings(make_settings(database_url, oauth_token_encryption_key="not-a-key"))


async def _cli(*args: str, env: dict[str, str], stdin: bytes = b"") -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=str(ROOT), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate(stdin)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_tokens_commands(id_services: Services, fake_github: FakeGitHub, database_url: str) -> None:
    new_key = Fernet.generate_key().decode()
    env = {**os.environ, "DATABASE_URL": database_url, "DEVFLOWFIX_ENV": "test", "LOG_LEVEL": "WARNING",
           "OAUTH_TOKEN_ENCRYPTION_KEY": KEY, "GITHUB_URL": fake_github.url, "GITHUB_API_URL": fake_github.url,
           "GITHUB_CLIENT_ID": fake_github.oauth.client_id, "GITHUB_CLIENT_SECRET": fake_github.oauth.client_secret}
    fake_github.oauth.add_user("octocat", 1)
    pat = fake_github.oauth.legacy_token("pat", 1)
    code, out, err = await _cli("tokens", "add-legacy", "--github-id", "1", "--login", "octocat", "--kind",
                                "github_pat", "--repository", "octo-org/app", env=env, stdin=pat.encode() + b"\n")
    assert code == 0, err
    assert pat not in out + err
    code, out, err = await _cli("tokens", "migrate", "--dry-run", "--batch-size", "5", env=env)
    assert code == 0, err
    assert "octocat pending" in out and "dry run" in out
    code, out, err = await _cli("tokens", "rotate-key", env={**env, "OAUTH_TOKEN_ENCRYPTION_KEY": f"{new_key},{KEY}"})
    assert code == 0, err
    [row] = await _all_connections(id_services)
    assert TokenCipher([new_key]).decrypt(row.access_token_enc) == pat
    code, out, err = await _cli("tokens", "status", env={**env, "OAUTH_TOKEN_ENCRYPTION_KEY": new_key})
    assert code == 0, err
    assert "github_pat 1" in out and "pending 1" in out
    code, out, err = await _cli("tokens", "rollback", "octocat", env=env)
    assert code == 0 and "rolled_back" in out
    code, out, err = await _cli("tokens", "rollback", "ghost", env=env)
    assert code == 1 and "no user" in err
