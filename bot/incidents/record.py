"""The analysis record kept with an incident (`incidents.analysis`, JSON): typed here, a dict only in storage.

Everything that renders an incident (the PR comment, the MR note, the check run, the API) reads the stored JSON,
so :meth:`AnalysisRecord.to_dict` keeps the keys those readers know; unknown keys read from storage are kept in
`extra` and written back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from bot.analysis import Analysis


@dataclass
class LLMVerdict:
    root_cause: str
    confidence: float
    explanation: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"root_cause": self.root_cause, "confidence": self.confidence, "explanation": self.explanation}

    @classmethod
    def from_dict(cls, data: object) -> LLMVerdict | None:
        if not isinstance(data, dict) or not data.get("root_cause"):
            return None
        return cls(str(data["root_cause"]), float(data.get("confidence") or 0.0), data.get("explanation"))


@dataclass
class AnalysisRecord:
    """One incident's analysis and decisions: the analyzer's findings, where they are, what the LLM said and
    what the bot did (`outcome`, the sentence people read)."""

    summary: str | None = None
    category: str | None = None
    signature: str | None = None
    analyzer: dict[str, Any] = field(default_factory=dict)  # the analyzer's stable JSON (spans, files, tests, …)
    excerpt: list[list[Any]] = field(default_factory=list)  # [[line number, text], …]
    failed_step: str | None = None
    step_number: int | None = None
    job: str | None = None
    job_id: int | None = None
    job_url: str | None = None
    refs: list[list[Any]] = field(default_factory=list)  # [[repository path, line], …]
    other_jobs: list[str] = field(default_factory=list)
    log_truncated: bool = False
    baseline_used: bool = False
    run_attempt: int | None = None
    failure_reason: str | None = None
    llm: LLMVerdict | None = None
    llm_note: str | None = None
    outcome: str | None = None
    suggestion: str | None = None
    requested_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_analysis(cls, analysis: Analysis, **facts: Any) -> AnalysisRecord:
        data = analysis.to_dict()
        record = cls(summary=analysis.summary, category=analysis.category, signature=analysis.signature,
                     excerpt=[[n, t] for n, t in analysis.excerpt[:60]], analyzer=data)
        for key, value in facts.items():
            setattr(record, key, value)
        return record

    @classmethod
    def configuration(cls, summary: str, outcome: str, **facts: Any) -> AnalysisRecord:
        """A failure with no failed job to read: the CI configuration is to blame."""
        return cls(summary=summary, category="configuration", outcome=outcome, **facts)

    # the stored JSON
    _NAMED = ("summary", "category", "signature", "excerpt", "failed_step", "step_number", "job", "job_id",
              "job_url", "refs", "other_jobs", "log_truncated", "baseline_used", "run_attempt", "failure_reason",
              "llm_note", "outcome", "suggestion", "requested_by")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.extra, **self.analyzer}
        for key in self._NAMED:
            value = getattr(self, key)
            if value is not None or key in ("summary", "category"):
                data[key] = value
        if self.llm is not None:
            data["llm"] = self.llm.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> AnalysisRecord:
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        record = cls()
        for key in cls._NAMED:
            if key in data:
                setattr(record, key, data.pop(key))
        record.llm = LLMVerdict.from_dict(data.pop("llm", None))
        for key in ("spans", "files", "tests", "lines_total"):
            if key in data:
                record.analyzer[key] = data.pop(key)
        record.extra = {k: v for k, v in data.items() if k not in names}
        return record

    def keep_decisions_of(self, prior: AnalysisRecord) -> None:
        """A retry after a failure to publish: what was decided stands (no second LLM call, no second fix)."""
        for key in ("llm", "llm_note", "outcome", "suggestion"):
            value = getattr(prior, key)
            if value is not None:
                setattr(self, key, value)
