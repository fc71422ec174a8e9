"""OAuth 2.0 client credentials (machine to machine): the token request and Bearer auth.

As Oracle documents it: a JWT client assertion (header ``typ``/``alg``/``kid`` = the certificate id;
payload ``iss`` = the client id, ``scope``, ``aud`` = the account's token endpoint, ``iat``, ``exp``)
signed with PyJWT (PS256/ES256 by default), POSTed form-encoded to
``/services/rest/auth/oauth2/v1/token``. The answer's access token (60 minutes, no refresh token)
lives in memory only; it is fetched again shortly before it expires, or once after a 401.

``aud`` is always the account's own token endpoint URL
(``https://<host>.suitetalk.api.netsuite.com/...``), also when requests go through another base URL
(a proxy or the simulator): the audience names the account, not the network path.

Refusals come back as OAuth 2.0 errors (RFC 6749 section 5.2: ``invalid_request``, ``invalid_client``,
``invalid_grant``, ``unauthorized_client``, ``invalid_scope``). Oracle does not publish NetSuite's
exact bodies; :class:`TokenRefused` keeps the error code, any ``error_description`` and the Date
header, and the login check turns them into a diagnosis (see ``login_diagnosis``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from netsuite_audit import __version__
from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.inputs.m2m_keys import M2MKey, load_private_key
from netsuite_audit.inputs.secret import Secret
from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    NetSuiteError,
    ServerError,
    TransportError,
    UnexpectedAnswer,
)
from netsuite_audit.netsuite.redact import register
from netsuite_audit.netsuite.sub_claim import parse_sub
from netsuite_audit.netsuite.transport import TRANSPORT_FAILURES, CallStats, RetryPolicy, call_with_retry

log = logging.getLogger(__name__)

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_S = 300  # Oracle allows up to 3600; a short assertion is used once, right away
MAX_ASSERTION_LIFETIME_S = 3600
REFRESH_MARGIN_S = 120  # fetch a new access token this long before the current one expires
SCOPE_REST = "rest_webservices"
SCOPE_RESTLETS = "restlets"
OAUTH_ERRORS = ("invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                "unsupported_grant_type", "invalid_scope")


class TokenRefused(AuthenticationError):
    """The token endpoint refused the client credentials. ``code`` is the OAuth 2.0 error
    (``invalid_client`` ...); ``description`` NetSuite's ``error_description``, when it sent one."""

    def __init__(self, message: str, *, description: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.description = description


@dataclass(frozen=True)
class AccessToken:
    """One access token. ``value`` is never shown; the rest is safe to record.

    ``subject`` is the token's ``sub`` claim, ``"<role id>;<entity id>"`` on NetSuite.
    """

    value: Secret
    expires_at: float  # time.time() seconds
    expires_in: int | None
    subject: str | None
    scopes: tuple[str, ...]

    @property
    def role_id(self) -> int | None:
        return parse_sub(self.subject).role_id

    @property
    def entity_id(self) -> int | None:
        return parse_sub(self.subject).entity_id


def token_endpoint(creds: Credentials) -> str:
    """The URL the token request is POSTed to (the base URL may be a proxy or the simulator)."""
    return creds.base_url.rstrip("/") + TOKEN_PATH


def token_audience(creds: Credentials) -> str:
    """``aud`` of the client assertion: the account's own token endpoint URL."""
    return creds.account.default_base_url() + TOKEN_PATH


def build_assertion(key: M2MKey, *, audience: str, scopes: tuple[str, ...], now: float,
                    lifetime: int = ASSERTION_LIFETIME_S) -> str:
    """The signed client assertion, with PyJWT; ``exp`` is at most an hour after ``iat``."""
    import jwt

    if not 0 < lifetime <= MAX_ASSERTION_LIFETIME_S:
        raise ValueError(f"an assertion lives 1 to {MAX_ASSERTION_LIFETIME_S} seconds, not {lifetime}")
    issued = int(now)
    payload = {"iss": key.client_id, "scope": list(scopes), "aud": audience, "iat": issued,
               "exp": issued + lifetime}
    private = load_private_key(key.private_key.reveal(), source=key.key_source)
    headers = {"typ": "JWT", "alg": key.algorithm, "kid": key.certificate_id}
    assertion = jwt.encode(payload, private, algorithm=key.algorithm, headers=headers)  # type: ignore[arg-type]
    register(assertion, assertion.rsplit(".", 1)[-1])  # an echo of it in a server's answer is scrubbed
    return assertion


AssertionFactory = Callable[[M2MKey, str, tuple[str, ...], float], str]


def _default_assertion(key: M2MKey, audience: str, scopes: tuple[str, ...], now: float) -> str:
    return build_assertion(key, audience=audience, scopes=scopes, now=now)


def _token_claims(value: str) -> dict[str, Any]:
    """The access token's payload, read without checking NetSuite's signature (we only need to know
    who it runs as; NetSuite checks its own signature on every call)."""
    import jwt

    try:
        claims = jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}


