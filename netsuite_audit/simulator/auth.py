"""Token-based authentication as the simulated account checks it, independently of our client.

REST and RESTlet requests carry an OAuth 1.0a ``Authorization`` header; the signature is recomputed
here with oauthlib's server-side helpers (parameter collection, normalisation, base string), never
with the client's signing code. SOAP requests carry a ``tokenPassport``; its signature is recomputed
with the shared pure function :func:`netsuite_audit.netsuite.passport.passport_signature`.

Every check that fails raises :class:`LoginRefused` carrying the cause under NetSuite's Login Audit
Trail name; the caller (``SimAccount``) records it in the trail and answers with NetSuite's generic
refusal, which never says why.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.netsuite.passport import ACCEPTED_ALGORITHMS, passport_signature
from netsuite_audit.netsuite.permissions import Level
from netsuite_audit.simulator.fixture import AccountFixture, Employee, Integration, M2MMapping, Role, Token
from netsuite_audit.simulator.trail import Cause
from netsuite_audit.support.errors import NsauditError

TIMESTAMP_WINDOW_S = 300  # NetSuite accepts a timestamp within five minutes of its own clock
REST_ALGORITHM = "HMAC-SHA256"  # REST and RESTlets accept only the hyphen spelling
_NONCE = re.compile(r"^[A-Za-z0-9]{6,64}$")
_REQUIRED_OAUTH = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_nonce",
    "oauth_timestamp",
    "oauth_signature_method",
    "oauth_signature",
)

# Feature keys in AccountFixture.features.
FEATURE_TBA = "TBA"
FEATURE_REST = "RESTWEBSERVICES"
FEATURE_SOAP = "SOAPWEBSERVICES"

PERM_LOGIN_TOKENS = "ADMI_LOGIN_OAUTH"
PERM_REST = "ADMI_RESTWEBSERVICES"
PERM_SOAP = "ADMI_WEBSERVICES"
PERM_ANALYTICS = "REPO_ANALYTICS"


@dataclass(frozen=True)
class Principal:
    """Who a request runs as once its token is accepted: a user, a role and an integration.

    ``token`` is the TBA access token, ``mapping`` the OAuth 2.0 certificate mapping (one of the two).
    """

    token: Token | None
    employee: Employee
    role: Role
    integration: Integration
    mapping: M2MMapping | None = None

    @property
    def names(self) -> dict[str, str]:
        mapping = self.mapping.certificate_id if self.mapping else "?"
        label = self.token.name if self.token else f"M2M certificate {mapping}"
        return {"token": label, "user": self.employee.display_name, "role": self.role.name}


class SimulatorError(NsauditError):
    """Base of the simulator's own errors (the layer base named in ``netsuite_audit.support.errors``)."""


class LoginRefused(SimulatorError):
    """A login check failed. ``cause`` is the trail name; the names identify the login if known."""

    def __init__(
        self,
        cause: Cause,
        note: str,
        *,
        token: str | None = None,
        user: str | None = None,
        role: str | None = None,
    ) -> None:
        super().__init__(f"{cause}: {note}")
        self.cause = cause
        self.note = note
        self.token = token
        self.user = user
        self.role = role


def permission_level(role: Role, key: str) -> Level:
    """The role's level for ``key``; absent or unreadable levels count as None."""
    value = role.permissions.get(key)
    if value is None:
        return Level.NONE
    try:
        return Level.parse(value)
    except (KeyError, ValueError):
        return Level.NONE


