"""NetSuite credentials: where they come from and how they stay out of sight.

Two kinds: token-based authentication (TBA: consumer key/secret and token id/secret, OAuth 1.0a) and
OAuth 2.0 client credentials (M2M: client id, certificate id and a private key; see ``m2m_keys``;
secret values are ``secret.Secret``). One account may be given either or both; with both, REST uses
OAuth 2.0 and SOAP (which accepts only TBA) uses the token.

Three sources, tried in this order when no profile is named:

1. environment variables, used when ``NSAUDIT_ACCOUNT`` is set: ``NSAUDIT_CONSUMER_KEY``,
   ``NSAUDIT_CONSUMER_SECRET``, ``NSAUDIT_TOKEN_ID``, ``NSAUDIT_TOKEN_SECRET`` for TBA;
   ``NSAUDIT_CLIENT_ID``, ``NSAUDIT_CERTIFICATE_ID`` and ``NSAUDIT_PRIVATE_KEY_FILE`` (or the PEM text
   in ``NSAUDIT_PRIVATE_KEY``) for OAuth 2.0;
2. the ``default`` profile of the profiles file (TOML, ``[profiles.<name>]``, ``auth = "tba"``,
   ``"oauth2"`` or ``"both"``);
3. nothing: an ``InputError`` that lists the options.

A profile keeps its secrets inline (TBA), in a key file (OAuth 2.0) or in the system keyring
(``secrets = "keyring"``). Secret values live in :class:`Secret`, whose text form is always masked; no
message built here contains one.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.files import MAX_SETTINGS_BYTES, decode, read_bounded
from netsuite_audit.inputs.m2m_keys import M2MKey, build_key, parse_scopes, read_key_file
from netsuite_audit.inputs.secret import Secret
from netsuite_audit.support.errors import InputError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "nsaudit"
DEFAULT_PROFILE = "default"

ENV_ACCOUNT = "NSAUDIT_ACCOUNT"
ENV_CONSUMER_KEY = "NSAUDIT_CONSUMER_KEY"
ENV_CONSUMER_SECRET = "NSAUDIT_CONSUMER_SECRET"
ENV_TOKEN_ID = "NSAUDIT_TOKEN_ID"
ENV_TOKEN_SECRET = "NSAUDIT_TOKEN_SECRET"
ENV_BASE_URL = "NSAUDIT_BASE_URL"
ENV_PROFILES_FILE = "NSAUDIT_PROFILES_FILE"
ENV_CLIENT_ID = "NSAUDIT_CLIENT_ID"
ENV_CERTIFICATE_ID = "NSAUDIT_CERTIFICATE_ID"
ENV_PRIVATE_KEY_FILE = "NSAUDIT_PRIVATE_KEY_FILE"
ENV_PRIVATE_KEY = "NSAUDIT_PRIVATE_KEY"
ENV_OAUTH2_ALGORITHM = "NSAUDIT_OAUTH2_ALGORITHM"
ENV_OAUTH2_SCOPES = "NSAUDIT_OAUTH2_SCOPES"
TBA_ENV = (ENV_CONSUMER_KEY, ENV_CONSUMER_SECRET, ENV_TOKEN_ID, ENV_TOKEN_SECRET)
M2M_ENV = (ENV_CLIENT_ID, ENV_CERTIFICATE_ID, ENV_PRIVATE_KEY_FILE, ENV_PRIVATE_KEY)
# Test rigs only: allow a plain-http base URL to a host that is not loopback (warns on stderr).
ENV_ALLOW_INSECURE_HTTP = "NSAUDIT_ALLOW_INSECURE_HTTP"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

AUTH_KINDS = ("tba", "oauth2", "both")
_TBA_FIELDS = frozenset({"consumer_key", "consumer_secret", "token_id", "token_secret"})
_M2M_FIELDS = frozenset({"client_id", "certificate_id", "private_key_file", "algorithm", "scopes"})
_PROFILE_FIELDS = frozenset({"account", "base_url", "secrets", "auth"}) | _TBA_FIELDS | _M2M_FIELDS
_SECRET_FIELDS = ("consumer_secret", "token_secret")
PRIVATE_KEY_FIELD = "private_key"  # the keyring entry <profile>:private_key holds the PEM text


NO_SECRET = Secret("")  # the TBA secrets when only OAuth 2.0 was given
SIMULATED = "(simulated account)"  # ends the source of the demo's credentials (its simulator answers)


def _tail(value: str) -> str:
    """Show only the last four characters of an identifier (and nothing of a short one)."""
    return f"****{value[-4:]}" if len(value) >= 8 else "****"


@dataclass(frozen=True, repr=False, kw_only=True)
class Credentials:
    """Everything needed to sign a request for one account, with a safe text form.

    The four TBA fields are empty when only OAuth 2.0 was given; ``oauth2`` is ``None`` when only TBA was.
    """

    account: AccountId
    consumer_key: str = ""
    consumer_secret: Secret = NO_SECRET
    token_id: str = ""
    token_secret: Secret = NO_SECRET
    base_url: str
    source: str
    profile: str | None = None
    oauth2: M2MKey | None = None

    @property
    def has_tba(self) -> bool:
        return bool(self.consumer_key and self.token_id and self.consumer_secret and self.token_secret)

    @property
    def auth(self) -> str:
        """``"tba"``, ``"oauth2"`` or ``"both"``."""
        if self.oauth2 is None:
            return "tba"
        return "both" if self.has_tba else "oauth2"

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.describe().items())
        return f"Credentials({fields})"

    @property
    def simulated(self) -> bool:
        """True for the demo's credentials: the endpoint is nsaudit's own simulator."""
        return self.source.endswith(SIMULATED)

    @property
    def base_url_overridden(self) -> bool:
        """True when ``base_url`` is not the account's own SuiteTalk domain (simulator, proxy)."""
        return self.base_url != self.account.default_base_url()

    def describe(self) -> dict[str, str]:
        """Fields that are safe to print or log."""
        out = {
            "account": self.account.realm,
            "environment": str(self.account.environment),
            "base_url": self.base_url,
            "source": self.source,
            "auth": self.auth,
        }
        if self.has_tba:
            out["consumer_key"] = _tail(self.consumer_key)
            out["token_id"] = _tail(self.token_id)
        if self.oauth2 is not None:
            out["client_id"] = _tail(self.oauth2.client_id)
            out["certificate_id"] = _tail(self.oauth2.certificate_id)
            out["algorithm"] = self.oauth2.algorithm
        if self.profile is not None:
            out["profile"] = self.profile
        return out


