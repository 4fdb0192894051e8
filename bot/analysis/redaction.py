"""Redacting secrets from log text before it leaves the machine, without moving any line.

Covers GitHub, GitLab, AWS, GCP, Slack, Stripe and OpenAI style tokens, private key blocks, JWTs,
credentials in URLs, ``password=``/``token=``/``secret=`` style values and long high-entropy strings.

Every pattern that looks for secrets runs on RE2 (linear time), so a line of any length is redacted
whole; nothing is cut.
One RE2 pass over a line with all the patterns together says whether any can match (an ordinary line
stops there, in about a microsecond); an ``RE2::Set`` pass then names the ones that do, and only those
are applied, in their order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import re2

from .regex import Match, Pattern

REDACTED = "[REDACTED]"

# A token pattern with a group keeps that group (the key before the secret) in place.
_TOKEN_SOURCES: list[str] = [
    # GitHub
    r"\bgh[pousr]_[A-Za-z0-9]{30,255}\b",
    r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
    r"\bv1\.[0-9a-f]{40}\b",  # GitHub App installation token (legacy shape)
    # GitLab
    r"\bgl(?:pat|dt|ptt|rt|cbt|imt|oas|ffct|agent|soat|ft)-[A-Za-z0-9_\-]{20,}\b",
    r"\bGR1348941[A-Za-z0-9_\-]{20,}\b",
    # AWS
    r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b",
    r"(?i:(aws_secret_access_key\s*[=:]\s*[\"']?)[A-Za-z0-9/+=]{40}\b)",
    # GCP
    r"\bAIza[0-9A-Za-z_\-]{35}\b",
    r"\bya29\.[0-9A-Za-z_\-]{20,}",
    r"\bGOCSPX-[0-9A-Za-z_\-]{20,}",
    # Slack
    r"\bxox[abposre]-[A-Za-z0-9\-]{10,}",
    r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_\-]+",
    # Stripe
    r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}\b",
    r"\bwhsec_[0-9A-Za-z]{20,}\b",
    # OpenAI and similar "sk-" keys
    r"\bsk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?[A-Za-z0-9_\-]{20,}",
    # npm, PyPI, Docker Hub, Hugging Face, Sendgrid, Twilio
    r"\bnpm_[A-Za-z0-9]{36}\b",
    r"\bpypi-[A-Za-z0-9_\-]{50,}",
    r"\bdckr_pat_[A-Za-z0-9_\-]{20,}",
    r"\bhf_[A-Za-z0-9]{30,}\b",
    r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",
    # JWT
    r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    # Authorization headers
    r"(?i:(\bBearer )[A-Za-z0-9_\-.~+/]{12,}=*)",
    r"(?i:(\bBasic )[A-Za-z0-9+/]{12,}=*)",
]
_URL_CREDENTIALS_SOURCE = r"(?i:\b([a-z][a-z0-9+.\-]*://)([^/\s:@]+):([^/\s@]+)@)"
_URL_AS_USER_SOURCE = r"(?i:\b(https?://)([A-Za-z0-9_\-]{20,})@)"
# Letters, digits and spaces as Python counts them (RE2's \w and \s are ASCII only).
_WORD = r"[\w\pL\pN.\-]"
_SPACE = r"[\s\p{Z}]"
_KEY_VALUE_SOURCE = (
    rf"(?i:(?P<key>{_WORD}*(?:password|passwd|pwd|token|secret|api[_\-]?key|apikey|access[_\-]?key"
    r"|private[_\-]?key"
    rf"|client[_\-]?secret|auth[_\-]?key|credentials?){_WORD}*[\"']?)(?P<sep>{_SPACE}*[=:]{_SPACE}*|{_SPACE}+)"
    r"(?P<q>[\"']?)(?P<value>[^\s\p{Z}\"'&,;<>]{3,}))"
)
_CANDIDATE_SOURCE = r"[A-Za-z0-9+/_\-]{32,}={0,2}"

# Checks on one match's parts (short, as a rule: Python's re then runs them, RE2 when they are long)
_KEY_VALUE_SAFE = Pattern(
    r"(?:\*+|\[REDACTED\]|\$\{\{.*|\$\{?\w+\}?|%\w+%|<[^>]*>|null|none|true|false|required|optional|string"
    r"|str|bool|int|yes|no|\(.*|\{|\[|=)",
    ignorecase=True,
)
_FILE_KEY = Pattern(r"\.(?:go|py|pyi|js|jsx|ts|tsx|java|kt|rb|rs|c|h|cc|cpp|hpp|cs|php|json|ya?ml|xml|txt|md|sh|tf)$")
_PEM_BEGIN = Pattern(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = Pattern(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_HEX_ONLY = Pattern(r"[0-9a-fA-F]+")
_LETTER = Pattern(r"[A-Za-z]")
_LOWER = Pattern(r"[a-z]")
_UPPER = Pattern(r"[A-Z]")
_DIGIT = Pattern(r"[0-9]")


def _token(m: Match) -> str:
    return REDACTED


def _keep_key(m: Match) -> str:
    return str(m.group(1)) + REDACTED


def _url_user(m: Match) -> str:
    return f"{m.group(1)}{REDACTED}@"


def _key_value(m: Match) -> str:
    value = m.group("value")
    if _KEY_VALUE_SAFE.fullmatch(value) or REDACTED in value or _FILE_KEY.search(m.group("key").rstrip("\"'")):
        return str(m.group(0))
    if len(value) < 8 and not _LETTER.search(value):
        return str(m.group(0))
    if m.group("sep").strip() == "" and not m.group("q"):
        # "token abc" (no = or :) only counts when the value looks like a credential
        if len(value) < 16 or _shannon(value) < 3.5:
            return str(m.group(0))
    return f"{m.group('key')}{m.group('sep')}{m.group('q')}{REDACTED}"


def _shannon(s: str) -> float:
    counts = Counter(s)
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _entropy(m: Match) -> str:
    s = str(m.group(0))
    if _HEX_ONLY.fullmatch(s):  # commit and content hashes are not secrets
        return s
    if REDACTED.strip("[]") in s:
        return s
    if not (_LOWER.search(s) and _UPPER.search(s) and _DIGIT.search(s)):
        return s
    if "/" in s and s.count("/") >= 2 and not s.endswith("="):
        return s  # a path
    if _shannon(s) >= 4.2:
        return REDACTED
    return s


_RULES: list[tuple[Pattern, Callable[[Match], str]]] = [
    *((p, _keep_key if p.groups else _token) for p in (Pattern(s, linear_only=True) for s in _TOKEN_SOURCES)),
    (Pattern(_URL_CREDENTIALS_SOURCE, linear_only=True), _url_user),
    (Pattern(_URL_AS_USER_SOURCE, linear_only=True), _url_user),
    (Pattern(_KEY_VALUE_SOURCE, linear_only=True), _key_value),
    (Pattern(_CANDIDATE_SOURCE, linear_only=True), _entropy),
]
"""Every redaction, in the order it is applied: its pattern and what a match becomes."""
_ANY = re2.compile("|".join(f"(?:{p.pattern})" for p, _ in _RULES))
"""Matches where any rule would: a line it does not match is left as it is."""
_WHICH = re2.Set.SearchSet()
for _pattern, _ in _RULES:
    _WHICH.Add(_pattern.pattern)
_WHICH.Compile()


def redact(text: str) -> str:
    """Replace secrets in ``text`` with ``[REDACTED]``; the result has exactly as many lines."""
    if not text:
        return text
    lines = text.split("\n")
    in_key = False
    for i, line in enumerate(lines):
        if in_key or ("PRIVATE KEY" in line and _PEM_BEGIN.search(line)):
            lines[i], in_key = _redact_pem_line(line, in_key)
            continue
        lines[i] = redact_line(line)
    return "\n".join(lines)


def _redact_pem_line(line: str, in_key: bool) -> tuple[str, bool]:
    begin = _PEM_BEGIN.search(line) if not in_key else None
    if begin:
        head = line[: begin.end()]
        rest = line[begin.end() :]
        end = _PEM_END.search(rest) if "-----END " in rest else None
        if end:
            return head + REDACTED + rest[end.start() :], False
        return head + (REDACTED if rest.strip() else ""), True
    end = _PEM_END.search(line) if "-----END " in line else None
    if end:
        prefix = REDACTED if line[: end.start()].strip() else line[: end.start()]
        return prefix + line[end.start() :], False
    return (REDACTED if line.strip() else line), True


def redact_line(line: str) -> str:
    """Redact one line (no private-key state across lines)."""
    if not line or not _ANY.search(line):
        return line
    which = _WHICH.Match(line)
    # the set's DFA can give up on a hostile line (it then names nothing): every rule is applied instead
    for index in sorted(which) if which else range(len(_RULES)):
        pattern, repl = _RULES[index]
        line = pattern.sub(repl, line)
    return line
