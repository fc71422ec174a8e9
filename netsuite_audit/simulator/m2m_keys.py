"""Key pairs and certificate mappings for OAuth 2.0 logins against the simulator.

Nothing here is committed: the demo and the tests make a fresh key pair at run time, keep the private
key in a 0600 file in a temporary directory, and add the public certificate to the in-memory account
fixture as an M2M mapping, the way an admin uploads it on NetSuite's mapping page.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from netsuite_audit.simulator.fixture import AccountFixture, Integration, M2MMapping

KeyKind = Literal["ec", "rsa", "ec384"]


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    certificate_pem: str


def generate_key_pair(kind: KeyKind = "ec", *, common_name: str = "nsaudit simulator") -> KeyPair:
    """A fresh private key (EC P-256, EC P-384 or RSA 2048) and a self-signed certificate for it."""
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = ec.generate_private_key(ec.SECP384R1() if kind == "ec384" else ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
    return KeyPair(private_pem, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))


def write_private_key(pem: str, folder: Path, name: str = "nsaudit-m2m.pem") -> Path:
    """Write the key readable by its owner only (created 0600, never wider for a moment)."""
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(pem)
    path.chmod(0o600)
    return path


def with_mapping(
    fixture: AccountFixture,
    *,
    certificate: str,
    certificate_id: str,
    entity: int,
    role: int,
    application: int,
    revoked: bool = False,
    expires: dt.date | None = None,
    scopes: tuple[str, ...] | None = None,
) -> AccountFixture:
    """The fixture with one more M2M mapping (and the application's scopes replaced, when given). The
    application's client-credentials grant stays as the fixture has it."""
    mapping = M2MMapping(
        id=max((m.id for m in fixture.m2m_mappings), default=0) + 1, certificate_id=certificate_id,
        entity=entity, role=role, application=application, certificate=certificate, revoked=revoked,
        expires=expires,
    )
    integrations: list[Integration] = []
    for integration in fixture.integrations:
        if integration.id == application and scopes is not None:
            integration = integration.model_copy(update={"scopes": list(scopes)})
        integrations.append(integration)
    # Validated afresh (not model_copy): the fixture caches lookups built from the old lists.
    data = fixture.model_dump(by_alias=True)
    data["m2m_mappings"] = [m.model_dump() for m in (*fixture.m2m_mappings, mapping)]
    data["integrations"] = [i.model_dump() for i in integrations]
    return AccountFixture.model_validate(data)
