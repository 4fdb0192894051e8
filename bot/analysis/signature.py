"""The stable signature of a failure: a hash over its category and its normalised key lines."""

from __future__ import annotations

import hashlib

from .normalize import normalize

MAX_KEY_LINES = 8


def make_signature(category: str, key_lines: list[str], tests: list[str]) -> str:
    """``<category>-<16 hex digits>``; the same for the same failure on another run."""
    parts = [category]
    seen: set[str] = set()
    for text in key_lines:
        norm = normalize(text)
        if norm and norm not in seen:
            seen.add(norm)
            parts.append(norm)
        if len(seen) >= MAX_KEY_LINES:
            break
    parts.extend(sorted(normalize(t) for t in tests[:20]))
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"{category}-{digest[:16]}"
