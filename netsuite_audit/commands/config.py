"""Configuration file: defaults for command options from ``nsaudit.toml`` or ``[tool.nsaudit]``.

Precedence, highest first: the command line, then ``NSAUDIT_*`` environment variables, then the
configuration file, then the built-in default. The file only supplies click's ``default_map``, so
click itself applies that order and records each value's source.

Relative paths in the file are relative to the file's folder, so a config file works from any
current directory. Secrets never belong here: credentials come from the environment, the profiles
file or the keyring.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsuite_audit.inputs.files import error_from_validation, parsing, read_text
from netsuite_audit.support.errors import InputError

CONFIG_FILE = "nsaudit.toml"
PYPROJECT = "pyproject.toml"
ENV_CONFIG = "NSAUDIT_CONFIG"
_SECRET_KEYS = {"consumer_secret", "token_secret", "consumer_key", "token_id", "secrets", "password",
                "client_id", "certificate_id", "private_key", "private_key_file"}
# Keys a configuration file may not set, with why. A file that happens to sit in the current folder
# (a cloned repository's pyproject.toml) must never make nsaudit import Python from that folder while
# the integration's secrets are in its environment: extra checks need --checks-dir or NSAUDIT_CHECKS_DIR.
IGNORED_KEYS = {
    "checks_dir": "ignored: a configuration file cannot load check code; pass --checks-dir or set "
                  "NSAUDIT_CHECKS_DIR",
}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class ConfigFile(BaseModel):
    """Every key nsaudit reads from a configuration file (any other key is an error)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: tuple[str, ...] | None = Field(None, description="Profile name(s); several audit several accounts")
    all_profiles: bool | None = None
    audit_profile: str | None = None
    workspace: str | None = None
    reports: str | None = None
    expensify_policy: str | None = Field(None, description="Expensify policy id or name (docs/expensify.md)")
    expensify_reports: Literal["approved", "processing", "all-unexported"] | None = None
    concurrency: int | None = Field(None, ge=1, le=50)
    account_limit: int | None = Field(None, ge=1, le=1000)
    timeout: float | None = Field(None, ge=1, le=86400, description="seconds for reading the account")
    soap_version: Literal["2024_2", "2025_2"] | None = Field(
        None, description="SuiteTalk (SOAP) endpoint version nsaudit calls")
    progress: bool | None = None
    fail_on: Literal["critical", "high", "medium", "low", "info"] | None = None
    strict: bool | None = None
    mutes: str | None = None
    baseline: str | None = None
    format: tuple[str, ...] | None = Field(None, description="FORMAT or FORMAT:PATH entries")
    checks: tuple[str, ...] | None = None
    skip: tuple[str, ...] | None = None
    color: bool | None = None

    _lists = field_validator("profile", "format", "checks", "skip", mode="before")(_as_list)


@dataclass(frozen=True)
class Key:
    """Where a config key lands: the click parameter name for each command that has it."""

    params: dict[str, str]
    path: bool = False  # resolve relative to the config file's folder


KEYS: dict[str, Key] = {
    "profile": Key({"run": "profiles", "snapshot": "profile"}),
    "all_profiles": Key({"run": "all_profiles"}),
    "audit_profile": Key({"run": "audit_profile", "snapshot": "audit_profile"}),
    "workspace": Key({"run": "workspace_path", "snapshot": "workspace_path"}, path=True),
    "reports": Key({"run": "reports_path", "snapshot": "reports_path"}, path=True),
    "expensify_policy": Key({"run": "expensify_policy", "snapshot": "expensify_policy"}),
    "expensify_reports": Key({"run": "expensify_reports", "snapshot": "expensify_reports"}),
    "concurrency": Key({"run": "concurrency", "snapshot": "concurrency"}),
    "account_limit": Key({"run": "account_limit", "snapshot": "account_limit"}),
    "soap_version": Key({"run": "soap_version", "snapshot": "soap_version"}),
    "timeout": Key({"run": "timeout", "snapshot": "timeout"}),
    "progress": Key({"run": "progress", "snapshot": "progress"}),
    "fail_on": Key({"run": "fail_on"}),
    "strict": Key({"run": "strict"}),
    "mutes": Key({"run": "mutes_path"}, path=True),
    "baseline": Key({"run": "baseline_path"}, path=True),
    "format": Key({"run": "formats"}, path=True),
    "checks": Key({"run": "include"}),
    "skip": Key({"run": "exclude"}),
    "color": Key({"run": "color"}),
}


