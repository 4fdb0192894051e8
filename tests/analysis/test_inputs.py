"""Inputs of every kind and shape: line numbering, empty, binary, huge, streamed in odd chunks."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.analysis import analyze

from .helpers import chosen, errors

FAILING = ["building", "compiling widgets", "error: expected ';' before '}' token", "make: *** [all] Error 1"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_follow_newlines(newline: str) -> None:
    log = newline.join(["a", "b", *FAILING, "done"]) + newline
    result = analyze(log.encode())
    assert result.lines_total == 7
    assert 5 in chosen(result)  # the error line is the 5th line
    assert dict(result.excerpt)[5] == "error: expected ';' before '}' token"  # no "\r" left


def test_lone_carriage_return_does_not_start_a_line() -> None:
    log = b"one\rprogress 10%\rprogress 100%\nerror: broken pipe to runner\nlast\n"
    result = analyze(log)
    assert result.lines_total == 3
    assert chosen(result) >= {2}
    assert dict(result.excerpt)[2] == "error: broken pipe to runner"


def test_carriage_return_redraws_show_the_last_visible_part() -> None:
    log = b"Progress 1%\rProgress 50%\rerror: download failed: connection reset by peer\nend\n"
    result = analyze(log)
    assert dict(result.excerpt)[1] == "error: download failed: connection reset by peer"


def test_last_line_without_newline_counts() -> None:
    result = analyze(b"ok\nerror: it broke")
    assert result.lines_total == 2
    assert errors(result) == {2}


@pytest.mark.parametrize("data", [b"", "", iter([]), [b"", b""]])
def test_empty_input(data: object) -> None:
    result = analyze(data)  # type: ignore[arg-type]
    assert result.lines_total == 0
    assert result.spans == []
    assert result.category == "unknown"
    assert result.to_dict()["signature"]


def test_binary_and_invalid_utf8_input() -> None:
    data = (
        bytes(range(256)) * 50
        + b"\n\x00\x00NUL\x00here\nerror: \xff\xfe bad bytes \xc3\x28\n"
        + b"\x00" * 1000
    )
    result = analyze(data)
    assert result.lines_total >= 3
    text = dict(result.excerpt)
    assert any("bad bytes" in t for t in text.values())
    assert all("\x00" not in t for t in text.values())


def test_blank_only_log_has_no_spans() -> None:
    result = analyze(b"\n\n\n   \n")
    assert result.lines_total == 4
    assert result.spans == []


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_chunk_boundaries_do_not_matter(size: int) -> None:
    lines = [f"2024-05-01T10:00:00.{i:07d}Z step output {i}" for i in range(300)]
    lines[150] = "2024-05-01T10:00:00.0000150Z ##[error]src/app.ts(3,1): error TS2304: Cannot find name 'x'."
    data = ("\r\n".join(lines) + "\r\n").encode()
    whole = analyze(data)
    streamed = analyze(_chunks(data, size))
    assert whole == streamed
    assert 151 in chosen(whole)


def test_every_input_kind(tmp_path: Path) -> None:
    data = b"x\ny\nFAILED tests/test_a.py::test_b - assert 0\n"
    path = tmp_path / "job.log"
    path.write_bytes(data)
    results = [
        analyze(data),
        analyze(data.decode()),
        analyze(path),
        analyze(io.BytesIO(data)),
        analyze(io.StringIO(data.decode())),
        analyze([data[:5], data[5:]]),
        analyze(bytearray(data)),
    ]
    assert all(r == results[0] for r in results)
    assert results[0].tests == ["tests/test_a.py::test_b"]


def _huge(lines: int) -> Iterator[bytes]:
    """About 20 MB of passing output, one failure in the middle and one at the end, streamed."""
    block = "".join(
        f"2024-05-01T10:00:{i % 60:02d}.1234567Z tests/test_mod.py::test_case_{i} PASSED [ 50%]\n"
        for i in range(1000)
    ).encode()
    for n in range(lines // 1000):
        if n == (lines // 2000):
            yield b"2024-05-01T10:00:00.0000000Z warning: something odd but harmless\n"
        yield block
    yield b"2024-05-01T10:10:00.0000000Z E       AssertionError: assert 1 == 2\n"
    yield b"2024-05-01T10:10:00.0000000Z FAILED tests/test_mod.py::test_last - AssertionError\n"
    yield b"2024-05-01T10:10:00.0000000Z ##[error]Process completed with exit code 1.\n"


def test_huge_streamed_log() -> None:
    n = 250_000  # ~20 MB
    result = analyze(_huge(n))
    total = n + 1 + 3
    assert result.lines_total == total
    assert chosen(result) >= {total - 2, total - 1}
    assert result.tests == ["tests/test_mod.py::test_last"]


def test_output_is_capped() -> None:
    lines = [f"src/m{i}.c:{i}:1: error: unknown type name 'foo{i}'" for i in range(5000)]
    result = analyze("\n".join(lines))
    assert sum(s.end - s.start + 1 for s in result.spans) <= 300
    assert len(result.excerpt) <= 300
    small = analyze("\n".join(lines), max_span_lines=10)
    assert sum(s.end - s.start + 1 for s in small.spans) <= 10
    assert len(result.files) <= 30


def test_very_long_line_is_cut_but_counted() -> None:
    data = b"a" * (3 * 1024 * 1024) + b" error: at the end\nerror: next line is fine\n"
    result = analyze(_chunks(data, 65536))
    assert result.lines_total == 2
    assert 2 in chosen(result)
