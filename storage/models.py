"""SQLAlchemy 2 models: installations, users, connections, repositories, runs, incidents, deliveries.

Token columns hold Fernet ciphertext only (the `*_enc` columns); `storage` never sees a plain token.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import CompressedBytes, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A new random primary key (UUID4 text: portable across SQLite and PostgreSQL)."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def table_of(model: type[Base]) -> Table:
    """The model's table (SQLAlchemy types `__table__` as any FromClause; a declarative model's is a Table)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Installation(Timestamps, Base):
    """A GitHub App installation on a user or an organization account."""

    __tablename__ = "installations"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_login: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int | None] = mapped_column(BigInteger)
    account_type: Mapped[str | None] = mapped_column(String(32))
    repository_selection: Mapped[str | None] = mapped_column(String(16))
    permissions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    events: Mapped[list[Any]] = mapped_column(default=list)
    suspended_at: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]


class User(Timestamps, Base):
    """A person who signed in to DevFlowFix or whose legacy token we hold."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    github_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    github_login: Mapped[str | None] = mapped_column(String(255))
    gitlab_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    gitlab_username: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(255))
    token_migration_status: Mapped[str] = mapped_column(String(16), default="pending")
    token_migration_error: Mapped[str | None] = mapped_column(Text)
    token_migrated_at: Mapped[dt.datetime | None]


class OAuthConnection(Timestamps, Base):
    """One identity a user lent us: a GitHub App user-to-server token, a legacy OAuth token, a PAT, GitLab OAuth.

    kind: github_app_user | github_oauth | github_pat | gitlab_oauth | gitlab_pat
    """

    __tablename__ = "oauth_connections"
    __table_args__ = (
        UniqueConstraint("user_id", "provider", "kind", "repository_full_name", name="uq_oauth_connections_identity"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    provider_user_id: Mapped[str | None] = mapped_column(String(100))
    provider_username: Mapped[str | None] = mapped_column(String(255))
    repository_full_name: Mapped[str] = mapped_column(String(255), default="")  # a PAT's repository, else ""
    access_token_enc: Mapped[bytes] = mapped_column(LargeBinary)
    refresh_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_expires_at: Mapped[dt.datetime | None]
    refresh_token_expires_at: Mapped[dt.datetime | None]
    refresh_generation: Mapped[int] = mapped_column(Integer, default=0)
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(255))
    migrated_from_pat: Mapped[bool] = mapped_column(Boolean, default=False)
    last_used_at: Mapped[dt.datetime | None]
    # While set and in the future, one process holds the right to spend the refresh token (see storage.connections).
    refresh_lease_until: Mapped[dt.datetime | None]


class RepositoryConnection(Timestamps, Base):
    """A repository we watch: through an App installation, or connected by a user's OAuth token (webhook)."""

    __tablename__ = "repository_connections"
    __table_args__ = (
        UniqueConstraint("provider", "repository_id", name="uq_repository_connections_repo"),
        Index("ix_repository_connections_webhook", "provider", "webhook_id"),  # a delivery's X-GitHub-Hook-ID
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_id: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(255), index=True)
    installation_id: Mapped[int | None] = mapped_column(
        ForeignKey("installations.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    oauth_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("oauth_connections.id", ondelete="SET NULL")
    )
    is_private: Mapped[bool | None]
    default_branch: Mapped[str | None] = mapped_column(String(255))
    webhook_id: Mapped[str | None] = mapped_column(String(100))
    webhook_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_pr_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_workflow_edits: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[dt.datetime | None]
    last_event_at: Mapped[dt.datetime | None]
    hook_health: Mapped[str | None] = mapped_column(String(255))  # None: unchecked; "ok", or what is wrong
    hook_checked_at: Mapped[dt.datetime | None]


class WorkflowRun(Timestamps, Base):
    """A CI run we looked at (GitHub workflow run or GitLab pipeline)."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        UniqueConstraint("provider", "repository_full_name", "run_id", "run_attempt", name="uq_workflow_runs_run"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("repository_connections.id", ondelete="SET NULL")
    )
    repository_full_name: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[int] = mapped_column(BigInteger)
    run_attempt: Mapped[int] = mapped_column(Integer, default=1)
    run_number: Mapped[int | None] = mapped_column(Integer)
    workflow_name: Mapped[str | None] = mapped_column(String(255))
    workflow_path: Mapped[str | None] = mapped_column(String(512))
    event: Mapped[str | None] = mapped_column(String(64))
    head_branch: Mapped[str | None] = mapped_column(String(255))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(50))
    conclusion: Mapped[str | None] = mapped_column(String(50))
    html_url: Mapped[str | None] = mapped_column(String(1024))
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))


class Incident(Timestamps, Base):
    """A CI failure we explain and try to fix; one per failing run, shared by repeats of the same signature."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("provider", "repository_full_name", "run_id", name="uq_incidents_run"),
        Index("ix_incidents_open_signature", "repository_full_name", "head_branch", "signature", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    repository_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("repository_connections.id", ondelete="SET NULL")
    )
    oauth_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("oauth_connections.id", ondelete="SET NULL")
    )
    installation_id: Mapped[int | None] = mapped_column(BigInteger)
    run_id: Mapped[int] = mapped_column(BigInteger)
    run_attempt: Mapped[int] = mapped_column(Integer, default=1)
    workflow_name: Mapped[str | None] = mapped_column(String(255))
    head_branch: Mapped[str | None] = mapped_column(String(255))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    pull_requests: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(32), default="open")
    category: Mapped[str | None] = mapped_column(String(32))
    signature: Mapped[str | None] = mapped_column(String(128))
    analysis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    root_cause: Mapped[str | None] = mapped_column(Text)
    links: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comment_id: Mapped[int | None] = mapped_column(BigInteger)
    check_run_id: Mapped[int | None] = mapped_column(BigInteger)
    fix_pr_number: Mapped[int | None] = mapped_column(Integer)
    fix_branch: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    # pipeline: who is working on it, what was done, and the one fix PR it may have
    pr_number: Mapped[int | None] = mapped_column(Integer)
    is_fork: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    processed_attempt: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None]
    fix_state: Mapped[str | None] = mapped_column(String(16))  # creating | open | fixed | failed | closed
    fix_claim: Mapped[str | None] = mapped_column(String(100))
    fix_target_branch: Mapped[str | None] = mapped_column(String(255))
    rerun_requested: Mapped[bool] = mapped_column(Boolean, default=False)


