"""Redacting secrets from log text before it leaves the machine, without moving any line.

Covers GitHub, GitLab, AWS, GCP, Slack, Stripe and OpenAI style tokens, private key blocks, JWTs,
credentials in URLs, ``password=``/``token=``/``secret=`` style values and long high-entropy strings.
"""

from __future__ import annotations

import math
import re
from collections import Counter

REDACTED = "[REDACTED]"

_TOKEN_PATTERNS: list[re.Pattern[str]] = [
    # GitHub
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,255}\b"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b"),
    re.compile(r"\bv1\.[0-9a-f]{40}\b"),  # GitHub App installation token (legacy shape)
    # GitLab
    re.compile(r"\bgl(?:pat|dt|ptt|rt|cbt|imt|oas|ffct|agent|soat|ft)-[A-Za-z0-9_\-]{20,}\b"),
    re.compile(r"\bGR1348941[A-Za-z0-9_\-]{20,}\b"),
    # AWS
    re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b"),
    re.compile(r"(?i)(?<=aws_secret_access_key)(\s*[=:]\s*[\"']?)[A-Za-z0-9/+=]{40}\b"),
    # GCP
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    re.compile(r"\bya29\.[0-9A-Za-z_\-]{20,}"),
    re.compile(r"\bGOCSPX-[0-9A-Za-z_\-]{20,}"),
    # Slack
    re.compile(r"\bxox[abposre]-[A-Za-z0-9\-]{10,}"),
    re.compile(r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_\-]+"),
    # Stripe
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}\b"),
    re.compile(r"\bwhsec_[0-9A-Za-z]{20,}\b"),
    # OpenAI and similar "sk-" keys
    re.compile(r"\bsk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?[A-Za-z0-9_\-]{20,}"),
    # npm, PyPI, Docker Hub, Hugging Face, Sendgrid, Twilio
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
    re.compile(r"\bpypi-[A-Za-z0-9_\-]{50,}"),
    re.compile(r"\bdckr_pat_[A-Za-z0-9_\-]{20,}"),
    re.compile(r"\bhf_[A-Za-z0-9]{30,}\b"),
    re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),
    # JWT
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    # Authorization headers
    re.compile(r"(?i)(?<=\bBearer )[A-Za-z0-9_\-.~+/]{12,}=*"),
    re.compile(r"(?i)(?<=\bBasic )[A-Za-z0-9+/]{12,}=*"),
]
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/\s:@]+):([^/\s@]+)@")
_URL_TOKEN_USER = re.compile(r"(?i)\b(https?://)([A-Za-z0-9_\-]{20,})@")
_KEY_VALUE = re.compile(
    r"(?i)(?P<key>[\w.\-]*(?:password|passwd|pwd|token|secret|api[_\-]?key|apikey|access[_\-]?key"
    r"|private[_\-]?key"
    r"|client[_\-]?secret|auth[_\-]?key|credentials?)[\w.\-]*[\"']?)(?P<sep>\s*[=:]\s*|\s+)(?P<q>[\"']?)"
    r"(?P<value>[^\s\"'&,;<>]{3,})"
)
_KEY_VALUE_SAFE = re.compile(
    r"^(?:\*+|\[REDACTED\]|\$\{\{.*|\$\{?\w+\}?|%\w+%|<[^>]*>|null|none|true|false|required|optional|string"
    r"|str|"
    r"bool|int|yes|no|\(.*|\{|\[|=)$",
    re.I,
)
_FILE_KEY = re.compile(
    r"\.(?:go|py|pyi|js|jsx|ts|tsx|java|kt|rb|rs|c|h|cc|cpp|hpp|cs|php|json|ya?ml|xml|txt|md|sh|tf)$"
)
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_CANDIDATE = re.compile(r"[A-Za-z0-9+/_\-]{32,}={0,2}")
_HEX_ONLY = re.compile(r"^[0-9a-fA-F]+$")


def redact(text: str) -> str:
    """Replace secrets in ``text`` with ``[REDACTED]``; the result has exactly as many lines."""
    if not text:
        return text
    lines = text.split("\n")
    in_key = False
    for i, line in enumerate(lines):
        if in_key or _PEM_BEGIN.search(line):
            lines[i], in_key = _redact_pem_line(line, in_key)
            continue
        lines[i] = redact_line(line)
    return "\n".join(lines)


def _redact_pem_line(line: str, in_key: bool) -> tuple[str, bool]:
    begin = _PEM_BEGIN.search(line) if not in_key else None
    if begin:
        head = line[: begin.end()]
        rest = line[begin.end() :]
        end = _PEM_END.search(rest)
        if end:
            return head + REDACTED + rest[end.start() :], False
        return head + (REDACTED if rest.strip() else ""), True
    end = _PEM_END.search(line)
    if end:
        prefix = REDACTED if line[: end.start()].strip() else line[: end.start()]
        return prefix + line[end.start() :], False
    return (REDACTED if line.strip() else line), True


def redact_line(line: str) -> str:
    """Redact one line (no private-key state across lines)."""
    if not line:
        return line
    for pattern in _TOKEN_PATTERNS:
        if pattern.groups:
            line = pattern.sub(lambda m: m.group(1) + REDACTED, line)
        else:
            line = pattern.sub(REDACTED, line)
    line = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{REDACTED}@", line)
    line = _URL_TOKEN_USER.sub(lambda m: f"{m.group(1)}{REDACTED}@", line)
    line = _KEY_VALUE.sub(_key_value, line)
    line = _CANDIDATE.sub(_entropy, line)
    return line


def _key_value(m: re.Match[str]) -> str:
    value = m.group("value")
    if _KEY_VALUE_SAFE.match(value) or REDACTED in value or _FILE_KEY.search(m.group("key").rstrip("\"'")):
        return m.group(0)
    if not re.search(r"[A-Za-z]", value) and len(value) < 8:
        return m.group(0)
    if m.group("sep").strip() == "" and not m.group("q"):
        # "token abc" (no = or :) only counts when the value looks like a credential
        if len(value) < 16 or _shannon(value) < 3.5:
            return m.group(0)
    return f"{m.group('key')}{m.group('sep')}{m.group('q')}{REDACTED}"


def _shannon(s: str) -> float:
    counts = Counter(s)
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _entropy(m: re.Match[str]) -> str:
    s = m.group(0)
    if _HEX_ONLY.match(s):  # commit and content hashes are not secrets
        return s
    if REDACTED.strip("[]") in s:
        return s
    kinds = sum(bool(re.search(p, s)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    if kinds < 3:
        return s
    if "/" in s and s.count("/") >= 2 and not s.endswith("="):
        return s  # a path
    if _shannon(s) >= 4.2:
        return REDACTED
    return s
