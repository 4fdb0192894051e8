"""What people read: the one comment per pull request, the check run (with annotations) and the fix PR's body.

Everything rendered comes from storage (so any delivery renders the same comment) and is redacted and
neutralised: log lines inside fences that cannot be closed from inside, no @mentions from the log or the LLM.
"""

from __future__ import annotations

import re
from typing import Any

from bot.analysis import redact
from storage.models import FixAttempt, Incident

MARKER = "<!-- devflowfix:pr-comment -->"
MAX_EXCERPT_LINES = 30
MAX_COMMENT = 60_000
ICONS = {"open": "❌", "merged": "❌", "fixed": "✅", "resolved": "✅", "rerun": "🔁", "skipped": "⏭️",
         "superseded": "⏩"}


def clean(text: str | None, limit: int = 2_000, *, html: bool = True) -> str:
    """Redacted, no mentions, and (for Markdown) no HTML, from hostile text (logs, the LLM's answer)."""
    if not text:
        return ""
    text = redact(str(text))
    text = re.sub(r"@(?=\w)", "@\u200b", text)
    if html:
        text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str | None, limit: int = 200) -> str:
    """Hostile text made a plain single line for a title, a commit subject or a branch's description: redacted,
    no mentions, no control characters or line breaks, no Markdown/HTML markup that could render."""
    value = clean(text, 10 * limit, html=False)
    value = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", value)
    value = value.replace("<", "‹").replace(">", "›").replace("`", "'")
    value = re.sub(r"\s+", " ", value).strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _fenced(lines: list[tuple[int, str]]) -> str:
    body = "\n".join(f"{n:>6} | {redact(t)}" for n, t in lines[:MAX_EXCERPT_LINES])
    body = body.replace("```", "ʼʼʼ")
    more = f"\n… {len(lines) - MAX_EXCERPT_LINES} more lines" if len(lines) > MAX_EXCERPT_LINES else ""
    return f"```text\n{body}{more}\n```"


MAX_WHERE = 5
_SAFE_PATH = re.compile(r"[\w./@+~-]{1,300}")
_RUN_URL = re.compile(r"^(https?://[\w.:@%+~/-]+?)(?:/-/pipelines/|/actions/runs/)\d+")


def where_line(incident: Incident) -> str:
    """"**Where:**" and the files the error points at (a link to the line at the failing commit where the run's
    link says where the repository is), or "" when it points at none."""
    data = dict(incident.analysis or {})
    refs = [(str(p), int(n) if n else None) for p, n in data.get("refs") or [] if _SAFE_PATH.fullmatch(str(p))]
    if not refs:
        return ""
    m = _RUN_URL.match(str((incident.links or {}).get("run") or ""))
    sha = incident.head_sha if incident.head_sha and re.fullmatch(r"[0-9a-f]{7,64}", incident.head_sha) else None
    blob = None
    if m and sha:
        blob = f"{m.group(1)}/-/blob/{sha}" if incident.provider == "gitlab" else f"{m.group(1)}/blob/{sha}"
    shown = []
    for path, line in refs[:MAX_WHERE]:
        label = f"`{path}:{line}`" if line else f"`{path}`"
        shown.append(f"[{label}]({blob}/{path}" + (f"#L{line})" if line else ")") if blob else label)
    more = f" and {len(refs) - MAX_WHERE} more" if len(refs) > MAX_WHERE else ""
    return "**Where:** " + ", ".join(shown) + more


def step_link(data: dict[str, Any]) -> str | None:
    url = data.get("job_url")
    if not url:
        return None
    number = data.get("step_number")
    return f"{url}#step:{number}:1" if number else str(url)


def resolved_by(incident: Incident) -> dict[str, Any] | None:
    """The green run that resolved the incident, if it is resolved and we know which."""
    run = (incident.links or {}).get("resolved_by")
    return dict(run) if incident.status == "resolved" and isinstance(run, dict) else None


def resolved_here(incident: Incident) -> bool:
    """Resolved by a green run of the very commit that failed (a re-run passed): that commit's check is green.

    A later commit's green run does not make the failing commit good, and a check run cannot move to another
    commit: its check stays neutral and says which run resolved it.
    """
    run = resolved_by(incident)
    if incident.status != "resolved":
        return False
    return run is None or not run.get("head_sha") or run.get("head_sha") == incident.head_sha


def resolved_line(incident: Incident) -> str | None:
    run = resolved_by(incident)
    if run is None:
        return None
    name = f"run #{run['run_number']}" if run.get("run_number") else "a later run"
    link = f"[{name}]({run['html_url']})" if run.get("html_url") else name
    sha = str(run.get("head_sha") or "")
    where = " of the same commit (a re-run)" if resolved_here(incident) else (f" on `{sha[:7]}`" if sha else "")
    return f"**Resolved:** {link}{where} passed."