def default_profiles_file(env: Mapping[str, str] | None = None) -> Path:
    """``$NSAUDIT_PROFILES_FILE``, else ``profiles.toml`` in the user's config directory."""
    env = os.environ if env is None else env
    override = env.get(ENV_PROFILES_FILE, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("nsaudit", appauthor=False)) / "profiles.toml"


def list_profiles(profiles_file: Path | None = None, env: Mapping[str, str] | None = None) -> list[str]:
    """Profile names in the profiles file, sorted; ``[]`` when the file does not exist."""
    path = profiles_file if profiles_file is not None else default_profiles_file(env)
    if not path.is_file():
        return []
    return sorted(_read_profiles(path))


def load_credentials(
    profile: str | None = None,
    *,
    profiles_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """Resolve credentials: the named profile; else the environment when ``NSAUDIT_ACCOUNT`` is set;
    else the ``default`` profile; else an ``InputError`` naming the three ways to provide them."""
    env = os.environ if env is None else env
    path = profiles_file if profiles_file is not None else default_profiles_file(env)
    if profile is not None:
        return _from_profile(profile, path, env)
    if env.get(ENV_ACCOUNT, "").strip():
        return _from_env(env)
    if path.is_file():
        profiles = _read_profiles(path)
        if DEFAULT_PROFILE in profiles:
            return _build_profile(DEFAULT_PROFILE, path, profiles, env)
    raise InputError(
        "no NetSuite credentials found. Provide them in one of three ways: set "
        f"{ENV_ACCOUNT} with {ENV_CONSUMER_KEY}, {ENV_CONSUMER_SECRET}, {ENV_TOKEN_ID} and {ENV_TOKEN_SECRET} "
        f"(token-based auth) and/or {ENV_CLIENT_ID}, {ENV_CERTIFICATE_ID} and {ENV_PRIVATE_KEY_FILE} "
        f"(OAuth 2.0); add a [profiles.{DEFAULT_PROFILE}] table to {path}; or name another profile of that "
        "file with --profile"
    )


# -- environment ------------------------------------------------------------------------------


def point_out_spaces(value: str, where: str) -> None:
    """A credential with a space or tab around it (a copying slip) is pointed out in one line naming where
    it came from, never the value; nsaudit uses it without them. A trailing newline (from a file or
    ``echo``) is not worth a word."""
    core = value.rstrip("\r\n")
    if core == core.strip():
        return
    side = ("begins and ends" if core[:1].isspace() and core[-1:].isspace()
            else "begins" if core[:1].isspace() else "ends")
    log.warning("%s %s with a space or tab: nsaudit left it out; credentials have none, so if the workspace's "
                "NetSuite connection was given it with the space, NetSuite refuses that login", where, side)


def _env_value(env: Mapping[str, str], name: str, kind: str = "token-based auth") -> str:
    point_out_spaces(env.get(name, ""), f"env {name}")
    value = env.get(name, "").strip()
    if not value:
        raise InputError(f"is not set or empty (needed for {kind} with NSAUDIT_ACCOUNT)", source=f"env {name}")
    return value


def _from_env(env: Mapping[str, str]) -> Credentials:
    account = AccountId.parse(env.get(ENV_ACCOUNT, ""), source=f"env {ENV_ACCOUNT}", field=None)
    base_url = _base_url(env, None, account, file_source=None)
    has_tba = any(env.get(name, "").strip() for name in TBA_ENV)
    m2m = _m2m_from_env(env) if any(env.get(name, "").strip() for name in M2M_ENV) else None
    if not has_tba and m2m is not None:
        return Credentials(account=account, base_url=base_url, source="env", oauth2=m2m)
    return Credentials(
        account=account,
        consumer_key=_env_value(env, ENV_CONSUMER_KEY),
        consumer_secret=Secret(_env_value(env, ENV_CONSUMER_SECRET)),
        token_id=_env_value(env, ENV_TOKEN_ID),
        token_secret=Secret(_env_value(env, ENV_TOKEN_SECRET)),
        base_url=base_url,
        source="env",
        oauth2=m2m,
    )


def _m2m_from_env(env: Mapping[str, str]) -> M2MKey:
    key_file = env.get(ENV_PRIVATE_KEY_FILE, "").strip()
    key_text = env.get(ENV_PRIVATE_KEY, "").strip()
    if key_file and key_text:
        raise InputError(f"give the private key once: {ENV_PRIVATE_KEY_FILE} or {ENV_PRIVATE_KEY}, not both",
                         source=f"env {ENV_PRIVATE_KEY}")
    if key_file:
        source = f"env {ENV_PRIVATE_KEY_FILE}"
        pem = read_key_file(Path(key_file).expanduser(), source=source)
        key_source = f"file {key_file}"
    elif key_text:
        source = key_source = f"env {ENV_PRIVATE_KEY}"
        pem = key_text
    else:
        raise InputError(f"is not set (OAuth 2.0 needs the private key, or its PEM text in {ENV_PRIVATE_KEY})",
                         source=f"env {ENV_PRIVATE_KEY_FILE}")
    algorithm = env.get(ENV_OAUTH2_ALGORITHM, "").strip() or None
    scopes = parse_scopes(env.get(ENV_OAUTH2_SCOPES, "").strip() or None, source=f"env {ENV_OAUTH2_SCOPES}")
    return build_key(
        client_id=_env_value(env, ENV_CLIENT_ID, kind="OAuth 2.0"),
        certificate_id=_env_value(env, ENV_CERTIFICATE_ID, kind="OAuth 2.0"),
        pem=pem, algorithm=algorithm, scopes=scopes, key_source=key_source, source=source,
    )


# -- profiles file ----------------------------------------------------------------------------


def _read_profiles(path: Path) -> dict[str, Any]:
    source = str(path)
    _warn_if_shared(path)
    if not path.exists():
        raise InputError("the profiles file does not exist", source=source)
    raw = read_bounded(path, MAX_SETTINGS_BYTES, what="the profiles file")
    try:
        data = tomllib.loads(decode(raw, source))
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message gives a position, never the offending text.
        raise InputError(f"not valid TOML: {exc}", source=source) from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise InputError("must be a table of [profiles.<name>] tables", source=source, field="profiles")
    for name, table in profiles.items():
        if not isinstance(table, dict):
            raise InputError("must be a table", source=source, field=f"profiles.{name}")
    return profiles


_WARNED: set[tuple[str, int]] = set()  # (file, mode) already warned about in this process
_WARNED_LOCK = threading.Lock()  # several accounts load their profiles at once (run --all-profiles)
_SHARED = stat.S_IRWXG | stat.S_IRWXO
_EXPOSED = stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH


def _shared_mode(path: Path) -> int:
    """The group/other permission bits of ``path`` (0 on Windows or when it cannot be stat'ed)."""
    if os.name == "nt":
        return 0
    try:
        return stat.S_IMODE(path.stat().st_mode) & _SHARED
    except OSError:
        return 0


def _warn_if_shared(path: Path) -> None:
    """Any access for group or others is worth a warning, write bits included: another user who can
    write the file can point ``base_url`` at their own server. Printed once per file and mode."""
    shared = _shared_mode(path)
    key = (str(path.resolve()), shared)
    with _WARNED_LOCK:
        if not shared or key in _WARNED:
            return
        _WARNED.add(key)
    log.warning(
        "%s is open to other users of this machine (mode %s: %s); restrict it with: chmod 600 %s",
        path,
        oct(stat.S_IMODE(path.stat().st_mode)),
        _describe_access(shared),
        path,
    )


def _describe_access(bits: int) -> str:
    who = [("group", stat.S_IRGRP, stat.S_IWGRP, stat.S_IXGRP), ("others", stat.S_IROTH, stat.S_IWOTH, stat.S_IXOTH)]
    parts = []
    for name, read, write, run in who:
        can = [verb for verb, bit in (("read", read), ("write", write), ("execute", run)) if bits & bit]
        if can:
            parts.append(f"{name} can {'/'.join(can)}")
    return ", ".join(parts)


def _refuse_exposed_inline(path: Path, field: str) -> None:
    """Inline secrets in a file other users can read or write are refused, not just warned about:
    readable means the secrets are already out, writable means someone else decides where they go."""
    exposed = _shared_mode(path) & _EXPOSED
    if exposed:
        raise InputError(
            f"holds secrets inline but {_describe_access(exposed)} it; run chmod 600 {path} "
            '(or keep the secrets in the keyring with secrets = "keyring")',
            source=str(path),
            field=field,
        )


def _field(table: Mapping[str, Any], key: str, source: str, prefix: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise InputError("is missing", source=source, field=f"{prefix}.{key}")
        return None
    if not isinstance(value, str):
        # Never echo the value: it may be a secret typed into the wrong place.
        kind = type(value).__name__
        raise InputError(f"must be a string, not {kind}", source=source, field=f"{prefix}.{key}")
    point_out_spaces(value, f"{source} {prefix}.{key}")
    value = value.strip()
    if not value:
        if required:
            raise InputError("is empty", source=source, field=f"{prefix}.{key}")
        return None
    return value


def _from_profile(name: str, path: Path, env: Mapping[str, str]) -> Credentials:
    source = str(path)
    if not path.is_file():
        raise InputError(
            f"profile {name!r} was asked for but the profiles file does not exist "
            f"(set {ENV_PROFILES_FILE} to use another file)",
            source=source,
        )
    return _build_profile(name, path, _read_profiles(path), env)


def _build_profile(name: str, path: Path, profiles: Mapping[str, Any], env: Mapping[str, str]) -> Credentials:
    source = str(path)
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise InputError(f"no profile named {name!r} (profiles in this file: {known})", source=source)
    table: Mapping[str, Any] = profiles[name]
    prefix = f"profiles.{name}"
    unknown = sorted(set(table) - _PROFILE_FIELDS)
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_PROFILE_FIELDS))}",
            source=source,
            field=prefix,
        )
    account_text = _field(table, "account", source, prefix, required=True) or ""
    account = AccountId.parse(account_text, source=source, field=f"{prefix}.account")
    file_base_url = _field(table, "base_url", source, prefix, required=False)
    base_url = _base_url(env, file_base_url, account, file_source=(source, f"{prefix}.base_url"))
    auth = _field(table, "auth", source, prefix, required=False) or "tba"
    if auth not in AUTH_KINDS:
        raise InputError(f"must be one of {', '.join(AUTH_KINDS)}", source=source, field=f"{prefix}.auth")
    other = sorted(set(table) & (_M2M_FIELDS if auth == "tba" else _TBA_FIELDS if auth == "oauth2" else set()))
    if other:
        raise InputError(f'does not belong in a profile with auth = "{auth}" (use auth = "both" for both kinds)',
                         source=source, field=f"{prefix}.{other[0]}")

    mode = _field(table, "secrets", source, prefix, required=False)
    keyring = mode is not None
    if keyring:
        if mode != "keyring":
            raise InputError('the only accepted value is "keyring"', source=source, field=f"{prefix}.secrets")
        inline = [key for key in (*_SECRET_FIELDS, "private_key_file") if key in table]
        if inline:
            raise InputError(
                'must not be given together with secrets = "keyring"; keep each secret in one place',
                source=source,
                field=f"{prefix}.{inline[0]}",
            )
    origin = f"{'keyring' if keyring else 'profile'}:{name} ({path})"
    tba: dict[str, Any] = {}
    if auth in ("tba", "both"):
        consumer_key = _field(table, "consumer_key", source, prefix, required=True) or ""
        token_id = _field(table, "token_id", source, prefix, required=True) or ""
        if keyring:
            consumer_secret, token_secret = (_from_keyring(name, key) for key in _SECRET_FIELDS)
        else:
            consumer_secret, token_secret = (
                _field(table, key, source, prefix, required=True) or "" for key in _SECRET_FIELDS
            )
            _refuse_exposed_inline(path, prefix)
        tba = {
            "consumer_key": consumer_key,
            "consumer_secret": Secret(consumer_secret),
            "token_id": token_id,
            "token_secret": Secret(token_secret),
        }
    m2m = _m2m_from_profile(name, table, source, prefix, keyring=keyring) if auth != "tba" else None
    return Credentials(account=account, base_url=base_url, source=origin, profile=name, oauth2=m2m, **tba)


