"""URL slugs from titles."""

import re

_SEPARATORS = re.compile(r"[\s_]+")
_UNSAFE = re.compile(r"[^a-z0-9-]")


def slugify(title: str, max_length: int = 60) -> str:
    slug = _SEPARATORS.sub("-", title.strip().lower())
    slug = _UNSAFE.sub("", slug)
    return slug[:max_length].strip("-")
