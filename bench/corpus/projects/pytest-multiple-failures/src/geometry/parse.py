"""Parse shapes from strings like 'rect 2x3' or 'circle r=1.5'."""

from __future__ import annotations

from geometry.shapes import Circle, Rect


def parse(text: str) -> Rect | Circle:
    kind, _, spec = text.partition(" ")
    if kind == "rect":
        width, height = spec.split("x")
        return Rect(float(width), float(height))
    if kind == "circle":
        return Circle(float(spec.removeprefix("r=")))
    raise ValueError(f"unknown shape {kind!r}")
