"""GitLab `Pipeline Hook`: a failed pipeline is explained on its merge request (or its commit); a green one resolves
the ref's open incidents. A `Job Hook` is only noted: the pipeline hook carries the verdict (no double analysis).
"""

from __future__ import annotations

from gidgetlab.routing import Router
from gidgetlab.sansio import Event

from bot.context import HandlerContext
from bot.fixes.gitlab_incidents import GitLabIncidentService, PipelineInfo

router = Router()


@router.register("Pipeline Hook", status="failed")
async def on_pipeline_failed(event: Event, ctx: HandlerContext) -> None:
    pipeline = PipelineInfo.from_event(event.data)
    where = {"project": pipeline.project, "pipeline_id": pipeline.pipeline_id}
    if ctx.gitlab() is None:
        ctx.log.info("failed gitlab pipeline not handled: no GITLAB_TOKEN to act with", extra=where)
        return
    service = GitLabIncidentService(ctx.db, ctx.settings, ctx.gitlab, owner=ctx.delivery.delivery_id)
    outcome = await service.handle_failure(pipeline)
    client = ctx.gitlab()
    calls = client.calls if client is not None else 0
    ctx.log.info("gitlab pipeline %s: %s", pipeline.pipeline_id, outcome, extra={**where, "gitlab_calls": calls})
    ctx.data["incident_outcome"] = outcome
    ctx.data["gitlab_calls"] = calls


@router.register("Pipeline Hook", status="success")
async def on_pipeline_succeeded(event: Event, ctx: HandlerContext) -> None:
    pipeline = PipelineInfo.from_event(event.data)
    service = GitLabIncidentService(ctx.db, ctx.settings, ctx.gitlab, owner=ctx.delivery.delivery_id)
    resolved = await service.resolve(pipeline, notify=ctx.gitlab() is not None)
    if resolved:
        ctx.log.info("green pipeline resolved %d incidents", len(resolved), extra={"project": pipeline.project})


@router.register("Job Hook", build_status="failed")
async def on_job_failed(event: Event, ctx: HandlerContext) -> None:
    ctx.log.info(
        "gitlab job failed (explained with its pipeline)",
        extra={"project_id": event.data.get("project_id"), "job_id": event.data.get("build_id")},
    )
