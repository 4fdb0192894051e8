"""The failure analyzer: which lines of a failed CI job's log explain it, what kind of failure, its signature.

Needs no server. ``analyze()`` streams a log of any size; ``redact()`` removes secrets from text.
"""

from .analyzer import analyze
from .model import CATEGORIES, Analysis, FileRef, Span
from .redaction import redact

__all__ = ["CATEGORIES", "Analysis", "FileRef", "Span", "analyze", "redact"]
