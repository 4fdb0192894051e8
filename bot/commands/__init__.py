"""Slash commands in PR comments and MR notes: the strict parser and the service that carries them out."""
