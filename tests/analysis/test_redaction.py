"""Redaction of each secret kind, without moving any line."""

from __future__ import annotations

import pytest

from bot.analysis import redact

R = "[REDACTED]"

SECRETS = {
    "github classic": "token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB used",
    "github fine-grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "github app": "ghs_abcdefghijklmnopqrstuvwxyz0123456789",
    "gitlab": "using glpat-abcdefghij1234567890 for the API",
    "aws key id": "AWS_ACCESS_KEY_ID AKIAIOSFODNN7EXAMPLE",
    "aws secret": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "gcp api key": "key=AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "gcp oauth": "Authorization: ya29.a0AfH6SMBx1234567890abcdefghijklmnop",
    "slack token": "xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx",
    "slack webhook": "posting to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "stripe": "sk_live_51H8abcdefghijklmnopqrstuvwxyz0123",
    "openai": "OPENAI key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    "jwt": "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0",
    "basic auth url": "git clone https://deploy:s3cr3tP4ss@git.example.com/acme/widgets.git",
    "password": "mysql -u root password=hunter2hunter2",
    "token=": "curl https://api.example.com/?token=abc123def456&x=1",
    "secret:": "client_secret: 'Zm9vYmFyYmF6cXV4'",
    "high entropy": "export THING=Q2hlY2tUaGlzT3V0X3Jh5bmRvbUtleV8xMjM0NTY3ODkwYWJjZA9zYXnB",
}
LEAKS = {
    "github classic": "ghp_1234567890",
    "github fine-grained": "github_pat_11ABC",
    "github app": "ghs_abcdef",
    "gitlab": "glpat-abc",
    "aws key id": "AKIAIOSFODNN7EXAMPLE",
    "aws secret": "wJalrXUtnFEMI",
    "gcp api key": "AIzaSyA123",
    "gcp oauth": "ya29.a0AfH6",
    "slack token": "xoxb-1234567890",
    "slack webhook": "T00000000/B00000000",
    "stripe": "sk_live_51H8",
    "openai": "sk-proj-abcdef",
    "jwt": "eyJhbGciOiJIUzI1NiJ9",
    "basic auth url": "s3cr3tP4ss",
    "password": "hunter2hunter2",
    "token=": "abc123def456",
    "secret:": "Zm9vYmFyYmF6cXV4",
    "high entropy": "Q2hlY2tUaGlzT3V0",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_secret_kind(kind: str) -> None:
    text = f"line before\n{SECRETS[kind]}\nline after"
    out = redact(text)
    assert LEAKS[kind] not in out
    assert R in out
    assert out.count("\n") == text.count("\n")
    assert out.startswith("line before\n") and out.endswith("\nline after")


def test_private_key_block_keeps_line_count() -> None:
    text = "\n".join(
        [
            "writing key",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            "QyNTUxOQAAACDmJcF5kQp0q3K9c8Xb1j2Y8b9Hk3x7l5m6n7o8p9q0rAAAAJgxyz",
            "-----END OPENSSH PRIVATE KEY-----",
            "done",
        ]
    )
    out = redact(text)
    lines = out.split("\n")
    assert len(lines) == 6
    assert lines[1] == "-----BEGIN OPENSSH PRIVATE KEY-----"
    assert lines[2] == R and lines[3] == R
    assert lines[4] == "-----END OPENSSH PRIVATE KEY-----"
    assert lines[5] == "done"


def test_ordinary_log_lines_are_untouched() -> None:
    text = "\n".join(
        [
            "Checking out Revision c47235dadebbf566a4f8c6c08658a794d419ac26 (refs/remotes/origin/master)",
            "src/main/java/com/acme/Widget.java:[12,5] cannot find symbol",
            "internal/command/cliconfig/credentials_test.go:89:4: undeclared name: os",
            "token: ${{ secrets.GITHUB_TOKEN }}",
            "password: ***",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "/home/runner/work/widgets/widgets/node_modules/.pnpm/react@18.2.0/node_modules/react/index.js",
            "",
        ]
    )
    assert redact(text) == text


def test_empty_and_line_count_with_crlf() -> None:
    assert redact("") == ""
    text = "a\r\npassword=abcdefgh123\r\nb\r\n"
    out = redact(text)
    assert out.count("\n") == 3 and "abcdefgh123" not in out
