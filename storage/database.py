"""The storage facade the application holds: one engine, its sessions, and a store per aggregate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import migrate
from storage.audit import AuditStore
from storage.commands import CommandStore
from storage.connections import ConnectionStore
from storage.deliveries import DeliveryStore, DeliveryWriter
from storage.engine import create_engine, session_factory
from storage.incidents import IncidentStore
from storage.installations import InstallationStore
from storage.jobs import JobLinks
from storage.pull_requests import PullRequestStore
from storage.repositories import RepositoryStore
from storage.sign_in import OAuthStateStore, SetupCodeStore, WebSessionStore
from storage.statistics import StatisticsStore
from storage.users import UserStore
from storage.verdicts import VerdictStore


@dataclass
class Database:
    """Everything the bot needs from storage, built from one URL."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    writer: DeliveryWriter
    deliveries: DeliveryStore
    installations: InstallationStore
    users: UserStore
    connections: ConnectionStore
    oauth_states: OAuthStateStore
    web_sessions: WebSessionStore
    setup_codes: SetupCodeStore
    incidents: IncidentStore
    commands: CommandStore
    repositories: RepositoryStore
    pull_requests: PullRequestStore
    audit: AuditStore
    statistics: StatisticsStore
    verdicts: VerdictStore
    jobs: JobLinks  # the job engine's table beside the delivery log (PostgreSQL only)

    @classmethod
    def connect(cls, url: str, *, sqlite_synchronous: str = "normal") -> Database:
        """`sqlite_synchronous`: SQLite's `synchronous` in WAL mode, normal or full (storage/engine.py)."""
        engine = create_engine(url, sqlite_synchronous=sqlite_synchronous)
        sessions = session_factory(engine)
        return cls(
            url=url,
            engine=engine,
            sessions=sessions,
            writer=DeliveryWriter(engine, sqlite_synchronous=sqlite_synchronous),
            deliveries=DeliveryStore(sessions),
            installations=InstallationStore(sessions),
            users=UserStore(sessions),
            connections=ConnectionStore(sessions),
            oauth_states=OAuthStateStore(sessions),
            web_sessions=WebSessionStore(sessions),
            setup_codes=SetupCodeStore(sessions),
            incidents=IncidentStore(
                sessions, sqlite_path=engine.url.database if engine.dialect.name == "sqlite" else None
            ),
            commands=CommandStore(sessions),
            repositories=RepositoryStore(sessions),
            pull_requests=PullRequestStore(sessions),
            audit=AuditStore(sessions),
            statistics=StatisticsStore(sessions),
            verdicts=VerdictStore(sessions),
            jobs=JobLinks(engine),
        )

    async def migrate(self) -> None:
        await migrate.upgrade(self.url)

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def is_current(self) -> bool:
        return await migrate.is_current(self.engine)

    async def close(self) -> None:
        await self.writer.close()
        self.incidents.close()
        await self.engine.dispose()
