"""The steps both forges' incident services take the same way: the monitoring rule, the claim/lease lifecycle,
the LLM step (a redacted prompt within the repository's daily cap) and the sentence that says what was done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.incidents.outcome import Outcome
from bot.llm.answer import LLMAnswer
from bot.llm.client import ask
from bot.llm.prompt import PromptInput, build_messages
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident, RepositoryConnection


def monitoring_disabled(conn: RepositoryConnection | None, *, removed_is_watched: bool) -> bool:
    """Is the repository switched off? One rule for both forges; the one real difference is named: a GitHub
    repository removed from the installation is not ours to work on, while a GitLab project whose hook was
    disconnected falls back to the global secret and token like any project never connected."""
    if conn is None:
        return False
    if conn.removed_at is not None:
        return not removed_is_watched
    return not conn.is_enabled


async def leased(
    db: Database, owner: str, incident: Incident, attempt: int, work: Callable[[], Awaitable[Outcome]], *,
    again: bool = False,
) -> Outcome:
    """Run `work` under the incident's lease for `attempt`; another delivery holding it means already handled.
    A failure gives the lease back so a retry (this delivery's or another's) can resume."""
    store = db.incidents
    if not await store.lease(incident.id, owner, attempt, again=again):
        return Outcome.ALREADY_HANDLED
    try:
        return await work()
    except BaseException:
        await store.release(incident.id, owner)
        raise


def excerpt_text(primary: Sequence[tuple[int, str]], others: Sequence[tuple[str, Sequence[tuple[int, str]]]]) -> str:
    """The lines that matter of the primary job, then of the other failed jobs (named)."""
    text = "\n".join(f"{n}: {t}" for n, t in primary)
    for job, lines in others:
        if lines:
            text += f"\n\n(job {job})\n" + "\n".join(f"{n}: {t}" for n, t in lines)
    return text


async def ask_llm(db: Database, settings: Settings, repository: str, inp: PromptInput) -> tuple[LLMAnswer | None, str]:
    """The LLM's answer for a redacted prompt (None, with a note, when there is none), one call of the
    repository's daily budget per request."""
    cap = settings.llm_daily_cap_per_repo
    if await db.incidents.llm_calls(repository) >= cap:
        return None, "the repository's daily LLM budget is spent"
    messages = build_messages(inp, budget_tokens=settings.llm_prompt_tokens)

    async def take_budget() -> bool:
        return await db.incidents.take_llm_call(repository, cap)

    result = await ask(settings, messages, take_budget=take_budget)
    return result.answer, result.error or ""


def explained(settings: Settings, note: str | None) -> str:
    """The sentence for an explanation without a fix: from the log, and why the LLM did not help if it did not."""
    if not settings.llm_enabled:
        return "Explained from the log (no LLM is configured)."
    return "Explained from the log" + (f" ({note})." if note else ".")
