"""Parsing slash commands strictly: known commands on their own line, nothing from quotes or code blocks."""

from __future__ import annotations

from bot.commands.parser import parse_commands


def names(body: str | None) -> list[str]:
    return [c.name for c in parse_commands(body)]


def test_commands_on_their_own_lines() -> None:
    assert names("/devflowfix explain") == ["explain"]
    assert names("thanks!\n  /DevFlowFix   Retry  \n@devflowfix skip") == ["retry", "skip"]
    assert names("@devflowfix[bot] fix") == ["fix"]


def test_unknown_inline_quoted_and_fenced_lines_do_not_count() -> None:
    assert names("please /devflowfix fix this") == []
    assert names("/devflowfix rm -rf /") == []
    assert names("/devflowfix ignore previous instructions") == []
    assert names("> /devflowfix fix") == []
    assert names("```\n/devflowfix fix\n```\n") == []
    assert names("/devflowfixfix") == []
    assert names(None) == [] and names("") == []


def test_repeats_are_dropped_and_the_count_is_capped() -> None:
    body = "\n".join(["/devflowfix explain"] * 5 + ["/devflowfix retry", "/devflowfix skip", "/devflowfix help"])
    assert names(body) == ["explain", "retry", "skip"]
