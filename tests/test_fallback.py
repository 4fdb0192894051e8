"""Which identity acts: App user token, then legacy OAuth token, then the repository's PAT; the installation for
repository work; counted and logged by kind, legacy kinds warned about and refused after the deprecation date."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.auth.fallback import IdentityResolver, LegacyTokenRefused, NoIdentity
from bot.auth.oauth_common import TokenSet
from bot.services import Services
from tests.fakes.github import FakeGitHub


async def person(services: Services, fake: FakeGitHub, *, app: bool, oauth: bool, pat: str | None) -> str:
    fake.oauth.add_user("octocat", 1)
    user = await services.db.users.upsert_github(1, "octocat")
    tokens = services.user_tokens
    assert tokens is not None
    if app:
        await tokens.store_grant(user_id=user.id, provider="github", kind="github_app_user",
                                 tokens=TokenSet.from_answer(fake.oauth.grant(1)), account=None)
    if oauth:
        await tokens.store_legacy(user_id=user.id, kind="github_oauth", token=fake.oauth.legacy_token("oauth", 1))
    if pat:
        await tokens.store_legacy(user_id=user.id, kind="github_pat", token=fake.oauth.legacy_token("pat", 1),
                                  repository_full_name=pat)
    return user.id


async def test_fallback_order(id_services: Services, fake_github: FakeGitHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    user_id = await person(id_services, fake_github, app=True, oauth=True, pat="octo-org/app")
    resolved = await id_services.identity_for(user_id, "octo-org/app")
    assert resolved.kind == "github_app_user" and resolved.deprecation is None
    client = await id_services.user_client(user_id, "octo-org/app")
    assert (await client.getitem("/user"))["login"] == "octocat"

    [app_row] = await id_services.db.connections.for_user(user_id, kinds=["github_app_user"])
    await id_services.db.connections.deactivate(app_row.id, "test")
    resolved = await id_services.identity_for(user_id, "octo-org/app")
    assert resolved.kind == "github_oauth"
    assert resolved.deprecation is not None and "deprecated" in resolved.deprecation
    client = await id_services.user_client(user_id, "octo-org/app")
    assert (await client.getitem("/user"))["login"] == "octocat"

    [oauth_row] = await id_services.db.connections.for_user(user_id, kinds=["github_oauth"])
    await id_services.db.connections.deactivate(oauth_row.id, "test")
    assert (await id_services.identity_for(user_id, "octo-org/app")).kind == "github_pat"
    with pytest.raises(NoIdentity):  # a PAT only acts on its own repository
        await id_services.identity_for(user_id, "octo-org/other")
    with pytest.raises(NoIdentity):
        await id_services.identity_for(user_id)

    client = await id_services.user_client(user_id, "octo-org/app")
    await client.getitem("/user")
    assert id_services.identities is not None
    uses = id_services.identities.uses
    assert uses["github_app_user"] == 1 and uses["github_oauth"] == 1 and uses["github_pat"] == 1
    legacy_lines = [r for r in caplog.records if "legacy token used" in r.getMessage()]
    assert {getattr(r, "token_kind", None) for r in legacy_lines} == {"github_oauth", "github_pat"}
    secrets = [t.token for t in fake_github.tokens.values()]
    assert not any(s in r.getMessage() or s in str(vars(r)) for r in caplog.records for s in secrets)


async def test_rolled_back_or_flag_off_uses_the_legacy_token(
    id_services: Services, fake_github: FakeGitHub
) -> None:
    user_id = await person(id_services, fake_github, app=True, oauth=True, pat=None)
    await id_services.db.users.set_migration(user_id, "rolled_back")
    assert (await id_services.identity_for(user_id)).kind == "github_oauth"
    await id_services.db.users.set_migration(user_id, "migrated")
    assert (await id_services.identity_for(user_id)).kind == "github_app_user"
    id_services.settings.github_app_tokens_enabled = False
    assert (await id_services.identity_for(user_id)).kind == "github_oauth"


async def test_legacy_refused_after_the_deprecation_date(id_services: Services, fake_github: FakeGitHub) -> None:
    user_id = await person(id_services, fake_github, app=False, oauth=True, pat=None)
    id_services.settings.oauth_token_deprecation_date = dt.date(2030, 1, 1)
    assert id_services.identities is not None
    resolver = IdentityResolver(id_services.settings, id_services.db, id_services.user_tokens, None,
                                today=lambda: dt.date(2030, 1, 1))
    resolved = await resolver.identity_for(user_id)
    assert resolved.deprecation is not None and "2030-01-01" in resolved.deprecation
    resolver = IdentityResolver(id_services.settings, id_services.db, id_services.user_tokens, None,
                                today=lambda: dt.date(2030, 1, 2))
    with pytest.raises(LegacyTokenRefused, match="authorize the DevFlowFix GitHub App"):
        await resolver.identity_for(user_id)


async def test_repository_work_uses_the_installation(
    id_services: Services, fake_github: FakeGitHub
) -> None:
    from bot.auth.app_jwt import AppJWT
    from bot.auth.installation_tokens import InstallationTokens
    from tests.fakes.github import APP_ID, app_key

    fake_github.add_installation(7, repos=["octo-org/app"])
    await id_services.db.installations.upsert({"id": 7, "account": {"login": "octo-org", "id": 1}})
    await id_services.db.installations.add_repositories(7, [{"id": 5000, "full_name": "octo-org/app"}])
    installation_tokens = InstallationTokens(id_services.http, AppJWT(APP_ID, app_key()[0]), fake_github.url)
    resolver = IdentityResolver(id_services.settings, id_services.db, id_services.user_tokens, installation_tokens)
    resolved = await resolver.identity_for(None, "octo-org/app")
    assert resolved.kind == "installation"
    assert await resolved.provider.token()
    with pytest.raises(NoIdentity, match="not installed"):
        await resolver.identity_for(None, "octo-org/elsewhere")
