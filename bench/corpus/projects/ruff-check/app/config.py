import os


def debug_enabled() -> bool:
    return os.environ.get("HOOKSVC_DEBUG", "0") == "1"