@dataclass(frozen=True)
class LoadedConfig:
    path: Path | None  # None: no configuration file
    section: str = ""  # "tool.nsaudit" for pyproject.toml
    values: dict[str, Any] = field(default_factory=dict)  # config key -> value ready for click
    warnings: tuple[str, ...] = ()  # keys present but ignored (IGNORED_KEYS), one line each

    @property
    def label(self) -> str:
        if self.path is None:
            return "(none)"
        return f"{self.path} [{self.section}]" if self.section else str(self.path)

    def default_map(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, value in self.values.items():
            for command, param in KEYS[key].params.items():
                if command == "snapshot" and key == "profile":
                    if len(value) != 1:
                        continue  # a snapshot reads one account
                    value = value[0]
                out.setdefault(command, {})[param] = value
        return out

    def key_for(self, command: str, param: str) -> str | None:
        for key in self.values:
            if KEYS[key].params.get(command) == param:
                return key
        return None


def discover(cwd: Path | None = None) -> tuple[Path, str] | None:
    """``./nsaudit.toml``, else ``./pyproject.toml`` when it has a ``[tool.nsaudit]`` table."""
    cwd = cwd or Path.cwd()
    own = cwd / CONFIG_FILE
    if own.is_file():
        return own, ""
    pyproject = cwd / PYPROJECT
    if pyproject.is_file() and _tool_table(pyproject) is not None:
        return pyproject, "tool.nsaudit"
    return None


def _parse_toml(path: Path) -> dict[str, Any]:
    try:
        with parsing(str(path)):
            return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=str(path)) from exc


def _tool_table(path: Path) -> dict[str, Any] | None:
    tool = _parse_toml(path).get("tool", {})
    table = tool.get("nsaudit") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise InputError("expected a table", source=str(path), field="tool.nsaudit")
    return table


def load_config(path: Path | None = None, cwd: Path | None = None) -> LoadedConfig:
    """Read ``path`` (an explicit --config), or the discovered file; no file gives an empty config."""
    section = ""
    if path is None:
        found = discover(cwd)
        if found is None:
            return LoadedConfig(None)
        path, section = found
    if section or path.name == PYPROJECT:
        table = _tool_table(path)
        section = "tool.nsaudit"
        if table is None:
            raise InputError("has no [tool.nsaudit] table", source=str(path))
    else:
        table = _parse_toml(path)
    prefix = f"{section}." if section else ""
    warnings = tuple(f"{path}: {prefix}{key}: {IGNORED_KEYS[key]}" for key in table if key in IGNORED_KEYS)
    kept = {key: value for key, value in table.items() if key not in IGNORED_KEYS}
    return LoadedConfig(path, section, _values(kept, path, section), warnings)


def _values(table: dict[str, Any], path: Path, section: str) -> dict[str, Any]:
    prefix = f"{section}." if section else ""
    for key in table:
        if key.lower() in _SECRET_KEYS:
            raise InputError("credentials do not belong in the configuration file; use the environment, the "
                             "profiles file or the keyring (see docs/credentials.md)", source=str(path),
                             field=prefix + key)
    for key in table:
        if key not in ConfigFile.model_fields:
            raise InputError(f"unknown key; known keys: {', '.join(sorted(ConfigFile.model_fields))}",
                             source=str(path), field=prefix + key)
    try:
        parsed = ConfigFile.model_validate(table)
    except ValidationError as exc:
        error = error_from_validation(exc, str(path))
        raise InputError(error.detail, source=str(path), field=prefix + (error.field or "")) from exc
    base = path.parent
    values: dict[str, Any] = {}
    for key, value in parsed.model_dump(exclude_none=True).items():
        if KEYS[key].path:
            value = _resolve(key, value, base)
        values[key] = list(value) if isinstance(value, tuple) else value
    return values


