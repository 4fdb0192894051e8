"""Render notification templates with per-user context."""

from __future__ import annotations

from string import Template

TEMPLATES = {
    "welcome": Template("Hello $name, welcome to $product!"),
    "reset": Template("Hi $name, use $link to reset your password."),
}


def context_for(user: dict, product: str) -> dict[str, str]:
    return {"name": user["display_name"], "product": product}


def render(kind: str, user: dict, product: str = "Acme") -> str:
    template = TEMPLATES[kind]
    return template.substitute(context_for(user, product))
