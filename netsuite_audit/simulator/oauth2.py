"""OAuth 2.0 client credentials (M2M) as the simulated account checks them.

The token endpoint verifies the client assertion with the mapped certificate's public key using
``cryptography`` directly (its own JWS parsing and signature check, never the client's PyJWT code
path), then issues a 60-minute access token it signs itself (ES256 with a key made at start). REST and
RESTlet requests carrying ``Authorization: Bearer`` are checked against that key, the token's scopes
and the mapping's current state.

Facts from Oracle's help (section ids in docs/simulator.md): the request form, the assertion's header
and claims, the accepted algorithms, ``exp`` at most an hour after ``iat``, 60-minute tokens, ``sub`` =
"role;entity", scopes per integration record, SOAP refusing OAuth 2.0. ASSUMED (Oracle publishes only
the RFC 6749 error codes): which error code each cause gets, the HTTP status (401 for
``invalid_client``, 400 otherwise), every ``error_description`` text, and the clock leeway.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from netsuite_audit.netsuite.permissions import Level
from netsuite_audit.simulator.auth import LoginRefused, Principal, permission_level
from netsuite_audit.simulator.fixture import AccountFixture, Employee, Integration, M2MMapping, Role
from netsuite_audit.simulator.trail import Cause

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACCEPTED = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
MAX_ASSERTION_S = 3600
TOKEN_LIFETIME_S = 3600
LEEWAY_S = 300  # ASSUMED: how far NetSuite lets iat run ahead of its clock (as for TBA timestamps)
ISSUER = "https://system.netsuite.com"
PERM_LOGIN_OAUTH2 = "ADMI_LOGIN_OAUTH2"  # Log In using OAuth 2.0 Access Tokens
FEATURE_OAUTH2 = "OAUTH2"  # UNCERTAIN feature id: Enable Features > SuiteCloud > Manage Authentication > OAuth 2.0
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}
_CURVE_FOR = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}

# Cause -> (OAuth 2.0 error, HTTP status, error_description). All ASSUMED but the error names.
ANSWERS: dict[Cause, tuple[str, int, str]] = {
    Cause.M2M_FEATURE_DISABLED: ("unauthorized_client", 400, "OAuth 2.0 is not enabled in this account."),
    Cause.M2M_BAD_REQUEST: ("invalid_request", 400, "The request is not a valid client credentials request."),
    Cause.M2M_CLIENT_UNKNOWN: ("invalid_client", 401, "Unknown client id."),
    Cause.M2M_GRANT_NOT_ALLOWED: ("unauthorized_client", 400,
                                  "The client credentials grant is not allowed for this integration."),
    Cause.M2M_WRONG_ACCOUNT: ("invalid_client", 401, "The audience names another account."),
    Cause.M2M_AUDIENCE_REJECTED: ("invalid_client", 401, "Invalid audience."),
    Cause.M2M_CERTIFICATE_UNKNOWN: ("invalid_client", 401, "Unknown certificate id."),
    Cause.M2M_CERTIFICATE_REVOKED: ("invalid_client", 401, "The certificate is revoked."),
    Cause.M2M_CERTIFICATE_EXPIRED: ("invalid_client", 401, "The certificate is expired."),
    Cause.M2M_ALGORITHM_REJECTED: ("invalid_client", 401, "Unsupported signature algorithm."),
    Cause.M2M_INVALID_SIGNATURE: ("invalid_client", 401, "Invalid signature."),
    Cause.M2M_EXPIRY_TOO_FAR: ("invalid_request", 400, "The exp claim is more than 3600 seconds after iat."),
    Cause.M2M_CLOCK_SKEW: ("invalid_client", 401, "The assertion is not valid at this time (iat/exp)."),
    Cause.M2M_SCOPE_REJECTED: ("invalid_scope", 400, "Invalid scope."),
    Cause.M2M_ENTITY_INACTIVE: ("invalid_grant", 400, "The entity is inactive or has no access."),
    Cause.M2M_ROLE_INACTIVE: ("invalid_grant", 400, "The role is inactive or not assigned to the entity."),
}


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class _Jws:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _split(token: str) -> _Jws | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return _Jws(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def public_key_of(certificate: str) -> Any:
    """The public key of a PEM certificate (or of a bare PEM public key)."""
    data = certificate.encode("ascii", "replace")
    if b"BEGIN CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    return load_pem_public_key(data)


def verify_signature(jws: _Jws, alg: str, public_key: Any) -> bool:
    """RFC 7518 section 3.4/3.5: ECDSA signatures travel as r||s; RSA-PSS salt = digest length."""
    digest = _HASHES[alg[2:]]()
    try:
        if alg.startswith("PS") and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(jws.signature, jws.signing_input,
                              padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
            return True
        if alg.startswith("ES") and isinstance(public_key, ec.EllipticCurvePublicKey):
            if public_key.curve.name != _CURVE_FOR[alg]:
                return False
            half = len(jws.signature) // 2
            if half == 0 or len(jws.signature) % 2:
                return False
            r = int.from_bytes(jws.signature[:half], "big")
            s = int.from_bytes(jws.signature[half:], "big")
            public_key.verify(encode_dss_signature(r, s), jws.signing_input, ec.ECDSA(digest))
            return True
    except InvalidSignature:
        return False
    return False


@dataclass(frozen=True)
class Issued:
    """A token the simulator issued: the wire value and its claims."""

    value: str
    claims: dict[str, Any]


class OAuth2Server:
    """The account's token endpoint and Bearer checks. Thread-safe (no mutable state after start)."""

    def __init__(self, fixture: AccountFixture, *, realm: str, clock: Callable[[], float]) -> None:
        self.fixture = fixture
        self.realm = realm
        self._clock = clock
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._integrations = {i.consumer_key: i for i in fixture.integrations}
        self._mappings = {m.certificate_id: m for m in fixture.m2m_mappings}
        self._mapping_ids = {m.id: m for m in fixture.m2m_mappings}
        self._employees = {e.id: e for e in fixture.employees}
        self._roles = {r.id: r for r in fixture.roles}
        host = realm.lower().replace("_", "-")
        self.audience = f"https://{host}.suitetalk.api.netsuite.com{TOKEN_PATH}"

    # ------------------------------------------------------------------------------ token endpoint
    def issue(self, form: dict[str, str]) -> tuple[Issued, Principal]:
        """Check a token request; raises ``LoginRefused`` with the cause, else the new token."""
        if self.fixture.features.get(FEATURE_OAUTH2) is False:  # only when the fixture says it is off
            raise LoginRefused(Cause.M2M_FEATURE_DISABLED, "the OAuth 2.0 feature is off")
        if form.get("grant_type") != GRANT_TYPE or form.get("client_assertion_type") != ASSERTION_TYPE:
            raise LoginRefused(Cause.M2M_BAD_REQUEST, "grant_type or client_assertion_type is not client credentials")
        jws = _split(form.get("client_assertion", ""))
        if jws is None:
            raise LoginRefused(Cause.M2M_BAD_REQUEST, "client_assertion is not a compact JWS")
        header, claims = jws.header, jws.claims
        alg = header.get("alg")
        kid = header.get("kid")
        if header.get("typ") not in (None, "JWT") or not isinstance(kid, str) or not kid:
            raise LoginRefused(Cause.M2M_BAD_REQUEST, "the JWT header needs typ JWT and kid (the certificate id)")
        if alg not in ACCEPTED:
            raise LoginRefused(Cause.M2M_ALGORITHM_REJECTED, f"alg {alg!r} is not one of {', '.join(ACCEPTED)}")
        integration = self._integrations.get(str(claims.get("iss", "")))
        if integration is None:
            raise LoginRefused(Cause.M2M_CLIENT_UNKNOWN, "iss is no integration record's client id")
        if integration.state != "enabled" or not integration.client_credentials:
            raise LoginRefused(Cause.M2M_GRANT_NOT_ALLOWED,
                               f"integration {integration.name!r} is {integration.state} or lacks the "
                               "client credentials grant")
        self._check_audience(claims.get("aud"))
        mapping = self._mappings.get(kid)
        if mapping is None or mapping.application != integration.id:
            raise LoginRefused(Cause.M2M_CERTIFICATE_UNKNOWN,
                               f"no M2M mapping of {integration.name!r} has this certificate id in this account")
        names = self._names(mapping)
        if mapping.revoked:
            raise LoginRefused(Cause.M2M_CERTIFICATE_REVOKED, "the mapping's certificate is revoked", **names)
        today = datetime.fromtimestamp(self._clock(), UTC).date()
        if mapping.expires is not None and mapping.expires < today:
            raise LoginRefused(Cause.M2M_CERTIFICATE_EXPIRED,
                               f"the certificate expired on {mapping.expires.isoformat()}", **names)
        if not verify_signature(jws, str(alg), public_key_of(mapping.certificate)):
            raise LoginRefused(Cause.M2M_INVALID_SIGNATURE,
                               f"the {alg} signature does not verify with the mapped certificate", **names)
        self._check_times(claims, names)
        scopes = self._check_scopes(claims.get("scope"), integration, names)
        employee, role = self._check_principal(mapping, names)
        return self._token(mapping, integration, scopes), Principal(
            token=None, employee=employee, role=role, integration=integration, mapping=mapping)

    def _check_audience(self, aud: object) -> None:
        values = aud if isinstance(aud, list) else [aud]
        if self.audience in values:
            return
        for value in values:
            text = str(value or "")
            if text.endswith(".suitetalk.api.netsuite.com" + TOKEN_PATH):
                raise LoginRefused(Cause.M2M_WRONG_ACCOUNT,
                                   f"aud {text!r} is another account's token endpoint, not {self.audience!r}")
        raise LoginRefused(Cause.M2M_AUDIENCE_REJECTED, f"aud must be {self.audience!r}")

    def _check_times(self, claims: dict[str, Any], names: dict[str, str | None]) -> None:
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            raise LoginRefused(Cause.M2M_BAD_REQUEST, "iat and exp must be whole seconds", **names)
        if exp - iat > MAX_ASSERTION_S:
            raise LoginRefused(Cause.M2M_EXPIRY_TOO_FAR,
                               f"exp is {exp - iat} s after iat (at most {MAX_ASSERTION_S})", **names)
        now = self._clock()
        if iat > now + LEEWAY_S or exp < now:
            raise LoginRefused(Cause.M2M_CLOCK_SKEW,
                               f"iat is {iat - now:+.0f} s from the server clock and exp {exp - now:+.0f} s",
                               **names)

    @staticmethod
    def _check_scopes(scope: object, integration: Integration, names: dict[str, str | None]) -> list[str]:
        asked = scope if isinstance(scope, list) else str(scope or "").replace(",", " ").split()
        asked = [str(s) for s in asked]
        refused = [s for s in asked if s not in integration.scopes]
        if not asked or refused:
            raise LoginRefused(Cause.M2M_SCOPE_REJECTED,
                               f"scope {refused or asked!r} is not granted by integration {integration.name!r}",
                               **names)
        return asked

    def _check_principal(self, mapping: M2MMapping, names: dict[str, str | None]) -> tuple[Employee, Role]:
        employee = self._employees.get(mapping.entity)
        role = self._roles.get(mapping.role)
        if employee is None or employee.inactive or not employee.give_access:
            raise LoginRefused(Cause.M2M_ENTITY_INACTIVE, "the mapped entity is inactive or has no access", **names)
        if role is None or role.inactive or role.id not in employee.roles:
            raise LoginRefused(Cause.M2M_ROLE_INACTIVE, "the mapped role is inactive or not the entity's",
                               **names)
        if permission_level(role, PERM_LOGIN_OAUTH2) < Level.FULL:
            raise LoginRefused(Cause.M2M_ROLE_INACTIVE,
                               f"role lacks {PERM_LOGIN_OAUTH2} (Log In using OAuth 2.0 Access Tokens) at Full",
                               **names)
        return employee, role

    def _names(self, mapping: M2MMapping) -> dict[str, str | None]:
        employee = self._employees.get(mapping.entity)
        role = self._roles.get(mapping.role)
        return {"token": f"M2M certificate {mapping.certificate_id}",
                "user": employee.display_name if employee else None, "role": role.name if role else None}

    def _token(self, mapping: M2MMapping, integration: Integration, scopes: list[str]) -> Issued:
        now = int(self._clock())
        claims = {
            "sub": f"{mapping.role};{mapping.entity}",
            "aud": [f"{integration.id};{self.realm}", integration.consumer_key],
            "scope": scopes,
            "iss": ISSUER,
            "exp": now + TOKEN_LIFETIME_S,
            "iat": now,
            "jti": secrets.token_hex(16),
            "mid": mapping.id,  # the simulator's own claim: which mapping issued it
        }
        return Issued(self._sign(claims), claims)

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64encode(json.dumps({"alg": "ES256", "typ": "JWT"}).encode())
        body = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
        der = self._key.sign(f"{header}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return f"{header}.{body}.{_b64encode(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    # ------------------------------------------------------------------------------------ Bearer
    def authenticate_bearer(self, value: str, *, scope: str) -> Principal:
        """Check an access token on a REST (``scope="rest_webservices"``) or RESTlet call."""
        jws = _split(value)
        if jws is None or not verify_signature(jws, "ES256", self._key.public_key()):
            raise LoginRefused(Cause.BEARER_REJECTED, "the access token was not issued by this account")
        claims = jws.claims
        mapping = self._mapping_ids.get(claims.get("mid"))  # type: ignore[arg-type]
        names = self._names(mapping) if mapping else {}
        if not isinstance(claims.get("exp"), int) or claims["exp"] < self._clock():
            raise LoginRefused(Cause.BEARER_REJECTED, "the access token has expired", **names)
        if mapping is None or mapping.revoked:
            raise LoginRefused(Cause.BEARER_REJECTED, "the access token's certificate mapping is revoked", **names)
        if scope not in (claims.get("scope") or []):
            raise LoginRefused(Cause.BEARER_SCOPE_MISSING, f"the access token lacks the {scope} scope", **names)
        integration = next(i for i in self.fixture.integrations if i.id == mapping.application)
        employee, role = self._check_principal(mapping, names)
        return Principal(token=None, employee=employee, role=role, integration=integration, mapping=mapping)


def answer_for(cause: Cause) -> tuple[str, int, str]:
    """The (error, status, description) the token endpoint sends for ``cause``."""
    return ANSWERS.get(cause, ANSWERS[Cause.M2M_BAD_REQUEST])

