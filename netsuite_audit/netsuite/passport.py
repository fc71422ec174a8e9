"""The SOAP ``tokenPassport`` header: token-based login, one fresh passport per request.

The signature is HMAC-SHA256 over ``account&consumerKey&token&nonce&timestamp`` with the key
``consumerSecret&tokenSecret``, base64-encoded. ``account`` is the realm form (``1234567_SB1``).
NetSuite refuses a nonce+timestamp pair it has already seen, so a passport is never reused: build a
new one for every attempt, retries included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.netsuite.oauth import new_nonce

ALGORITHM = "HMAC-SHA256"
# SOAP also takes the underscore spelling (the coreTypes SignatureAlgorithm enum uses it).
ACCEPTED_ALGORITHMS = frozenset({"HMAC-SHA256", "HMAC_SHA256"})


def _enc(part: str) -> str:
    """RFC 3986 encoding (PHP rawurlencode); a no-op for hex keys, alphanumeric nonces and ``_SB1``."""
    return quote(part, safe="-._~")


def passport_signature(
    *,
    account: str,
    consumer_key: str,
    token: str,
    nonce: str,
    timestamp: str | int,
    consumer_secret: str,
    token_secret: str,
) -> str:
    """base64(HMAC-SHA256(consumerSecret&tokenSecret, account&consumerKey&token&nonce&timestamp)).

    Pure function shared by the client (signing) and the simulator (verifying).
    """
    base = "&".join(_enc(str(p)) for p in (account, consumer_key, token, nonce, timestamp))
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}"
    digest = hmac.new(key.encode("utf-8"), base.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class TokenPassport:
    """The values of one ``tokenPassport`` header. Holds no secret: the signature is derived."""

    account: str
    consumer_key: str
    token: str
    nonce: str
    timestamp: int
    signature: str = field(repr=False)
    algorithm: str = ALGORITHM

    def as_header(self) -> dict[str, object]:
        """Keyword form for zeep's ``TokenPassport`` type (children in the core namespace)."""
        return {
            "account": self.account,
            "consumerKey": self.consumer_key,
            "token": self.token,
            "nonce": self.nonce,
            "timestamp": self.timestamp,
            "signature": {"_value_1": self.signature, "algorithm": self.algorithm},
        }


def build_passport(
    creds: Credentials, *, nonce: str | None = None, timestamp: int | None = None
) -> TokenPassport:
    """A new passport for ``creds``: fresh 20-character nonce and the current time unless given."""
    account = creds.account.realm
    nonce = nonce if nonce is not None else new_nonce()
    ts = int(time.time()) if timestamp is None else int(timestamp)
    signature = passport_signature(
        account=account,
        consumer_key=creds.consumer_key,
        token=creds.token_id,
        nonce=nonce,
        timestamp=ts,
        consumer_secret=creds.consumer_secret.reveal(),
        token_secret=creds.token_secret.reveal(),
    )
    return TokenPassport(
        account=account,
        consumer_key=creds.consumer_key,
        token=creds.token_id,
        nonce=nonce,
        timestamp=ts,
        signature=signature,
    )
