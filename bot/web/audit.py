"""Recording a person's change (who, what, when) in the audit trail and the log; `via` says whether it came
from the console pages or the JSON API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.web.sessions import SignedIn, services_of

log = logging.getLogger("bot.audit")


def via_of(request: web.Request) -> str:
    return "api" if request.path.startswith("/api/") else "console"


async def record(
    request: web.Request, who: SignedIn | None, action: str, target_kind: str, target_id: str | int,
    details: Mapping[str, Any] | None = None,
) -> None:
    """One audit row (and an INFO line) for a change that has been made."""
    user_id = who.user.id if who is not None else None
    via = via_of(request)
    await services_of(request).db.audit.record(
        user_id=user_id, action=action, target_kind=target_kind, target_id=str(target_id), details=details, via=via,
    )
    log.info("audit %s %s %s", action, target_kind, target_id,
             extra={"user_id": user_id, "action": action, "target_kind": target_kind, "target_id": str(target_id),
                    "via": via})
