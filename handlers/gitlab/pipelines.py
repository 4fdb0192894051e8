"""GitLab `Pipeline Hook` and `Job Hook`: note failed pipelines and jobs (the analysis comes with the pipeline work)."""

from __future__ import annotations

from gidgetlab.routing import Router
from gidgetlab.sansio import Event

from bot.context import HandlerContext

router = Router()


@router.register("Pipeline Hook", status="failed")
async def on_pipeline_failed(event: Event, ctx: HandlerContext) -> None:
    attributes = event.object_attributes
    project = event.data.get("project") or {}
    ctx.log.info(
        "gitlab pipeline failed",
        extra={"project": project.get("path_with_namespace"), "pipeline_id": attributes.get("id")},
    )


@router.register("Job Hook", build_status="failed")
async def on_job_failed(event: Event, ctx: HandlerContext) -> None:
    ctx.log.info(
        "gitlab job failed",
        extra={"project_id": event.data.get("project_id"), "job_id": event.data.get("build_id")},
    )
