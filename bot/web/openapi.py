"""The OpenAPI 3 description of `/api/v1`, served at `GET /api/v1/openapi.json`.

Written by hand next to the handlers it describes, and held to them by tests: every route the application
registers under `/api/v1` must appear here (tests/test_openapi.py), and schemathesis runs the description against
the running server, signed in, checking that no answer is a 5xx and every answer matches (status, content type,
body schema). Sign-in is a browser session: an HttpOnly cookie (`dff_session`) from the OAuth flow, and for every
state-changing call the session's CSRF token in `X-CSRF-Token` (from `GET /api/v1/session`).
"""

from __future__ import annotations

import functools
from typing import Any

from aiohttp import web

VERSION = "1.0.0"
UUID_OR_NUMBER = "^[0-9a-fA-F-]{1,36}$"
NUMBER = "^[0-9]{1,18}$"
OWNER = "^[A-Za-z0-9][A-Za-z0-9-]{0,38}$"
REPO = "^[A-Za-z0-9._-]{1,100}$"
FULL_NAME = "^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$"

SIGNED_IN: list[dict[str, list[str]]] = [{"session": []}]
CHANGES: list[dict[str, list[str]]] = [{"session": [], "csrf": []}]
NULL_STR = {"type": "string", "nullable": True}
NULL_INT = {"type": "integer", "nullable": True}
NULL_BOOL = {"type": "boolean", "nullable": True}
TIME = {"type": "string", "nullable": True, "description": "ISO 8601 time"}
ANY_OBJECT = {"type": "object"}

READ_ERRORS = (400, 401, 404, 409, 502, 503)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 502, 503)
ERROR_TEXT = {
    400: "The request is malformed (a parameter is out of range or not what it should be).",
    401: "Not signed in.", 403: "Missing or wrong CSRF token, or the provider (or your role) refuses this.",
    404: "No such thing, or not one you may see.", 409: "Not possible in the current state (often: reconnect).",
    413: "The body is too large, or the content asked for is larger than this API serves.",
    415: "Unsupported media type.", 422: "The body is not what this call takes.",
    502: "The provider answered something unexpected or could not be reached.",
    503: "Unavailable (a setting is missing, or the provider asks to wait).",
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": sorted(required), "properties": {**required, **(optional or {})}}


SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": {"type": "string"}}, {"reconnect_url": {"type": "string"}}),
    "Session": obj({"signed_in": {"type": "boolean"}}, {
        "csrf_token": {"type": "string"}, "sign_in_url": {"type": "string"},
        "user": obj({"id": {"type": "string"}, "github_login": NULL_STR, "gitlab_username": NULL_STR,
                     "token_migration_status": NULL_STR}),
    }),
    "Connection": obj({"id": {"type": "string"}, "provider": {"type": "string"}, "kind": {"type": "string"},
                       "active": {"type": "boolean"}, "legacy": {"type": "boolean"}},
                      {"username": NULL_STR, "repository": NULL_STR, "expires_at": TIME, "deprecation": NULL_STR,
                       "scopes": {"type": "array", "items": {"type": "string"}}, "reconnect_url": NULL_STR}),
    "Identity": obj({"kind": {"type": "string"}}, {"connection_id": NULL_STR, "deprecation": NULL_STR}),
    "ActingAs": obj({"kind": {"type": "string", "nullable": True}}, {"deprecation": NULL_STR, "login": NULL_STR}),
    "Repository": obj(
        {"id": {"type": "string"}, "provider": {"type": "string", "enum": ["github", "gitlab"]},
         "full_name": {"type": "string"},
         "is_enabled": {"type": "boolean"}, "auto_pr_enabled": {"type": "boolean"},
         "allow_workflow_edits": {"type": "boolean"}, "open_incidents": {"type": "integer"},
         "can_change_settings": {"type": "boolean"}},
        {"github_id": {"type": "string", "description": "a GitHub repository's id"},
         "gitlab_id": {"type": "string", "description": "a GitLab project's id"}, "webhook_id": NULL_STR,
         "web_url": {**NULL_STR, "description": "the repository (project) on the provider's site"},
         "private": {"type": "boolean"}, "installation": {"type": "object", "nullable": True},
         "last_event_at": TIME, "permissions": {"type": "object", "additionalProperties": {"type": "boolean"}},
         "recent_incidents": {"type": "array", "items": ref("Incident")},
         "mode": {"type": "string", "enum": ["app", "webhook", "project_hook"],
                  "description": "watched through the App, a repository webhook, or a GitLab project hook"},
         "hook_health": NULL_STR}),
    "RepositoryEntry": obj(
        {"full_name": {"type": "string"}},
        {"id": NULL_STR, "provider": {"type": "string", "enum": ["github", "gitlab"]}, "watched": {"type": "boolean"},
         "is_enabled": {"type": "boolean"}, "auto_pr_enabled": {"type": "boolean"}}),
    "HookedRepository": obj(
        {"id": {"type": "string"}, "github_id": {"type": "string"}, "full_name": {"type": "string"},
         "mode": {"type": "string", "enum": ["webhook"]}, "webhook_id": NULL_STR, "acting_as": ref("ActingAs"),
         "recommendation": {"type": "string"}},
        {"hook_created": {"type": "boolean"}, "connected": {"type": "boolean"}, "monitoring": {"type": "boolean"}}),
    "Incident": obj({"id": {"type": "string"}, "repository": {"type": "string"}, "status": {"type": "string"}},
                    {"provider": {"type": "string", "enum": ["github", "gitlab"]},
                     "category": NULL_STR, "summary": NULL_STR, "run": ANY_OBJECT, "pull_request": NULL_INT,
                     "pull_request_url": {**NULL_STR, "description": "a GitHub pull request or GitLab merge request"},
                     "fix_pr": {"type": "object", "nullable": True}, "created_at": TIME, "updated_at": TIME,
                     "root_cause": NULL_STR, "analysis": ANY_OBJECT,
                     "fix_attempts": {"type": "array", "items": ANY_OBJECT}}),
    "Delivery": obj({"id": {"type": "integer"}, "delivery_id": {"type": "string"}, "event": {"type": "string"},
                     "status": {"type": "string"}, "attempts": {"type": "integer"}},
                    {"action": NULL_STR, "repository": NULL_STR, "received_at": TIME,
                     "last_error": {**NULL_STR, "description": "one line, without server paths"},
                     "next_attempt_at": TIME, "finished_at": TIME}),
    "Settings": {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
        "is_enabled": {"type": "boolean"}, "auto_pr_enabled": {"type": "boolean"},
        "allow_workflow_edits": {"type": "boolean"}}},
    "Entry": obj({"name": {"type": "string"}, "path": {"type": "string"}, "type": {"type": "string"},
                  "size": {"type": "integer"}, "sha": {"type": "string"}}),
    "GitLabProject": obj({"connected": {"type": "boolean"}},
                         {"id": NULL_INT, "full_name": NULL_STR, "name": NULL_STR, "web_url": NULL_STR,
                          "connected_by_me": {"type": "boolean"}, "webhook_id": NULL_STR,
                          "hook_created": {"type": "boolean"}}),
}


