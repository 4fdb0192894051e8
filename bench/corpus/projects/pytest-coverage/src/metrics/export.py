"""Export summaries as Prometheus text."""

from __future__ import annotations


def prometheus(name: str, summary: dict[str, float]) -> str:
    lines = [f"# TYPE {name} summary"]
    for key, value in summary.items():
        if key.startswith("p"):
            lines.append(f'{name}{{quantile="0.{key[1:]}"}} {value}')
        else:
            lines.append(f"{name}_{key} {value}")
    return "\n".join(lines) + "\n"


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
