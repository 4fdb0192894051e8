"""Errors the forge clients raise, shaped so the queue can tell 'try later' from 'give up'."""

from __future__ import annotations

import datetime as dt


class RetryLater(Exception):
    """The work should run again later (rate limit, a 5xx from the forge, a service away); nothing is lost."""

    def __init__(self, message: str, *, at: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.at = at
