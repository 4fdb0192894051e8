"""The connections API: list, validate, refresh, delete one's own connections; CSRF on every change;
another person's connection answers 404; the legacy deprecation warning shows in the answers."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.services import Services
from tests.fakes.github import FakeGitHub
from tests.identities import other_browser, sign_in


async def test_list_validate_refresh_delete(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    csrf = await sign_in(id_client, fake_github, "octocat", 1)
    user = await id_services.db.users.by_github_id(1)
    assert user is not None and id_services.user_tokens is not None
    await id_services.user_tokens.store_legacy(user_id=user.id, kind="github_oauth",
                                               token=fake_github.oauth.legacy_token("oauth", 1))
    body = await (await id_client.get("/api/v1/oauth/connections")).json()
    kinds = {c["kind"]: c for c in body["connections"]}
    assert set(kinds) == {"github_app_user", "github_oauth"}
    assert kinds["github_oauth"]["deprecation"] and kinds["github_app_user"]["deprecation"] is None
    text = str(body)
    assert not any(t.token in text for t in fake_github.tokens.values())
    app_id = kinds["github_app_user"]["id"]

    valid = await (await id_client.get(f"/api/v1/oauth/connections/{app_id}/validate")).json()
    assert valid["valid"] and valid["login"] == "octocat" and valid["kind"] == "github_app_user"
    assert valid["expires_at"]
    legacy = await (await id_client.get(f"/api/v1/oauth/connections/{kinds['github_oauth']['id']}/validate")).json()
    assert legacy["valid"] and legacy["scopes"] == ["repo", "read:user"] and legacy["deprecation"]

    assert (await id_client.post(f"/api/v1/oauth/connections/{app_id}/refresh")).status == 403  # no CSRF token
    resp = await id_client.post(f"/api/v1/oauth/connections/{app_id}/refresh", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and fake_github.oauth.refresh_calls == 1
    resp = await id_client.post(f"/api/v1/oauth/connections/{kinds['github_oauth']['id']}/refresh",
                                headers={"X-CSRF-Token": csrf})
    assert resp.status == 409  # a legacy token has no refresh token

    ident = await (await id_client.get("/api/v1/identity")).json()
    assert ident["kind"] == "github_app_user"

    assert (await id_client.delete(f"/api/v1/oauth/connections/{app_id}")).status == 403
    assert (await id_client.delete(f"/api/v1/oauth/connections/{app_id}",
                                   headers={"X-CSRF-Token": "wrong"})).status == 403
    app_token = id_services.cipher.decrypt(  # type: ignore[union-attr]
        (await id_services.db.connections.get(app_id)).access_token_enc  # type: ignore[union-attr]
    )
    resp = await id_client.delete(f"/api/v1/oauth/connections/{app_id}", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    assert (await resp.json()) == {"deleted": True, "revoked_at_provider": True, "note": None}
    assert fake_github.tokens[app_token].revoked  # revoked at GitHub, not only forgotten here
    ident = await (await id_client.get("/api/v1/identity")).json()
    assert ident["kind"] == "github_oauth" and "deprecated" in ident["deprecation"]

    # a legacy OAuth App's token isn't ours to revoke: it is forgotten, and the answer says what to do
    resp = await id_client.delete(f"/api/v1/oauth/connections/{kinds['github_oauth']['id']}",
                                  headers={"X-CSRF-Token": csrf})
    answer = await resp.json()
    assert resp.status == 200 and answer["revoked_at_provider"] is False and "settings" in answer["note"]


async def test_one_user_cannot_read_or_change_anothers_connection(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    await sign_in(id_client, fake_github, "octocat", 1)
    [mine] = (await (await id_client.get("/api/v1/oauth/connections")).json())["connections"]
    mallory = await other_browser(id_client)
    try:
        csrf = await sign_in(mallory, fake_github, "mallory", 666)
        listed = (await (await mallory.get("/api/v1/oauth/connections")).json())["connections"]
        assert [c["username"] for c in listed] == ["mallory"]
        for method, path in (("GET", f"/api/v1/oauth/connections/{mine['id']}/validate"),
                             ("POST", f"/api/v1/oauth/connections/{mine['id']}/refresh"),
                             ("DELETE", f"/api/v1/oauth/connections/{mine['id']}")):
            resp = await mallory.request(method, path, headers={"X-CSRF-Token": csrf})
            assert resp.status == 404, (method, path)
        assert (await mallory.get("/api/v1/oauth/connections/../../etc/validate")).status == 404
        assert (await mallory.get("/api/v1/oauth/connections/x' OR 1=1/validate")).status == 404
    finally:
        await mallory.session.close()
    assert await id_services.db.connections.get(mine["id"]) is not None


async def test_signed_out_answers_401_and_logout_needs_csrf(
    id_client: TestClient, fake_github: FakeGitHub
) -> None:
    assert (await id_client.get("/api/v1/oauth/connections")).status == 401
    assert (await id_client.delete("/api/v1/oauth/connections/abc")).status == 401
    csrf = await sign_in(id_client, fake_github, "octocat", 1)
    assert (await id_client.post("/api/v1/session/logout")).status == 403
    assert (await id_client.post("/api/v1/session/logout", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await id_client.get("/api/v1/oauth/connections")).status == 401