class TokenClient:
    """Fetches and caches the access token for one set of credentials. Thread-safe."""

    def __init__(
        self,
        creds: Credentials,
        *,
        session: requests.Session,
        scopes: tuple[str, ...],
        retry: RetryPolicy | None = None,
        stats: CallStats | None = None,
        assertion: AssertionFactory | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if creds.oauth2 is None:
            raise ValueError("TokenClient needs OAuth 2.0 credentials")
        # The key's base64 lines and the client id are scrubbed from any text a server sends back.
        pem = creds.oauth2.private_key.reveal()
        register(creds.oauth2.client_id, *(line for line in pem.splitlines() if not line.startswith("-----")))
        self.creds = creds
        self.key = creds.oauth2
        self.session = session
        self.scopes = creds.oauth2.scopes or scopes
        self.retry = retry if retry is not None else RetryPolicy()
        self.stats = stats
        self._assertion = assertion or _default_assertion
        self._clock = clock
        self._lock = threading.Lock()
        self._current: AccessToken | None = None
        self._refused: TokenRefused | None = None
        self.fetches = 0

    def __repr__(self) -> str:
        return f"TokenClient(account={self.creds.account.realm!r}, scopes={self.scopes!r})"

    @property
    def current(self) -> AccessToken | None:
        """The token in use, if one was fetched (for recording who nsaudit ran as)."""
        return self._current

    def token(self) -> AccessToken:
        """A token valid for at least ``REFRESH_MARGIN_S`` more seconds; fetched when needed.

        After a refusal the same error is raised again without asking NetSuite: the credentials
        will not change during the run, and each refused request is one more failed login.
        """
        with self._lock:
            if self._refused is not None:
                raise self._refused
            current = self._current
            if current is not None and current.expires_at - REFRESH_MARGIN_S > self._clock():
                return current
            try:
                fresh: AccessToken = call_with_retry(self._fetch, self.retry, stats=self.stats, kind="token")
            except TokenRefused as exc:
                self._refused = exc
                raise
            self._current = fresh
            return fresh

    def invalidate(self, used: AccessToken) -> None:
        """Forget ``used`` (NetSuite answered 401 to it); the next call fetches a new one."""
        with self._lock:
            if self._current is used:
                self._current = None

    def _fetch(self) -> AccessToken:
        url = token_endpoint(self.creds)
        assertion = self._assertion(self.key, token_audience(self.creds), self.scopes, self._clock())
        form = {"grant_type": GRANT_TYPE, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
        headers = {"Accept": "application/json", "User-Agent": f"nsaudit/{__version__}"}
        self.fetches += 1
        log.debug("POST %s (OAuth 2.0 client credentials, kid %s)", url, "..." + self.key.certificate_id[-4:])
        try:
            response = self.session.post(url, data=form, headers=headers, timeout=self.retry.request_timeout(),
                                         allow_redirects=False)
        except TRANSPORT_FAILURES as exc:
            raise TransportError(f"no answer from NetSuite's token endpoint {url}: {type(exc).__name__}",
                                 protocol="rest") from exc
        if response.status_code >= 300:
            raise refusal_from_response(response)
        return self._parse(response)

    def _parse(self, response: requests.Response) -> AccessToken:
        """The token answer, validated: a JSON object with an ``access_token`` that is a token (no
        whitespace or control characters: it goes into a header) and, when given, an ``expires_in`` that
        is a positive whole number. Anything else is :class:`UnexpectedAnswer` (a failure in transit);
        the token itself is never quoted."""
        date = response.headers.get("Date")

        def unexpected(what: str) -> UnexpectedAnswer:
            return UnexpectedAnswer(f"NetSuite's token endpoint answered HTTP {response.status_code} {what}; not what "
                                    "the protocol answers", code="UNEXPECTED_RESPONSE", status=response.status_code,
                                    protocol="rest", date_header=date)

        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise unexpected("with a body that is not JSON") from None
        except RecursionError:
            raise unexpected("with JSON nested too deeply to read") from None
        value = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise unexpected("without an access_token")
        assert isinstance(body, dict)
        register(value, value.rsplit(".", 1)[-1])
        if not _TOKEN_CHARS.fullmatch(value):
            raise unexpected("with an access_token holding characters no token has (whitespace or control "
                             "characters)")
        claims = _token_claims(value)
        expires_in = body.get("expires_in")
        lifetime = _lifetime(expires_in)
        if expires_in is not None and lifetime is None:
            raise unexpected("with an expires_in that is not a positive whole number of seconds")
        now = self._clock()
        exp = claims.get("exp")
        if lifetime is not None:
            expires_at = now + lifetime
        elif isinstance(exp, int) and not isinstance(exp, bool) and now < exp <= now + MAX_TOKEN_LIFETIME_S:
            expires_at = float(exp)
        else:
            expires_at = now + 3600
        scope = claims.get("scope", body.get("scope"))
        scopes = tuple(scope) if isinstance(scope, list) else tuple(str(scope or "").replace(",", " ").split())
        sub = claims.get("sub")
        return AccessToken(value=Secret(value), expires_at=expires_at, expires_in=lifetime,
                           subject=sub if isinstance(sub, str) else None,
                           scopes=tuple(str(s) for s in scopes))


# An access token goes into an Authorization header: visible ASCII only (a JWT, or RFC 6750's token68).
_TOKEN_CHARS = re.compile(r"[!-~]+")
# NetSuite's OAuth 2.0 access tokens live 60 minutes; a longer promise is held to a day at most.
MAX_TOKEN_LIFETIME_S = 86_400


def _lifetime(value: object) -> int | None:
    """``expires_in`` as seconds: a positive whole number (int, or a string of digits), capped at a day."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        value = int(value)
    if isinstance(value, float) and value.is_integer() and 0 < value <= MAX_TOKEN_LIFETIME_S:
        value = int(value)
    if isinstance(value, int) and value > 0:
        return min(value, MAX_TOKEN_LIFETIME_S)
    return None


def refusal_from_response(response: requests.Response) -> NetSuiteError:
    """The typed error for a token-endpoint refusal (any non-2xx answer)."""
    status = response.status_code
    date_header = response.headers.get("Date")
    if status >= 500 or status == 429:
        return ServerError(f"NetSuite's token endpoint failed on its side (HTTP {status})", status=status,
                           protocol="rest", date_header=date_header)
    try:
        body = json.loads(response.text)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    description = body.get("error_description") if isinstance(body, dict) else None
    code = error if isinstance(error, str) and error else f"HTTP_{status}"
    said = f": {description}" if isinstance(description, str) and description else ""
    return TokenRefused(
        f"NetSuite's token endpoint refused the OAuth 2.0 client credentials (HTTP {status} {code}){said}",
        description=description if isinstance(description, str) and description else None,
        code=code, status=status, protocol="rest", date_header=date_header,
    )


class BearerAuth(requests.auth.AuthBase):
    """Adds ``Authorization: Bearer <access token>``; remembers which token each request carried."""

    def __init__(self, tokens: TokenClient) -> None:
        self.tokens = tokens
        self._local = threading.local()

    @property
    def last_token(self) -> AccessToken | None:
        token: AccessToken | None = getattr(self._local, "token", None)
        return token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.tokens.token()
        self._local.token = token
        request.headers["Authorization"] = f"Bearer {token.value.reveal()}"
        return request

    def __repr__(self) -> str:
        return f"BearerAuth({self.tokens!r})"
