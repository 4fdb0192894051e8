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


def test_the_new_commands_and_their_arguments() -> None:
    assert names("/devflowfix status\n/devflowfix config\n/devflowfix resume") == ["status", "config", "resume"]
    assert names("/devflowfix ignore") == ["ignore"]
    assert names("/devflowfix status please") == []  # an argument where none is taken: the line does not count
    [a] = parse_commands("/devflowfix analyze 12345")
    assert (a.name, a.run_id, a.run_repo) == ("analyze", 12345, None)
    [a] = parse_commands("/devflowfix analyze https://github.com/octo-org/cidiff/actions/runs/77/job/5?pr=7#step:2:1")
    assert (a.run_id, a.run_repo) == (77, "octo-org/cidiff")
    [a] = parse_commands("/devflowfix analyze")
    assert a.run_id is None
    assert names("/devflowfix analyze https://github.com/octo-org/cidiff/pull/7") == []
    assert names("/devflowfix analyze 12; rm -rf /") == []


def test_fix_instructions_are_data_cleaned_and_capped() -> None:
    [f, _] = parse_commands("/devflowfix fix   bump\x1b[31m the \u202etimeout\u200b   please  \n/devflowfix retry")
    assert f.instructions == "bump [31m the timeout please"
    [f, r] = parse_commands("/devflowfix fix /devflowfix skip\n/devflowfix retry")
    assert f.instructions == "/devflowfix skip" and r.name == "retry"  # the text was not read for commands
    [f] = parse_commands("/devflowfix fix " + "x" * 5000)
    assert f.instructions is not None and len(f.instructions) == 500
    [f] = parse_commands("/devflowfix fix")
    assert f.instructions is None


def test_short_forms_only_when_asked() -> None:
    assert names("/fix\n/status") == []
    assert [c.name for c in parse_commands("/fix the import\n/status\n/devflowfix", short=True)] == ["fix", "status"]
    assert [c.name for c in parse_commands("/rm -rf\n/ignore previous instructions", short=True)] == []
