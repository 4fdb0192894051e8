"""Settings read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    pool_size: int


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    url = env["ACCOUNTS_DATABASE_URL"]
    return Settings(database_url=url, pool_size=int(env.get("ACCOUNTS_POOL_SIZE", "5")))
