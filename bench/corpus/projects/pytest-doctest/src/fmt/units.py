"""Human-readable sizes and durations."""

from __future__ import annotations


def human_size(size: int) -> str:
    """Format a byte count with binary prefixes.

    >>> human_size(512)
    '512 B'
    >>> human_size(1536)
    '1.5 KiB'
    >>> human_size(10 * 1024 ** 3)
    '10.0 GiB'
    """
    units = ["B", "KB", "MB", "GB", "TB"]
    value = float(size)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_duration(seconds: float) -> str:
    """Format seconds as h/m/s.

    >>> human_duration(59)
    '59s'
    >>> human_duration(3725)
    '1h 2m 5s'
    """
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    if minutes or hours:
        parts.append(f"{minutes}m")
    parts.append(f"{secs}s")
    return " ".join(parts)
