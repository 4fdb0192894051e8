"""Turning the accepted log inputs (bytes, text, files, paths, chunk iterables) into byte chunks."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

LogSource = bytes | bytearray | memoryview | str | Path | IO[bytes] | IO[str] | Iterable[bytes]

READ_SIZE = 4 * 1024 * 1024
"""How much is read from a file at a time."""

MIN_CHUNK = 1024 * 1024
"""Small incoming chunks are gathered up to this size before they are scanned."""


def iter_chunks(source: LogSource, read_size: int = READ_SIZE) -> Iterator[bytes]:
    """Yield the log as byte chunks of bounded size, never holding more than one chunk of a file."""
    if isinstance(source, str):
        yield from _slices(source.encode("utf-8", "surrogateescape"), read_size)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        yield from _slices(bytes(source) if not isinstance(source, bytes) else source, read_size)
    elif isinstance(source, Path):
        with source.open("rb") as fh:
            yield from _read_file(fh, read_size)
    elif hasattr(source, "read"):
        yield from _read_file(source, read_size)  # type: ignore[arg-type]
    else:
        yield from _gather(source, read_size)


def counted(chunks: Iterable[bytes], progress: Callable[[int], None]) -> Iterator[bytes]:
    """The chunks unchanged, telling ``progress`` how many bytes each one held as it is taken."""
    for chunk in chunks:
        progress(len(chunk))
        yield chunk


def _slices(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _read_file(fh: IO[bytes] | IO[str], size: int) -> Iterator[bytes]:
    text_mode = isinstance(fh, io.TextIOBase)
    while True:
        block = fh.read(size)
        if not block:
            return
        if text_mode or isinstance(block, str):
            yield block.encode("utf-8", "surrogateescape")  # type: ignore[union-attr]
        else:
            yield bytes(block)


def _gather(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    pending = bytearray()
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        if not chunk:
            continue
        if not pending and len(chunk) >= MIN_CHUNK:
            yield bytes(chunk)
            continue
        pending += chunk
        if len(pending) >= MIN_CHUNK:
            yield bytes(pending)
            pending.clear()
            if size < len(pending):  # pragma: no cover - cleared above
                pending.clear()
    if pending:
        yield bytes(pending)
