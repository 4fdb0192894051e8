"""The `status` command's answer, the same on both forges: whether the bot is on for the repository (project),
whether people told it to ignore this pull (merge) request, a broken configuration file, and each incident
recorded on it (what was found, its fix)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.config.effective import EffectiveConfig
from bot.fixes.render import clean
from storage.models import Incident, PullRequestState


@dataclass(frozen=True)
class StatusNouns:
    """The forge's words in the commands' answers."""

    repository: str  # repository | project
    change: str  # pull request | merge request
    short: str  # PR | MR
    ref: str  # "#" | "!"
    run: str  # run | pipeline
    thread: str  # comment | note: what the bot writes on the pull (merge) request
    forge: str  # GitHub | GitLab


GITHUB = StatusNouns("repository", "pull request", "PR", "#", "run", "comment", "GitHub")
GITLAB = StatusNouns("project", "merge request", "MR", "!", "pipeline", "note", "GitLab")


def status_text(config: EffectiveConfig, state: PullRequestState | None, incidents: Sequence[Incident],
                nouns: StatusNouns) -> str:
    """Markdown: what the bot knows and did on this pull (merge) request."""
    lines = [f"- DevFlowFix is **{'on' if config.enabled else 'off'}** for this {nouns.repository}"
             + ("" if config.enabled else f" ({config.sources.get('enabled', 'server')})") + "."]
    if state is not None and state.ignored:
        lines.append(f"- This {nouns.change} is **ignored** (by @{clean(state.changed_by or '?', 40)}): "
                     "`/devflowfix resume` to undo.")
    if config.fatal_problems:
        lines.append(f"- The configuration file has {len(config.fatal_problems)} problem(s): the defaults apply "
                     "(`/devflowfix config` shows them).")
    if not incidents:
        lines.append(f"- No failed {nouns.run} of this {nouns.change} recorded yet.")
    for incident in incidents:
        what = clean(incident.root_cause or incident.category or "not analyzed yet", 200)
        fix = (f"; fix {nouns.short} {nouns.ref}{incident.fix_pr_number} ({incident.fix_state})"
               if incident.fix_pr_number else "")
        run = (incident.links or {}).get("run")
        label = f"[{clean(incident.workflow_name or nouns.run, 80)} {nouns.run}]({run})" if run else f"a {nouns.run}"
        lines.append(f"- {label} at `{(incident.head_sha or '')[:7]}`: **{incident.status}**, {what}{fix}")
    return f"What I know about this {nouns.change}:\n\n" + "\n".join(lines)
