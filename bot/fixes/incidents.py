"""The incident service: a failed run becomes one incident, explained (analyzer, then the LLM if configured),
deduplicated, re-run when flaky, published (PR comment, check run) and, when allowed, fixed with a PR; the fix
PR's own run verifies it. Every decision that concurrent deliveries could race on is made in the database.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gidgethub

from bot.analysis import redact
from bot.fixes import publish
from bot.fixes.edits import EditRejected, Limits, apply_fix, check_paths, unified_diff
from bot.fixes.pull_request import branch_name, fix_message, fix_title, open_fix_pr
from bot.fixes.render import clean, fix_pr_body
from bot.forges import github_actions as actions
from bot.forges import github_repos as repos
from bot.forges.github_client import GitHubClient
from bot.incidents.github_context import FailureContext, JobFailure, PullRef, RunInfo, gather_failure
from bot.incidents.outcome import Outcome
from bot.incidents.record import AnalysisRecord, LLMVerdict
from bot.incidents.steps import ask_llm, excerpt_text, explained, leased, monitoring_disabled
from bot.llm.answer import LLMAnswer
from bot.llm.prompt import PromptInput
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident, RepositoryConnection

log = logging.getLogger(__name__)

FAILING = ("failure", "timed_out", "startup_failure")
DEPENDENCY_FILES = {
    "requirements.txt", "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile.lock", "package.json",
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "pom.xml",
    "build.gradle", "build.gradle.kts", "Gemfile", "Gemfile.lock", "Dockerfile", "docker-compose.yml",
}
MAX_DIFF_CHARS = 60_000


@dataclass
class GitHubForge:
    """The GitHub adapter of the incident port: the PR's one comment and the check run."""

    db: Database
    client: GitHubClient
    owner: str
    provider: str = "github"
    removed_is_watched: bool = False  # a repository removed from the installation is not ours any more

    @property
    def calls(self) -> int:
        return self.client.calls

    async def publish(self, incident: Incident) -> None:
        try:
            await publish.upsert_check_run(self.client, self.db, incident)
        except gidgethub.BadRequest as exc:  # e.g. the App lacks `checks: write`: the comment still goes out
            log.warning("check run not written for %s: HTTP %s", incident.repository_full_name, exc.status_code)
        if incident.pr_number:  # a push with no PR gets the check run only
            await publish.upsert_pr_comment(self.client, self.db, incident.repository_full_name, incident.pr_number,
                                            self.owner)


