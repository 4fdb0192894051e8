"""Logging setup: plain or JSON lines, with every known secret scrubbed from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

import orjson

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class SecretFilter(logging.Filter):
    """Replaces any registered secret value that slips into a log message or its arguments."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        self._secrets.update(v for v in values if v and len(v) >= 6)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "[REDACTED]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            scrubbed = self.scrub(message)
            if scrubbed != message:
                record.msg, record.args = scrubbed, None
        return True


SECRETS = SecretFilter()


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the record's `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = SECRETS.scrub(self.formatException(record.exc_info))
        return orjson.dumps(payload, default=str).decode()


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}
        if extras:
            text += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        return SECRETS.scrub(text) if record.exc_info else text


def configure(level: str = "INFO", fmt: str = "plain", secrets: Iterable[str] = ()) -> None:
    """Set up the root logger once for the process."""
    SECRETS.add(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SECRETS)
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else PlainFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel("WARNING")
