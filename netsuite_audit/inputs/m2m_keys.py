"""OAuth 2.0 client-credentials (machine-to-machine) keys: the client id, the certificate id NetSuite
showed when the certificate was mapped, and the private key that signs the client assertion.

The private key is PEM text (RSA or EC, unencrypted) from a file, the environment or the keyring. A
key file that other users of the machine can read is refused, as ssh refuses one. The key text lives
in a :class:`~netsuite_audit.inputs.secret.Secret` and is parsed only when an assertion is signed.

Algorithms: NetSuite accepts PS256/384/512 (RSA-PSS) and ES256/384/512 (ECDSA); RS256 (PKCS#1 v1.5) is
not accepted. The default is PS256 for an RSA key and the curve's own ES algorithm for an EC key.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netsuite_audit.inputs.files import MAX_SETTINGS_BYTES, read_bounded
from netsuite_audit.inputs.secret import Secret
from netsuite_audit.support.errors import InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

ACCEPTED_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# The scopes an integration record can grant to client credentials (Oracle's names).
KNOWN_SCOPES = ("rest_webservices", "restlets", "suite_analytics")
_EC_ALGORITHM = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


@dataclass(frozen=True)
class M2MKey:
    """What an OAuth 2.0 client-credentials login needs. ``private_key`` is never shown."""

    client_id: str
    certificate_id: str
    private_key: Secret
    algorithm: str
    key_source: str  # "file <path>", "env NSAUDIT_PRIVATE_KEY", "keyring ..." (never the key)
    scopes: tuple[str, ...] | None = field(default=None)  # None: what the run needs

    def __repr__(self) -> str:
        return (f"M2MKey(client_id=..., certificate_id=..., algorithm={self.algorithm!r}, "
                f"key_source={self.key_source!r})")


def read_key_file(path: Path, *, source: str, field_name: str | None = None) -> str:
    """The PEM text of a private key file; refused when group or others may read or change it."""
    where = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read the private key file {where} ({exc.strerror})",
                         source=source, field=field_name) from None
    if os.name != "nt" and stat.S_IMODE(info.st_mode) & 0o077:
        raise InputError(
            f"the private key file {where} is accessible to other users (mode "
            f"{oct(stat.S_IMODE(info.st_mode))}); restrict it with: chmod 600 {where}",
            source=source, field=field_name,
        )
    try:
        return read_bounded(path, MAX_SETTINGS_BYTES).decode("ascii")
    except (InputError, UnicodeDecodeError):
        raise InputError(f"cannot read the private key file {where} as PEM text",
                         source=source, field=field_name) from None


def load_private_key(pem: str, *, source: str, field_name: str | None = None) -> PrivateKeyTypes:
    """The key object; one-line ``InputError`` (never quoting the text) when it is not usable."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode("ascii", "replace"), password=None)
    except TypeError:
        raise InputError("the private key is encrypted; give an unencrypted PEM key (keep the file mode 600)",
                         source=source, field=field_name) from None
    except (ValueError, UnsupportedAlgorithm):
        raise InputError("is not a PEM private key (RSA or EC)", source=source, field=field_name) from None
    _key_kind(key, source=source, field_name=field_name)
    return key


def _key_kind(key: PrivateKeyTypes, *, source: str, field_name: str | None) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name not in _EC_ALGORITHM:
            raise InputError(f"EC curve {key.curve.name} is not one NetSuite accepts (P-256, P-384, P-521)",
                             source=source, field=field_name)
        return "EC"
    raise InputError("the private key must be RSA or EC", source=source, field=field_name)


def choose_algorithm(key: PrivateKeyTypes, requested: str | None, *, source: str,
                     field_name: str | None = None) -> str:
    """The signing algorithm: ``requested`` when it fits the key, else the key's default."""
    from cryptography.hazmat.primitives.asymmetric import ec

    kind = _key_kind(key, source=source, field_name=field_name)
    if requested is not None:
        wanted = requested.strip().upper()
        if wanted.startswith("RS"):
            raise InputError(f"{wanted} (RSA PKCS#1 v1.5) is not accepted by NetSuite; use PS256 with an RSA key",
                             source=source, field=field_name)
        if wanted not in ACCEPTED_ALGORITHMS:
            raise InputError(f"{requested!r} is not one of {', '.join(ACCEPTED_ALGORITHMS)}",
                             source=source, field=field_name)
        if kind == "RSA" and not wanted.startswith("PS"):
            raise InputError(f"{wanted} needs an EC key; this key is RSA (use PS256, PS384 or PS512)",
                             source=source, field=field_name)
        if kind == "EC":
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            fitting = _EC_ALGORITHM[key.curve.name]
            if wanted != fitting:
                raise InputError(f"{wanted} does not fit this EC key ({key.curve.name}); use {fitting}",
                                 source=source, field=field_name)
        return wanted
    if kind == "RSA":
        return "PS256"
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return _EC_ALGORITHM[key.curve.name]


def parse_scopes(text: str | list[object] | None, *, source: str, field_name: str | None = None
                 ) -> tuple[str, ...] | None:
    """Scopes from ``"rest_webservices,restlets"`` or a list; ``None`` when not given."""
    if text is None:
        return None
    items = [s.strip() for s in text.split(",")] if isinstance(text, str) else list(text)
    scopes: list[str] = []
    for item in items:
        if not isinstance(item, str) or item not in KNOWN_SCOPES:
            raise InputError(f"unknown scope {item!r}; known scopes: {', '.join(KNOWN_SCOPES)}",
                             source=source, field=field_name)
        scopes.append(item)
    if not scopes:
        raise InputError("names no scope", source=source, field=field_name)
    return tuple(dict.fromkeys(scopes))


def build_key(*, client_id: str, certificate_id: str, pem: str, algorithm: str | None,
              scopes: tuple[str, ...] | None, key_source: str, source: str,
              key_field: str | None = None, algorithm_field: str | None = None) -> M2MKey:
    """Check the key (parses, fits the algorithm) and wrap it; the PEM text goes into a Secret."""
    key = load_private_key(pem, source=source, field_name=key_field)
    chosen = choose_algorithm(key, algorithm, source=source, field_name=algorithm_field)
    return M2MKey(client_id=client_id, certificate_id=certificate_id, private_key=Secret(pem),
                  algorithm=chosen, key_source=key_source, scopes=scopes)
