"""A fake OpenAI-compatible server (`POST /v1/chat/completions`) on loopback: records every request it
receives and answers from a script (valid JSON, malformed text, or an HTTP error), then a default answer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

API_KEY = "sk-test-fake-llm-key"


@dataclass
class FakeLLM:
    default: str = '{"root_cause": "unknown", "confidence": 0.1, "explanation": "", "fix": null}'
    script: list[str | int] = field(default_factory=list)  # each: the content to answer, or an HTTP status
    received: list[dict[str, Any]] = field(default_factory=list)
    json_mode: bool = True  # False: answer 400 to `response_format`, as some llama.cpp and Ollama builds do
    server: TestServer | None = None

    def __post_init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_post("/v1/chat/completions", self.completions)

    async def start(self) -> str:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        return self.url

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/v1"))

    def answer(self, *items: str | int | dict[str, Any]) -> None:
        """Queue answers: a dict is sent as JSON, a str as is (malformed on purpose), an int as an HTTP error."""
        for item in items:
            self.script.append(json.dumps(item) if isinstance(item, dict) else item)

    def prompts(self) -> list[str]:
        """Every message text the fake received, concatenated per request."""
        return ["\n".join(str(m.get("content")) for m in r["messages"]) for r in self.received]

    async def completions(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            error = {"message": "Incorrect API key provided", "code": "invalid_api_key"}
            return web.json_response({"error": error}, status=401)
        body = await request.json()
        self.received.append(body)
        if not self.json_mode and "response_format" in body:
            error = {"message": "Unrecognized request argument supplied: response_format", "type": "invalid_request"}
            return web.json_response({"error": error}, status=400)
        item = self.script.pop(0) if self.script else self.default
        if isinstance(item, int):
            return web.json_response({"error": {"message": "overloaded", "type": "server_error"}}, status=item)
        return web.json_response({
            "id": f"chatcmpl-{len(self.received)}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": item}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        })
