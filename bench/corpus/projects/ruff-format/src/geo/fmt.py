def km(value: float) -> str:
    return f"{value:.1f} km"
