"""Asks an OpenAI-compatible server (OpenAI, Azure, vLLM, Ollama, llama.cpp) for an explanation as JSON.

Timeouts and transport retries are the openai client's; a malformed answer is asked again once; each request
counts against the repository's daily cap (decided in the database).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import openai
from openai import AsyncOpenAI

from bot import metrics
from bot.llm.answer import LLMAnswer, MalformedAnswer, parse_answer
from bot.llm.prompt import RETRY
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class LLMResult:
    answer: LLMAnswer | None
    requests: int
    error: str | None = None


async def ask(
    settings: Settings, messages: list[dict[str, str]], *, take_budget: Callable[[], Awaitable[bool]]
) -> LLMResult:
    """Ask for the JSON answer; retry a malformed one once; never raise for the model's faults."""
    assert settings.openai_api_key is not None
    client = AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(), base_url=settings.openai_base_url,
        timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
    )
    requests = 0
    error: str | None = None
    conversation = list(messages)
    json_mode = True
    tries = 2
    try:
        while tries > 0:
            tries -= 1
            if not await take_budget():
                return LLMResult(None, requests, error or "the repository's daily LLM budget is spent")
            requests += 1
            extra: dict[str, object] = {"response_format": {"type": "json_object"}} if json_mode else {}
            try:
                completion = await client.chat.completions.create(
                    model=settings.openai_model, messages=conversation,  # type: ignore[arg-type]
                    temperature=0, **extra,  # type: ignore[arg-type]
                )
            except openai.BadRequestError as exc:
                if json_mode and "response_format" in str(exc):  # a server without JSON mode: ask plainly
                    log.info("the LLM server refuses response_format; asking without it")
                    json_mode = False
                    tries += 1
                    continue
                metrics.LLM_CALLS.labels("refused").inc()
                log.warning("LLM request refused: %s", type(exc).__name__)
                return LLMResult(None, requests, f"the LLM refused the request ({type(exc).__name__})")
            except openai.OpenAIError as exc:
                metrics.LLM_CALLS.labels("error").inc()
                log.warning("LLM request failed: %s", type(exc).__name__)
                return LLMResult(None, requests, f"the LLM could not be reached ({type(exc).__name__})")
            _count_usage(settings, completion)
            text = completion.choices[0].message.content if completion.choices else None
            try:
                return LLMResult(parse_answer(text), requests)
            except MalformedAnswer as exc:
                error = f"the LLM's answer was malformed ({exc})"
                log.info("malformed LLM answer: %s", exc)
                conversation = [
                    *messages,
                    {"role": "assistant", "content": (text or "")[:2_000]},
                    {"role": "user", "content": RETRY.format(reason=str(exc)[:200])},
                ]
        return LLMResult(None, requests, error)
    finally:
        await client.close()


def _count_usage(settings: Settings, completion: object) -> None:
    """The call, its tokens (as the server reported them) and their estimated cost, in the metrics."""
    metrics.LLM_CALLS.labels("ok").inc()
    usage = getattr(completion, "usage", None)
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    answer = int(getattr(usage, "completion_tokens", 0) or 0)
    metrics.LLM_TOKENS.labels("prompt").inc(prompt)
    metrics.LLM_TOKENS.labels("completion").inc(answer)
    cost = (prompt * settings.llm_price_prompt + answer * settings.llm_price_completion) / 1_000_000
    if cost > 0:
        metrics.LLM_COST.inc(cost)
