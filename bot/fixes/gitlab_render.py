"""What people read on GitLab: the one note per merge request and the one comment on a commit with no merge request.

Built from storage like the GitHub comment (the same incident sections: job, category, root cause, the lines that
matter in a fence, redacted and with no mentions), with GitLab's words.
"""

from __future__ import annotations

from bot.fixes.render import MAX_COMMENT, incident_section
from storage.models import Incident

MARKER = "<!-- devflowfix:mr-note -->"
FOOTER = ("<sub>Updated on every failed pipeline of this merge request. DevFlowFix explains GitLab failures; "
          "it does not open fix merge requests on GitLab yet.</sub>")


def _trim(body: str) -> str:
    return body if len(body) <= MAX_COMMENT else body[: MAX_COMMENT - 20] + "\n\n… (trimmed)"


def mr_note(incidents: list[Incident]) -> str:
    parts = [MARKER, "## DevFlowFix: CI failures on this merge request", ""]
    if incidents and all(i.status in ("resolved", "fixed") for i in incidents):
        parts += ["✅ All the failures below are resolved.", ""]
    for incident in incidents:
        parts.append(incident_section(incident, []))
    parts.append(FOOTER)
    return _trim("\n".join(parts))


def commit_note(incident: Incident) -> str:
    parts = ["<!-- devflowfix:commit-note -->", "## DevFlowFix: this pipeline failed", "",
             incident_section(incident, []),
             "<sub>DevFlowFix explains GitLab failures; it does not open fix merge requests on GitLab yet.</sub>"]
    return _trim("\n".join(parts))
