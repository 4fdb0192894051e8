"""The command line: clear startup errors that never show a secret, `migrate`, and `receive` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def run_bot(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=clean | env, cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORT": "not-a-port"}, "PORT"),
        ({"APP_ID": "12"}, "PRIVATE_KEY"),
        ({"APP_ID": "12", "PRIVATE_KEY": "hunter2-very-secret-value"}, "PRIVATE_KEY"),
        ({"DATABASE_URL": "mysql://user:hunter2-very-secret-value@db/x"}, "DATABASE_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, "PRIVATE_KEY_PATH"),
    ],
)
def test_a_wrong_setting_stops_with_one_line_naming_it(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    result = run_bot("serve", env={"WEBHOOK_SECRET": "s3cr3t-webhook", **env}, timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {variable}:")
    assert "hunter2" not in result.stderr and "s3cr3t" not in result.stderr


def test_production_without_webhook_secret_refuses_to_start() -> None:
    result = run_bot("serve", env={}, timeout=30)
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr


def test_migrate_then_receive_runs_a_payload_through_the_server(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "WEBHOOK_SECRET": "cli-secret", "LOG_LEVEL": "WARNING"}
    assert run_bot("migrate", env=env).returncode == 0
    payload = FIXTURES / "github/installation/created.payload.json"
    result = run_bot("receive", "--event", "installation", "--payload", str(payload), env=env)
    assert result.returncode == 0, result.stderr
    assert "HTTP 202" in result.stdout
    assert ": done" in result.stdout
    assert "cli-secret" not in result.stdout + result.stderr
