"""Identities: the App JWT, installation tokens, user-to-server tokens, legacy fallback and encryption."""

from bot.auth.app_jwt import AppJWT
from bot.auth.installation_tokens import InstallationTokens, TokenProvider

__all__ = ["AppJWT", "InstallationTokens", "TokenProvider"]
