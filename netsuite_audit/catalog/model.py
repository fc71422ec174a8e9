"""The NS error-code catalog: typed entries loaded from the packaged codes.toml."""

from __future__ import annotations

import difflib
import re
import string
import sys
import tomllib
from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netsuite_audit.support.errors import InputError

NS_CODE = re.compile(r"^NS\d{4}$")  # an NS error code as Expensify shows it


class Detection(StrEnum):
    """How a check learns what it checks (shown by ``nsaudit checks``)."""

    PROBE = "probe"  # a live login or API call
    NETSUITE_DATA = "netsuite-data"  # records read with SuiteQL or SOAP
    RESTLET = "restlet"  # preferences/features via the nsaudit RESTlet
    WORKSPACE = "workspace"  # the workspace description file
    REPORTS = "pending-reports"  # the pending reports file
    MANUAL = "manual"  # a step the admin does by hand; reported as UNVERIFIABLE with the steps
    NOT_DETECTABLE = "not-detectable"

Category = Literal["connection", "sync", "export"]
CATEGORIES: tuple[str, ...] = ("connection", "sync", "export")

DATA_FILE = "codes.toml"

# A code typed by a user: "NS0770", "ns0770", "ns-0770", "0770", "770", or a whole pasted error line.
_CODE_IN_TEXT = re.compile(r"\bNS[\s_-]?(\d{4})\b", re.IGNORECASE)
_BARE_CODE = re.compile(r"^(?:NS[\s_-]?)?(\d{1,4})$", re.IGNORECASE)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fix(_Frozen):
    """How to fix a code: steps for the NetSuite admin, and in the workspace on web and on mobile."""

    netsuite: tuple[str, ...] = ()
    web: tuple[str, ...] = ()
    mobile: tuple[str, ...] = ()

    @property
    def step_count(self) -> int:
        return len(self.netsuite) + len(self.web) + len(self.mobile)