class WebhookDelivery(Base):
    """Every verified webhook delivery, written before we answer; the work queue and its history."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("provider", "delivery_id", name="uq_webhook_deliveries_delivery"),
        Index("ix_webhook_deliveries_status_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_repository", "provider", "repository", "id"),  # per-repository history
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(100))
    action: Mapped[str | None] = mapped_column(String(100))
    installation_id: Mapped[int | None] = mapped_column(BigInteger)
    repository: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    body: Mapped[bytes] = mapped_column(CompressedBytes())  # zlib at rest, plain bytes in Python
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending running done failed ignored
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None]
    lease_until: Mapped[dt.datetime | None]  # a running delivery's worker holds it until then (heartbeat)
    finished_at: Mapped[dt.datetime | None]


class OAuthState(Base):
    """One authorization attempt: its single-use nonce, the browser it is bound to and its PKCE verifier.

    purpose: signin | connect | manifest
    """

    __tablename__ = "oauth_states"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the nonce carried inside the signed state
    provider: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(16))
    browser_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_verifier_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    redirect_uri: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    consumed_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A signed-in browser: the row is keyed by the SHA-256 of the cookie value, never the value itself."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime | None]
class SetupCode(Base):
    """The first-run setup code shared by every web process: only its SHA-256, made once (an atomic insert by the
    process that prints it), replaced once expired, and marked used when it registered the App."""

    __tablename__ = "setup_codes"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # always "setup": one code at a time
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class FixAttempt(Timestamps, Base):
    """One fix pull request the bot opened for an incident, and how its own CI run ended (the history)."""

    __tablename__ = "fix_attempts"
    __table_args__ = (
        UniqueConstraint("provider", "repository_full_name", "branch", "commit_sha", name="uq_fix_attempts_commit"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    source_pr_number: Mapped[int | None] = mapped_column(Integer)  # the PR whose failure it fixes, if any
    target_branch: Mapped[str] = mapped_column(String(255))
    branch: Mapped[str] = mapped_column(String(255), index=True)
    commit_sha: Mapped[str] = mapped_column(String(64))
    pr_number: Mapped[int | None] = mapped_column(Integer)
    pr_url: Mapped[str | None] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | fixed | failed
    verify_run_id: Mapped[int | None] = mapped_column(BigInteger)
    files: Mapped[list[Any]] = mapped_column(default=list)


class LLMUsage(Base):
    """LLM calls per repository per UTC day, for the daily cap."""

    __tablename__ = "llm_usage"
    __table_args__ = (UniqueConstraint("repository_full_name", "day", name="uq_llm_usage_day"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    repository_full_name: Mapped[str] = mapped_column(String(255))
    day: Mapped[str] = mapped_column(String(10))
    calls: Mapped[int] = mapped_column(Integer, default=0)


class CommandComment(Timestamps, Base):
    """A pull request comment that commanded the bot (`/devflowfix …`): handled once whatever the deliveries.

    status: running | done; `results` maps each command done so far to its one-line answer, so a delivery run
    again resumes where it stopped instead of re-running jobs twice; `reply_comment_id` is the bot's one reply.
    """

    __tablename__ = "command_comments"
    __table_args__ = (
        UniqueConstraint("provider", "repository_full_name", "comment_id", name="uq_command_comments_comment"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    comment_id: Mapped[int] = mapped_column(BigInteger)
    pr_number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str | None] = mapped_column(String(255))
    commands: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="running")
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None]
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reply_comment_id: Mapped[int | None] = mapped_column(BigInteger)


class ForgeNote(Timestamps, Base):
    """A note the bot writes, on either forge: the one comment per GitHub pull request (`target` "pr:<number>") or
    GitLab merge request (`target` "mr:<iid>"), kept up to date, or the one comment per GitLab pipeline on a commit
    with no merge request (`target` "pipeline:<id>", written once).
    Claimed by one delivery (INSERT .. ON CONFLICT DO NOTHING), so concurrent deliveries write it once.
    """

    __tablename__ = "forge_notes"
    __table_args__ = (UniqueConstraint("provider", "repository_full_name", "target", name="uq_forge_notes_target"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="gitlab")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(100))
    note_id: Mapped[int | None] = mapped_column(BigInteger)
    posted: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by: Mapped[str | None] = mapped_column(String(100))


class PullRequestState(Timestamps, Base):
    """What people told the bot about one pull request (GitHub) or merge request (GitLab): `ignored` after
    `/devflowfix ignore` (the bot then leaves its failures alone) until `/devflowfix resume`."""

    __tablename__ = "pull_request_states"
    __table_args__ = (
        UniqueConstraint("provider", "repository_full_name", "pr_number", name="uq_pull_request_states_pr"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    pr_number: Mapped[int] = mapped_column(Integer)
    ignored: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str | None] = mapped_column(String(255))


class AuditEvent(Base):
    """Who changed what from the web console or the API, and when: one row per change (settings, connections,
    redeliveries, sign-out). `target` names the thing changed (a repository, connection or delivery id);
    `details` holds the new values, never a token."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "target_kind", "target_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    via: Mapped[str] = mapped_column(String(16), default="api")  # api | console
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FlakyFailure(Timestamps, Base):
    """A failure remembered per test id (`key` "test:<id>") or job name ("job:<name>"): how often it failed, and how
    often it then passed when the same commit was re-run (a flake); the flake rate is `flakes / failures`."""

    __tablename__ = "flaky_failures"
    __table_args__ = (UniqueConstraint("provider", "repository_full_name", "key", name="uq_flaky_failures_key"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(512))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    flakes: Mapped[int] = mapped_column(Integer, default=0)
    signature: Mapped[str | None] = mapped_column(String(128))


class DefaultBranchIssue(Timestamps, Base):
    """The one issue opened for a failure signature of a workflow on the default branch (opt-in
    `default_branch_issues`): claimed by one delivery (`state` creating), then open with its number, closed when a
    green run resolves it."""

    __tablename__ = "default_branch_issues"
    __table_args__ = (UniqueConstraint("provider", "repository_full_name", "workflow_name", "signature",
                                       name="uq_default_branch_issues_signature"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    workflow_name: Mapped[str] = mapped_column(String(255))
    signature: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default="creating")  # creating | open | closed
    number: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(1024))
    incident_id: Mapped[str | None] = mapped_column(String(36))
    claimed_by: Mapped[str | None] = mapped_column(String(100))


class ConfigReport(Base):
    """A broken configuration file reported once per (repository, blob sha), whichever process saw it first."""

    __tablename__ = "config_reports"
    __table_args__ = (UniqueConstraint("provider", "repository_full_name", "blob", name="uq_config_reports_blob"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="github")
    repository_full_name: Mapped[str] = mapped_column(String(255))
    blob: Mapped[str] = mapped_column(String(128))  # the file's blob sha (else a digest of the problems)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
