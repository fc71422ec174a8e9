"""Mute files: accepted findings, each with a reason, an owner and an end date.

A mute entry names a check (id or glob) or an NS code, and optionally a subject (internal id,
``kind:id`` or a glob). A matching FAIL or WARN becomes MUTED: still shown everywhere, never counted
toward the exit code. A mute past its ``expires`` date no longer mutes: the finding keeps its status,
carries a note saying the mute expired, and the run prints a warning.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from netsuite_audit.audit.model import NS_CODE, CheckMeta, Finding, Status
from netsuite_audit.inputs.files import load_mapping, validate
from netsuite_audit.support.errors import InputError

EXPIRY_WARNING_DAYS = 14
EXPIRED_NOTE = "mute"
_GLOB_CHARS = set("*?[")


class MuteEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str | None = Field(None, description="Check id, globs allowed")
    code: str | None = Field(None, description="NS code, e.g. NS0770")
    subject: str | None = Field(None, description="Internal id, kind:id, or a glob; empty: every subject")
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date
    ticket: str | None = None

    @field_validator("reason", "owner")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("check", "subject")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if not NS_CODE.match(value):
            raise ValueError(f"{value!r} is not an NS code like NS0770")
        return value

    @model_validator(mode="after")
    def _target(self) -> MuteEntry:
        if not self.check and not self.code:
            raise ValueError("give a check (id or glob) or a code (NSxxxx)")
        return self

    def matches(self, finding: Finding) -> bool:
        if self.check and not fnmatch.fnmatchcase(finding.check_id, self.check):
            return False
        if self.code and finding.code != self.code:
            return False
        if self.subject is None or self.subject in ("", "*"):
            return True
        if finding.subject is None:
            return False
        target = finding.subject.key if ":" in self.subject else finding.subject.id
        return fnmatch.fnmatchcase(target, self.subject)

    def describe(self) -> str:
        what = " ".join(part for part in (self.check, self.code) if part)
        return what + (f" on {self.subject}" if self.subject else "")

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {"owner": self.owner, "reason": self.reason, "expires": self.expires.isoformat()}
        if self.ticket:
            out["ticket"] = self.ticket
        return out


class MuteFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mutes: tuple[MuteEntry, ...] = ()


@dataclass(frozen=True)
class Mutes:
    entries: tuple[MuteEntry, ...]
    source: str

    @classmethod
    def load(cls, path: Path, checks: Sequence[CheckMeta], known_codes: Iterable[str] | None = None) -> Mutes:
        """Read and validate a mute file against the checks loaded for this run."""
        data = load_mapping(path)
        parsed = validate(MuteFile, data, str(path))
        _check_targets(parsed.mutes, checks, known_codes, str(path))
        return cls(parsed.mutes, str(path))


def _check_targets(entries: Sequence[MuteEntry], checks: Sequence[CheckMeta],
                   known_codes: Iterable[str] | None, source: str) -> None:
    ids = {c.id for c in checks}
    if known_codes is None:
        from netsuite_audit.catalog.model import load_catalog

        known_codes = load_catalog().codes
    codes = set(known_codes) | {code for c in checks for code in c.codes}
    for index, entry in enumerate(entries):
        if entry.check:
            pattern = entry.check
            globbed = bool(_GLOB_CHARS & set(pattern))
            if (not globbed and pattern not in ids) or (globbed and not fnmatch.filter(ids, pattern)):
                raise InputError(f"{entry.check!r} matches no check id (see 'nsaudit checks')",
                                 source=source, field=f"mutes.{index}.check")
        if entry.code and entry.code not in codes:
            raise InputError(f"unknown NS code {entry.code!r} (see 'nsaudit explain --list')",
                             source=source, field=f"mutes.{index}.code")


@dataclass(frozen=True)
class MuteOutcome:
    findings: list[Finding]
    warnings: list[str]


class MuteApplier:
    """Mutes one finding at a time (``applier(finding)``), so the engine can mute each finding a check
    produces before large groups are folded into one (a mute naming one record of a folded group would
    otherwise find nothing to match). :meth:`warnings` then says which entries expired or expire soon."""

    def __init__(self, mutes: Mutes, today: date | None = None) -> None:
        self.mutes = mutes
        self.today = today or date.today()
        self._expired_hits: dict[int, int] = {}

    def __call__(self, finding: Finding) -> Finding:
        if finding.status not in (Status.FAIL, Status.WARN):
            return finding
        index, entry = _first_match(self.mutes.entries, finding)
        if entry is None:
            return finding
        if entry.expires < self.today:
            self._expired_hits[index] = self._expired_hits.get(index, 0) + finding.count
            note = (f"expired on {entry.expires.isoformat()} (owner {entry.owner}; reason: {entry.reason}); "
                    "renew or remove the mute entry")
            return finding.model_copy(update={"evidence": {**finding.evidence, EXPIRED_NOTE: note}})
        return finding.model_copy(update={"status": Status.MUTED, "mute": entry.info()})

    def warnings(self) -> list[str]:
        soon = self.today + timedelta(days=EXPIRY_WARNING_DAYS)
        warnings: list[str] = []
        for index, entry in enumerate(self.mutes.entries):
            where = f"{self.mutes.source}: mutes.{index} ({entry.describe()}, owner {entry.owner})"
            if entry.expires < self.today:
                hits = self._expired_hits.get(index, 0)
                warnings.append(f"{where} expired on {entry.expires.isoformat()}; "
                                f"{hits} finding(s) it covered count again")
            elif entry.expires <= soon:
                days = (entry.expires - self.today).days
                warnings.append(f"{where} expires on {entry.expires.isoformat()} (in {days} day(s))")
        return warnings


def apply_mutes(findings: Iterable[Finding], mutes: Mutes, today: date | None = None) -> MuteOutcome:
    """Mute matching FAIL/WARN findings; expired entries only annotate. Returns findings and warnings."""
    applier = MuteApplier(mutes, today)
    out = [applier(finding) for finding in findings]
    return MuteOutcome(out, applier.warnings())


def _first_match(entries: Sequence[MuteEntry], finding: Finding) -> tuple[int, MuteEntry | None]:
    for index, entry in enumerate(entries):
        if entry.matches(finding):
            return index, entry
    return -1, None
