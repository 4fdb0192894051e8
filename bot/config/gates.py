"""The gates a configuration puts before any work on a failed run or pipeline: the repository turned off, a
workflow or branch not watched, a pull request people told the bot to ignore. One answer: why not (or None)."""

from __future__ import annotations

from collections.abc import Collection

from bot.config.effective import EffectiveConfig
from storage.database import Database


async def why_not(db: Database, config: EffectiveConfig, *, provider: str, repo: str, workflow: str | None,
                  path: str | None, branch: str | None, pulls: Collection[int] = ()) -> str | None:
    """The reason this run is left alone, or None when the bot should work on it."""
    reason = config.not_watched(workflow=workflow, path=path, branch=branch)
    if reason is not None:
        return reason
    ignored = await db.pull_requests.ignored_among(repo, pulls, provider=provider)
    if ignored:
        return "ignored on " + ", ".join(f"#{n}" for n in sorted(ignored)) + " (`/devflowfix resume` to undo)"
    return None
