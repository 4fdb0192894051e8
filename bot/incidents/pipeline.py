"""The incident pipeline, written once for both forges: claim, lease, gather, analyze, dedupe, explain, decide,
fix, publish, verify, resolve. A failed run (GitHub workflow run, GitLab pipeline) becomes one incident (claimed
and leased in the database, so concurrent deliveries do the work once), explained from its analyzed logs (then
the LLM, within the daily cap), merged into an open incident with the same signature, re-run once when it looks
like infrastructure with no code to blame, fixed when the LLM proposes a confident fix every check accepts, and
published; the fix's own run verifies it, a green run resolves. What differs per forge is behind `Forge`.

The repository's configuration (`bot/config/`, read once per event by the handler) is applied here, the same for
both forges: `auto_pr`, `labels`, `branch_prefix`, `max_attempts` (never above the server's), `llm.enabled` and
`llm.model`, `allow_workflow_edits` (only narrows) and `comment` (`always`, `on_failure`, `never`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.analysis import redact
from bot.config.effective import EffectiveConfig
from bot.fixes.edits import EditRejected, Limits, apply_fix, check_paths, unified_diff
from bot.fixes.pull_request import BRANCH_PREFIX, branch_name, fix_message, fix_title
from bot.fixes.render import clean, fix_pr_body
from bot.incidents import verdicts
from bot.incidents.branch_issues import report_failure, resolve_issues
from bot.incidents.declarations import locate_declarations
from bot.incidents.forge import Forge, ForgeRefused
from bot.incidents.outcome import Outcome
from bot.incidents.record import AnalysisRecord, LLMVerdict
from bot.incidents.run import FailedJob, Gathered, PullFacts
from bot.incidents.steps import ask_llm, excerpt_text, explained, leased, monitoring_disabled
from bot.llm.answer import LLMAnswer
from bot.llm.prompt import PromptInput
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident, RepositoryConnection

log = logging.getLogger(__name__)


class IncidentPipeline:
    """One delivery's work on one run; `owner` (the delivery id) names its leases and claims."""

    def __init__(self, db: Database, settings: Settings, forge: Forge, owner: str,
                 config: EffectiveConfig | None = None,
                 load_config: Callable[[], Awaitable[EffectiveConfig | None]] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.forge = forge
        self.owner = owner
        self.config = config  # None: no file was read (the server's settings alone)
        self._load_config = load_config  # read only when a green run has something to write (resolve, verify)

    async def _configured(self) -> None:
        if self.config is None and self._load_config is not None:
            self.config = await self._load_config()

    # ---- what the configuration decides (a file can only narrow the server's settings)
    @property
    def llm_enabled(self) -> bool:
        return self.settings.llm_enabled and (self.config is None or self.config.llm_enabled)

    @property
    def llm_settings(self) -> Settings:
        """The server's settings with the repository's `llm.model` (already checked against the allow list)."""
        model = self.config.llm_model if self.config is not None else None
        if not model or model == self.settings.openai_model:
            return self.settings
        return self.settings.model_copy(update={"openai_model": model})

    def auto_pr(self, conn: RepositoryConnection | None) -> bool:
        if conn is not None and not conn.auto_pr_enabled:
            return False
        return self.config is None or self.config.auto_pr

    def workflow_edits(self, conn: RepositoryConnection | None) -> bool:
        allowed = bool(conn and conn.allow_workflow_edits)
        return allowed and (self.config is None or self.config.allow_workflow_edits)

    @property
    def max_attempts(self) -> int:
        limit = self.settings.max_fix_attempts_per_pr
        return limit if self.config is None else max(0, min(limit, self.config.max_attempts))

    @property
    def fix_labels(self) -> list[str]:
        labels = [self.settings.fix_label] if self.settings.fix_label else []
        for label in self.config.labels if self.config is not None else []:
            if label and label not in labels:
                labels.append(label)
        return labels

    def branch(self, head_sha: str, job: str) -> str:
        prefix = self.config.branch_prefix if self.config is not None else BRANCH_PREFIX
        if not prefix.startswith(BRANCH_PREFIX):  # the loop guard: fix branches stay under the server's prefix
            prefix = BRANCH_PREFIX
        if not prefix.endswith(("/", "-", "_", ".")):
            prefix += "/"
        return prefix + branch_name(head_sha, job).removeprefix(BRANCH_PREFIX)

    def thread(self, *, failing: bool) -> bool:
        """Whether the PR's comment / MR's note is written: `always`; `on_failure` only for an explained failure
        (not a re-run, a resolution or a verified fix); `never`."""
        mode = self.config.comment if self.config is not None else "always"
        return mode == "always" or (mode == "on_failure" and failing)

    # ---- entry points
    async def handle_failure(self, *, again: bool = False, fix_requested: bool = False,
                             instructions: str | None = None) -> Outcome:
        """Explain and maybe fix the failed run; returns what happened (for logs, replies and tests).

        `again`: someone asked for it (`/devflowfix explain`): a run attempt handled already is analyzed anew.
        `fix_requested` (`/devflowfix fix`): a fix may be opened even with `auto_pr_enabled` off; every other
        rule (confidence, edit checks, fork, attempts, the LLM's cap, the loop guard) still applies.
        `instructions` (`/devflowfix fix <instructions>`): a person's request, to the LLM as its own data section;
        it changes none of those rules.
        """
        accepted, conn = await self.forge.connection()
        if not accepted:
            return Outcome.PROJECT_MISMATCH
        run = self.forge.run
        if run.on_bot_branch:  # the loop guard: the bot's own branches are only ever verified
            return await self._verify()
        if monitoring_disabled(conn, removed_is_watched=self.forge.removed_is_watched):
            return Outcome.MONITORING_DISABLED
        store = self.db.incidents
        incident = await store.claim_run({
            "provider": run.provider, "repository_full_name": run.repo, "run_id": run.run_id,
            "run_attempt": run.run_attempt, "workflow_name": run.workflow_name, "head_branch": run.head_branch,
            "head_sha": run.head_sha, "installation_id": run.installation_id,
            "repository_connection_id": conn.id if conn else None, "pr_number": run.pr_number,
            "pull_requests": list(run.pull_requests), "links": {"run": run.html_url},
        })
        await store.record_run({
            "provider": run.provider, "repository_full_name": run.repo, "run_id": run.run_id,
            "run_attempt": run.run_attempt, "run_number": run.run_number, "workflow_name": run.workflow_name,
            "workflow_path": run.workflow_path, "event": run.event, "head_branch": run.head_branch,
            "head_sha": run.head_sha, "status": "completed", "conclusion": run.conclusion,
            "html_url": run.html_url, "incident_id": incident.id,
            "repository_connection_id": conn.id if conn else None,
        })
        return await leased(
            self.db, self.owner, incident, run.run_attempt,
            lambda: self._process(incident, conn, again=again, fix_requested=fix_requested,
                                  instructions=instructions), again=again,
        )

    async def verify(self) -> Outcome:
        """The fix's own run ended: the incident is fixed, or the attempt failed (history kept)."""
        if not await self.forge.verified():
            return Outcome.PROJECT_MISMATCH
        return await self._verify()

    async def _verify(self) -> Outcome:
        run = self.forge.run
        store = self.db.incidents
        attempt = await store.attempt_for_branch(run.repo, run.head_branch or "", provider=run.provider)
        if attempt is None or attempt.commit_sha != run.head_sha:
            return Outcome.NOT_OUR_FIX
        incident = await store.get(attempt.incident_id)
        if incident is None or incident.workflow_name != run.workflow_name or incident.provider != run.provider:
            return Outcome.ANOTHER_WORKFLOW
        if not run.succeeded and not run.failed:
            return Outcome.INCONCLUSIVE
        if not await store.verify_attempt(attempt.id, success=run.succeeded, run_id=run.run_id):
            return Outcome.ALREADY_VERIFIED
        incident = await store.get(attempt.incident_id)
        assert incident is not None
        await self.forge.refresh(incident)
        if incident.pr_number:
            await self._configured()
        if incident.pr_number and self.thread(failing=not run.succeeded):
            await self.forge.publish_thread(incident.pr_number)
        return Outcome.FIXED if run.succeeded else Outcome.FIX_FAILED

    async def resolve(self, *, notify: bool = True) -> list[str]:
        """A green run: the branch's open incidents of this workflow are resolved, and what people see says so
        (the PR's/MR's note; a check run). Returns the ids resolved; a green run with nothing open makes no API
        call (nor does `notify=False`)."""
        if not await self.forge.verified():
            return []
        run = self.forge.run
        resolved = await self.db.incidents.resolve_open(run.repo, run.head_branch, run.workflow_name, {
            "run_id": run.run_id, "run_attempt": run.run_attempt, "run_number": run.run_number,
            "head_sha": run.head_sha, "html_url": run.html_url,
        }, provider=run.provider)
        if resolved:
            await verdicts.remember_flakes(self.db, run.provider, resolved, run.head_sha)
        if not resolved or not notify:
            return [i.id for i in resolved]
        if run.default_branch and run.head_branch == run.default_branch:
            await resolve_issues(self.db, self.forge, run, resolved)
        for incident in resolved:
            await self.forge.refresh(incident)
        await self._configured()
        if not self.thread(failing=False):
            return [i.id for i in resolved]
        for number in sorted({i.pr_number for i in resolved if i.pr_number}):
            await self.forge.publish_thread(number)
        return [i.id for i in resolved]

    # ---- the work
    async def _process(
        self, incident: Incident, conn: RepositoryConnection | None, *, again: bool, fix_requested: bool,
        instructions: str | None = None,
    ) -> Outcome:
        store = self.db.incidents
        settings = self.settings
        run = self.forge.run

        pull = await self.forge.pull()
        await store.update(incident.id, pr_number=pull.number, is_fork=pull.is_fork)
        if settings.skip_label in pull.labels:
            await store.finish(incident.id, self.owner, run.run_attempt, status="skipped")
            return Outcome.SKIPPED_LABEL
        if pull.number and pull.head_sha and pull.head_sha != run.head_sha and not again:
            return await self._superseded(incident, pull)

        llm_budget_left = self.llm_enabled and (
            await store.llm_calls(run.repo) < settings.llm_daily_cap_per_repo
        )  # the sources only feed the LLM: no budget, no calls for them
        gathered = await self.forge.gather(pull, want_sources=llm_budget_left)
        primary = gathered.primary
        if primary is None:  # e.g. startup_failure, an invalid CI file: not even a job failed
            noun = self.forge.nouns
            summary = (f"The {noun.run} did not start a failing job (conclusion `{run.conclusion}`): its file "
                       f"`{run.workflow_path or '?'}` may be invalid, or a job was never scheduled.")
            record = AnalysisRecord.configuration(summary, "Explained from the run.", run_attempt=run.run_attempt)
            await store.update(
                incident.id, status="open", category="configuration", signature=f"no-job-{run.workflow_path}",
                root_cause=summary, analysis=record.to_dict(),
            )
            await self._publish(incident.id, pull.number, failing=True)
            record.extra[self._calls_key] = self.forge.calls
            await store.finish(incident.id, self.owner, run.run_attempt, analysis=record.to_dict())
            return Outcome.NO_FAILED_JOB
        analysis = primary.analysis
        try:
            await locate_declarations(self.forge, gathered, primary, max_bytes=settings.max_context_file_bytes)
        except Exception as exc:  # optional: a manifest that cannot be read leaves its reference without a line
            log.info("reading a manifest of %s failed: %s", run.repo, type(exc).__name__)
        data = self._record(gathered, primary)
        if again:
            data.requested_by = self.owner  # this command's own retry keeps its decisions; a new command doesn't

        data.extra["flaky_keys"] = verdicts.flaky_keys(analysis, primary.name)
        if AnalysisRecord.from_dict(incident.analysis).run_attempt != run.run_attempt:  # once per attempt
            await self.db.verdicts.count_failure(run.provider, run.repo, data.extra["flaky_keys"], analysis.signature)
        other = await store.open_with_signature(run.repo, run.head_branch, analysis.signature, incident.id,
                                                provider=run.provider)
        if other is not None and fix_requested and other.fix_state not in ("creating", "open", "fixed"):
            # `fix` asked on a repeat of an open failure: this newer run takes over (a fix starts from its commit)
            await store.supersede(other.id, incident.id)
        elif other is not None:
            return await self._merge(incident, other, data, pull)

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
        elif not again and run.run_attempt == 1 and (flaky := await verdicts.known_flaky(
                self.db, run.provider, run.repo, data.extra["flaky_keys"])) is not None:
            rate, row = flaky  # passed on a re-run of the same commit before: re-run once instead of explaining
            try:
                await self.forge.rerun_failed(gathered)
                status = "rerun"
                data.outcome = verdicts.flaky_sentence(rate, row, rerun=True)
            except ForgeRefused as exc:
                data.outcome = verdicts.flaky_sentence(rate, row, rerun=False, status=exc.status)
        elif (not again and analysis.category == "infrastructure" and run.run_attempt == 1
              and not gathered.code_to_blame()):  # asked for by a person: explained, never re-run behind their back
            try:
                await self.forge.rerun_failed(gathered)
                status = "rerun"
                data.outcome = (
                    "This looks like an infrastructure failure with no code change to blame, "
                    "so I re-ran the failed jobs once instead of proposing a fix."
                )
            except ForgeRefused as exc:  # no permission, or the run is too old to re-run
                data.outcome = (
                    "This looks like an infrastructure failure with no code change to blame; re-running its "
                    f"failed jobs was refused (HTTP {exc.status}), so please re-run them."
                )
        elif (pre := await self._pre_existing(incident, pull, primary)) is not None:
            answer = await self._explain(gathered, primary, data, instructions)  # explained, never fixed here
            root_cause = answer.root_cause if answer is not None else None
            data.extra["pre_existing"] = pre
            data.outcome = pre["sentence"]
        else:
            answer = await self._explain(gathered, primary, data, instructions)
            root_cause = answer.root_cause if answer is not None else None
            data.outcome = await self._maybe_fix(
                incident, conn, pull, gathered, primary, answer, data, links, fix_requested=fix_requested
            )

        await store.update(
            incident.id, status=status, category=analysis.category, signature=analysis.signature,
            analysis=data.to_dict(), root_cause=root_cause or analysis.summary, pr_number=pull.number,
            merged_into_id=None, links={**(incident.links or {}), "run": run.html_url, "job": primary.url,
                                        **links},
        )
        await self._publish(incident.id, pull.number, failing=status != "rerun")
        if status == "open":
            await self._branch_issue(incident.id, recurrence=False)
        data.extra[self._calls_key] = self.forge.calls  # this delivery's API calls, kept with the incident
        await store.finish(incident.id, self.owner, run.run_attempt, analysis=data.to_dict())
        return Outcome.of_status(status)

    @property
    def _calls_key(self) -> str:
        return f"{self.forge.provider}_calls"

    def _record(self, gathered: Gathered, primary: FailedJob) -> AnalysisRecord:
        analysis = primary.analysis
        return AnalysisRecord.of_analysis(
            analysis,
            failed_step=analysis.failed_step or primary.step, step_number=primary.step_number,
            job=primary.name, job_id=primary.id, job_url=primary.url,
            refs=[[p, line] for p, line in gathered.refs],
            other_jobs=[f.name for f in gathered.failures if f is not primary] + gathered.other_failed_jobs,
            log_truncated=primary.log_truncated, baseline_used=primary.baseline_used,
            failure_reason=primary.failure_reason, run_attempt=self.forge.run.run_attempt,
        )

    async def _merge(self, incident: Incident, other: Incident, data: AnalysisRecord, pull: PullFacts) -> Outcome:
        """Same failure as an open incident on this branch: count it there and refresh what people see."""
        run = self.forge.run
        store = self.db.incidents
        data.outcome = data.outcome or "merged"
        await store.update(
            incident.id, status="merged", merged_into_id=other.id, category=data.category,
            signature=data.signature, analysis=data.to_dict(),
        )
        old_sha = other.head_sha
        target = await store.merge_into(other.id, {"run_id": run.run_id, "run_attempt": run.run_attempt,
                                                    "head_sha": run.head_sha, "html_url": run.html_url})
        if run.head_sha != old_sha and target.check_run_id:  # a new commit: it gets its own check run
            await store.update(target.id, check_run_id=None)
            target.check_run_id = None
        target.pr_number = target.pr_number or incident.pr_number or pull.number
        await self.forge.publish(target, thread=self.thread(failing=target.status != "rerun"))
        if target.status == "open":
            await self._branch_issue(target.id, recurrence=True)
        await store.finish(incident.id, self.owner, run.run_attempt)
        return Outcome.MERGED

    async def _superseded(self, incident: Incident, pull: PullFacts) -> Outcome:
        """The PR's/MR's head moved on: recorded, not explained or fixed; the thread says which run counts."""
        run = self.forge.run
        assert pull.head_sha is not None and pull.number is not None
        newer = await self.forge.newer_run(pull.head_sha)
        record = AnalysisRecord(outcome=verdicts.superseded_sentence(self.forge.nouns, pull.head_sha, newer),
                                run_attempt=run.run_attempt)
        record.extra["superseded_by"] = {"head_sha": pull.head_sha, "run": newer}
        await self.db.incidents.update(
            incident.id, status="superseded", pr_number=pull.number, analysis=record.to_dict(),
            links={**(incident.links or {}), "run": run.html_url, "newer_run": newer},
        )
        if self.thread(failing=False):
            await self.forge.publish_thread(pull.number)
        record.extra[self._calls_key] = self.forge.calls
        await self.db.incidents.finish(incident.id, self.owner, run.run_attempt, analysis=record.to_dict())
        return Outcome.SUPERSEDED

    async def _pre_existing(self, incident: Incident, pull: PullFacts, primary: FailedJob
                            ) -> dict[str, str | None] | None:
        """The same signature failing on the base branch: what says so (None: this PR/MR may have caused it)."""
        run = self.forge.run
        base_ref = pull.base_ref
        if not pull.number or not base_ref or base_ref == run.head_branch:
            return None
        signature = primary.analysis.signature
        nouns = self.forge.nouns
        base = await self.db.incidents.open_with_signature(run.repo, base_ref, signature, incident.id,
                                                           provider=run.provider)
        if base is not None and base.workflow_name == run.workflow_name:
            run_url, link = verdicts.pre_existing_in_db(base, self.settings)
            sentence = verdicts.pre_existing_sentence(nouns, base_ref, run_url=run_url, incident_link=link)
            return {"base_ref": base_ref, "incident_id": base.id, "run": run_url, "sentence": sentence}
        failed = await self.forge.base_failure(base_ref, primary.name)
        if failed is None or failed.signature != signature:
            return None
        link = verdicts.incident_url(self.settings, failed.incident_id) if failed.incident_id else None
        sentence = verdicts.pre_existing_sentence(nouns, base_ref, run_url=failed.url,
                                                  incident_link=link or (f"`{failed.incident_id}`"
                                                                         if failed.incident_id else None))
        return {"base_ref": base_ref, "incident_id": failed.incident_id, "run": failed.url, "sentence": sentence}

    async def _branch_issue(self, incident_id: str, *, recurrence: bool) -> None:
        """A failure on the default branch, with `default_branch_issues` on: its signature's one issue."""
        run = self.forge.run
        if (self.config is None or not self.config.default_branch_issues or not run.default_branch
                or run.head_branch != run.default_branch):
            return
        incident = await self.db.incidents.get(incident_id)
        if incident is None:
            return
        issue = await report_failure(self.db, self.settings, self.forge, run, incident, self.owner,
                                     self.fix_labels, recurrence=recurrence)
        if issue is not None and (incident.links or {}).get("issue") != issue.url:
            await self.db.incidents.update(incident.id, links={**(incident.links or {}), "issue": issue.url})

    async def _publish(self, incident_id: str, pr_number: int | None, *, failing: bool) -> None:
        incident = await self.db.incidents.get(incident_id)
        assert incident is not None
        incident.pr_number = pr_number
        await self.forge.publish(incident, thread=self.thread(failing=failing))

    async def _explain(self, gathered: Gathered, primary: FailedJob, data: AnalysisRecord,
                       instructions: str | None) -> LLMAnswer | None:
        """The LLM's answer (when it is on for the repository), kept in `data` with its note."""
        if not self.llm_enabled:
            return None
        answer, note = await self._ask_llm(gathered, primary, instructions)
        if answer is not None:
            data.llm = LLMVerdict(answer.root_cause, answer.confidence, answer.explanation)
        if note:
            data.llm_note = note
        return answer

    async def _ask_llm(self, gathered: Gathered, primary: FailedJob, instructions: str | None = None
                       ) -> tuple[LLMAnswer | None, str]:
        run = self.forge.run
        excerpt = excerpt_text(primary.analysis.excerpt,
                               [(f.name, f.analysis.excerpt) for f in gathered.failures if f is not primary])
        inp = PromptInput(
            repository=run.repo, workflow=run.workflow_name, job=primary.name,
            failed_step=primary.analysis.failed_step or primary.step,
            category=primary.analysis.category, summary=redact(primary.analysis.summary), excerpt=redact(excerpt),
            workflow_path=run.workflow_path, workflow_file=redact(gathered.ci_file) if gathered.ci_file else None,
            diff=gathered.diff_text(), files={p: redact(t) for p, t in gathered.files.items()},
            instructions=redact(instructions) if instructions else None,
        )
        return await ask_llm(self.db, self.llm_settings, run.repo, inp)

    async def _maybe_fix(
        self, incident: Incident, conn: RepositoryConnection | None, pull: PullFacts, gathered: Gathered,
        primary: FailedJob, answer: LLMAnswer | None, data: AnalysisRecord, links: dict[str, str | None], *,
        fix_requested: bool = False,
    ) -> str:
        """Check and write the proposed fix; returns the sentence that tells what was done."""
        settings = self.settings
        store = self.db.incidents
        run = self.forge.run
        noun = self.forge.nouns
        if answer is None and settings.llm_enabled and not self.llm_enabled:
            return "Explained from the log (the LLM is turned off for this repository by `llm.enabled: false`)."
        if answer is None:
            return explained(settings, data.llm_note)
        if answer.fix is None or answer.fix.empty:
            return "Explained; the LLM proposed no fix."
        if answer.confidence < settings.fix_min_confidence:
            return (f"Explained; the proposed fix was not used (confidence {answer.confidence:.2f} "
                    f"is below {settings.fix_min_confidence:.2f}).")
        if not pull.is_fork and not self.auto_pr(conn) and not fix_requested:
            by_file = (conn is None or conn.auto_pr_enabled) and self.config is not None
            source = f" (`auto_pr: false` in {self.config.sources.get('auto_pr')})" if by_file and self.config else ""
            return f"Explained; fix {noun.short}s are turned off for this repository{source}."
        limits = Limits(settings.max_fix_files, settings.max_fix_bytes,
                        allow_workflow_edits=self.workflow_edits(conn), ci_files=gathered.ci_files)
        try:
            tree = gathered.tree or await self.forge.tree()
            if tree is None:
                raise EditRejected("the failing commit's files could not be listed")
            paths = check_paths(answer.fix, tree.entries, limits, submodules=tree.submodules)
            originals: dict[str, str] = {}
            for path in paths:
                text = gathered.files.get(path)
                if text is None:
                    text = await self.forge.file(path, max_bytes=settings.max_fix_bytes)
                if text is not None:
                    originals[path] = text
            changed = apply_fix(answer.fix, originals, limits)
        except EditRejected as exc:
            return f"Explained; the proposed fix was not applied: {clean(str(exc), 300)}."
        if pull.is_fork:
            data.suggestion = redact(unified_diff(originals, changed))
            return (f"This {noun.short} comes from a fork, so I do not push to it: the suggested change is below.")
        target = pull.head_ref or run.head_branch
        if not target:
            return f"Explained; the failing branch is unknown, so no fix {noun.short}."
        if incident.fix_state in ("open", "fixed") and incident.fix_pr_number:
            return f"Opened {noun.ref}{incident.fix_pr_number} with a fix (branch `{incident.fix_branch}`)."
        used = await store.attempts_count(run.repo, pr_number=pull.number, target_branch=target,
                                           provider=run.provider)
        if used >= self.max_attempts:
            return (f"Explained; no new fix {noun.short}: the limit of {self.max_attempts} attempts "
                    "is reached.")
        if not await store.claim_fix(incident.id, self.owner, target):
            return f"Explained; a fix {noun.short} for `{clean(target, 200)}` is already open."
        branch = self.branch(run.head_sha, primary.name)
        refreshed = await store.get(incident.id)
        assert refreshed is not None
        try:
            opened = await self.forge.open_fix(
                tree=tree, changed=changed, branch=branch, base=target,
                title=fix_title(run.workflow_name, answer.root_cause),
                body=fix_pr_body(_with(refreshed, answer, data), sorted(changed)),
                message=fix_message(run.workflow_name, primary.name, answer.root_cause),
                labels=self.fix_labels,
            )
        except EditRejected as exc:  # the write itself refused (a protected branch, a file's mode)
            await store.release_fix(incident.id, self.owner)
            return f"Explained; the proposed fix was not applied: {clean(str(exc), 300)}."
        except ForgeRefused as exc:  # e.g. no write permission: the explanation still goes out
            await store.release_fix(incident.id, self.owner)
            log.warning("fix %s not opened for %s: HTTP %s", noun.short, run.repo, exc.status)
            return (f"Explained; the fix {noun.short} could not be opened: {noun.forge} answered {exc.status} "
                    f"({clean(str(exc), 200)}). Check the {noun.identity}'s permissions on this repository.")
        except BaseException:
            await store.release_fix(incident.id, self.owner)
            raise
        await store.fix_opened(incident.id, {
            "provider": run.provider, "repository_full_name": run.repo, "source_pr_number": pull.number,
            "target_branch": target, "branch": opened.branch, "commit_sha": opened.commit_sha,
            "pr_number": opened.pr_number, "pr_url": opened.pr_url, "files": sorted(changed),
        })
        links["fix_pr"] = opened.pr_url
        return (f"Opened {noun.ref}{opened.pr_number} with a fix (branch `{opened.branch}`, "
                f"into `{clean(target, 200)}`).")


def _with(incident: Incident, answer: LLMAnswer, data: AnalysisRecord) -> Incident:
    incident.root_cause = answer.root_cause
    incident.analysis = data.to_dict()
    incident.category = data.category
    return incident
