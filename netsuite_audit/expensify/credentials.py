"""Expensify partner credentials (partnerUserID / partnerUserSecret): environment, profile or keyring.

Never from flags. Order: ``NSAUDIT_EXPENSIFY_USER_ID`` + ``NSAUDIT_EXPENSIFY_USER_SECRET``; else the
``[expensify.<profile>]`` table of the profiles file (the NetSuite profile's name, else ``default``)
with ``user_id`` and ``user_secret`` inline or ``secrets = "keyring"`` (keyring service ``nsaudit``,
user ``<profile>:expensify_user_secret``). The secret lives in a :class:`Secret`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from netsuite_audit.inputs.credentials import KEYRING_SERVICE, default_profiles_file, is_loopback
from netsuite_audit.inputs.files import MAX_SETTINGS_BYTES, decode, read_bounded
from netsuite_audit.inputs.secret import Secret
from netsuite_audit.support.errors import InputError

ENV_USER_ID = "NSAUDIT_EXPENSIFY_USER_ID"
ENV_USER_SECRET = "NSAUDIT_EXPENSIFY_USER_SECRET"
ENV_BASE_URL = "NSAUDIT_EXPENSIFY_BASE_URL"
DEFAULT_BASE_URL = "https://integrations.expensify.com"
PATH = "/Integration-Server/ExpensifyIntegrations"
_FIELDS = frozenset({"user_id", "user_secret", "secrets", "base_url"})
KEYRING_FIELD = "expensify_user_secret"


@dataclass(frozen=True)
class ExpensifyCredentials:
    user_id: str
    secret: Secret
    base_url: str
    source: str

    @property
    def endpoint(self) -> str:
        return self.base_url + PATH

    def describe(self) -> dict[str, str]:
        tail = f"****{self.user_id[-4:]}" if len(self.user_id) >= 8 else "****"
        return {"user_id": tail, "base_url": self.base_url, "source": self.source}


def check_base_url(text: str, source: str) -> str:
    """https anywhere; plain http only to a loopback address (the simulator, a local proxy), judged by
    the same ``is_loopback`` as the NetSuite base URL."""
    parts = urlsplit(text.strip())
    if "@" in parts.netloc:
        raise InputError("must not contain a user name or password", source=source)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{text!r} is not an http(s) URL", source=source)
    try:
        port = parts.port
    except ValueError:  # not a number, or past 65535
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        raise InputError(f"{text!r} has an invalid port (a number from 1 to 65535)", source=source)
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise InputError(f"{text!r} must be a bare origin such as https://host:port", source=source)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError("plain http is allowed only to a loopback address; use https", source=source)
    return f"{parts.scheme}://{parts.netloc}"


def load_expensify_credentials(profile: str | None = None, env: Mapping[str, str] | None = None,
                               profiles_file: Path | None = None) -> ExpensifyCredentials:
    env = os.environ if env is None else env
    base = check_base_url(env[ENV_BASE_URL], f"env {ENV_BASE_URL}") if env.get(ENV_BASE_URL, "").strip() \
        else None
    user_id, secret = env.get(ENV_USER_ID, "").strip(), env.get(ENV_USER_SECRET, "").strip()
    if user_id or secret:
        if not (user_id and secret):
            missing = ENV_USER_SECRET if user_id else ENV_USER_ID
            raise InputError("is not set or empty (both Expensify variables are needed)", source=f"env {missing}")
        return ExpensifyCredentials(user_id, Secret(secret), base or DEFAULT_BASE_URL, "env")
    path = profiles_file or default_profiles_file(env)
    name = profile or "default"
    table = _profile_table(path, name)
    if table is None:
        raise InputError(
            f"no Expensify credentials: set {ENV_USER_ID} and {ENV_USER_SECRET}, or add [expensify.{name}] "
            f"with user_id and user_secret (or secrets = \"keyring\") to {path}", source="--expensify-policy")
    where, prefix = str(path), f"expensify.{name}"
    unknown = sorted(set(table) - _FIELDS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_FIELDS))}",
                         source=where, field=prefix)
    user_id = _text(table, "user_id", where, prefix)
    if table.get("secrets") is not None:
        if table.get("secrets") != "keyring":
            raise InputError('the only accepted value is "keyring"', source=where, field=f"{prefix}.secrets")
        if "user_secret" in table:
            raise InputError('must not be given together with secrets = "keyring"', source=where,
                             field=f"{prefix}.user_secret")
        secret, origin = _from_keyring(name), f"keyring:{name}"
    else:
        secret, origin = _text(table, "user_secret", where, prefix), f"profile:{name} ({path})"
    if base is None and table.get("base_url") is not None:
        base = check_base_url(_text(table, "base_url", where, prefix), f"{where}: {prefix}.base_url")
    return ExpensifyCredentials(user_id, Secret(secret), base or DEFAULT_BASE_URL, origin)


def _profile_table(path: Path, name: str) -> dict[str, Any] | None:
    if not path.exists():
        return None
    raw = read_bounded(path, MAX_SETTINGS_BYTES, what="the profiles file")
    try:
        data = tomllib.loads(decode(raw, str(path)))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path)) from None
    tables = data.get("expensify", {})
    if not isinstance(tables, dict):
        raise InputError("must be a table of [expensify.<name>] tables", source=str(path), field="expensify")
    table = tables.get(name)
    if table is not None and not isinstance(table, dict):
        raise InputError("must be a table", source=str(path), field=f"expensify.{name}")
    return table


def _text(table: Mapping[str, Any], key: str, source: str, prefix: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        what = "is missing" if value is None else "must be a non-empty string"
        raise InputError(what, source=source, field=f"{prefix}.{key}")
    return value.strip()


def _from_keyring(profile: str) -> str:
    import keyring
    import keyring.errors

    username = f"{profile}:{KEYRING_FIELD}"
    where = f"keyring {KEYRING_SERVICE}/{username}"
    try:
        value = keyring.get_password(KEYRING_SERVICE, username)
    except keyring.errors.KeyringError as exc:
        raise InputError(f"the system keyring is not usable ({type(exc).__name__})", source=where) from None
    if not value or not value.strip():
        raise InputError(f"no secret stored; add it with: keyring set {KEYRING_SERVICE} {username}", source=where)
    return value.strip()