def paged(key: str, item: str) -> dict[str, Any]:
    return obj({key: {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}, "next_page": NULL_INT})


def path_param(name: str, pattern: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": pattern}}


def query(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


PAGING = [query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "page number, from 1"),
          query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "items per page (default 30)")]
REPO_ID = path_param("id", UUID_OR_NUMBER, "our repository id, or (connect, disconnect, test) GitHub's repository id")
REPO_QUERY = query("repo", {"type": "string", "pattern": FULL_NAME}, "the repository, owner/name", required=True)
REF = query("ref", {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,100}$"}, "a branch, tag or commit")
OWNER_REPO = [path_param("owner", OWNER, "the repository's owner"), path_param("repo", REPO, "its name")]


def json_answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(
    summary: str, answers: dict[int, Any], *, params: list[dict[str, Any]] | None = None, write: bool = False,
    signed: bool = True, errors: tuple[int, ...] | None = None, body: dict[str, Any] | None = None,
    tag: str = "api",
) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, answer in answers.items():
        responses[str(status)] = answer if isinstance(answer, dict) and "description" in answer else \
            json_answer(answer, "OK" if status < 300 else "")
    for status in errors if errors is not None else (WRITE_ERRORS if write else READ_ERRORS):
        responses.setdefault(str(status), json_answer(ref("Error"), ERROR_TEXT[status]))
    found: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses,
                             "parameters": params or []}
    if signed:
        found["security"] = CHANGES if write else SIGNED_IN
    if body is not None:
        found["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return found


def redirect(description: str) -> dict[str, Any]:
    return {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}


EMPTY = {"description": "Done; no body."}


def paths() -> dict[str, dict[str, Any]]:
    oauth: dict[str, Any] = {}
    for provider in ("github", "gitlab"):
        start = operation(f"Start signing in (or connecting) with {provider}: a redirect to {provider}",
                          {302: redirect(f"to {provider}'s authorization page")}, signed=False,
                          errors=(400, 403, 409, 503), tag="oauth")
        oauth[f"/api/v1/oauth/{provider}/authorize"] = {
            "get": start, "post": {**start, "summary": f"{start['summary']} (a form post; CSRF when signed in)"}}
        oauth[f"/api/v1/oauth/{provider}/callback"] = {"get": operation(
            f"Where {provider} sends the browser back: signs in and redirects to /",
            {302: redirect("to / with ?connected=")}, signed=False, tag="oauth",
            params=[query("code", {"type": "string"}, "the authorization code"),
                    query("state", {"type": "string"}, "the state we issued")],
            errors=(400, 409, 502, 503))}
    connection_id = path_param("id", UUID_OR_NUMBER, "the connection's id")
    return {
        "/api/v1/openapi.json": {"get": operation("This description", {200: ANY_OBJECT}, signed=False, errors=())},
        "/api/v1/session": {"get": operation("Who is signed in, and the CSRF token", {200: ref("Session")},
                                             signed=False, errors=(503,), tag="session")},
        "/api/v1/session/logout": {"post": operation("Sign out", {200: ref("Session")}, write=True, tag="session")},
        **oauth,
        "/api/v1/oauth/connections": {"get": operation(
            "My connections (GitHub App authorization, legacy tokens, GitLab)",
            {200: obj({"connections": {"type": "array", "items": ref("Connection")}},
                      {"token_migration_status": NULL_STR})}, tag="connections")},
        "/api/v1/oauth/connections/{id}": {"delete": operation(
            "Forget a connection (its token revoked at the provider where we can)",
            {200: obj({"deleted": {"type": "boolean"}, "revoked_at_provider": {"type": "boolean"}},
                      {"note": NULL_STR})}, params=[connection_id], write=True, tag="connections")},
        "/api/v1/oauth/connections/{id}/refresh": {"post": operation(
            "Refresh a connection's token now", {200: obj({"connection": ref("Connection")})},
            params=[connection_id], write=True, tag="connections")},
        "/api/v1/oauth/connections/{id}/validate": {"get": operation(
            "Ask the provider whether a connection's token works",
            {200: obj({"id": {"type": "string"}, "valid": {"type": "boolean"}, "kind": {"type": "string"}})},
            params=[connection_id], tag="connections")},
        "/api/v1/identity": {"get": operation(
            "Which of my identities would act (on a repository)", {200: ref("Identity")},
            params=[query("repository", {"type": "string", "pattern": FULL_NAME}, "owner/name")],
            tag="connections")},
        "/api/v1/repositories": {"get": operation(
            "The repositories I can reach (GitHub, and GitLab projects I maintain), searched and filtered",
            {200: {**paged("repositories", "RepositoryEntry"),
                   "properties": {**paged("repositories", "RepositoryEntry")["properties"],
                                  "owners": {"type": "array", "items": {"type": "string"}}}}},
            params=[query("q", {"type": "string", "maxLength": 100}, "words in the full name"),
                    query("provider", {"type": "string"}, "github, gitlab or all (anything else: 400)"),
                    query("owner", {"type": "string"}, "the owner (an account or group; a malformed one: 400)"),
                    query("monitoring", {"type": "string"}, "on, off or all (anything else: 400)"),
                    query("include_unwatched", {"type": "string"},
                          "on: also the repositories the App reaches that are not watched yet"),
                    *PAGING],
            tag="repositories")},
        "/api/v1/repositories/batch": {"post": operation(
            "Switch monitoring or auto-PR on many repositories at once (a result per id)",
            {200: obj({"results": {"type": "array", "items": obj(
                {"id": {"type": "string"}, "ok": {"type": "boolean"}, "status": {"type": "integer"}},
                {"error": {"type": "string"}, "repository": ANY_OBJECT})}, "changed": {"type": "integer"}})},
            write=True, tag="repositories",
            body={"type": "object", "required": ["ids"], "additionalProperties": False, "properties": {
                "ids": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"type": "string"}},
                "monitoring": {"type": "boolean"}, "auto_pr": {"type": "boolean"}}})},
        "/api/v1/repositories/{id}/statistics": {"get": operation(
            "Incidents by category and status, time to fix, fix PRs merged vs closed",
            {200: obj({"id": {"type": "string"}, "full_name": {"type": "string"}, "incidents": ANY_OBJECT,
                       "time_to_fix": ANY_OBJECT, "fix_prs": ANY_OBJECT})},
            params=[REPO_ID], tag="repositories")},
        "/api/v1/repositories/{id}": {"get": operation(
            "One repository, with its recent incidents", {200: ref("Repository")}, params=[REPO_ID],
            tag="repositories")},
        "/api/v1/repositories/{id}/settings": {"patch": operation(
            "Change what DevFlowFix does on a repository (admin)", {200: ref("Repository")}, params=[REPO_ID],
            write=True, body=ref("Settings"), tag="repositories")},
        "/api/v1/repositories/{id}/status": {"get": operation(
            "Connected? suspended? the last delivery; the permissions and events it lacks",
            {200: obj({"id": {"type": "string"}, "full_name": {"type": "string"}, "connected": {"type": "boolean"},
                       "monitoring": {"type": "boolean"}, "permissions": ANY_OBJECT, "events": ANY_OBJECT},
                      {"last_delivery": {**ref("Delivery"), "nullable": True}})},
            params=[REPO_ID], tag="repositories")},
        "/api/v1/repositories/{id}/connect": {
            "post": operation(
                "Watch a repository: with the App, monitoring on; without it, install a repository webhook with "
                "my legacy OAuth token or PAT (admin:repo_hook)",
                {200: {"description": "Monitoring on, or the webhook repaired", "content": {"application/json": {
                    "schema": {"oneOf": [ref("Repository"), ref("HookedRepository")]}}}},
                 201: json_answer(ref("HookedRepository"), "The webhook was created")},
                params=[REPO_ID], write=True, tag="repositories"),
            "delete": operation(
                "Stop watching: with the App, monitoring off; without it, delete the webhook",
                {200: json_answer(ref("Repository"), "Monitoring off"), 204: EMPTY}, params=[REPO_ID], write=True,
                tag="repositories")},
        "/api/v1/repositories/{id}/test": {"post": operation(
            "Test the repository's webhook (GitHub pings it) or report the App installation's state",
            {200: obj({"ok": {"type": "boolean"}, "mode": {"type": "string", "enum": ["app", "webhook"]}})},
            params=[REPO_ID], write=True, tag="repositories")},
        "/api/v1/repositories/{id}/incidents": {"get": operation(
            "A repository's incidents, newest first", {200: paged("incidents", "Incident")},
            params=[REPO_ID, *PAGING], tag="history")},
        "/api/v1/repositories/{id}/deliveries": {"get": operation(
            "A repository's webhook deliveries, newest first (never their bodies)",
            {200: paged("deliveries", "Delivery")}, params=[REPO_ID, *PAGING], tag="history")},
        "/api/v1/incidents/{id}": {"get": operation(
            "One incident, with its explanation and fix attempts", {200: ref("Incident")},
            params=[path_param("id", UUID_OR_NUMBER, "the incident's id")], tag="history")},
        "/api/v1/deliveries/{id}/redeliver": {"post": operation(
            "Run a failed delivery again (admin)", {202: obj({"delivery": ref("Delivery")})},
            params=[path_param("id", NUMBER, "the delivery's number")], write=True, tag="history")},
        "/api/v1/gitlab/projects": {"get": operation(
            "The GitLab projects I maintain, each marked connected or not",
            {200: obj({"projects": {"type": "array", "items": ref("GitLabProject")}, "total": {"type": "integer"},
                       "truncated": {"type": "boolean"}})}, tag="gitlab")},
        "/api/v1/gitlab/projects/{project_id}/connect": {"post": operation(
            "Connect a GitLab project (install its hook)",
            {200: ref("GitLabProject"), 201: ref("GitLabProject")},
            params=[path_param("project_id", NUMBER, "GitLab's project id")], write=True, tag="gitlab")},
        "/api/v1/gitlab/projects/{project_id}": {"delete": operation(
            "Disconnect a GitLab project (delete its hook)", {204: EMPTY},
            params=[path_param("project_id", NUMBER, "GitLab's project id")], write=True, tag="gitlab")},
        "/api/v1/gitlab/projects/{project_id}/test": {"post": operation(
            "GitLab sends the project's hook a test pipeline event",
            {200: obj({"ok": {"type": "boolean"}, "gitlab_status": {"type": "integer"},
                       "message": {"type": "string"}})},
            params=[path_param("project_id", NUMBER, "GitLab's project id")], write=True, tag="gitlab")},
        "/api/v1/github/repos/{owner}/{repo}/files": {"get": operation(
            "A directory's entries, as GitHub shows them to me",
            {200: obj({"repository": {"type": "string"}, "path": {"type": "string"}, "ref": NULL_STR,
                       "acting_as": ref("ActingAs"), "entries": {"type": "array", "items": ref("Entry")}})},
            params=[*OWNER_REPO, query("path", {"type": "string", "pattern": "^[A-Za-z0-9._-]{0,100}$"},
                                       "the directory (the root without one)"), REF],
            errors=(400, 401, 403, 404, 409, 413, 502, 503), tag="github")},
        "/api/v1/github/repos/{owner}/{repo}/file/{path}": {"get": operation(
            "One file (UTF-8 text, else base64), as GitHub shows it to me",
            {200: obj({"repository": {"type": "string"}, "path": {"type": "string"}, "sha": {"type": "string"},
                       "size": {"type": "integer"}, "encoding": {"type": "string", "enum": ["utf-8", "base64"]},
                       "content": {"type": "string"}, "acting_as": ref("ActingAs")}, {"ref": NULL_STR})},
            params=[*OWNER_REPO, path_param("path", "^[A-Za-z0-9._-]{1,100}$",
                                            "the file's path (its '/' separate directories)"), REF],
            errors=(400, 401, 403, 404, 409, 413, 502, 503), tag="github")},
        "/api/v1/github/repos/{owner}/{repo}/workflows": {"get": operation(
            "The repository's workflows",
            {200: obj({"repository": {"type": "string"}, "workflows": {"type": "array", "items": ANY_OBJECT},
                       "total": {"type": "integer"}, "acting_as": ref("ActingAs")})},
            params=OWNER_REPO, errors=(400, 401, 403, 404, 409, 502, 503), tag="github")},
        "/api/v1/github/runs/{run_id}/logs": {"get": operation(
            "A run's log files (GitHub's zip, unpacked), secrets redacted",
            {200: obj({"repository": {"type": "string"}, "run_id": {"type": "integer"},
                       "truncated": {"type": "boolean"}, "acting_as": ref("ActingAs"),
                       "files": {"type": "array", "items": obj({
                           "name": {"type": "string"}, "size": {"type": "integer"},
                           "truncated": {"type": "boolean"}, "text": {"type": "string"}})}})},
            params=[path_param("run_id", NUMBER, "the workflow run's id"), REPO_QUERY],
            errors=(400, 401, 403, 404, 409, 413, 502, 503), tag="github")},
        "/api/v1/github/commits/{sha}/diff": {"get": operation(
            "The files a commit changed, with their patches",
            {200: obj({"repository": {"type": "string"}, "sha": {"type": "string"}, "message": {"type": "string"},
                       "parents": {"type": "array", "items": {"type": "string"}}, "acting_as": ref("ActingAs"),
                       "files": {"type": "array", "items": obj({
                           "filename": {"type": "string"}, "status": {"type": "string"},
                           "additions": {"type": "integer"}, "deletions": {"type": "integer"}},
                           {"patch": NULL_STR, "previous_filename": NULL_STR})}})},
            params=[path_param("sha", "^[0-9a-fA-F]{4,40}$", "the commit's sha"), REPO_QUERY],
            errors=(400, 401, 403, 404, 409, 502, 503), tag="github")},
    }


@functools.cache
def description() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "DevFlowFix API", "version": VERSION, "description": (
            "The person's side of DevFlowFix: sign-in, connections, repositories, incidents and deliveries, GitLab "
            "projects, and GitHub content read as the signed-in person. Errors are JSON objects with `error`.")},
        "servers": [{"url": "/"}],
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "dff_session",
                            "description": "the browser session, from the OAuth sign-in"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                         "description": "the session's CSRF token (GET /api/v1/session), on every state change"},
            },
        },
    }


async def serve(_request: web.Request) -> web.Response:
    """GET /api/v1/openapi.json."""
    return web.json_response(description())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/openapi.json", serve)
