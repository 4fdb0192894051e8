"""The sharper verdicts, decided once for both forges: *superseded* (the PR's/MR's head moved on: recorded, not
explained), *pre-existing* (the same signature fails on the base branch: explained, never fixed here, linked to
the base branch's incident), *flaky* (a signature that passed when the same commit was re-run is remembered per
test id or job name; next time it is re-run once instead of explained). What each forge reads for them is behind
the port (`newer_run`, `base_failure`); what is remembered is in `storage/verdicts.py`.
"""

from __future__ import annotations

from bot.analysis import Analysis
from bot.fixes.render import clean
from bot.incidents.forge import Nouns
from bot.settings import Settings
from storage.database import Database
from storage.models import FlakyFailure, Incident

MAX_TEST_KEYS = 10


def incident_url(settings: Settings, incident_id: str) -> str | None:
    """The incident's page in the console (None without a public address)."""
    return f"{settings.public_url.rstrip('/')}/incidents/{incident_id}" if settings.public_url else None


def superseded_sentence(nouns: Nouns, head_sha: str, newer_url: str | None) -> str:
    newer = f"[the newer {nouns.run} run]({newer_url})" if newer_url else f"the {nouns.run} run of `{head_sha[:7]}`"
    return (f"Superseded: the {nouns.short}'s head is now `{clean(head_sha[:12], 12)}` (a newer push), so this "
            f"failure was recorded but not explained or fixed; {newer} is the one that counts.")


def pre_existing_sentence(nouns: Nouns, base_ref: str, *, run_url: str | None, incident_link: str | None) -> str:
    where = f"the latest {nouns.run} run on `{clean(base_ref, 200)}`"
    if run_url:
        where = f"[{where}]({run_url})"
    also = f" (its incident: {incident_link})" if incident_link else ""
    return (f"Pre-existing: the same failure happens on {where}{also}, so it was not caused by this "
            f"{nouns.short} and no fix is proposed here.")


def pre_existing_in_db(base: Incident, settings: Settings) -> tuple[str | None, str | None]:
    """(the run URL, the incident link) of an open incident on the base branch."""
    link = incident_url(settings, base.id)
    return (base.links or {}).get("run"), link or f"`{base.id}`"


def flaky_keys(analysis: Analysis, job: str) -> list[str]:
    """What a failure is remembered by: its failed tests' ids, else its job's name."""
    tests = [t for t in dict.fromkeys(analysis.tests) if t][:MAX_TEST_KEYS]
    return [f"test:{t}"[:512] for t in tests] or [f"job:{job}"[:512]]


def flake_rate(rows: list[FlakyFailure]) -> tuple[float, FlakyFailure] | None:
    """The highest flake rate among the remembered keys, and its row (None: never flaky)."""
    best: tuple[float, FlakyFailure] | None = None
    for row in rows:
        if row.flakes <= 0:
            continue
        rate = min(1.0, row.flakes / max(row.failures, row.flakes, 1))
        if best is None or rate > best[0]:
            best = (rate, row)
    return best


def flaky_sentence(rate: float, row: FlakyFailure, *, rerun: bool, status: int | None = None) -> str:
    what = row.key.split(":", 1)[-1]
    kind = "test" if row.key.startswith("test:") else "job"
    seen = (f"The {kind} `{clean(what, 200)}` passed on a re-run of the same commit before ({row.flakes} of "
            f"{max(row.failures, row.flakes)} failures, flake rate {rate:.0%})")
    if rerun:
        return seen + ", so I re-ran the failed jobs once instead of explaining it."
    return seen + f"; re-running its failed jobs was refused (HTTP {status}), so please re-run them."


async def known_flaky(db: Database, provider: str, repo: str, keys: list[str]
                      ) -> tuple[float, FlakyFailure] | None:
    return flake_rate(await db.verdicts.flaky(provider, repo, keys))


async def remember_flakes(db: Database, provider: str, resolved: list[Incident], head_sha: str) -> int:
    """A green run of the same commit resolved these: each one that failed on `head_sha` was a flake."""
    counted = 0
    for incident in resolved:
        keys = list((incident.analysis or {}).get("flaky_keys") or [])
        if incident.head_sha == head_sha and keys:
            await db.verdicts.count_flake(provider, incident.repository_full_name, keys, incident.signature)
            counted += 1
    return counted
