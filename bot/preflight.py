"""Start-up checks that need more than the environment's text: the App's key parses and is RSA, every Fernet key
is one, the database answers. Each failure is a ConfigError of one line naming the variable, never its value,
raised before the server says "serving on" (the CLI turns it into exit 2 without a traceback).

`bot/doctor.py` runs the same checks and more (those that ask GitHub, GitLab or the LLM server).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

from bot.settings import ConfigError, Settings

DATABASE_TIMEOUT = 10.0  # seconds to wait for the database to answer at start


def key_variable(settings: Settings) -> str:
    """The variable the App's key came from: PRIVATE_KEY wins when both are set (see Settings._key_file)."""
    if settings.private_key_path is not None and not os.environ.get("PRIVATE_KEY"):
        return "PRIVATE_KEY_PATH"
    return "PRIVATE_KEY"


def check_private_key(settings: Settings) -> None:
    """The PEM's body parses and it is an RSA key (GitHub signs App JWTs with RS256 only)."""
    if settings.private_key is None:
        return
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    name = key_variable(settings)
    try:
        key = load_pem_private_key(settings.private_key.get_secret_value().encode(), password=None)
    except TypeError:
        raise ConfigError(f"configuration error: {name}: the key is encrypted; give the unencrypted PEM") from None
    except (ValueError, Exception):  # cryptography raises ValueError, or UnsupportedAlgorithm for odd keys
        raise ConfigError(
            f"configuration error: {name}: the PEM's body does not parse as a private key "
            "(download a new one from the App's settings)"
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(
            f"configuration error: {name}: not an RSA key (a GitHub App's private key is RSA; "
            "download one from the App's settings)"
        )


def check_encryption_keys(settings: Settings) -> None:
    from cryptography.fernet import Fernet

    for position, key in enumerate(settings.oauth_token_encryption_key, start=1):
        try:
            Fernet(key.get_secret_value().encode())
        except (ValueError, TypeError):
            raise ConfigError(
                f"configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; make one with `python -m bot tokens generate-key`)"
            ) from None


def _sqlite_path(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else None


def check_sqlite(path: str) -> None:
    if path in ("", ":memory:"):
        raise ConfigError("configuration error: DATABASE_URL: an in-memory SQLite database is not durable; name a file")
    folder = Path(path).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigError("configuration error: DATABASE_URL: the SQLite file's folder does not exist")
    from storage.engine import private_sqlite_file

    try:
        private_sqlite_file(path)
        conn = sqlite3.connect(path, timeout=5)
        try:
            conn.execute("BEGIN IMMEDIATE")  # opens it for writing (creates the file if it is missing)
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except OSError as exc:
        raise ConfigError(
            f"configuration error: DATABASE_URL: the SQLite file cannot be created ({type(exc).__name__})"
        ) from None
    except sqlite3.Error as exc:
        reason = str(exc).split(":")[0] if "file" in str(exc) or "read" in str(exc) else type(exc).__name__
        raise ConfigError(
            f"configuration error: DATABASE_URL: the SQLite file cannot be opened for writing ({reason})"
        ) from None


async def ping_database(url: str, timeout: float = DATABASE_TIMEOUT) -> None:
    """Connect and `SELECT 1`, with a time limit; raise ConfigError naming DATABASE_URL (never the URL)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except TimeoutError:
        raise ConfigError(
            f"configuration error: DATABASE_URL: the database did not answer within {timeout:g}s"
        ) from None
    except Exception as exc:
        cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
        raise ConfigError(
            f"configuration error: DATABASE_URL: the database refused or did not answer ({type(cause).__name__})"
        ) from None
    finally:
        await engine.dispose()


def check_database(settings: Settings) -> None:
    path = _sqlite_path(settings.database_url)
    if path is not None:
        check_sqlite(path)
        return
    asyncio.run(ping_database(settings.database_url))


def check_public_url(settings: Settings) -> None:
    """The web server's own address: required outside development (redirect URIs, the manifest's URLs and the
    GitLab hook URL are built from it, never from a request's Host header), and an http(s) origin."""
    from urllib.parse import urlsplit

    value = settings.public_url
    if not value:
        if settings.development:
            return
        raise ConfigError(
            "configuration error: PUBLIC_URL: required outside development (the address GitHub, GitLab and browsers "
            "reach this server at, e.g. https://devflowfix.example.com); set DEVFLOWFIX_ENV=development for local work"
        )
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = urlsplit(""), False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or parts.query or parts.fragment:
        raise ConfigError("configuration error: PUBLIC_URL: not an http(s) URL like https://devflowfix.example.com")


def run(settings: Settings, *, database: bool = True, web: bool = False) -> None:
    """Every start-up check, in the order a newcomer would fix them; `web` adds those of the web server."""
    check_private_key(settings)
    check_encryption_keys(settings)
    if database:
        check_database(settings)
    if web:
        check_public_url(settings)


def next_steps(settings: Settings, base_url: str) -> list[str]:
    """What the startup log says to do next."""
    if not settings.app_configured:
        return [f"next: open {base_url}/ to register the GitHub App (the manifest flow writes its credentials "
                f"to {settings.env_file_path}), then restart"]
    where = f"{settings.github_web_base}/settings/apps/{settings.app_slug}" if settings.app_slug else (
        f"{settings.github_web_base}/settings/apps")
    steps = [f"next: the App's settings are at {where}; install it on a repository and its failed runs come here"]
    if settings.public_url is None:
        steps.append("next: set PUBLIC_URL (or WEBHOOK_PROXY_URL for local work) so GitHub can reach this server")
    return steps
