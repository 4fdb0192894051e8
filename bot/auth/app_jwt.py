"""The GitHub App's JWT (RS256): backdated for clock drift, short-lived, cached until a minute before expiry."""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

CLOCK_DRIFT = 60  # seconds `iat` is backdated, so a server clock a little ahead of GitHub's is accepted
LIFETIME = 9 * 60  # GitHub refuses more than 10 minutes; `exp` stays 9 minutes after the real now
REUSE_MARGIN = 60  # a cached JWT is replaced this long before it expires


class AppJWT:
    """Mints the App JWT; the private key is parsed once, the token reused while it has a minute left."""

    def __init__(self, app_id: int | str, private_key_pem: str, *, clock: Callable[[], float] = time.time) -> None:
        key = load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("the GitHub App private key must be an RSA key")
        self._key = key
        self._app_id = str(app_id)
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0

    def token(self) -> str:
        now = self._clock()
        if self._token is None or now >= self._expires - REUSE_MARGIN:
            issued = int(now) - CLOCK_DRIFT
            expires = int(now) + LIFETIME
            self._token = jwt.encode({"iat": issued, "exp": expires, "iss": self._app_id}, self._key, "RS256")
            self._expires = expires
        return self._token
