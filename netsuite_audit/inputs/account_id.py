"""NetSuite account ids in the forms admins paste, and the two forms NetSuite wants.

* realm / SOAP ``<account>`` form: upper case, underscore (``1234567_SB1``)
* host form: lower case, hyphen (``1234567-sb1``), used in ``<host>.suitetalk.api.netsuite.com``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from netsuite_audit.support.errors import InputError

_PATTERN = re.compile(r"^(?P<base>(?:TSTDRV)?\d+)(?:[_-](?P<kind>SB|RP)(?P<num>\d+))?$", re.IGNORECASE)

EXPECTED_FORMS = "1234567, 1234567_SB1 (sandbox), 1234567_RP1 (release preview) or TSTDRV1234567"


class Environment(StrEnum):
    PRODUCTION = "production"
    SANDBOX = "sandbox"
    RELEASE_PREVIEW = "release-preview"
    TEST_DRIVE = "test-drive"


@dataclass(frozen=True)
class AccountId:
    """A parsed account id. ``raw`` keeps what the user typed, for messages."""

    base: str
    kind: str | None = None  # "SB" or "RP"
    number: int | None = None
    raw: str = ""

    @classmethod
    def parse(cls, text: str, *, source: str | None = None, field: str | None = "account") -> AccountId:
        cleaned = text.strip() if isinstance(text, str) else ""
        match = _PATTERN.match(cleaned)
        if not match:
            raise InputError(
                f"{text!r} is not a NetSuite account id; expected {EXPECTED_FORMS}",
                source=source,
                field=field,
            )
        kind = match.group("kind")
        number = match.group("num")
        return cls(
            base=match.group("base").upper(),
            kind=kind.upper() if kind else None,
            number=int(number) if number else None,
            raw=cleaned,
        )

    @property
    def realm(self) -> str:
        """OAuth realm and SOAP tokenPassport ``<account>``: ``1234567_SB1``."""
        return f"{self.base}_{self.kind}{self.number}" if self.kind else self.base

    @property
    def host(self) -> str:
        """Host label: ``1234567-sb1``."""
        return self.realm.lower().replace("_", "-")

    @property
    def environment(self) -> Environment:
        if self.kind == "SB":
            return Environment.SANDBOX
        if self.kind == "RP":
            return Environment.RELEASE_PREVIEW
        if self.base.startswith("TSTDRV"):
            return Environment.TEST_DRIVE
        return Environment.PRODUCTION

    @property
    def typed_in_realm_form(self) -> bool:
        """True when the user already typed the exact realm form (``_SB1``, upper case)."""
        return self.raw == self.realm

    def default_base_url(self) -> str:
        return f"https://{self.host}.suitetalk.api.netsuite.com"

    def __str__(self) -> str:
        return self.realm
