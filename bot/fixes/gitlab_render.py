"""What people read on GitLab: the one note per merge request and the one comment on a commit with no merge request.

Built from storage like the GitHub comment (the same incident sections: job, category, root cause, the lines that
matter in a fence, redacted and with no mentions), with GitLab's words.
"""

from __future__ import annotations

from bot.fixes.render import MAX_COMMENT, incident_section
from storage.models import FixAttempt, Incident

MARKER = "<!-- devflowfix:mr-note -->"
FOOTER = ("<sub>Updated on every failed pipeline of this merge request. Comment `/devflowfix help` for what I can "
          "do. Without a confident fix that passes every check, DevFlowFix does not open fix merge requests on "
          "GitLab: it explains.</sub>")


def _trim(body: str) -> str:
    return body if len(body) <= MAX_COMMENT else body[: MAX_COMMENT - 20] + "\n\n… (trimmed)"


def mr_note(incidents: list[Incident], attempts: dict[str, list[FixAttempt]] | None = None) -> str:
    parts = [MARKER, "## DevFlowFix: CI failures on this merge request", ""]
    if incidents and all(i.status in ("resolved", "fixed") for i in incidents):
        parts += ["✅ All the failures below are resolved.", ""]
    for incident in incidents:
        parts.append(incident_section(incident, (attempts or {}).get(incident.id, []), ref="!", short="MR"))
    parts.append(FOOTER)
    return _trim("\n".join(parts))


def commit_note(incident: Incident) -> str:
    parts = ["<!-- devflowfix:commit-note -->", "## DevFlowFix: this pipeline failed", "",
             incident_section(incident, [], ref="!", short="MR"),
             "<sub>DevFlowFix explains GitLab failures, and opens a fix merge request when it has a confident fix."
             "</sub>"]
    return _trim("\n".join(parts))
