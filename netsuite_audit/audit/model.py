"""What a check is (its metadata) and what it produces (findings)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The NS code's form and the ways a code is detected belong to the catalog of codes; re-exported here
# for the checks, which meet them in CheckMeta.
from netsuite_audit.catalog.model import NS_CODE, Detection


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    UNVERIFIABLE = "UNVERIFIABLE"  # the data could not be read; names the missing permission
    ERROR = "ERROR"  # the check itself broke; never silently a PASS
    MUTED = "MUTED"  # a FAIL/WARN covered by a mute entry (never counts toward the exit code)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


CHECK_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class CheckMeta(BaseModel):
    """Metadata that lives beside each check's logic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="kebab-case, unique, equals the module name with - for _")
    codes: tuple[str, ...] = Field(description="NS codes the check predicts (may be empty for WARN-only)")
    severity: Severity
    title: str
    description: str = ""
    reads: tuple[str, ...] = Field((), description="Tables the check needs (names in tables.TABLES)")
    optional_reads: tuple[str, ...] = Field((), description="Tables used when readable; not required")
    columns: tuple[str, ...] = Field(
        (), description="Columns ('table.column') the verdict needs; when a read did not return one, the "
                        "check is UNVERIFIABLE naming it")
    partial_columns: tuple[str, ...] = Field(
        (), description="Columns only part of the verdict needs: when a read did not return one, the check "
                        "still runs, judges what does not depend on it and reports the rest UNVERIFIABLE "
                        "itself (ctx.known; audit/partial.py)")
    detection: tuple[Detection, ...] = (Detection.NETSUITE_DATA,)
    tags: tuple[str, ...] = ()
    needs_login: bool = True
    needs_workspace: bool = False
    needs_reports: bool = False
    needs_expensify: bool = False  # runs only when the snapshot holds what was read from Expensify
    judges: tuple[Literal["workspace", "reports"], ...] = Field(
        (), description="Where the items the check judges come from (the workspace's tags and members, the "
                        "pending reports' lines); with none of them given the check is not run, never a PASS "
                        "that judged nothing")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CHECK_ID.match(value):
            raise ValueError(f"check id {value!r} must be kebab-case")
        return value

    @field_validator("codes")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not NS_CODE.match(code):
                raise ValueError(f"{code!r} is not an NS code like NS0123")
        return value


class Subject(BaseModel):
    """The NetSuite record (or report line, or setting) a finding is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str  # employee, job, classification, department, location, role, token, report, setting...
    id: str  # internal id, report id, "report/line", permkey... (stable: never a display name)
    name: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable id: <check id>/<subject kind>:<subject id>")
    check_id: str
    code: str | None = None
    status: Status
    severity: Severity
    title: str
    message: str = Field(description="What NetSuite would say, or what we found, in plain words")
    subject: Subject | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)
    fix: tuple[str, ...] = ()
    missing: str | None = Field(None, description="For UNVERIFIABLE: the permission or setting missing")
    manual: tuple[str, ...] = Field((), description="How to verify by hand")
    mute: dict[str, Any] | None = None  # set when MUTED: owner, reason, expires
    baseline: bool = Field(False, description="Known from the --baseline result: shown, but never counts "
                                               "toward the exit code")
    count: int = Field(1, ge=1, description="How many findings this one stands for: above 1 it is an "
                                            "aggregate of one check and cause (code, status, severity), "
                                            "with the first few in examples")
    examples: tuple[Example, ...] = Field((), description="For an aggregate: the first findings it stands for")


class Example(BaseModel):
    """One finding an aggregate stands for, reduced to what tells it apart."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    subject: Subject | None = None
    message: str


Finding.model_rebuild()


def finding_id(check_id: str, subject: Subject | None) -> str:
    return f"{check_id}/{subject.key}" if subject else check_id
