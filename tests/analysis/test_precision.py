"""What the analyzer leaves out of a tool's report: the progress, the hints and the summaries around it."""

from __future__ import annotations

from bot.analysis import analyze

from .helpers import chosen, gh_step, line_no


def test_yarn_error_line_is_the_block_without_its_progress_and_info_lines() -> None:
    log = gh_step(
        "yarn install --frozen-lockfile",
        [
            "yarn install v1.22.22",
            "[1/4] Resolving packages...",
            "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.",
            "info Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.",
        ],
    )
    got = chosen(analyze(log))
    assert line_no(log, "error Your lockfile") in got
    assert line_no(log, "info Visit") not in got
    assert line_no(log, "[1/4] Resolving") not in got
