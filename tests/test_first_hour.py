"""The first hour of a newcomer: start-up errors (one line naming the variable, exit 2, no traceback), Probot's
values, `--version` and the help of every option, the worker's warning, `tokens add-legacy` in development mode."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bot.settings import load_settings
from tests.test_cli import ROOT, run_bot

KEY = Fernet.generate_key().decode()
PRODUCTION = {"WEBHOOK_SECRET": "s3cr3t-webhook", "OAUTH_TOKEN_ENCRYPTION_KEY": KEY,
              "PUBLIC_URL": "https://devflowfix.example"}
BROKEN_PEM = "-----BEGIN RSA PRIVATE KEY-----\\nMIIBhunter2notakeyatall\\n-----END RSA PRIVATE KEY-----"


def ec_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def startup_errors(tmp_path: Path) -> list[tuple[dict[str, str], str]]:
    key_file = tmp_path / "ec.pem"
    key_file.write_text(ec_pem())
    return [
        ({"APP_ID": "12", "PRIVATE_KEY": BROKEN_PEM}, "PRIVATE_KEY"),
        ({"APP_ID": "12", "PRIVATE_KEY": ec_pem()}, "PRIVATE_KEY"),
        ({"APP_ID": "12", "PRIVATE_KEY_PATH": str(key_file)}, "PRIVATE_KEY_PATH"),
        ({"OAUTH_TOKEN_ENCRYPTION_KEY": "hunter2-not-a-fernet-key"}, "OAUTH_TOKEN_ENCRYPTION_KEY"),
        ({"OAUTH_TOKEN_ENCRYPTION_KEY": f"{KEY},hunter2-second"}, "OAUTH_TOKEN_ENCRYPTION_KEY"),
        # nothing listens on port 1: the database does not answer
        ({"DATABASE_URL": "postgresql://dff:hunter2@127.0.0.1:1/nowhere"}, "DATABASE_URL"),
        ({"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/x.sqlite3"}, "DATABASE_URL"),
        ({"DATABASE_URL": f"sqlite:///{tmp_path}"}, "DATABASE_URL"),  # a folder, not a file
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_each_startup_error_is_one_line_naming_the_variable(tmp_path: Path, case: int) -> None:
    env, variable = startup_errors(tmp_path)[case]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3", **PRODUCTION, **env}
    result = run_bot("serve", "--port", "1", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {variable}:"), lines[0]
    assert "Traceback" not in result.stderr and "serving on" not in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_debug_log_level_adds_the_traceback(tmp_path: Path) -> None:
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3", "APP_ID": "12",
           "PRIVATE_KEY": ec_pem(), "LOG_LEVEL": "DEBUG"}
    result = run_bot("serve", env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("configuration error: PRIVATE_KEY: not an RSA key")
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(
    ("value", "level"),
    [("trace", "DEBUG"), ("debug", "DEBUG"), ("info", "INFO"), ("warn", "WARNING"), ("error", "ERROR"),
     ("fatal", "CRITICAL"), ("WARNING", "WARNING"), ("Warn", "WARNING")],
)
def test_probot_log_levels_are_accepted(value: str, level: str) -> None:
    assert load_settings(log_level=value).log_level == level


def test_probot_pretty_log_format_is_plain() -> None:
    assert load_settings(log_format="pretty").log_format == "plain"
    assert load_settings(log_format="JSON").log_format == "json"


def test_a_probot_env_starts_the_server(tmp_path: Path) -> None:
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3", "LOG_LEVEL": "trace",
           "LOG_FORMAT": "pretty"}
    with subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                          env=_env(env), cwd=ROOT, stderr=subprocess.PIPE, text=True) as proc:
        try:
            seen = _read_until(proc, "serving on")
            assert "register the GitHub App" in _read_until(proc, "next:")
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    assert "configuration error" not in seen


def test_version() -> None:
    result = run_bot("--version", env={})
    assert result.returncode == 0
    assert result.stdout.strip() == "devflowfix 0.1.0"


def _options(parser: argparse.ArgumentParser, path: str = "") -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                if name != "analyze":  # the analyzer's own parser (bot/analysis/cli.py) documents itself
                    found.extend(_options(child, f"{path} {name}"))
        elif not isinstance(action, argparse._HelpAction):
            found.append((path, action))
    return found


def test_every_option_has_help_with_its_default() -> None:
    from bot.cli import build_parser

    options = _options(build_parser())
    assert len(options) > 20
    for path, action in options:
        where = f"{path} {'/'.join(action.option_strings) or action.dest}"
        assert action.help and action.help is not argparse.SUPPRESS, where
        if action.option_strings and not action.required and not isinstance(action, argparse._VersionAction):
            assert "default" in action.help, where


def test_options_name_their_environment_variable() -> None:
    from bot.cli import build_parser

    helps = {f"{p} {'/'.join(a.option_strings)}": a.help or "" for p, a in _options(build_parser())}
    assert "env HOST" in helps[" serve --host"]
    assert "env PORT" in helps[" serve --port"]
    assert "env DEVFLOWFIX_ENV" in helps[" worker --dev"]
    assert "GITHUB_API_URL" in helps[" receive --api-url"]
    assert "env USER_MIGRATION_BATCH_SIZE" in helps[" tokens migrate --batch-size"]


def test_worker_beside_an_embedded_queue_warns(tmp_path: Path) -> None:
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3", "QUEUE_MODE": "embedded"}
    assert run_bot("migrate", env=env).returncode == 0
    with subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=_env(env), cwd=ROOT,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            seen = _read_until(proc, "worker running")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert "QUEUE_MODE is embedded" in seen


def test_add_legacy_refuses_the_ephemeral_key(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3"}
    assert run_bot("migrate", env=env).returncode == 0
    clean = _env(env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "tokens", "add-legacy", "--dev", "--github-id", "1", "--login", "octo",
         "--kind", "github_oauth"], input="gho_hunter2token\n", env=clean, cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "configuration error: OAUTH_TOKEN_ENCRYPTION_KEY:" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


# ---- helpers


def _env(env: dict[str, str]) -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME", "LANG")} | env


def _read_until(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> str:
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never came; stderr so far:\n{seen}")
