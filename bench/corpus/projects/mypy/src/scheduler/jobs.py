"""Periodic jobs and their next run time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import yaml


@dataclass
class Job:
    name: str
    every: timedelta
    last_run: datetime | None = None

    def next_run(self, now: datetime) -> datetime:
        if self.last_run is None:
            return now
        return self.last_run + self.every


def due(jobs: list[Job], now: datetime) -> list[str]:
    return [job.name for job in jobs if job.next_run(now) <= now]


def last_runs(jobs: list[Job]) -> dict[str, datetime]:
    return {job.name: job.last_run for job in jobs}


def load(text: str) -> list[Job]:
    data = yaml.safe_load(text)
    return [Job(name, timedelta(minutes=spec["every_minutes"])) for name, spec in data.items()]
