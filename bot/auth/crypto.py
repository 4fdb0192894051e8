"""Encryption at rest for every stored token: Fernet under one or more keys (MultiFernet), so keys can rotate.

The first key in OAUTH_TOKEN_ENCRYPTION_KEY encrypts; every listed key decrypts. `rotate` re-encrypts a value
under the first key. Without a key the server refuses to start, except in development or test mode, where an
ephemeral key is generated and a loud warning says tokens will not survive a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.settings import ConfigError, Settings

log = logging.getLogger(__name__)


class DecryptError(Exception):
    """A stored value could not be decrypted with any configured key (a key was removed too early)."""


class TokenCipher:
    """Encrypts and decrypts token strings; never logs or repeats a value."""

    def __init__(self, keys: list[str], *, ephemeral: bool = False) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        try:
            fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in keys]
        except (ValueError, TypeError):
            raise ConfigError(
                "configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: each key must be a Fernet key "
                "(32 url-safe base64-encoded bytes; make one with `python -m bot tokens generate-key`)"
            ) from None
        self._multi = MultiFernet(fernets)
        self._primary = keys[0]
        self.ephemeral = ephemeral
        self.key_count = len(keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher | None:
        """The cipher for these settings; None in production without a key (token work then refuses)."""
        keys = [k.get_secret_value() for k in settings.oauth_token_encryption_key]
        if keys:
            return cls(keys)
        if settings.development:
            log.warning(
                "DEVELOPMENT MODE: OAUTH_TOKEN_ENCRYPTION_KEY is unset; using an EPHEMERAL key. Stored tokens "
                "will NOT survive a restart. Set OAUTH_TOKEN_ENCRYPTION_KEY before real use."
            )
            return cls([Fernet.generate_key().decode()], ephemeral=True)
        return None

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, value: str) -> bytes:
        return self._multi.encrypt(value.encode())

    def decrypt(self, value: bytes) -> str:
        try:
            return self._multi.decrypt(bytes(value)).decode()
        except InvalidToken:
            raise DecryptError("a stored token cannot be decrypted with the configured keys") from None

    def rotate(self, value: bytes) -> bytes:
        """The same plaintext, re-encrypted under the first (newest) key."""
        try:
            return self._multi.rotate(bytes(value))
        except InvalidToken:
            raise DecryptError("a stored token cannot be decrypted with the configured keys") from None

    def derive(self, purpose: str) -> bytes:
        """A separate secret for `purpose` (e.g. signing OAuth states), derived from the primary key."""
        return hmac.new(self._primary.encode(), f"devflowfix:{purpose}".encode(), hashlib.sha256).digest()


def require_key(settings: Settings) -> None:
    """Refuse to serve without an encryption key outside development mode."""
    if not settings.oauth_token_encryption_key and not settings.development:
        raise ConfigError(
            "configuration error: OAUTH_TOKEN_ENCRYPTION_KEY: required to store tokens encrypted "
            "(make one with `python -m bot tokens generate-key`, or run with --dev)"
        )
