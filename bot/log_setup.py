"""Logging setup: plain or JSON lines, with every known secret scrubbed from every record, and the work's context
(delivery id, installation, repository: `work_context`, set around each delivery) on every line of that work."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterable, Iterator

import orjson
from aiohttp.http_exceptions import HttpProcessingError

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

_WORK: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar("devflowfix_work", default=None)


@contextlib.contextmanager
def work_context(**fields: object) -> Iterator[None]:
    """Every record logged inside (in this task and the tasks it starts) carries these fields (None: left out)."""
    merged = {**(_WORK.get() or {}), **{k: v for k, v in fields.items() if v is not None}}
    token = _WORK.set(merged)
    try:
        yield
    finally:
        _WORK.reset(token)


def current_work() -> dict[str, object]:
    return dict(_WORK.get() or {})


class ContextFilter(logging.Filter):
    """Adds the current work's fields to the record (a field the call named itself wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_WORK.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


CONTEXT = ContextFilter()


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


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs every request its parser refuses (a control character in a header, a bad chunk) at ERROR with a
    stack trace, though it answers 400 and nothing is wrong with the server: anyone could fill the log with them.
    Such a record becomes one INFO line naming the error, without the trace or the request bytes it quotes."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError) and exc.code == 400:
            first = str(exc.message).strip().splitlines()[0] if exc.message else ""
            record.msg, record.args = "refused a malformed request: %s %s", (type(exc).__name__, first.rstrip(":"))
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


def configure(level: str = "INFO", fmt: str = "plain", secrets: Iterable[str] = ()) -> None:
    """Set up the root logger once for the process."""
    SECRETS.add(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SECRETS)
    handler.addFilter(CONTEXT)
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else PlainFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel("WARNING")
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in server.filters):
        server.addFilter(MalformedRequestFilter())