def _resolve(key: str, value: Any, base: Path) -> Any:
    if key == "format":
        out = []
        for item in value:
            fmt, sep, where = item.partition(":")
            out.append(f"{fmt}:{_join(base, where)}" if sep and where else item)
        return out
    if isinstance(value, (list, tuple)):
        return [_join(base, v) for v in value]
    return _join(base, value)


def _join(base: Path, text: str) -> str:
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else base / path)


# ---- nsaudit config show -----------------------------------------------------------------------------
CREDENTIAL_VARS = ("NSAUDIT_ACCOUNT", "NSAUDIT_CONSUMER_KEY", "NSAUDIT_TOKEN_ID", "NSAUDIT_CLIENT_ID",
                   "NSAUDIT_CERTIFICATE_ID", "NSAUDIT_PRIVATE_KEY_FILE")
SECRET_VARS = ("NSAUDIT_CONSUMER_SECRET", "NSAUDIT_TOKEN_SECRET", "NSAUDIT_PRIVATE_KEY")


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _source(ctx: Any, param: Any, loaded: LoadedConfig, command: str) -> str:
    from click.core import ParameterSource

    source = ctx.get_parameter_source(param.name)
    if source == ParameterSource.COMMANDLINE:
        return "command line"
    if source == ParameterSource.ENVIRONMENT:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
        import os

        return "environment " + next((n for n in names if n in os.environ), "/".join(names))
    if source == ParameterSource.DEFAULT_MAP:
        return f"config file {loaded.label} ({loaded.key_for(command, param.name) or param.name})"
    return "default"


def describe_options(command: Any, root: Any, args: tuple[str, ...],
                     meta_key: str) -> tuple[list[dict[str, Any]], dict[str, str], str]:
    """Each option of ``command`` as {option, key, value, source}; credential variables; config label.

    ``args`` are parsed as that command's own options, so the command line shows up as a source.
    Secret variables are tested for presence only; their values are never read.
    """
    import os

    from netsuite_audit.inputs.credentials import default_profiles_file, list_profiles

    name = command.name or "run"
    with command.make_context(name, list(args), parent=root) as ctx:
        loaded: LoadedConfig = ctx.meta.get(meta_key) or LoadedConfig(None)
        rows = []
        for param in command.params:
            if param.name in ("help", None) or not param.expose_value:
                continue
            rows.append({
                "option": max(param.opts, key=len),
                "key": loaded_key(command=name, param=param.name),
                "value": _plain(ctx.params.get(param.name)),
                "source": _source(ctx, param, loaded, name),
            })
    creds: dict[str, str] = {}
    for var in CREDENTIAL_VARS:
        value = os.environ.get(var, "") if var == "NSAUDIT_ACCOUNT" else None
        creds[var] = value if value else ("set" if var in os.environ else "not set")
    for var in SECRET_VARS:
        creds[var] = "set" if var in os.environ else "not set"
    creds["NSAUDIT_BASE_URL"] = os.environ.get("NSAUDIT_BASE_URL", "") or "not set"
    from netsuite_audit.expensify import credentials as x

    creds[x.ENV_USER_ID] = "set" if os.environ.get(x.ENV_USER_ID) else "not set"  # an id, but never printed
    creds[x.ENV_USER_SECRET] = "set" if os.environ.get(x.ENV_USER_SECRET) else "not set"
    creds[x.ENV_BASE_URL] = os.environ.get(x.ENV_BASE_URL, "") or "not set"
    path = default_profiles_file()
    creds["profiles file"] = str(path)
    try:
        creds["profiles"] = ", ".join(list_profiles(path)) or "(none)"
    except InputError as exc:
        creds["profiles"] = f"unreadable: {exc}"
    return rows, creds, loaded.label


def loaded_key(*, command: str, param: str) -> str | None:
    """The config file key that sets ``param`` of ``command`` (whether or not the file sets it)."""
    return next((key for key, spec in KEYS.items() if spec.params.get(command) == param), None)
