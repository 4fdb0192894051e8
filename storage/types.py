"""Column types shared by the models: timezone-aware UTC datetimes, and compressed payloads."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC; SQLite gives them back naive, so tag them with UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def compress(data: bytes) -> bytes:
    """zlib level 1: a 22 KB webhook body becomes ~3.5 KB for ~70 µs, and the durable write gets much cheaper."""
    return zlib.compress(data, 1)


def decompress(data: bytes) -> bytes:
    """The original bytes; data that is not zlib (a JSON body starts with `{`) is returned as it is."""
    if data[:1] == b"\x78":
        try:
            return zlib.decompress(data)
        except zlib.error:
            return data
    return data


class CompressedBytes(TypeDecorator[bytes]):
    """Bytes stored zlib-compressed, read back as they were given."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else compress(bytes(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else decompress(bytes(value))
