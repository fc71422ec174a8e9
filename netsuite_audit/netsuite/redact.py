"""Scrubbing secrets out of text a server sent back, before nsaudit stores or shows it.

A broken or hostile server may echo the request it received: the ``Authorization`` header with its
``oauth_*`` parameters, or the SOAP envelope with its ``tokenPassport``. Every error message built
from an answer goes through :func:`redact` (``NetSuiteError`` does it for its message), which
removes

* every credential value registered with :func:`register` (consumer key and secret, token id and
  secret, and any token a client adds, such as an OAuth 2.0 access token);
* the value of every ``oauth_*`` parameter (consumer key, token, nonce, timestamp, signature ...),
  quoted or not, JSON-escaped or not;
* the content of the tokenPassport elements (account, consumerKey, token, nonce, timestamp,
  signature) and of any ``Authorization`` header or ``Bearer`` token.
"""

from __future__ import annotations

import re
import threading

MARK = "[redacted]"
# Shorter values are too likely to occur by chance in ordinary text (and are not real secrets).
MIN_SECRET_LENGTH = 6

_lock = threading.Lock()
_known: frozenset[str] = frozenset()

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # oauth_signature="abc", oauth_nonce=\"abc\" (JSON-escaped), oauth_token=abc&... (query string)
    (re.compile(r'(oauth_[A-Za-z_]+)(\s*=\s*)(\\?")[^"\\]*(\\?")'), rf"\1\2\3{MARK}\4"),
    (re.compile(r"(oauth_[A-Za-z_]+)(\s*=\s*)(?![\\\"])[^\s&,\"'<>]+"), rf"\1\2{MARK}"),
    (re.compile(r'("oauth_[A-Za-z_]+"\s*:\s*")[^"]*(")'), rf"\1{MARK}\2"),
    # <tokenPassport> children, with or without a namespace prefix and attributes
    (re.compile(r"(<(?:[\w.-]+:)?(account|consumerKey|token|nonce|timestamp|signature)\b[^>]*>)[^<]*(</)",
                re.IGNORECASE), rf"\1{MARK}\3"),
    # Authorization: OAuth ... / Bearer ...; also "authorization": "..." in JSON
    (re.compile(r"(authorization[\"']?\s*[:=]\s*[\"']?)[^\"'\r\n]+", re.IGNORECASE), rf"\1{MARK}"),
    (re.compile(r"\b(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\1{MARK}"),
    # Expensify's partner credentials, in a job echoed back as JSON or as a form field
    (re.compile(r"(\"?\b(?:partnerUserSecret|partnerUserID|partnerPassword|partnerName)\\?\"?\s*[:=]\s*\\?\"?)"
                r"[^\"\\&\s,}]+", re.IGNORECASE), rf"\1{MARK}"),
    (re.compile(r"(\b(?:client_secret|access_token|refresh_token|client_assertion)[\"']?\s*[:=]\s*[\"']?)"
                r"[^\"'&\s,}]+", re.IGNORECASE), rf"\1{MARK}"),
)


def register(*values: str | None) -> None:
    """Remember credential values so that :func:`redact` removes them from any text."""
    global _known
    fresh = {v.strip() for v in values if v and len(v.strip()) >= MIN_SECRET_LENGTH}
    if not fresh - _known:
        return
    with _lock:
        _known = _known | fresh


def redact(text: str) -> str:
    """``text`` without any registered secret and without oauth / passport / bearer values."""
    if not text:
        return text
    for value in sorted(_known, key=len, reverse=True):  # longest first: one may contain another
        if value in text:
            text = text.replace(value, MARK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def register_credentials(creds: object) -> None:
    """Register the identifiers and secrets of a ``Credentials`` (any object with those attributes)."""
    values: list[str | None] = []
    for name in ("consumer_key", "token_id", "consumer_secret", "token_secret", "client_id"):
        value = getattr(creds, name, None)
        reveal = getattr(value, "reveal", None)
        values.append(reveal() if callable(reveal) else value if isinstance(value, str) else None)
    register(*values)


__all__ = ["MARK", "redact", "register", "register_credentials"]
