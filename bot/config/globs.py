"""Glob matching for workflow and branch filters, linear in the text for each pattern (no regex): `*` matches any
characters but `/`, `**` any characters, `?` one character but `/`; everything else is literal."""

from __future__ import annotations

from collections.abc import Sequence

MAX_TEXT = 1_000


def _tokens(pattern: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append("**")
            i += 2
            while pattern.startswith("*", i):
                i += 1
        else:
            out.append(pattern[i])
            i += 1
    return out


def match(pattern: str, text: str) -> bool:
    """Does `text` match `pattern` as a whole? (A set-of-states walk: O(len(text) * len(pattern)).)"""
    text = text[:MAX_TEXT]
    toks = _tokens(pattern)
    n = len(toks)

    def close(states: set[int]) -> set[int]:  # a star may match nothing
        todo = list(states)
        while todo:
            s = todo.pop()
            if s < n and toks[s] in ("*", "**") and s + 1 not in states:
                states.add(s + 1)
                todo.append(s + 1)
        return states

    states = close({0})
    for ch in text:
        nxt: set[int] = set()
        for s in states:
            if s >= n:
                continue
            tok = toks[s]
            if tok == "**" or (tok == "*" and ch != "/"):
                nxt.add(s)
            elif (tok == "?" and ch != "/") or tok == ch:
                nxt.add(s + 1)
        if not nxt:
            return False
        states = close(nxt)
    return n in states


def watched(names: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Any of `names` (e.g. a workflow's name and its file path) included (or no includes) and none excluded."""
    names = [n for n in names if n]
    if exclude and any(match(p, n) for p in exclude for n in names):
        return False
    return not include or any(match(p, n) for p in include for n in names)
