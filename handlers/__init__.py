"""Webhook handlers: one router module per feature, composed in handlers.registry."""