def _m2m_from_profile(name: str, table: Mapping[str, Any], source: str, prefix: str, *, keyring: bool) -> M2MKey:
    if keyring:
        pem = _from_keyring(name, PRIVATE_KEY_FIELD)
        key_source = f"keyring {KEYRING_SERVICE}/{keyring_username(name, PRIVATE_KEY_FIELD)}"
        key_field = None
    else:
        key_file = _field(table, "private_key_file", source, prefix, required=True) or ""
        key_field = f"{prefix}.private_key_file"
        pem = read_key_file(Path(key_file).expanduser(), source=source, field_name=key_field)
        key_source = f"file {key_file}"
    scopes_value = table.get("scopes")
    if scopes_value is not None and not isinstance(scopes_value, (str, list)):
        raise InputError("must be a list of scope names", source=source, field=f"{prefix}.scopes")
    return build_key(
        client_id=_field(table, "client_id", source, prefix, required=True) or "",
        certificate_id=_field(table, "certificate_id", source, prefix, required=True) or "",
        pem=pem,
        algorithm=_field(table, "algorithm", source, prefix, required=False),
        scopes=parse_scopes(scopes_value, source=source, field_name=f"{prefix}.scopes"),
        key_source=key_source, source=source, key_field=key_field, algorithm_field=f"{prefix}.algorithm",
    )


