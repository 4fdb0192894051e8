"""The incident service as a command runs it: `fix <instructions>` hands a person's words to the LLM as a separate
field of the prompt (delimited as data, bot/llm/prompt.py), and the effective configuration travels along for the
pipeline to use. Everything else — the edit checks, the workflow-file guard, the confidence, the attempts, the
fork rule, the loop guard — is the incident service's own and stays in force whatever the words say.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.analysis import redact
from bot.config.effective import EffectiveConfig
from bot.fixes.incidents import IncidentService, _diff_text
from bot.incidents.github_context import FailureContext, JobFailure, RunInfo
from bot.incidents.steps import ask_llm, excerpt_text
from bot.llm.answer import LLMAnswer
from bot.llm.prompt import PromptInput


@dataclass
class InstructedIncidentService(IncidentService):
    """`IncidentService` with a person's request for the fix and the event's configuration (both optional)."""

    instructions: str | None = None
    config: EffectiveConfig | None = None

    async def _ask_llm(self, run: RunInfo, fctx: FailureContext, primary: JobFailure
                       ) -> tuple[LLMAnswer | None, str]:
        if not self.instructions:
            return await super()._ask_llm(run, fctx, primary)
        # the same prompt as the incident service builds, plus the request as its own field
        excerpt = excerpt_text(primary.analysis.excerpt,
                               [(f.job.name, f.analysis.excerpt) for f in fctx.failures if f is not primary])
        inp = PromptInput(
            repository=run.repo, workflow=run.workflow_name, job=primary.job.name,
            failed_step=primary.analysis.failed_step or (primary.step.name if primary.step else None),
            category=primary.analysis.category, summary=redact(primary.analysis.summary), excerpt=redact(excerpt),
            workflow_path=run.workflow_path, workflow_file=redact(fctx.workflow_file) if fctx.workflow_file else None,
            diff=_diff_text(fctx), files={p: redact(t) for p, t in fctx.files.items()},
            instructions=redact(self.instructions),
        )
        return await ask_llm(self.db, self.settings, run.repo, inp)