def incident_section(incident: Incident, attempts: list[FixAttempt], *, ref: str = "#", short: str = "PR") -> str:
    """One incident's section of the PR comment (`ref` "#", `short` "PR") or the MR note ("!", "MR")."""
    data = dict(incident.analysis or {})
    links = dict(incident.links or {})
    icon = ICONS.get(incident.status, "❌")
    job = one_line(data.get("job"), 200) or "job"
    step = one_line(data.get("failed_step"), 200)
    head = f"### {icon} {one_line(incident.workflow_name, 200)} · {job}" + (f" · step `{step}`" if step else "")
    lines = [head, ""]
    facts = [f"**Category:** {clean(incident.category, 40) or 'unknown'}", f"**Status:** {incident.status}"]
    if (incident.occurrences or 1) > 1:
        facts.append(f"**Seen:** {incident.occurrences} times")
    if links.get("run"):
        facts.append(f"[run]({links['run']})")
    lines += [" · ".join(facts), ""]
    resolution = resolved_line(incident)
    if resolution:
        lines += [resolution, ""]
    root = incident.root_cause or data.get("summary")
    if root:
        lines += [f"**Root cause:** {clean(root)}", ""]
    where = where_line(incident)
    if where:
        lines += [where, ""]
    llm = data.get("llm") or {}
    if llm.get("explanation"):
        lines += [clean(llm["explanation"], 4_000), ""]
    excerpt = [(int(n), str(t)) for n, t in data.get("excerpt") or []]
    if excerpt:
        link = step_link(data)
        lines += ["<details open><summary>The lines that matter</summary>", "", _fenced(excerpt), ""]
        if link:
            lines += [f"[See them in the run]({link})", ""]
        lines += ["</details>", ""]
    if data.get("other_jobs"):
        lines += ["Also failed: " + ", ".join(clean(j, 100) for j in data["other_jobs"]), ""]
    if data.get("outcome"):
        lines += [f"**What I did:** {data['outcome']}", ""]
    if data.get("suggestion"):
        lines += [
            f"<details><summary>Suggested change (this {short} comes from a fork, so I do not push to it)</summary>",
            "",
            "```diff", str(data["suggestion"]).replace("```", "ʼʼʼ"), "```", "", "</details>", "",
        ]
    for attempt in attempts:
        state = {"open": "waiting for its checks", "fixed": "its checks passed ✅",
                 "failed": "its checks failed ❌ (recorded)"}.get(attempt.status, attempt.status)
        where = f"{ref}{attempt.pr_number}" if attempt.pr_number else f"`{one_line(attempt.branch, 200)}`"
        lines.append(f"- Fix attempt {where}: {state}")
    if attempts:
        lines.append("")
    return "\n".join(lines)


def pr_comment(incidents: list[Incident], attempts: dict[str, list[FixAttempt]]) -> str:
    parts = [MARKER, "## DevFlowFix: CI failures on this pull request", ""]
    if incidents and all(i.status in ("resolved", "fixed") for i in incidents):
        parts += ["✅ All the failures below are resolved.", ""]
    for incident in incidents:
        parts.append(incident_section(incident, attempts.get(incident.id, [])))
    parts.append("<sub>Updated on every failure. Comment `/devflowfix help` for what I can do; "
                 "add the label `devflowfix-skip` to opt this PR out.</sub>")
    body = "\n".join(parts)
    return body if len(body) <= MAX_COMMENT else body[: MAX_COMMENT - 20] + "\n\n… (trimmed)"


def check_run_output(incident: Incident, attempts: list[FixAttempt]) -> tuple[str, str, str, list[dict[str, Any]]]:
    """(title, summary, text, annotations) of the incident's check run."""
    data = dict(incident.analysis or {})
    title = clean(f"{incident.category or 'unknown'}: {data.get('summary') or 'CI failure'}", 240, html=False)
    run = resolved_by(incident)
    if run is not None:
        when = "passed on a re-run" if resolved_here(incident) else "resolved by a later commit"
        title = clean(f"Resolved ({when}): {title}", 240, html=False)
    summary = incident_section(incident, attempts)
    text = ""
    if data.get("tests"):
        text = "Failing tests:\n" + "\n".join(f"- `{clean(t, 300)}`" for t in data["tests"][:50])
    annotations = []
    for path, line in data.get("refs") or []:
        if not line:
            continue
        annotations.append({
            "path": path, "start_line": int(line), "end_line": int(line), "annotation_level": "failure",
            "title": clean(f"{incident.workflow_name} · {data.get('job') or ''}", 200, html=False),
            "message": clean(incident.root_cause or data.get("summary") or "CI failure", 1_000, html=False),
        })
    return title, summary, text, annotations[:50]


def fix_pr_body(incident: Incident, files: list[str]) -> str:
    data = dict(incident.analysis or {})
    links = dict(incident.links or {})
    llm = data.get("llm") or {}
    lines = [
        f"DevFlowFix proposes this change to fix the failing **{one_line(incident.workflow_name, 200)}** run"
        + (f" ([run]({links['run']}))" if links.get("run") else "") + ".",
        "",
        f"**Root cause:** {clean(incident.root_cause or data.get('summary'))}",
        "",
        clean(llm.get("explanation"), 4_000),
        "",
        f"**Category:** {clean(incident.category, 40)} · **Confidence:** {llm.get('confidence', '?')}",
        "",
        "Files changed: " + ", ".join(f"`{p}`" for p in files),
        "",
        "Review it like any other change: it was written by a model from the failing log.",
    ]
    return "\n".join(lines)
