"""The LLM's answer, validated: it is hostile data, so only its shape and bounds are trusted, never its content."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field, ValidationError, field_validator

MAX_TEXT = 20_000


class FileContent(BaseModel):
    """A whole new content for one file."""

    path: str = Field(min_length=1, max_length=512)
    content: str = Field(max_length=1_000_000)


class FileEdit(BaseModel):
    """Replace `search` (found exactly once) with `replace` in one file."""

    path: str = Field(min_length=1, max_length=512)
    search: str = Field(min_length=1, max_length=200_000)
    replace: str = Field(max_length=200_000)


class ProposedFix(BaseModel):
    files: list[FileContent] = Field(default_factory=list, max_length=50)
    edits: list[FileEdit] = Field(default_factory=list, max_length=200)

    @property
    def empty(self) -> bool:
        return not self.files and not self.edits


class LLMAnswer(BaseModel):
    root_cause: str = Field(min_length=1, max_length=MAX_TEXT)
    confidence: float = Field(ge=0.0, le=1.0)
    explanation: str = Field(default="", max_length=MAX_TEXT)
    fix: ProposedFix | None = None

    @field_validator("confidence", mode="before")
    @classmethod
    def _percent(cls, value: object) -> object:
        if isinstance(value, int | float) and 1 < value <= 100:  # some models answer 85 for 0.85
            return value / 100
        return value


class MalformedAnswer(Exception):
    """The answer is not JSON of the expected shape."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str | None) -> LLMAnswer:
    """Parse and validate the model's text; raise MalformedAnswer with a short reason."""
    if not text or not text.strip():
        raise MalformedAnswer("empty answer")
    match = _FENCE.match(text)
    if match:
        text = match.group(1)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedAnswer(f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise MalformedAnswer("not a JSON object")
    if isinstance(data.get("fix"), dict) and not data["fix"]:
        data["fix"] = None
    try:
        return LLMAnswer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise MalformedAnswer(f"wrong shape at {where or 'root'}: {first.get('msg')}") from None
