"""OAuth 1.0a request signing for NetSuite REST web services and RESTlets (token-based auth).

NetSuite accepts HMAC-SHA256 only, wants the account id in realm form (``1234567_SB1``) as the
``realm`` header parameter, and rejects a nonce+timestamp pair it has seen before; so every request,
retries included, is signed afresh with a new nonce and the current time. Query-string parameters
(SuiteQL ``limit``/``offset``, RESTlet ``script``/``deploy``) are part of the signature; a JSON body
is not.
"""

from __future__ import annotations

import secrets
import string

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER
from requests_oauthlib import OAuth1

from netsuite_audit.inputs.credentials import Credentials

NONCE_LENGTH = 20
_NONCE_ALPHABET = string.ascii_letters + string.digits


def new_nonce() -> str:
    """20 random letters and digits (NetSuite allows 6 to 64 alphanumerics)."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


class TbaAuth(requests.auth.AuthBase):
    """Signs each request it is applied to. Holds the credentials; its repr shows no secret."""

    def __init__(self, creds: Credentials, *, nonce: str | None = None, timestamp: str | None = None) -> None:
        self._creds = creds
        self._nonce = nonce
        self._timestamp = timestamp

    def _signer(self) -> OAuth1:
        creds = self._creds
        return OAuth1(
            client_key=creds.consumer_key,
            client_secret=creds.consumer_secret.reveal(),
            resource_owner_key=creds.token_id,
            resource_owner_secret=creds.token_secret.reveal(),
            signature_method=SIGNATURE_HMAC_SHA256,
            signature_type=SIGNATURE_TYPE_AUTH_HEADER,
            realm=creds.account.realm,
            nonce=self._nonce if self._nonce is not None else new_nonce(),
            timestamp=self._timestamp,  # None: oauthlib takes the current time at signing
            decoding=None,  # keep header values as str (the default turns every header into bytes)
        )

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        signed: requests.PreparedRequest = self._signer()(request)
        return signed

    def __repr__(self) -> str:
        return f"TbaAuth(account={self._creds.account.realm!r}, consumer_key=..., token_id=...)"


def rest_auth(
    creds: Credentials, *, nonce: str | None = None, timestamp: str | None = None
) -> requests.auth.AuthBase:
    """An auth object for ``requests``: OAuth 1.0a, HMAC-SHA256, realm ``creds.account.realm``.

    A fresh nonce and timestamp are made for every request unless fixed here (tests only).
    """
    return TbaAuth(creds, nonce=nonce, timestamp=timestamp)
