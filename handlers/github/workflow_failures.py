"""`workflow_run` completed: a failed run becomes an incident (explained, published, maybe fixed); the bot's own
fix branches are only verified; a green run resolves the branch's open incidents. `pull_request` closed frees
the branch of a fix PR.
"""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot import metrics
from bot.config.effective import EffectiveConfig
from bot.config.gates import why_not
from bot.config.loader import load_github_config
from bot.config.report import report_on_github
from bot.context import HandlerContext
from bot.incidents.github_context import BOT_BRANCH_PREFIX, RunInfo
from bot.incidents.github_forge import FAILING, GitHubForge
from bot.incidents.pipeline import IncidentPipeline
from bot.webhook_facts import GitHubFacts
from storage.database import Database

router = Router()


async def nothing_to_do(facts: GitHubFacts, db: Database) -> bool:
    """The settler of `on_workflow_run_completed`: a green run, not on a fix branch of the bot, whose branch has
    nothing open of its workflow; the handler would resolve nothing and call nothing. Decided from the facts the
    endpoint read and one indexed read, without parsing the body; anything unexpected takes the handler's path."""
    run = facts.run
    if run is None or run.conclusion != "success" or facts.repository is None:
        return False
    branch = run.head_branch
    if not all(isinstance(v, str | None) for v in (branch, run.name, run.path)):
        return False  # the handler reads these as it finds them: let it
    if isinstance(branch, str) and branch.startswith(BOT_BRANCH_PREFIX):
        return False
    return not await db.incidents.any_resolvable(
        facts.repository, branch if isinstance(branch, str) else None, run.workflow_name, provider="github")


@router.register("workflow_run", action="completed")
async def on_workflow_run_completed(event: Event, ctx: HandlerContext) -> None:
    run = RunInfo.from_event(event.data)
    can_act = ctx.can_act_on_github  # the App's installation, or the person of a repository webhook
    owner = ctx.delivery.delivery_id
    forge = GitHubForge(ctx.db, ctx.settings, ctx.github, owner, run)

    async def read_config() -> EffectiveConfig | None:
        """The repository's configuration, read once for this event (cached by the file's blob sha)."""
        if "config" not in ctx.data:
            conn = await ctx.db.installations.repository(run.repo)
            ctx.data["config"] = await load_github_config(ctx.github(), ctx.settings, conn, run.repo,
                                                          run.default_branch)
        config: EffectiveConfig = ctx.data["config"]
        return config

    service = IncidentPipeline(ctx.db, ctx.settings, forge, owner, load_config=read_config if can_act else None)
    if run.conclusion == "success" and not run.on_bot_branch:
        resolved = await service.resolve(notify=can_act)
        if resolved:
            ctx.log.info("green run resolved %d incidents", len(resolved), extra={"repository": run.repo})
        return
    if run.conclusion not in FAILING and not run.on_bot_branch:
        return
    if not can_act and run.installation_id is None:  # a repository watched through its own webhook?
        can_act = await ctx.act_through_repository_hook()
        # the client is now the person's
        forge = GitHubForge(ctx.db, ctx.settings, ctx.github, owner, run)
        service = IncidentPipeline(ctx.db, ctx.settings, forge, owner, load_config=read_config if can_act else None)
    if not can_act:
        ctx.log.info("failed run not handled: no GitHub App installation (or connected person) to act as",
                     extra={"repository": run.repo})
        return
    if run.on_bot_branch:
        outcome = await service.verify()
    else:
        conn = await ctx.db.installations.repository(run.repo)
        if conn is not None and (not conn.is_enabled or conn.removed_at is not None):
            outcome = await service.handle_failure()  # off on the server: no file can turn it on, none read
            await _done(ctx, run, outcome)
            return
        config = await read_config()
        assert config is not None
        service.config = config
        await report_on_github(ctx.github(), run.repo, run.head_sha, config, web_base=ctx.settings.github_web_base,
                               branch=run.default_branch, reports=ctx.db.verdicts)
        reason = await why_not(ctx.db, config, provider="github", repo=run.repo, workflow=run.workflow_name,
                               path=run.workflow_path, branch=run.head_branch,
                               pulls=[p.number for p in run.pull_requests])
        if reason is not None:
            await ctx.db.incidents.record_run({
                "provider": "github", "repository_full_name": run.repo, "run_id": run.run_id,
                "run_attempt": run.run_attempt, "run_number": run.run_number, "workflow_name": run.workflow_name,
                "workflow_path": run.workflow_path, "event": run.event, "head_branch": run.head_branch,
                "head_sha": run.head_sha, "status": "ignored", "conclusion": run.conclusion,
                "html_url": run.html_url, "incident_id": None, "repository_connection_id": conn.id if conn else None,
            })
            ctx.log.info("workflow run %s ignored: %s", run.run_id, reason, extra={"repository": run.repo})
            ctx.data["incident_outcome"] = f"ignored: {reason}"
            return
        outcome = await service.handle_failure()
    await _done(ctx, run, outcome)


async def _done(ctx: HandlerContext, run: RunInfo, outcome: object) -> None:
    calls = ctx.github_calls
    ctx.log.info(
        "workflow run %s: %s", run.run_id, outcome,
        extra={"repository": run.repo, "run_id": run.run_id, "github_calls": calls},
    )
    ctx.data["incident_outcome"] = outcome
    ctx.data["github_calls"] = calls
    incident = await ctx.db.incidents.for_run(run.repo, run.run_id)
    metrics.INCIDENTS.labels("github", (incident.category if incident else None) or "none", str(outcome)).inc()


@router.register("pull_request", action="closed")
async def on_pull_request_closed(event: Event, ctx: HandlerContext) -> None:
    pull_request = event.data.get("pull_request") or {}
    head = pull_request.get("head") or {}
    branch = str(head.get("ref") or "")
    repo = (event.data.get("repository") or {}).get("full_name")
    if branch.startswith(BOT_BRANCH_PREFIX) and repo:
        await ctx.db.incidents.close_fix(repo, branch, merged=pull_request.get("merged") is True)
