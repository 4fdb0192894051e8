"""Block until the service under test accepts TCP connections."""

from __future__ import annotations

import os
import socket
import sys
import time

HOST = os.environ.get("SERVICE_HOST", "127.0.0.1")
PORT = int(os.environ.get("SERVICE_PORT", "9"))


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError as exc:
        print(f"  {host}:{port} not reachable yet: {exc}", flush=True)
        return False


def main() -> int:
    attempt = 0
    while not reachable(HOST, PORT):
        attempt += 1
        print(f"waiting for {HOST}:{PORT} (attempt {attempt})", flush=True)
        time.sleep(1)
    print("service is up", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