def keyring_username(profile: str, field: str) -> str:
    """The keyring user name a profile's secret is stored under: ``<profile>:consumer_secret``."""
    return f"{profile}:{field}"


def _from_keyring(profile: str, field: str) -> str:
    import keyring
    import keyring.errors

    username = keyring_username(profile, field)
    where = f"keyring {KEYRING_SERVICE}/{username}"
    try:
        value = keyring.get_password(KEYRING_SERVICE, username)
    except keyring.errors.KeyringError as exc:
        raise InputError(
            f"the system keyring is not usable ({type(exc).__name__}); store the secret inline "
            "in the profile or use the environment variables instead",
            source=where,
        ) from None
    if value is None or not value.strip():
        raise InputError(
            f"no secret stored; add it with: keyring set {KEYRING_SERVICE} {username}", source=where
        )
    point_out_spaces(value, where)
    return value.strip()


# -- base URL ---------------------------------------------------------------------------------


def _base_url(
    env: Mapping[str, str],
    from_file: str | None,
    account: AccountId,
    *,
    file_source: tuple[str, str] | None,
) -> str:
    override = env.get(ENV_BASE_URL, "").strip()
    allow_http = env.get(ENV_ALLOW_INSECURE_HTTP, "").strip() == "1"
    if override:
        return check_base_url(override, source=f"env {ENV_BASE_URL}", field=None, allow_http=allow_http)
    if from_file is not None and file_source is not None:
        return check_base_url(from_file, source=file_source[0], field=file_source[1], allow_http=allow_http)
    return account.default_base_url()


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (by name or address; no DNS lookup)."""
    import ipaddress

    name = host.strip("[]").lower().rstrip(".")
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_base_url(text: str, *, source: str, field: str | None, allow_http: bool = False) -> str:
    """A base URL override, checked: https (plain http only to a loopback host, unless ``allow_http``,
    which warns), a host, a port from 1 to 65535, no user name, query or fragment."""
    parts = urlsplit(text)
    if "@" in parts.netloc:
        raise InputError("must not contain a user name or password", source=source, field=field)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{text!r} is not an http(s) URL", source=source, field=field)
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        raise InputError(f"{text!r} has an invalid port (a number from 1 to 65535)", source=source, field=field)
    if parts.query or parts.fragment:
        raise InputError(f"{text!r} must not have a query or fragment", source=source, field=field)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        if not allow_http:
            raise InputError(
                f"{text!r} would send signed requests unencrypted; plain http is allowed only to a "
                f"loopback host (localhost, 127.0.0.1, ::1). Use https (or, for a test rig only, set "
                f"{ENV_ALLOW_INSECURE_HTTP}=1)", source=source, field=field)
        log.warning("%s is set: sending signed requests over plain http to %s (test rigs only)",
                    ENV_ALLOW_INSECURE_HTTP, parts.hostname)
    return text.rstrip("/")
