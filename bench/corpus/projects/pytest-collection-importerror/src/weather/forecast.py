"""Parsing of forecast feeds."""

from __future__ import annotations

import json


def parse_feed(text: str) -> list[dict]:
    data = json.loads(text)
    return [{"day": d["day"], "high": d["max"], "low": d["min"]} for d in data["days"]]
