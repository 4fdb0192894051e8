"""What the two example worlds (example_world.py for GitHub, example_gitlab.py for GitLab) share: the command line
(`--write-payload` writes the example payload from the world; otherwise the world is served on `--port`) and the
server loop that prints what the bot wrote as it appears."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any


async def serve_world(fake: Any, port: int, banner: str, written: Callable[[], Iterable[str]]) -> None:
    """Serve the fake (a FakeGitHub or FakeGitLab with the world in it) on `port`, print `banner`, then each new
    piece of text `written()` yields, until interrupted."""
    from aiohttp.test_utils import TestServer

    fake.server = TestServer(fake.app, host="127.0.0.1", port=port)
    await fake.server.start_server()
    print(banner.format(url=fake.url), flush=True)
    while True:
        await asyncio.sleep(0.5)
        for text in written():
            print(text, flush=True)


def run_example(doc: str | None, *, port: int, payload_file: Path, payload_text: Callable[[], str],
                serve: Callable[[int], Awaitable[None]]) -> int:
    """The example world's command line."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--port", type=int, default=port, help=f"where to listen (default: {port})")
    parser.add_argument("--write-payload", action="store_true",
                        help=f"write {payload_file.relative_to(payload_file.parents[2])} from the world and exit")
    args = parser.parse_args()
    if args.write_payload:
        payload_file.write_text(payload_text())
        return 0
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass
    return 0
