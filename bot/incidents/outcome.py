"""What happened to a failed run, typed: the service returns an :class:`Outcome`, the command reply and the logs
read it. A `StrEnum`, so it logs and serializes as the sentence it always was."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    # the incident's state after the work
    OPEN = "open"
    RERUN = "rerun"
    MERGED = "merged"
    NO_FAILED_JOB = "no failed job"
    PUBLISHED = "published"  # a retry that only published what was decided before
    SUPERSEDED = "superseded"  # the PR's/MR's head moved on: recorded, not explained
    # not worked on
    MONITORING_DISABLED = "monitoring disabled"
    ALREADY_HANDLED = "already handled"
    SKIPPED_LABEL = "skipped (label)"
    PROJECT_MISMATCH = "project mismatch"
    # verification of a fix's own run
    FIXED = "fixed"
    FIX_FAILED = "fix failed"
    NOT_OUR_FIX = "not a fix of ours"
    ANOTHER_WORKFLOW = "another workflow"
    INCONCLUSIVE = "inconclusive"
    ALREADY_VERIFIED = "already verified"

    @classmethod
    def of_status(cls, status: str) -> Outcome:
        """The outcome of an incident left in `status` (open or rerun) by the work."""
        return cls.RERUN if status == "rerun" else cls.OPEN
