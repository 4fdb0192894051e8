"""GitLab `Pipeline Hook`: a failed pipeline is explained on its merge request (or its commit); a green one resolves
the ref's open incidents. A `Job Hook` is only noted: the pipeline hook carries the verdict (no double analysis).
"""

from __future__ import annotations

from gidgetlab.routing import Router
from gidgetlab.sansio import Event

from bot import metrics
from bot.auth.crypto import DecryptError
from bot.auth.user_tokens import ReconnectRequired
from bot.context import HandlerContext
from bot.incidents.gitlab_context import PipelineInfo
from bot.incidents.gitlab_forge import GitLabForge
from bot.incidents.pipeline import IncidentPipeline
from bot.incidents.run import BOT_BRANCH_PREFIX

router = Router()


def pipeline_service(ctx: HandlerContext, pipeline: PipelineInfo) -> IncidentPipeline:
    owner = ctx.delivery.delivery_id
    return IncidentPipeline(ctx.db, ctx.settings, GitLabForge(ctx.db, ctx.settings, ctx.gitlab, owner, pipeline), owner)


@router.register("Pipeline Hook", status="failed")
async def on_pipeline_failed(event: Event, ctx: HandlerContext) -> None:
    pipeline = PipelineInfo.from_event(event.data)
    where = {"project": pipeline.project, "pipeline_id": pipeline.pipeline_id}
    try:
        if await ctx.gitlab_for(pipeline.project_id) is None:
            ctx.log.info("failed gitlab pipeline not handled: no GITLAB_TOKEN and the project is not connected",
                         extra=where)
            return
        outcome = await pipeline_service(ctx, pipeline).handle_failure()
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
