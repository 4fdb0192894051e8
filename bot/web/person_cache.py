"""A provider's answer about one person (which repositories they reach), kept a short while per person and
fetched once at a time per person, however many requests ask together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from cachetools import TTLCache

T = TypeVar("T")
PEOPLE = 10_000


class PersonCache(Generic[T]):
    def __init__(self, ttl: float, maxsize: int = PEOPLE) -> None:
        self.ttl = ttl
        self.cache: TTLCache[str, T] = TTLCache(maxsize=maxsize, ttl=ttl)
        self.locks: TTLCache[str, asyncio.Lock] = TTLCache(maxsize=maxsize, ttl=max(ttl, 300.0))

    def forget(self, user_id: str) -> None:
        self.cache.pop(user_id, None)

    async def get(self, user_id: str, fetch: Callable[[], Awaitable[T]]) -> T:
        """The cached answer for the person, else `fetch()` (one fetch per person at a time)."""
        found = self.cache.get(user_id)
        if found is not None:
            return found
        lock = self.locks.get(user_id)
        if lock is None:
            lock = self.locks[user_id] = asyncio.Lock()
        async with lock:
            found = self.cache.get(user_id)
            if found is None:
                found = await fetch()
                self.cache[user_id] = found
            return found
