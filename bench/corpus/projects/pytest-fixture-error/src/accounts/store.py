"""An in-memory account store standing in for the database."""

from __future__ import annotations

from accounts.settings import Settings


class AccountStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._rows: dict[str, dict] = {}

    def create(self, email: str) -> dict:
        if email in self._rows:
            raise ValueError(f"{email} exists")
        row = {"id": len(self._rows) + 1, "email": email}
        self._rows[email] = row
        return row

    def get(self, email: str) -> dict | None:
        return self._rows.get(email)
