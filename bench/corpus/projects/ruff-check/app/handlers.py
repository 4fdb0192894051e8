"""HTTP handlers for incoming webhooks."""

from __future__ import annotations

import json
import logging
import os
from typing import Optional

log = logging.getLogger(__name__)


def parse_body(raw: bytes) -> Optional[dict]:
    try:
        return json.loads(raw)
    except:
        log.warning("body is not JSON")
        return None


def handle(event: str, raw: bytes, seen=[]) -> dict:
    body = parse_body(raw)
    if body is None:
        return {"status": 400}
    seen.append(event)
    log.info(f"handled event")
    return {"status": 200, "event": event, "id": delivery_id}
