"""Tomorrow's forecast from a station's readings."""

__version__ = "0.3.0"
