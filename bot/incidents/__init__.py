"""The incident pipeline shared by both forges: a failed run or pipeline becomes one incident (claimed and leased
in the database), analyzed, deduplicated, explained, maybe fixed, published, verified and resolved.

What is the same on GitHub and GitLab is decided here once: the outcomes (:class:`Outcome`), the analysis record
kept with an incident (:class:`AnalysisRecord`), the claim/lease lifecycle, the monitoring rule, the LLM step and
the sentence that says what was done. What differs lives behind the :class:`Forge` port, in an adapter per forge.
"""

from bot.incidents.forge import Forge
from bot.incidents.outcome import Outcome
from bot.incidents.record import AnalysisRecord, LLMVerdict

__all__ = ["AnalysisRecord", "Forge", "LLMVerdict", "Outcome"]