class CodeEntry(_Frozen):
    code: str = Field(description="NS followed by four digits")
    title: str
    category: Category
    message: str = Field(description="What the integration prints after 'NSxxxx:'; {name} marks a value")
    causes: tuple[str, ...] = Field(min_length=1)
    fix: Fix
    admin_needed: bool = Field(description="NetSuite administrator access is needed for the fix")
    resync_enough: bool = Field(description="Sync Now after the fix is enough (no new token or reconnect)")
    detection: tuple[Detection, ...] = Field(min_length=1)
    when_seen: tuple[str, ...] = Field((), description="What to do when a code nsaudit cannot predict appears")
    verify: tuple[str, ...] = Field((), description="How to confirm the condition by hand")

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not NS_CODE.match(value):
            raise ValueError(f"{value!r} is not an NS code like NS0123")
        return value

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        for _, name, spec, conversion in string.Formatter().parse(value):
            if name is not None and (not name.isidentifier() or spec or conversion):
                raise ValueError(f"placeholder {{{name}}} must be a plain {{name}}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CodeEntry:
        if self.fix.step_count == 0:
            raise ValueError(f"{self.code}: needs at least one fix step")
        if Detection.NOT_DETECTABLE in self.detection and not self.when_seen:
            raise ValueError(f"{self.code}: a not-detectable code needs when_seen steps")
        if len(set(self.detection)) != len(self.detection):
            raise ValueError(f"{self.code}: detection lists a kind twice")
        return self

    @property
    def placeholders(self) -> tuple[str, ...]:
        names = (name for _, name, _, _ in string.Formatter().parse(self.message) if name)
        return tuple(dict.fromkeys(names))

    def render_message(self, *, with_code: bool = False, **values: object) -> str:
        """The message with placeholders filled; a value not given shows as ``[name]``.

        >>> load_catalog().get("NS0770").render_message(project="Apollo")
        "Project Apollo is not active and can't accept expenses. Please update the project tag."
        """
        unknown = set(values) - set(self.placeholders)
        if unknown:
            allowed = ", ".join(self.placeholders) or "none"
            raise ValueError(f"{self.code} has no placeholder {sorted(unknown)}; it takes: {allowed}")
        filled = {name: str(values[name]) if name in values else f"[{name}]" for name in self.placeholders}
        text = self.message.format_map(filled)
        return f"{self.code}: {text}" if with_code else text


class Catalog(_Frozen):
    entries: tuple[CodeEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.code in seen:
                raise ValueError(f"{entry.code} appears twice in the catalog")
            seen.add(entry.code)
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    def __iter__(self) -> Iterator[CodeEntry]:  # type: ignore[override]
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalize_code(code) in self._index

    @cached_property
    def _index(self) -> dict[str, CodeEntry]:
        return {entry.code: entry for entry in self.entries}

    def title_of(self, code: str) -> str | None:
        """The catalog title of ``code``, or ``None`` when unknown (handy for renderers)."""
        entry = self._index.get(normalize_code(code) or "")
        return entry.title if entry else None

    def get(self, code: str) -> CodeEntry:
        """Look a code up as ``NS0770``, ``ns0770``, ``0770`` or inside a pasted error line.

        Raises ``InputError`` for an unknown code, suggesting the closest known ones.
        """
        normal = normalize_code(code)
        entry = self._index.get(normal or "")
        if entry is not None:
            return entry
        close = difflib.get_close_matches(normal or code.strip().upper(), self.codes, n=3, cutoff=0.6)
        if close:
            others = f" (or {', '.join(close[1:])})" if len(close) > 1 else ""
            hint = f"; did you mean {close[0]}{others}?"
        else:
            hint = "; run 'nsaudit explain --list' to see all codes"
        raise InputError(f"unknown NetSuite error code {code.strip()!r}{hint}", source="CODE")

    def by_category(self, category: str) -> tuple[CodeEntry, ...]:
        return tuple(entry for entry in self.entries if entry.category == category)


def normalize_code(text: str) -> str | None:
    """``"ns0770"`` / ``"0770"`` / ``"NS0770 Export Error: ..."`` -> ``"NS0770"``; ``None`` if no code shape."""
    stripped = text.strip()
    bare = _BARE_CODE.match(stripped)
    if bare:
        return f"NS{int(bare.group(1)):04d}"
    found = _CODE_IN_TEXT.search(stripped)
    return f"NS{found.group(1)}" if found else None


# ----------------------------------------------------------------------------------------------------
# Loading: codes.toml -> Catalog (workspace step notation expanded into web and mobile steps)
# ----------------------------------------------------------------------------------------------------

_OPEN = {
    "web": "In the web app, choose Workspaces in the left-hand sidebar and open the workspace linked to NetSuite.",
    "mobile": "In the mobile app, choose Workspaces in the bottom tab bar and open the workspace linked to NetSuite.",
}
_GO = {"web": "Click through to {path}.", "mobile": "Tap through to {path}."}
_SYNC = {
    "web": "On the Accounting page, click the NetSuite connection's three-dot menu and pick Sync Now.",
    "mobile": "On the Accounting page, tap the NetSuite connection's three-dot menu and pick Sync Now.",
}
_EXPORT = "Export the report to NetSuite again."


def expand_workspace_steps(steps: list[str], platform: Literal["web", "mobile"]) -> tuple[str, ...]:
    """Expand the codes.toml workspace notation (``sync``, ``export``, ``ws: Path :: action``) for a platform."""
    out: list[str] = []
    opened = False
    for step in steps:
        text = step.strip()
        if text in ("sync", "ws: Accounting :: sync"):
            if not opened:
                out.append(_OPEN[platform])
                opened = True
            out.append(_SYNC[platform])
        elif text == "export":
            out.append(_EXPORT)
        elif text.startswith("ws:"):
            path, sep, action = text[3:].partition("::")
            if not sep or not path.strip() or not action.strip():
                raise ValueError(f"workspace step {step!r} must read 'ws: Path > Page :: action'")
            if not opened:
                out.append(_OPEN[platform])
                opened = True
            out.append(_GO[platform].format(path=path.strip()))
            out.append(action.strip())
        else:
            out.append(text)
    return tuple(out)


def _entry_input(raw: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(raw)
    fix = dict(data.get("fix") or {})
    workspace = fix.pop("workspace", None)
    if workspace is not None:
        if "web" in fix or "mobile" in fix:
            raise ValueError("give either fix.workspace or fix.web/fix.mobile, not both")
        fix["web"] = expand_workspace_steps(list(workspace), "web")
        fix["mobile"] = expand_workspace_steps(list(workspace), "mobile")
    data["fix"] = fix
    return data


def parse_catalog(text: str, source: str = DATA_FILE) -> Catalog:
    """Parse codes.toml text into a validated ``Catalog`` (entries sorted by code)."""
    try:
        document = tomllib.loads(text)
        raw_entries = document.get("code", [])
        entries = [CodeEntry.model_validate(_entry_input(raw)) for raw in raw_entries]
        return Catalog(entries=tuple(sorted(entries, key=lambda entry: entry.code)))
    except (tomllib.TOMLDecodeError, ValidationError, ValueError) as exc:
        raise InputError(f"invalid error catalog: {exc}", source=source) from exc


@cache
def load_catalog() -> Catalog:
    """The packaged catalog (read through importlib.resources, so it also works from a wheel)."""
    text = resources.files("netsuite_audit.catalog").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_catalog(text)


# ----------------------------------------------------------------------------------------------------
# docs/error-codes.md
# ----------------------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_error_codes_markdown(catalog: Catalog | None = None) -> str:
    """The committed docs/error-codes.md, generated from the catalog."""
    catalog = catalog or load_catalog()
    counts = ", ".join(f"{len(catalog.by_category(c))} {c}" for c in CATEGORIES)
    lines = [
        "# NetSuite error codes",
        "",
        "<!-- Generated from netsuite_audit/catalog/codes.toml. Do not edit by hand; regenerate with:",
        "     nsaudit explain --list --format markdown > docs/error-codes.md -->",
        "",
        f"{len(catalog)} codes ({counts}). Run `nsaudit explain CODE` for causes, fixes and the checks",
        "that predict a code.",
        "",
        "Categories: **connection** errors stop the login itself, **sync** errors happen while the",
        "workspace imports from NetSuite, **export** errors happen when a report is sent to NetSuite.",
        "",
        "Detection: `probe` a live login, `netsuite-data` records read from NetSuite, `restlet` preferences",
        "and features from the optional nsaudit RESTlet, `workspace` the workspace description file,",
        "`pending-reports` the pending reports file, `manual` a step checked by hand, `not-detectable`",
        "cannot be predicted.",
        "",
        "| Code | Title | Category | Detection |",
        "|---|---|---|---|",
    ]
    for entry in catalog:
        detection = ", ".join(d.value for d in entry.detection)
        lines.append(f"| {entry.code} | {_cell(entry.title)} | {entry.category} | {detection} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_error_codes_markdown())
