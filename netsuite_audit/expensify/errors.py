"""Errors from the Expensify side: one line each, with the exit code the run ends with.

``ExpensifyError`` is this layer's base. The user-fixable ones (bad credentials, unknown policy,
not a policy admin) exit 2; Expensify unreachable, rate limited after backing off, or an answer
nsaudit does not understand exit 3 (could not audit).
"""

from __future__ import annotations

import re

from netsuite_audit.netsuite.redact import redact
from netsuite_audit.support.errors import NsauditError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def server_text(text: str | None, limit: int = 160) -> str:
    """Expensify's own message, on one line and cut short (it is quoted, never trusted)."""
    clean = redact(_CONTROL.sub(" ", text or "").strip())
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


class ExpensifyError(NsauditError):
    exit_code = 3
    kind = "error"

    def __init__(self, message: str, *, response_code: int | None = None, server_message: str | None = None):
        self.response_code = response_code
        self.server_message = server_text(server_message) if server_message else None
        said = ""
        if response_code is not None or self.server_message:
            parts = [f"responseCode {response_code}" if response_code is not None else "",
                     f"'{self.server_message}'" if self.server_message else ""]
            said = f" (Expensify said: {' '.join(p for p in parts if p)})"
        # Expensify may echo the job it received (with the partner credentials): always redacted.
        super().__init__(redact(f"Expensify: {message}{said}"))


class BadCredentials(ExpensifyError):
    exit_code = 2
    kind = "bad-credentials"


class UnknownPolicy(ExpensifyError):
    exit_code = 2
    kind = "unknown-policy"


class NotPolicyAdmin(ExpensifyError):
    exit_code = 2
    kind = "not-policy-admin"


class RateLimited(ExpensifyError):
    exit_code = 3
    kind = "rate-limited"


class Unreachable(ExpensifyError):
    exit_code = 3
    kind = "unreachable"


class UnexpectedAnswer(ExpensifyError):
    """An answer that is not what the Integration Server's API answers (a maintenance page, JSON of
    another shape, nesting too deep to read): could not audit, never a user error."""

    exit_code = 3
    kind = "unexpected-answer"
