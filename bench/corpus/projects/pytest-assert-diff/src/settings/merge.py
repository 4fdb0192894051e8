"""Layered configuration: defaults, then file, then environment."""

from __future__ import annotations

DEFAULTS = {
    "server": {"host": "0.0.0.0", "port": 8080, "workers": 2},
    "log": {"level": "info", "format": "json"},
    "features": ["search"],
}


def merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def from_env(environ: dict[str, str]) -> dict:
    result: dict = {}
    for name, value in environ.items():
        if not name.startswith("APP_"):
            continue
        section, _, key = name[4:].lower().partition("__")
        result.setdefault(section, {})[key] = value
    return result
