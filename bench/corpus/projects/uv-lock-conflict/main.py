import requests


def check(url: str) -> int:
    return requests.head(url, timeout=5).status_code