@dataclass
class IncidentService:
    """One delivery's work on incidents; `owner` (the delivery id) names its leases and claims."""

    db: Database
    settings: Settings
    github: Callable[[], GitHubClient]
    owner: str

    # ---- entry points
    def forge(self) -> GitHubForge:
        return GitHubForge(self.db, self.github(), self.owner)

    async def handle_failure(self, run: RunInfo, *, again: bool = False, fix_requested: bool = False) -> Outcome:
        """Explain and maybe fix a failed run; returns what happened (for logs and tests).

        `again`: someone asked for it (`/devflowfix explain`): a run attempt handled already is analyzed anew.
        `fix_requested` (`/devflowfix fix`): a fix PR may be opened even with `auto_pr_enabled` off; every other
        rule (confidence, edit checks, fork, attempts, the LLM's cap, the loop guard) still applies.
        """
        if run.on_bot_branch:  # the loop guard: the bot's own branches are only ever verified
            return await self.verify(run)
        conn = await self.db.installations.repository(run.repo)
        if monitoring_disabled(conn, removed_is_watched=GitHubForge.removed_is_watched):
            return Outcome.MONITORING_DISABLED
        store = self.db.incidents
        pull = run.pull_requests[0] if run.pull_requests else None
        incident = await store.claim_run({
            "provider": "github", "repository_full_name": run.repo, "run_id": run.run_id,
            "run_attempt": run.run_attempt, "workflow_name": run.workflow_name, "head_branch": run.head_branch,
            "head_sha": run.head_sha, "installation_id": run.installation_id,
            "repository_connection_id": conn.id if conn else None, "pr_number": pull.number if pull else None,
            "pull_requests": [p.number for p in run.pull_requests], "links": {"run": run.html_url},
        })
        await store.record_run({
            "provider": "github", "repository_full_name": run.repo, "run_id": run.run_id,
            "run_attempt": run.run_attempt, "run_number": run.run_number, "workflow_name": run.workflow_name,
            "workflow_path": run.workflow_path, "event": run.event, "head_branch": run.head_branch,
            "head_sha": run.head_sha, "status": "completed", "conclusion": run.conclusion,
            "html_url": run.html_url, "incident_id": incident.id,
            "repository_connection_id": conn.id if conn else None,
        })
        return await leased(
            self.db, self.owner, incident, run.run_attempt,
            lambda: self._process(incident, run, conn, pull, again=again, fix_requested=fix_requested), again=again,
        )

    async def verify(self, run: RunInfo) -> Outcome:
        """The fix PR's own run ended: the incident is fixed, or the attempt failed (history kept)."""
        store = self.db.incidents
        attempt = await store.attempt_for_branch(run.repo, run.head_branch or "")
        if attempt is None or attempt.commit_sha != run.head_sha:
            return Outcome.NOT_OUR_FIX
        incident = await store.get(attempt.incident_id)
        if incident is None or incident.workflow_name != run.workflow_name:
            return Outcome.ANOTHER_WORKFLOW
        success = run.conclusion == "success"
        if not success and run.conclusion not in FAILING:
            return Outcome.INCONCLUSIVE
        if not await store.verify_attempt(attempt.id, success=success, run_id=run.run_id):
            return Outcome.ALREADY_VERIFIED
        incident = await store.get(attempt.incident_id)
        assert incident is not None
        gh = self.github()
        if incident.check_run_id:
            await publish.upsert_check_run(gh, self.db, incident)
        if incident.pr_number:
            await publish.upsert_pr_comment(gh, self.db, incident.repository_full_name, incident.pr_number, self.owner)
        return Outcome.FIXED if success else Outcome.FIX_FAILED

    async def resolve(self, run: RunInfo, *, notify: bool = True) -> list[str]:
        """A green run: the branch's open incidents of this workflow are resolved, and what people see says so
        (the PR's comment; the check run on the failing commit, green only if the same commit passed now).
        Returns the ids resolved; a green run with nothing open makes no API call (nor does `notify=False`).
        """
        resolved = await self.db.incidents.resolve_open(run.repo, run.head_branch, run.workflow_name, {
            "run_id": run.run_id, "run_attempt": run.run_attempt, "run_number": run.run_number,
            "head_sha": run.head_sha, "html_url": run.html_url,
        })
        if not resolved or not notify:
            return [i.id for i in resolved]
        gh = self.github()
        for incident in resolved:
            if incident.check_run_id:
                try:
                    await publish.upsert_check_run(gh, self.db, incident)
                except gidgethub.BadRequest as exc:
                    log.warning("check run of %s not updated: HTTP %s", incident.id, exc.status_code)
        for pr_number in sorted({i.pr_number for i in resolved if i.pr_number}):
            await publish.upsert_pr_comment(gh, self.db, run.repo, pr_number, self.owner)
        return [i.id for i in resolved]

    # ---- the work
    async def _process(
        self, incident: Incident, run: RunInfo, conn: RepositoryConnection | None, pull: PullRef | None, *,
        again: bool = False, fix_requested: bool = False,
    ) -> Outcome:
        store = self.db.incidents
        settings = self.settings
        gh = self.github()

        pr_data: dict[str, Any] | None = None
        is_fork = run.from_fork
        if pull is None and run.from_fork and run.head_repo and run.head_branch:
            owner = run.head_repo.split("/", 1)[0]
            pr_data = await repos.find_pull(gh, run.repo, f"{owner}:{run.head_branch}")
        elif pull is not None:
            pr_data = await repos.get_pull(gh, run.repo, pull.number)
        if pr_data is not None:
            head, base = pr_data.get("head") or {}, pr_data.get("base") or {}
            pull = PullRef(int(pr_data["number"]), head.get("ref"), head.get("sha"), base.get("ref"), base.get("sha"))
            is_fork = ((head.get("repo") or {}).get("full_name") or run.repo) != run.repo
        labels = {str(lb.get("name")) for lb in (pr_data or {}).get("labels") or []}
        pr_number = pull.number if pull else None
        await store.update(incident.id, pr_number=pr_number, is_fork=is_fork)
        if settings.skip_label in labels:
            await store.finish(incident.id, self.owner, run.run_attempt, status="skipped")
            return Outcome.SKIPPED_LABEL

        llm_budget_left = settings.llm_enabled and (
            await store.llm_calls(run.repo) < settings.llm_daily_cap_per_repo
        )  # the sources only feed the LLM: no budget, no calls for them
        fctx = await gather_failure(gh, run, settings, pull=pull, want_sources=llm_budget_left)
        primary = fctx.primary
        if primary is None:  # e.g. startup_failure: the workflow file did not even start a job
            summary = (f"The workflow did not start a failing job (conclusion `{run.conclusion}`): "
                       f"its file `{run.workflow_path or '?'}` may be invalid, or a job was never scheduled.")
            record = AnalysisRecord.configuration(summary, "Explained from the run.", run_attempt=run.run_attempt)
            await store.update(
                incident.id, status="open", category="configuration", signature=f"no-job-{run.workflow_path}",
                root_cause=summary, analysis=record.to_dict(),
            )
            await self._publish(incident.id, pr_number)
            await store.finish(incident.id, self.owner, run.run_attempt)
            return Outcome.NO_FAILED_JOB
        analysis = primary.analysis
        data = _analysis_record(fctx, primary)
        if again:
            data.requested_by = self.owner  # this command's own retry keeps its decisions; a new command doesn't

        other = await store.open_with_signature(run.repo, run.head_branch, analysis.signature, incident.id)
        if other is not None and fix_requested and other.fix_state not in ("creating", "open", "fixed"):
            # `fix` asked on a repeat of an open failure: this newer run takes over (a fix starts from its commit)
            await store.supersede(other.id, incident.id)
        elif other is not None:
            return await self._merge(incident, other, run, data)

        status = "open"
        root_cause: str | None = None
        links: dict[str, str | None] = {}
        prior = AnalysisRecord.from_dict(incident.analysis)
        if (prior.run_attempt == run.run_attempt and prior.outcome
                and (not again or prior.requested_by == self.owner)):
            # a retry after a failure to publish: what was decided stands (no second LLM call, no second fix)
            data.keep_decisions_of(prior)
            status = incident.status if incident.status in ("open", "rerun") else "open"
            root_cause = incident.root_cause
        elif (not again and analysis.category == "infrastructure" and run.run_attempt == 1
              and not _code_to_blame(fctx)):  # asked for by a person: explained, never re-run behind their back
            try:
                await actions.rerun_failed_jobs(gh, run.repo, run.run_id)
                status = "rerun"
                data.outcome = (
                    "This looks like an infrastructure failure with no code change to blame, "
                    "so I re-ran the failed jobs once instead of proposing a fix."
                )
            except gidgethub.BadRequest as exc:  # no `actions: write`, or the run is too old to re-run
                data.outcome = (
                    "This looks like an infrastructure failure with no code change to blame; re-running its "
                    f"failed jobs was refused (HTTP {int(exc.status_code)}), so please re-run them."
                )
        else:
            answer: LLMAnswer | None = None
            if settings.llm_enabled:
                answer, note = await self._ask_llm(run, fctx, primary)
                if answer is not None:
                    root_cause = answer.root_cause
                    data.llm = LLMVerdict(answer.root_cause, answer.confidence, answer.explanation)
                if note:
                    data.llm_note = note
            data.outcome = await self._maybe_fix(
                incident, run, conn, pull, is_fork, fctx, primary, answer, data, links, fix_requested=fix_requested
            )

        await store.update(
            incident.id, status=status, category=analysis.category, signature=analysis.signature,
            analysis=data.to_dict(), root_cause=root_cause or analysis.summary, pr_number=pr_number,
            merged_into_id=None, links={**(incident.links or {}), "run": run.html_url, "job": primary.job.html_url,
                                        **links},
        )
        await self._publish(incident.id, pr_number)
        data.extra["github_calls"] = gh.calls  # this delivery's API calls, kept with the incident
        await store.finish(incident.id, self.owner, run.run_attempt, analysis=data.to_dict())
        return Outcome.of_status(status)

    async def _merge(self, incident: Incident, other: Incident, run: RunInfo, data: AnalysisRecord) -> Outcome:
        """Same failure as an open incident on this branch: count it there and refresh what people see."""
        store = self.db.incidents
        await store.update(
            incident.id, status="merged", merged_into_id=other.id, category=data.category,
            signature=data.signature, analysis=data.to_dict(),
        )
        old_sha = other.head_sha
        target = await store.merge_into(other.id, {"run_id": run.run_id, "run_attempt": run.run_attempt,
                                                    "head_sha": run.head_sha, "html_url": run.html_url})
        gh = self.github()
        if run.head_sha != old_sha:  # a new commit: it gets its own check run
            await store.update(target.id, check_run_id=None)
            target.check_run_id = None
        await publish.upsert_check_run(gh, self.db, target)
        pr_number = target.pr_number or incident.pr_number
        if pr_number:
            await publish.upsert_pr_comment(gh, self.db, run.repo, pr_number, self.owner)
        await store.finish(incident.id, self.owner, run.run_attempt)
        return Outcome.MERGED

    async def _publish(self, incident_id: str, pr_number: int | None) -> None:
        incident = await self.db.incidents.get(incident_id)
        assert incident is not None
        incident.pr_number = pr_number
        await self.forge().publish(incident)

    async def _ask_llm(self, run: RunInfo, fctx: FailureContext, primary: JobFailure) -> tuple[LLMAnswer | None, str]:
        excerpt = excerpt_text(primary.analysis.excerpt,
                               [(f.job.name, f.analysis.excerpt) for f in fctx.failures if f is not primary])
        inp = PromptInput(
            repository=run.repo, workflow=run.workflow_name, job=primary.job.name,
            failed_step=primary.analysis.failed_step or (primary.step.name if primary.step else None),
            category=primary.analysis.category, summary=redact(primary.analysis.summary), excerpt=redact(excerpt),
            workflow_path=run.workflow_path, workflow_file=redact(fctx.workflow_file) if fctx.workflow_file else None,
            diff=_diff_text(fctx), files={p: redact(t) for p, t in fctx.files.items()},
        )
        return await ask_llm(self.db, self.settings, run.repo, inp)

    async def _maybe_fix(
        self, incident: Incident, run: RunInfo, conn: RepositoryConnection | None, pull: PullRef | None,
        is_fork: bool, fctx: FailureContext, primary: JobFailure, answer: LLMAnswer | None, data: AnalysisRecord,
        links: dict[str, str | None], *, fix_requested: bool = False,
    ) -> str:
        """Check and write the proposed fix; returns the sentence that tells what was done."""
        settings = self.settings
        store = self.db.incidents
        if answer is None:
            return explained(settings, data.llm_note)
        if answer.fix is None or answer.fix.empty:
            return "Explained; the LLM proposed no fix."
        if answer.confidence < settings.fix_min_confidence:
            return (f"Explained; the proposed fix was not used (confidence {answer.confidence:.2f} "
                    f"is below {settings.fix_min_confidence:.2f}).")
        if not is_fork and conn is not None and not conn.auto_pr_enabled and not fix_requested:
            return "Explained; fix PRs are turned off for this repository."
        limits = Limits(settings.max_fix_files, settings.max_fix_bytes,
                        allow_workflow_edits=bool(conn and conn.allow_workflow_edits))
        gh = self.github()
        try:
            tree = fctx.tree or await repos.get_tree(gh, run.repo, run.head_sha)
            if tree is None:
                raise EditRejected("the failing commit's files could not be listed")
            paths = check_paths(answer.fix, tree.entries, limits, submodules=tree.submodules)
            originals: dict[str, str] = {}
            for path in paths:
                text = fctx.files.get(path)
                if text is None:
                    text = await repos.get_file(gh, run.repo, path, run.head_sha, max_bytes=settings.max_fix_bytes)
                if text is not None:
                    originals[path] = text
            changed = apply_fix(answer.fix, originals, limits)
        except EditRejected as exc:
            return f"Explained; the proposed fix was not applied: {clean(str(exc), 300)}."
        if is_fork:
            data.suggestion = redact(unified_diff(originals, changed))
            return "This PR comes from a fork, so I do not push to it: the suggested change is below."
        target = pull.head_ref if pull and pull.head_ref else run.head_branch
        if not target:
            return "Explained; the failing branch is unknown, so no fix PR."
        if incident.fix_state in ("open", "fixed") and incident.fix_pr_number:
            return f"Opened #{incident.fix_pr_number} with a fix (branch `{incident.fix_branch}`)."
        used = await store.attempts_count(run.repo, pr_number=pull.number if pull else None, target_branch=target)
        if used >= settings.max_fix_attempts_per_pr:
            return f"Explained; no new fix PR: the limit of {settings.max_fix_attempts_per_pr} attempts is reached."
        if not await store.claim_fix(incident.id, self.owner, target):
            return f"Explained; a fix PR for `{clean(target, 200)}` is already open."
        branch = branch_name(run.head_sha, primary.job.name)
        refreshed = await store.get(incident.id)
        assert refreshed is not None
        try:
            opened = await open_fix_pr(
                gh, run.repo, tree=tree, head_sha=run.head_sha, changed=changed, branch=branch, base=target,
                title=fix_title(run.workflow_name, answer.root_cause),
                body=fix_pr_body(_with(refreshed, answer, data), sorted(changed)),
                message=fix_message(run.workflow_name, primary.job.name, answer.root_cause),
                default_branch=run.default_branch,
                label=settings.fix_label,
            )
        except EditRejected as exc:  # the write itself refused (a protected branch, a file's mode)
            await store.release_fix(incident.id, self.owner)
            return f"Explained; the proposed fix was not applied: {clean(str(exc), 300)}."
        except gidgethub.BadRequest as exc:  # e.g. no `pull_requests: write`: the explanation still goes out
            await store.release_fix(incident.id, self.owner)
            log.warning("fix PR not opened for %s: HTTP %s", run.repo, exc.status_code)
            return (f"Explained; the fix PR could not be opened: GitHub answered {exc.status_code} "
                    f"({clean(str(exc), 200)}). Check the App's permissions on this repository.")
        except BaseException:
            await store.release_fix(incident.id, self.owner)
            raise
        await store.fix_opened(incident.id, {
            "repository_full_name": run.repo, "source_pr_number": pull.number if pull else None,
            "target_branch": target, "branch": opened.branch, "commit_sha": opened.commit_sha,
            "pr_number": opened.pr_number, "pr_url": opened.pr_url, "files": sorted(changed),
        })
        links["fix_pr"] = opened.pr_url
        return f"Opened #{opened.pr_number} with a fix (branch `{opened.branch}`, into `{clean(target, 200)}`)."