class NonceRegistry:
    """Nonces already accepted, per consumer and token; forgotten once their timestamp is too old to
    pass the time check anyway."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, str], float] = {}

    def claim(self, consumer_key: str, token: str, nonce: str, *, timestamp: float, now: float) -> bool:
        """True the first time a nonce is seen, False on reuse."""
        key = (consumer_key, token, nonce)
        with self._lock:
            if len(self._seen) > 10_000:
                horizon = now - 2 * TIMESTAMP_WINDOW_S
                self._seen = {k: ts for k, ts in self._seen.items() if ts >= horizon}
            if key in self._seen:
                return False
            self._seen[key] = timestamp
            return True


@dataclass(frozen=True)
class OAuthRequest:
    """What the REST and RESTlet checks need from an HTTP request.

    ``url`` is the full request URL as the client addressed it (scheme, Host header, raw path, query).
    ``form_body`` is the body only when it is ``application/x-www-form-urlencoded`` (a JSON body is not
    signed).
    """

    method: str
    url: str
    authorization: str | None
    form_body: str | None = None


class Authenticator:
    """Runs NetSuite's login checks for one account fixture. Thread-safe."""

    def __init__(self, fixture: AccountFixture, *, clock: Callable[[], float]) -> None:
        self.fixture = fixture
        self.realm = AccountId.parse(fixture.account_id, source="account fixture").realm
        self._clock = clock
        self._nonces = NonceRegistry()
        self._integrations = {i.consumer_key: i for i in fixture.integrations}
        self._tokens = {t.token_id: t for t in fixture.tokens}
        self._employees = {str(e.id): e for e in fixture.employees}
        self._roles = {str(r.id): r for r in fixture.roles}

    # ----------------------------------------------------------------------------------- REST
    def authenticate_oauth(self, request: OAuthRequest, *, protocol: str) -> Principal:
        """Check a REST (``protocol="rest"``) or RESTlet (``"restlet"``) request's OAuth header."""
        if not request.authorization:
            raise LoginRefused(Cause.PARAMETER_REJECTED, "no Authorization header")
        try:
            # Values arrive percent-encoded (RFC 5849 section 3.5.1); the parser only strips quotes.
            header = {
                key: oauth_utils.unescape(value)
                for key, value in oauth_utils.parse_authorization_header(request.authorization)
            }
        except ValueError:
            raise LoginRefused(Cause.PARAMETER_REJECTED, "Authorization header is not an OAuth header") from None
        missing = [name for name in _REQUIRED_OAUTH if not header.get(name)]
        if missing:
            raise LoginRefused(Cause.PARAMETER_REJECTED, f"OAuth header lacks {', '.join(missing)}")
        realm = header.get("realm", "")
        if realm != self.realm:
            raise LoginRefused(
                Cause.PARAMETER_REJECTED,  # UNCERTAIN: NetSuite's trail name for a realm in the wrong form
                f"realm {realm!r} is not this account's realm form {self.realm!r}",
            )
        if header["oauth_signature_method"] != REST_ALGORITHM:
            raise LoginRefused(
                Cause.UNKNOWN_ALGORITHM, f"signature method {header['oauth_signature_method']!r} is not accepted"
            )
        version = header.get("oauth_version")
        if version is not None and version != "1.0":
            raise LoginRefused(Cause.VERSION_REJECTED, f"oauth_version {version!r} is not 1.0")

        def signature_ok(consumer_secret: str, token_secret: str) -> bool:
            expected = self._oauth_signature(request, consumer_secret, token_secret)
            return expected is not None and hmac.compare_digest(expected, header["oauth_signature"])

        principal = self._login(
            protocol=protocol,
            consumer_key=header["oauth_consumer_key"],
            token_id=header["oauth_token"],
            nonce=header["oauth_nonce"],
            timestamp=header["oauth_timestamp"],
            signature_ok=signature_ok,
        )
        if protocol == "rest":
            self._require_rest(principal)
        return principal

    @staticmethod
    def _oauth_signature(request: OAuthRequest, consumer_secret: str, token_secret: str) -> str | None:
        parts = urlsplit(request.url)
        try:
            params = oauth_sig.collect_parameters(
                uri_query=parts.query,
                body=request.form_body or None,
                headers={"Authorization": request.authorization or ""},
                exclude_oauth_signature=True,
                with_realm=False,
            )
            normalized = oauth_sig.normalize_parameters(params)
            base_uri = oauth_sig.base_string_uri(f"{parts.scheme}://{parts.netloc}{parts.path}")
            base = oauth_sig.signature_base_string(request.method.upper(), base_uri, normalized)
        except ValueError:
            return None
        # RFC 5849 section 3.4.2 with SHA-256: key = escaped secrets joined by "&".
        key = f"{oauth_utils.escape(consumer_secret)}&{oauth_utils.escape(token_secret)}"
        digest = hmac.new(key.encode("utf-8"), base.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def require_rest(self, principal: Principal) -> None:
        """REST web services feature on and the role holds REST Web Services at Full."""
        self._require_rest(principal)

    def _require_rest(self, principal: Principal) -> None:
        if not self.fixture.feature(FEATURE_REST):
            raise LoginRefused(
                Cause.FEATURE_DISABLED, "the REST Web Services feature is off", **principal.names
            )
        if permission_level(principal.role, PERM_REST) < Level.FULL:
            raise LoginRefused(
                Cause.PERMISSION_DENIED,
                f"role lacks {PERM_REST} (REST Web Services) at Full",
                **principal.names,
            )

    # ----------------------------------------------------------------------------------- SOAP
    def authenticate_passport(
        self,
        *,
        account: str,
        consumer_key: str,
        token: str,
        nonce: str,
        timestamp: str,
        signature: str,
        algorithm: str,
    ) -> Principal:
        """Check a SOAP ``tokenPassport``. The SOAP permission itself is checked by the SOAP handler."""
        fields = {
            "account": account,
            "consumerKey": consumer_key,
            "token": token,
            "nonce": nonce,
            "timestamp": timestamp,
            "signature": signature,
        }
        missing = [name for name, value in fields.items() if not (value or "").strip()]
        if missing:
            raise LoginRefused(Cause.MISSING_FIELDS, f"tokenPassport lacks {', '.join(missing)}")
        if account != self.realm:
            raise LoginRefused(
                Cause.PARAMETER_REJECTED,  # UNCERTAIN: trail name for an account id in the wrong form
                f"account {account!r} is not this account's realm form {self.realm!r}",
            )
        if algorithm not in ACCEPTED_ALGORITHMS:
            raise LoginRefused(Cause.UNKNOWN_ALGORITHM, f"signature algorithm {algorithm!r} is not accepted")

        def signature_ok(consumer_secret: str, token_secret: str) -> bool:
            expected = passport_signature(
                account=account,
                consumer_key=consumer_key,
                token=token,
                nonce=nonce,
                timestamp=timestamp,
                consumer_secret=consumer_secret,
                token_secret=token_secret,
            )
            return hmac.compare_digest(expected, signature.strip())

        return self._login(
            protocol="soap",
            consumer_key=consumer_key,
            token_id=token,
            nonce=nonce,
            timestamp=timestamp,
            signature_ok=signature_ok,
        )

    def soap_refusal(self, principal: Principal) -> str | None:
        """Why the principal may not use SOAP web services, or None when it may."""
        if not self.fixture.feature(FEATURE_SOAP):
            return "the SOAP Web Services feature is off"
        if permission_level(principal.role, PERM_SOAP) < Level.FULL:
            return f"role lacks {PERM_SOAP} (SOAP Web Services) at Full"
        return None

    # ------------------------------------------------------------------------------- shared
    def _login(
        self,
        *,
        protocol: str,
        consumer_key: str,
        token_id: str,
        nonce: str,
        timestamp: str,
        signature_ok: Callable[[str, str], bool],
    ) -> Principal:
        now = self._clock()
        try:
            stamp = int(str(timestamp).strip())
        except ValueError:
            raise LoginRefused(Cause.INVALID_TIMESTAMP, f"timestamp {timestamp!r} is not a number") from None
        if abs(now - stamp) > TIMESTAMP_WINDOW_S:
            raise LoginRefused(
                Cause.INVALID_TIMESTAMP,
                f"timestamp is {now - stamp:+.0f} s away from the server clock (limit {TIMESTAMP_WINDOW_S} s)",
            )
        if not _NONCE.match(nonce):
            raise LoginRefused(Cause.NONCE_REJECTED, "nonce must be 6 to 64 letters and digits")
        if not self.fixture.feature(FEATURE_TBA):
            raise LoginRefused(Cause.FEATURE_DISABLED, "the Token-Based Authentication feature is off")

        integration = self._integrations.get(consumer_key)
        if integration is None:
            raise LoginRefused(Cause.CONSUMER_KEY_UNKNOWN, "no integration record has this consumer key")
        if integration.state != "enabled":
            raise LoginRefused(
                Cause.CONSUMER_KEY_REFUSED, f"integration {integration.name!r} is {integration.state}"
            )
        if not integration.tba_enabled:
            raise LoginRefused(
                Cause.CONSUMER_KEY_REFUSED,
                f"integration {integration.name!r} does not allow token-based authentication",
            )

        token = self._tokens.get(token_id)
        if token is None:
            raise LoginRefused(Cause.TOKEN_REJECTED, "no access token has this token id")
        employee = self._employees.get(str(token.user))
        role = self._roles.get(str(token.role))
        names: dict[str, Any] = {
            "token": token.name,
            "user": employee.display_name if employee else None,
            "role": role.name if role else None,
        }
        if token.revoked:
            raise LoginRefused(Cause.TOKEN_REJECTED, "the token is revoked", **names)
        if token.inactive:
            raise LoginRefused(Cause.TOKEN_REJECTED, "the token is inactive", **names)
        if str(token.integration) != str(integration.id):
            raise LoginRefused(
                Cause.TOKEN_REJECTED, f"the token belongs to another integration than {integration.name!r}",
                **names,
            )
        tba_secrets = (integration.consumer_secret, token.token_secret)
        if not signature_ok(*tba_secrets):
            raise LoginRefused(Cause.INVALID_SIGNATURE, "the signature does not match", **names)
        if not self._nonces.claim(consumer_key, token_id, nonce, timestamp=stamp, now=now):
            raise LoginRefused(Cause.NONCE_USED, "this nonce was already used", **names)

        if employee is None:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the token's user does not exist", **names)
        if employee.inactive:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the token's user is inactive", **names)
        if not employee.give_access:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the token's user has no NetSuite access", **names)
        if role is None:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the token's role does not exist", **names)
        if role.inactive:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the token's role is inactive", **names)
        if str(role.id) not in {str(r) for r in employee.roles}:
            raise LoginRefused(Cause.PERMISSION_DENIED, "the role is not assigned to the user", **names)
        if permission_level(role, PERM_LOGIN_TOKENS) < Level.FULL:
            raise LoginRefused(
                Cause.PERMISSION_DENIED,
                f"role lacks {PERM_LOGIN_TOKENS} (Log in using Access Tokens) at Full",
                **names,
            )
        return Principal(token=token, employee=employee, role=role, integration=integration)
