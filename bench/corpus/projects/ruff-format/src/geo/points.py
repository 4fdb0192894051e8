"""Named points."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    name: str
    lat: float
    lon: float


CITIES = {'paris': Point('Paris', 48.8566, 2.3522), 'berlin': Point('Berlin', 52.52, 13.405), 'rome': Point('Rome', 41.9028, 12.4964)}
