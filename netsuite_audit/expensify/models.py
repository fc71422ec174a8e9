"""What nsaudit read from Expensify, as saved in the snapshot (no secrets).

Field names follow the Integration Server's answers where the manual documents them (policy list:
id, name, role, owner, outputCurrency, type; policy getter: categories, tags, tax, reportFields). The
``employees`` list of the policy getter (email, role, submitsTo, approvesTo) is not in the stored
copies of the manual and is ASSUMED; docs/expensify.md lists what is documented and what is assumed.
A section the API did not return is ``None`` (unknown), never an empty tuple.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)  # names or aliases


class ReportScope(StrEnum):
    """Which reports ``--expensify-reports`` reads, and the exporter's ``reportState`` for each."""

    APPROVED = "approved"
    PROCESSING = "processing"
    ALL_UNEXPORTED = "all-unexported"

    @property
    def report_state(self) -> str:
        # The manual: OPEN, SUBMITTED, APPROVED, REIMBURSED, ARCHIVED match Open, Processing, Approved,
        # Reimbursed and Closed on the website. "all-unexported" cannot use the markedAsExported filter
        # (nsaudit never sends it), so it is every state a report can be exported from.
        return {"approved": "APPROVED", "processing": "SUBMITTED",
                "all-unexported": "SUBMITTED,APPROVED,REIMBURSED"}[self.value]


class Member(_Model):
    email: str
    role: str | None = None
    submits_to: str | None = Field(None, alias="submitsTo")
    approves_to: str | None = Field(None, alias="approvesTo")


class Tag(_Model):
    name: str
    enabled: bool = True
    gl_code: str | None = Field(None, alias="glCode")


class TagLevel(_Model):
    """One tag list (a level of multi-level tags). A single-level policy has one, named as Expensify
    names it (often "Tag")."""

    name: str
    tags: tuple[Tag, ...] = ()


class Category(_Model):
    name: str
    enabled: bool = True
    gl_code: str | None = Field(None, alias="glCode")


class TaxRate(_Model):
    rate_id: str = Field(alias="rateID")
    name: str
    rate: Decimal | None = None


class Tax(_Model):
    name: str | None = None
    default: str | None = Field(None, description="rateID of the default rate")
    rates: tuple[TaxRate, ...] = ()

    @property
    def default_name(self) -> str | None:
        return next((r.name for r in self.rates if r.rate_id == self.default), None)


class ReportField(_Model):
    name: str
    type: str | None = None
    values: tuple[str, ...] = ()


class Policy(_Model):
    id: str
    name: str | None = None
    role: str | None = Field(None, description="The credentials' role on the policy: admin, auditor, user")
    owner: str | None = None
    output_currency: str | None = Field(None, alias="outputCurrency")
    type: str | None = None
    members: tuple[Member, ...] | None = None
    tag_levels: tuple[TagLevel, ...] | None = None
    categories: tuple[Category, ...] | None = None
    tax: Tax | None = None
    report_fields: tuple[ReportField, ...] | None = None


class ReportLine(_Model):
    transaction_id: str | None = None
    merchant: str | None = None
    amount: Decimal = Field(description="In the expense currency (the exporter gives cents; converted)")
    currency: str | None = None
    category: str | None = None
    tag: str | None = Field(None, description="Expensify's tag text; levels joined with ':'")
    billable: bool = False
    reimbursable: bool = True
    date: dt.date | None = None
    tax: str | None = None


class Report(_Model):
    id: str
    employee: str
    title: str | None = None
    currency: str | None = None
    status: str | None = None
    policy_id: str | None = None
    lines: tuple[ReportLine, ...] = ()


class Job(_Model):
    """One Integration Server job nsaudit sent (shown by --verbose, kept in the snapshot)."""

    kind: str = Field(description="policyList, policy, file or download")
    detail: str = ""
    response_code: int | None = None
    http_status: int | None = None
    attempts: int = 1
    elapsed_ms: int = 0


class ExpensifyRead(_Model):
    """Everything read from Expensify in one run."""

    policy_id: str
    read_at: dt.datetime
    base_url: str
    credential_source: str | None = None  # env, profile:<name>, keyring:<name>, demo (never a secret)
    policy: Policy
    report_scope: ReportScope | None = None
    reports: tuple[Report, ...] | None = None
    jobs: tuple[Job, ...] = ()

    def label(self) -> str:
        name = f" ({self.policy.name})" if self.policy.name else ""
        return f"Expensify policy {self.policy_id}{name} read {self.read_at:%Y-%m-%d %H:%M:%S} UTC"
