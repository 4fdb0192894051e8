"""Plane shapes."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    width: float
    height: float

    def area(self) -> float:
        return self.width * self.height

    def perimeter(self) -> float:
        return self.width * 2 + self.height


@dataclass(frozen=True)
class Circle:
    radius: float

    def area(self) -> float:
        return math.pi * self.radius**2

    def scale(self, factor: float) -> Circle:
        if factor <= 0:
            raise ValueError(f"scale factor must be positive, got {factor}")
        return Circle(self.radius * factor)
