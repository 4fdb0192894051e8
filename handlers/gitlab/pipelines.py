"""GitLab `Pipeline Hook`: a failed pipeline is explained on its merge request (or its commit); a green one resolves
the ref's open incidents. A `Job Hook` is only noted: the pipeline hook carries the verdict (no double analysis).
"""

from __future__ import annotations

from gidgetlab.routing import Router
from gidgetlab.sansio import Event

from bot import metrics
from bot.auth.crypto import DecryptError
from bot.auth.user_tokens import ReconnectRequired
from bot.config.effective import EffectiveConfig
from bot.config.gates import why_not
from bot.config.loader import load_gitlab_config
from bot.config.report import report_on_gitlab
from bot.context import HandlerContext
from bot.fixes.edits import GITLAB_CI_FILE
from bot.incidents.gitlab_context import PipelineInfo
from bot.incidents.gitlab_forge import WORKFLOW, GitLabForge
from bot.incidents.pipeline import IncidentPipeline
from bot.incidents.run import BOT_BRANCH_PREFIX

router = Router()


def pipeline_service(ctx: HandlerContext, pipeline: PipelineInfo) -> IncidentPipeline:
    """The pipeline for this delivery; the project's configuration is read at most once (on a green pipeline only
    when something is resolved or verified)."""
    owner = ctx.delivery.delivery_id

    async def read_config() -> EffectiveConfig | None:
        return await _read_config(ctx, pipeline)

    forge = GitLabForge(ctx.db, ctx.settings, ctx.gitlab, owner, pipeline)
    return IncidentPipeline(ctx.db, ctx.settings, forge, owner, load_config=read_config)


async def _read_config(ctx: HandlerContext, pipeline: PipelineInfo) -> EffectiveConfig | None:
    if "config" in ctx.data:
        config: EffectiveConfig | None = ctx.data["config"]
        return config
    client = ctx.gitlab()
    if client is None:
        return None
    conn = await ctx.db.repositories.by_provider_id("gitlab", str(pipeline.project_id))
    # ref None: GitLab's `HEAD`, the project's default branch (whatever the event says it is called)
    read = await load_gitlab_config(client, ctx.settings, conn, pipeline.project, None, project_id=pipeline.project_id)
    ctx.data["config"] = read
    return read


@router.register("Pipeline Hook", status="failed")
async def on_pipeline_failed(event: Event, ctx: HandlerContext) -> None:
    pipeline = PipelineInfo.from_event(event.data)
    where = {"project": pipeline.project, "pipeline_id": pipeline.pipeline_id}
    try:
        client = await ctx.gitlab_for(pipeline.project_id)
        if client is None:
            ctx.log.info("failed gitlab pipeline not handled: no GITLAB_TOKEN and the project is not connected",
                         extra=where)
            return
        service = pipeline_service(ctx, pipeline)
        reason = await _config_gate(ctx, pipeline, service)
        if reason is not None:
            ctx.log.info("failed gitlab pipeline ignored: %s", reason, extra=where)
            ctx.data["incident_outcome"] = f"ignored: {reason}"
            return
        outcome = await service.handle_failure()
    except (ReconnectRequired, DecryptError) as exc:
        reason = exc.reason if isinstance(exc, ReconnectRequired) else str(exc)
        ctx.log.warning("failed gitlab pipeline not handled: reconnect needed (%s)", reason, extra=where)
        ctx.data["incident_outcome"] = "reconnect needed"
        return
    client = ctx.gitlab()
    calls = client.calls if client is not None else 0
    ctx.log.info("gitlab pipeline %s: %s", pipeline.pipeline_id, outcome, extra={**where, "gitlab_calls": calls})
    ctx.data["incident_outcome"] = outcome
    ctx.data["gitlab_calls"] = calls
    incident = await ctx.db.incidents.for_run(pipeline.project, pipeline.pipeline_id, provider="gitlab")
    metrics.INCIDENTS.labels("gitlab", (incident.category if incident else None) or "none", str(outcome)).inc()


async def _config_gate(ctx: HandlerContext, pipeline: PipelineInfo, service: IncidentPipeline) -> str | None:
    """Read the project's configuration once for this event (the pipeline then uses it), report a bad file (one
    note), and say why the pipeline is left alone (None: it is not). A project turned off on the server is not
    read at all."""
    conn = await ctx.db.repositories.by_provider_id("gitlab", str(pipeline.project_id))
    client = ctx.gitlab()
    if client is None or (conn is not None and conn.removed_at is None and not conn.is_enabled):
        return None  # the pipeline says "turned off"
    config = await _read_config(ctx, pipeline)
    assert config is not None
    service.config = config
    await report_on_gitlab(client, pipeline.project_id, config, sha=pipeline.sha, mr_iid=pipeline.mr_iid,
                           reports=ctx.db.verdicts)
    reason = await why_not(ctx.db, config, provider="gitlab", repo=pipeline.project, workflow=WORKFLOW,
                           path=GITLAB_CI_FILE, branch=pipeline.ref, pulls=[pipeline.mr_iid] if pipeline.mr_iid else [])
    if reason is not None:
        await ctx.db.incidents.record_run({
            "provider": "gitlab", "repository_full_name": pipeline.project, "run_id": pipeline.pipeline_id,
            "run_attempt": 1, "workflow_name": WORKFLOW, "workflow_path": GITLAB_CI_FILE, "event": pipeline.source,
            "head_branch": pipeline.ref, "head_sha": pipeline.sha, "status": "ignored", "conclusion": "failed",
            "html_url": pipeline.web_url, "incident_id": None,
        })
    return reason


@router.register("Pipeline Hook", status="success")
async def on_pipeline_succeeded(event: Event, ctx: HandlerContext) -> None:
    pipeline = PipelineInfo.from_event(event.data)
    service = pipeline_service(ctx, pipeline)
    try:
        notify = await ctx.gitlab_for(pipeline.project_id) is not None
    except ReconnectRequired as exc:
        ctx.log.warning("gitlab notes not updated: reconnect needed (%s)", exc.reason,
                        extra={"project": pipeline.project})
        notify = False
    if (pipeline.ref or "").startswith(BOT_BRANCH_PREFIX):  # a fix merge request's own pipeline verifies it
        if notify:
            outcome = await service.verify()
            ctx.log.info("gitlab fix pipeline %s: %s", pipeline.pipeline_id, outcome,
                         extra={"project": pipeline.project})
            ctx.data["incident_outcome"] = outcome
        return
    try:
        resolved = await service.resolve(notify=notify)
    except ReconnectRequired as exc:  # resolved in the database already; only the notes could not be edited
        ctx.log.warning("gitlab notes not updated: reconnect needed (%s)", exc.reason,
                        extra={"project": pipeline.project})
        return
    if resolved:
        ctx.log.info("green pipeline resolved %d incidents", len(resolved), extra={"project": pipeline.project})


@router.register("Job Hook", build_status="failed")
async def on_job_failed(event: Event, ctx: HandlerContext) -> None:
    ctx.log.info(
        "gitlab job failed (explained with its pipeline)",
        extra={"project_id": event.data.get("project_id"), "job_id": event.data.get("build_id")},
    )
