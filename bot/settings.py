"""Typed settings read from the environment (and `.env`), with one clear line per wrong value at startup.

Names follow Probot's conventions (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, ...) because GitHub's manifest flow
produces them. Secrets are `SecretStr` so they never show up in a repr, a log line or an error message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./devflowfix.sqlite3"
MAX_WEBHOOK_BODY = 25 * 1024 * 1024
# Probot's LOG_LEVEL values (pino's) and LOG_FORMAT's `pretty`, mapped to ours.
PROBOT_LOG_LEVELS = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}
PROBOT_LOG_FORMATS = {"pretty": "plain"}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and never its value."""


def normalize_database_url(url: str) -> str:
    """Map the URLs people paste (Heroku's `postgres://`, plain `sqlite:///`) to async SQLAlchemy drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def _decode_private_key(value: str) -> str:
    """Accept a PEM (with real or escaped newlines) or the base64 of one, as Probot does."""
    text = value.strip()
    if "-----BEGIN" in text:
        return text.replace("\\n", "\n") + "\n"
    try:
        decoded = base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("is neither a PEM private key nor the base64 of one") from exc
    if "-----BEGIN" not in decoded:
        raise ValueError("is neither a PEM private key nor the base64 of one")
    return decoded.strip() + "\n"


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Build with `load_settings()`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # Mode. Development relaxes what production requires (encryption key, webhook secret) and says so loudly.
    devflowfix_env: Literal["production", "development", "test"] = "production"

    # GitHub App (Probot names).
    app_id: int | None = None
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    webhook_secret: SecretStr | None = None
    github_client_id: str | None = None
    github_client_secret: SecretStr | None = None
    ghe_host: str | None = None
    github_api_url: str | None = None
    github_url: str | None = None
    gh_org: str | None = None
    app_slug: str | None = None

    # Server.
    host: str = "0.0.0.0"  # noqa: S104 - a web dyno must listen on all interfaces
    port: int = Field(default=3000, ge=1, le=65535)
    public_url: str | None = None
    # A smee.io-style channel (Probot's WEBHOOK_PROXY_URL): its events are replayed into this server's endpoints.
    webhook_proxy_url: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["plain", "json"] = "plain"
    max_webhook_body: int = Field(default=MAX_WEBHOOK_BODY, ge=1024)

    # The webhook endpoints before a request is verified (bot/front_door.py).
    webhook_body_timeout: float = Field(default=15.0, gt=0, le=600)  # seconds for the whole body
    webhook_read_timeout: float = Field(default=5.0, gt=0, le=600)  # seconds without a byte of it
    max_unverified_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)  # all bodies being read, together
    webhook_rate_limit: float = Field(default=100.0, ge=0)  # requests a second per client address; 0: no limit
    webhook_rate_burst: int = Field(default=1000, ge=1)  # requests at once per client address
    trust_proxy: int = Field(default=0, ge=0, le=20)  # proxies in front whose X-Forwarded-For entries count

    # Storage and work.
    database_url: str = DEFAULT_DATABASE_URL
    # SQLite in WAL mode: normal makes a commit durable across a crash of the process, and across a power loss once
    # the next checkpoint (each second) synced it; the missed-deliveries job asks GitHub again for what was lost.
    # full syncs every commit (each answer then waits for the disk).
    sqlite_synchronous: Literal["normal", "full"] = "normal"
    worker_concurrency: int = Field(default=4, ge=1, le=256)
    # embedded: the web process runs the recorded work itself. external: it only records; `python -m bot
    # worker` processes (any number, on any host sharing DATABASE_URL) run it, each holding a lease per delivery.
    queue_mode: Literal["embedded", "external"] = "embedded"
    delivery_lease_seconds: int = Field(default=120, ge=5, le=3600)
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    max_delivery_attempts: int = Field(default=5, ge=1, le=50)
    # external mode on PostgreSQL: procrastinate workers' heartbeat (a worker silent for 3 heartbeats is stalled
    # and its jobs are retried elsewhere)
    worker_heartbeat_seconds: float = Field(default=10.0, gt=0, le=300)
    # external mode: seconds between the workers' sweep for deliveries without a job and check for stalled jobs
    job_checks_seconds: int = Field(default=10, ge=1, le=59)
    # on SIGTERM: seconds to finish the work in hand before handing it back (web and worker processes)
    shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=3600)
    # web processes sharing the port (Heroku's name, which its Python buildpack sets); used with QUEUE_MODE=external
    # (the embedded queue runs in one process: it would take the other processes' work back)
    web_concurrency: int = Field(default=1, ge=1, le=64)
    # finished deliveries' bodies are dropped after this many days (their history stays); 0 keeps them
    delivery_retention_days: int = Field(default=30, ge=0, le=3650)
    # whether a delivery finished at the door (no handler wants it, or its handlers' settlers found no work: a green
    # run with nothing open) keeps its body; off: its row is written without it, as if purged already
    keep_unworked_bodies: bool = False
    # the missed-deliveries job looks this far back in the App's webhook deliveries (GitHub keeps 3 days)
    redelivery_lookback_hours: int = Field(default=24, ge=1, le=72)
    # periodic work (token refresh, stale incidents, purges, missed deliveries); off: none of it runs here
    periodic_work: bool = True

    # Talking to GitHub and GitLab (bot/forges/http.py): faults retried in place, rate limits waited for.
    forge_max_attempts: int = Field(default=5, ge=1, le=20)  # sends of one request against errors, timeouts, 5xx
    forge_backoff_base: float = Field(default=0.5, ge=0, le=60)  # seconds; the backoff's first ceiling, doubling
    forge_backoff_cap: float = Field(default=8.0, ge=0, le=600)  # seconds; the largest backoff ceiling
    forge_retry_budget: float = Field(default=90.0, gt=0, le=3600)  # seconds one request may take in all
    forge_max_wait: float = Field(default=60.0, ge=0, le=3600)  # longest rate-limit wait before "retry later"
    forge_request_timeout: float = Field(default=30.0, gt=0, le=600)  # seconds for one send

    # Observability.
    metrics_token: SecretStr | None = None  # when set, /metrics wants `Authorization: Bearer <it>`
    sentry_dsn: SecretStr | None = None
    sentry_environment: str | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0, le=1)
    llm_price_prompt: float = Field(default=0.0, ge=0)  # US dollars per million prompt tokens, for the cost metric
    llm_price_completion: float = Field(default=0.0, ge=0)  # US dollars per million completion tokens

    # GitLab.
    gitlab_url: str = "https://gitlab.com"
    gitlab_webhook_secret: SecretStr | None = None
    gitlab_token: SecretStr | None = None
    gitlab_client_id: str | None = None
    gitlab_client_secret: SecretStr | None = None
    gitlab_oauth_scopes: str = "api read_user"

    # LLM (any OpenAI-compatible server).
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=60.0, gt=0, le=600)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_prompt_tokens: int = Field(default=12_000, ge=1_000, le=1_000_000)
    llm_daily_cap_per_repo: int = Field(default=50, ge=0)
    # models a repository's `llm.model` may pick besides OPENAI_MODEL (comma-separated)
    llm_allowed_models: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Per-repository configuration files (bot/config/).
    config_max_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)

    # The failure pipeline: logs, context, fixes and their limits.
    max_log_bytes: int = Field(default=32 * 1024 * 1024, ge=64 * 1024)
    analysis_workers: int = Field(default=1, ge=1, le=64)  # processes analyzing logs, apart from the server's
    analysis_timeout: float = Field(default=300.0, gt=0, le=3600)  # CPU seconds one log's analysis may take
    max_context_files: int = Field(default=5, ge=0, le=50)
    max_context_file_bytes: int = Field(default=200_000, ge=1_000)
    fix_min_confidence: float = Field(default=0.7, ge=0, le=1)
    max_fix_attempts_per_pr: int = Field(default=3, ge=0)
    max_fix_files: int = Field(default=5, ge=1)
    max_fix_bytes: int = Field(default=100_000, ge=100)
    fix_label: str = "devflowfix"
    skip_label: str = "devflowfix-skip"

    # Identities and the token migration.
    oauth_token_encryption_key: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    session_secret: SecretStr | None = None
    github_app_tokens_enabled: bool = True
    user_migration_batch_size: int = Field(default=100, ge=1, le=10_000)
    oauth_token_deprecation_date: dt.date | None = None
    session_max_age: int = Field(default=14 * 24 * 3600, ge=300)
    oauth_state_ttl: int = Field(default=600, ge=60, le=3600)
    setup_code_ttl: int = Field(default=3600, ge=300, le=7 * 24 * 3600)  # the first-run setup code lives this long
    env_file_path: Path = Path(".env")

    @field_validator("devflowfix_env", "log_level", "log_format", mode="before")
    @classmethod
    def _lower_or_upper(cls, value: object, info: object) -> object:
        """Case-insensitive; Probot's values too (`trace`…`fatal`, `pretty`), so a Probot `.env` starts."""
        if not isinstance(value, str):
            return value
        name = getattr(info, "field_name", "")
        word = value.strip()
        if name == "log_level":
            word = word.upper()
            return PROBOT_LOG_LEVELS.get(word, word)
        word = word.lower()
        if name == "log_format":
            return PROBOT_LOG_FORMATS.get(word, word)
        return word

    @field_validator("trust_proxy", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        """`false` (none), `true` (one), or how many proxies are in front."""
        if isinstance(value, str):
            word = value.strip().lower()
            if word in ("", "false", "no", "off"):
                return 0
            if word in ("true", "yes", "on"):
                return 1
            if not word.isdigit():
                raise ValueError("must be true, false or the number of proxies in front")
            return int(word)
        if isinstance(value, bool):
            return int(value)
        return value

    @field_validator("private_key", mode="before")
    @classmethod
    def _pem(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return _decode_private_key(str(value))

    @field_validator("llm_allowed_models", mode="before")
    @classmethod
    def _models(cls, value: object) -> object:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("oauth_token_encryption_key", mode="before")
    @classmethod
    def _keys(cls, value: object) -> object:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "app_id", "private_key_path", "webhook_secret", "ghe_host", "github_api_url", "github_url",
        "github_client_id", "github_client_secret", "gitlab_webhook_secret", "gitlab_token",
        "openai_api_key", "openai_base_url", "session_secret", "oauth_token_deprecation_date",
        "gitlab_client_id", "gitlab_client_secret", "gh_org", "public_url", "app_slug",
        "webhook_proxy_url", "metrics_token", "sentry_dsn", "sentry_environment",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        value = normalize_database_url(value)
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _key_file(self) -> Settings:
        if self.private_key is None and self.private_key_path is not None:
            try:
                text = self.private_key_path.read_text()
            except OSError as exc:
                raise ValueError(f"PRIVATE_KEY_PATH: cannot read the file ({exc.strerror})") from None
            try:
                self.private_key = SecretStr(_decode_private_key(text))
            except ValueError as exc:
                raise ValueError(f"PRIVATE_KEY_PATH: the file {exc}") from None
        if self.app_id is not None and self.private_key is None:
            raise ValueError("PRIVATE_KEY: required when APP_ID is set (or set PRIVATE_KEY_PATH)")
        if self.max_unverified_body_bytes < self.max_webhook_body:
            raise ValueError("MAX_UNVERIFIED_BODY_BYTES: must be at least MAX_WEBHOOK_BODY")
        return self

    # Derived values.
    @property
    def development(self) -> bool:
        return self.devflowfix_env in ("development", "test")

    @cached_property
    def github_api_base(self) -> str:
        if self.github_api_url:
            return self.github_api_url.rstrip("/")
        if self.ghe_host:
            return f"https://{self.ghe_host}/api/v3"
        return "https://api.github.com"

    @cached_property
    def github_web_base(self) -> str:
        if self.github_url:
            return self.github_url.rstrip("/")
        if self.ghe_host:
            return f"https://{self.ghe_host}"
        return "https://github.com"

    @property
    def gitlab_base(self) -> str:
        return self.gitlab_url.rstrip("/")

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None

    @property
    def job_engine(self) -> bool:
        """Deliveries run as procrastinate jobs: the external mode on PostgreSQL."""
        return self.queue_mode == "external" and self.database_url.startswith("postgresql")

    @property
    def app_configured(self) -> bool:
        return self.app_id is not None and self.private_key is not None

    def secret_values(self) -> list[str]:
        """Every configured secret, so the log filter can scrub them if one ever slips into a message."""
        found: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, SecretStr) and item.get_secret_value():
                    found.append(item.get_secret_value())
        return found


def _env_name(loc: tuple[object, ...]) -> str:
    return str(loc[0]).upper() if loc else "SETTINGS"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ConfigError with one line naming the variable (never its value)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if not err.get("loc"):
            raise ConfigError(f"configuration error: {message}") from None
        raise ConfigError(f"configuration error: {_env_name(err['loc'])}: {message}") from None
