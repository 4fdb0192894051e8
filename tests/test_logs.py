"""Logging: JSON lines and plain text, and configured secrets scrubbed from every record."""

from __future__ import annotations

import io
import json
import logging

from bot import log_setup as logs


def capture(fmt: str) -> tuple[logging.Logger, io.StringIO]:
    logs.configure("DEBUG", fmt, ["ghs_supersecrettokenvalue"])
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return logging.getLogger("test"), stream


def test_secrets_are_scrubbed_from_messages_and_arguments() -> None:
    log, stream = capture("plain")
    log.info("token is %s", "ghs_supersecrettokenvalue")
    log.warning("inline ghs_supersecrettokenvalue here")
    text = stream.getvalue()
    assert "ghs_supersecrettokenvalue" not in text
    assert text.count("[REDACTED]") == 2


def test_json_lines_carry_extras_and_no_secret() -> None:
    log, stream = capture("json")
    try:
        raise ValueError("ghs_supersecrettokenvalue leaked into an exception")
    except ValueError:
        log.exception("failed", extra={"delivery": "abc", "token_kind": "installation"})
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["level"] == "error" and record["delivery"] == "abc" and record["token_kind"] == "installation"
    assert "ghs_supersecrettokenvalue" not in stream.getvalue()