def _with(incident: Incident, answer: LLMAnswer, data: AnalysisRecord) -> Incident:
    incident.root_cause = answer.root_cause
    incident.analysis = data.to_dict()
    incident.category = data.category
    return incident


def _analysis_record(fctx: FailureContext, primary: JobFailure) -> AnalysisRecord:
    analysis = primary.analysis
    return AnalysisRecord.of_analysis(
        analysis,
        failed_step=analysis.failed_step or (primary.step.name if primary.step else None),
        step_number=primary.step.number if primary.step else None,
        job=primary.job.name, job_id=primary.job.id, job_url=primary.job.html_url,
        refs=[[p, line] for p, line in fctx.refs],
        other_jobs=[f.job.name for f in fctx.failures if f is not primary] + fctx.other_failed_jobs,
        log_truncated=primary.log_truncated, baseline_used=primary.baseline_used, run_attempt=fctx.run.run_attempt,
    )


def _code_to_blame(fctx: FailureContext) -> bool:
    """Does the diff touch what the failure names, the CI configuration or the dependencies?"""
    referenced = {p for p, _ in fctx.refs}
    for changed in fctx.diff or []:
        name = changed.filename
        if name in referenced or name.startswith(".github/") or posixpath.basename(name) in DEPENDENCY_FILES:
            return True
    return False


def _diff_text(fctx: FailureContext) -> str | None:
    if not fctx.diff:
        return None
    parts = []
    size = 0
    for changed in fctx.diff:
        piece = f"--- {changed.filename} ({changed.status})\n{changed.patch or '(no textual patch)'}\n"
        size += len(piece)
        if size > MAX_DIFF_CHARS:
            parts.append("[... more files ...]")
            break
        parts.append(piece)
    return redact("".join(parts))
