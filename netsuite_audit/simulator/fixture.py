"""The account fixture: one simulated NetSuite account as a JSON document.

Every section is a list of records keyed by NetSuite internal id; records point at each other by
id (an employee's ``subsidiary``, a token's ``user`` and ``role``...). ``load_fixture`` checks the
shape (unknown keys are errors, so typos do not pass silently) and then every cross-reference,
and reports the first problem on one line naming the file and the field path.

The JSON Schema in netsuite_audit/schemas/account.schema.json is generated from these models:
``python -m netsuite_audit.simulator.fixture`` rewrites it. docs/account-fixture.md explains the
format in prose.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.files import error_from_validation, load_mapping
from netsuite_audit.simulator.expensify_fixture import ExpensifyFixture
from netsuite_audit.support.errors import InputError
from netsuite_audit.support.paths import schemas_dir

Level = Literal["None", "View", "Create", "Edit", "Full"]

#: ``rolepermissions.permlevel`` for each level name.
LEVEL_NUMBERS: dict[str, int] = {"None": 0, "View": 1, "Create": 2, "Edit": 3, "Full": 4}

PermKey = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
Id = int  # NetSuite internal id (a few built-in records use negative ids)

SCHEMA_PATH = schemas_dir() / "account.schema.json"

_DEFER_REFERENCES = "defer_references"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---- access: integrations, tokens, roles ---------------------------------------------------------


class Integration(_Model):
    """An integration record (Setup > Integration > Manage Integrations): the token's application."""

    id: Id
    name: str
    consumer_key: str = Field(min_length=1)
    consumer_secret: str = Field(min_length=1, repr=False)
    state: Literal["enabled", "blocked"] = "enabled"
    tba_enabled: bool = Field(True, description="Token-based Authentication ticked on the integration")
    client_credentials: bool = Field(
        False, description="Client Credentials (Machine to Machine) Grant ticked; the client id is consumer_key"
    )
    authorization_code: bool = Field(
        False, description="Authorization Code Grant ticked (OAuth 2.0 with a consent screen, as the Expensify "
                           "connection uses today)"
    )
    scopes: list[Literal["restlets", "rest_webservices", "suite_analytics"]] = Field(
        default_factory=list, description="OAuth 2.0 scopes ticked on the integration record"
    )


class M2MMapping(_Model):
    """An OAuth 2.0 client-credentials mapping (Setup > Integration > Manage Authentication > OAuth 2.0
    Client Credentials (M2M) Setup): entity, role, application and the public certificate."""

    id: Id
    certificate_id: str = Field(min_length=1, description="The Certificate ID NetSuite shows for the mapping")
    entity: Id = Field(description="Employee internal id")
    role: Id = Field(description="Role internal id")
    application: Id = Field(description="Integration internal id")
    certificate: str = Field(min_length=1, repr=False, description="Public certificate (PEM, X.509)")
    revoked: bool = False
    expires: date | None = Field(None, description="Last day the certificate is valid")


class Token(_Model):
    """An access token: one user, one role, one integration."""

    id: Id
    name: str
    token_id: str = Field(min_length=1)
    token_secret: str = Field(min_length=1, repr=False)
    user: Id = Field(description="Employee internal id")
    role: Id = Field(description="Role internal id")
    integration: Id = Field(description="Integration internal id")
    revoked: bool = False
    inactive: bool = False


class Role(_Model):
    id: Id
    name: str
    inactive: bool = False
    subsidiary_option: Literal["all", "selected", "own"] = "all"
    subsidiaries: list[Id] = Field(default_factory=list, description="When subsidiary_option is selected")
    subsidiary_viewing_allowed: bool = Field(False, description="Allow cross-subsidiary record viewing")
    permissions: dict[PermKey, Level] = Field(
        default_factory=dict, description="permkey -> level; a missing key means None"
    )


# ---- people and structure -------------------------------------------------------------------------


class Subsidiary(_Model):
    id: Id
    name: str
    parent: Id | None = None
    currency: Id | None = None
    country: str | None = Field(None, description="ISO country code, e.g. US, CA")
    inactive: bool = False
    elimination: bool = False
    payable_account: Id | None = Field(None, description="Default Payable Account for Expense Reports")
    corporate_card_account: Id | None = Field(
        None, description="Default Account for Corporate Card Expenses"
    )
    tax_required: bool = False


class Currency(_Model):
    id: Id
    name: str
    symbol: str = Field(description="ISO code, e.g. USD")
    base: bool = False
    inactive: bool = False


class Employee(_Model):
    id: Id
    entityid: str | None = Field(None, description="Defaults to 'firstname lastname'")
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    subsidiary: Id | None = None
    supervisor: Id | None = None
    department: Id | None = None
    class_: Id | None = Field(None, alias="class")
    location: Id | None = None
    inactive: bool = False
    give_access: bool = False
    roles: list[Id] = Field(default_factory=list)
    expense_limit: Decimal | None = None
    approval_limit: Decimal | None = None
    currency: Id | None = None

    @property
    def display_name(self) -> str:
        if self.entityid:
            return self.entityid
        name = " ".join(part for part in (self.firstname, self.lastname) if part)
        return name or f"Employee {self.id}"


class Classification(_Model):
    """A class; departments and locations have the same shape."""

    id: Id
    name: str
    parent: Id | None = None
    inactive: bool = False
    subsidiaries: list[Id] = Field(default_factory=list)
    include_children: bool = False


class Department(Classification):
    pass


class Location(Classification):
    pass


class ProjectStatus(_Model):
    id: Id
    name: str
    inactive: bool = False


class Project(_Model):
    id: Id
    entityid: str
    name: str = Field(description="Project name (companyname)")
    customer: Id | None = None
    parent: Id | None = Field(None, description="Parent customer or project; defaults to customer")
    subsidiary: Id | None = None
    status: Id | None = None
    inactive: bool = False
    allow_expenses: bool = True
    limit_to_resources: bool = False
    resources: list[Id] = Field(default_factory=list, description="Employee ids")


class Customer(_Model):
    id: Id
    entityid: str
    name: str | None = None
    inactive: bool = False
    is_person: bool = False
    subsidiary: Id | None = None
    subsidiaries: list[Id] = Field(default_factory=list, description="Extra subsidiaries")


class Vendor(_Model):
    id: Id
    entityid: str
    name: str | None = None
    email: str | None = None
    inactive: bool = False
    subsidiary: Id | None = None
    currency: Id | None = None
    currencies: list[Id] = Field(default_factory=list, description="Extra currencies (Financial tab)")


# ---- accounting ----------------------------------------------------------------------------------


class ExpenseCategory(_Model):
    id: Id
    name: str
    account: Id | None = None
    inactive: bool = False
    subsidiaries: list[Id] = Field(default_factory=list)
    include_children: bool = False
    rate_required: bool = False


class Account(_Model):
    id: Id
    number: str | None = None
    name: str
    type: str = Field(description="SuiteQL accttype, e.g. Bank, AcctPay, CredCard, Expense")
    inactive: bool = False
    summary: bool = False
    include_children: bool = False
    subsidiaries: list[Id] = Field(default_factory=list)


class TaxGroup(_Model):
    id: Id
    name: str
    inactive: bool = False
    country: str | None = None


class AccountingPeriod(_Model):
    id: Id
    name: str
    start: date
    end: date
    closed: bool = False
    ap_locked: bool = False
    all_locked: bool = False
    is_year: bool = False
    is_quarter: bool = False
    is_adjust: bool = False


class Transaction(_Model):
    id: Id
    tranid: str | None = None
    type: str = Field("ExpRept", description="SuiteQL transaction type, e.g. ExpRept, VendBill, Journal")
    external_id: str | None = None


class RestletDeployment(_Model):
    script: int
    deploy: int


# ---- the account ---------------------------------------------------------------------------------


class AccountFixture(_Model):
    """One simulated account. ``account_id`` is kept in realm form (``1234567_SB1``)."""

    account_id: str
    company_name: str
    oneworld: bool = True
    concurrency_limit: int = Field(5, ge=1)
    features: dict[str, bool] = Field(default_factory=dict)
    preferences: dict[str, str | bool] = Field(default_factory=dict)
    restlet: RestletDeployment | None = None
    subsidiaries: list[Subsidiary] = Field(default_factory=list)
    currencies: list[Currency] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    employees: list[Employee] = Field(default_factory=list)
    integrations: list[Integration] = Field(default_factory=list)
    tokens: list[Token] = Field(default_factory=list)
    m2m_mappings: list[M2MMapping] = Field(
        default_factory=list, description="OAuth 2.0 client-credentials mappings; certificates are public keys"
    )
    classes: list[Classification] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    project_statuses: list[ProjectStatus] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    customers: list[Customer] = Field(default_factory=list)
    vendors: list[Vendor] = Field(default_factory=list)
    expense_categories: list[ExpenseCategory] = Field(default_factory=list)
    accounts: list[Account] = Field(default_factory=list)
    tax_groups: list[TaxGroup] = Field(default_factory=list)
    accounting_periods: list[AccountingPeriod] = Field(default_factory=list)
    transactions: list[Transaction] = Field(default_factory=list)
    expensify: ExpensifyFixture | None = Field(None, description="The Expensify side (docs/account-fixture.md)")

    @field_validator("account_id")
    @classmethod
    def _realm_form(cls, value: str) -> str:
        try:
            return AccountId.parse(value).realm
        except InputError as exc:
            raise ValueError(exc.detail) from None

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> AccountFixture:
        if isinstance(info.context, dict) and info.context.get(_DEFER_REFERENCES):
            return self
        problems = self.reference_problems()
        if problems:
            path, message = problems[0]
            raise ValueError(f"{path}: {message}")
        return self

    # ---- lookups (for the simulator's auth and SOAP sides) -----------------------------------
    @property
    def account(self) -> AccountId:
        return AccountId.parse(self.account_id)

    def feature(self, name: str, default: bool = False) -> bool:
        return self.features.get(name.upper(), default)

    @cached_property
    def _index(self) -> dict[str, dict[Any, Any]]:
        return {
            "employee": {e.id: e for e in self.employees},
            "role": {r.id: r for r in self.roles},
            "integration": {i.id: i for i in self.integrations},
            "token": {t.id: t for t in self.tokens},
            "token_key": {t.token_id: t for t in self.tokens},
            "consumer_key": {i.consumer_key: i for i in self.integrations},
        }

    def employee(self, employee_id: int) -> Employee | None:
        found: Employee | None = self._index["employee"].get(employee_id)
        return found

    def role(self, role_id: int) -> Role | None:
        found: Role | None = self._index["role"].get(role_id)
        return found

    def integration(self, integration_id: int) -> Integration | None:
        found: Integration | None = self._index["integration"].get(integration_id)
        return found

    def token_by_key(self, token_id: str) -> Token | None:
        """The token whose Token ID (the OAuth ``oauth_token``) is ``token_id``."""
        found: Token | None = self._index["token_key"].get(token_id)
        return found

    def integration_by_key(self, consumer_key: str) -> Integration | None:
        found: Integration | None = self._index["consumer_key"].get(consumer_key)
        return found

    # ---- cross-reference validation ----------------------------------------------------------
    def reference_problems(self) -> list[tuple[str, str]]:
        """Every broken reference as ``(field path, message)``, in document order."""
        return list(_Checker(self).run())


class _Checker:
    def __init__(self, fx: AccountFixture) -> None:
        self.fx = fx
        self.ids: dict[str, set[int]] = {
            "subsidiary": {s.id for s in fx.subsidiaries},
            "currency": {c.id for c in fx.currencies},
            "role": {r.id for r in fx.roles},
            "employee": {e.id for e in fx.employees},
            "integration": {i.id for i in fx.integrations},
            "class": {c.id for c in fx.classes},
            "department": {d.id for d in fx.departments},
            "location": {loc.id for loc in fx.locations},
            "project status": {s.id for s in fx.project_statuses},
            "project": {p.id for p in fx.projects},
            "customer": {c.id for c in fx.customers},
            "account": {a.id for a in fx.accounts},
        }
        self.ids["customer or project"] = self.ids["customer"] | self.ids["project"]

    def ref(self, path: str, kind: str, value: int | None) -> Iterator[tuple[str, str]]:
        if value is None:
            return
        if kind == "subsidiary" and not self.fx.oneworld:
            return  # a non-OneWorld account has one implicit subsidiary
        if value not in self.ids[kind]:
            yield path, f"{kind} {value} does not exist in this fixture"

    def refs(self, path: str, kind: str, values: Iterable[int]) -> Iterator[tuple[str, str]]:
        for n, value in enumerate(values):
            yield from self.ref(f"{path}.{n}", kind, value)

    def run(self) -> Iterator[tuple[str, str]]:
        fx = self.fx
        yield from self.unique_ids()
        keys = [i.consumer_key for i in fx.integrations]
        yield from self.unique_values("integrations", "consumer_key", keys)
        yield from self.unique_values("tokens", "token_id", [t.token_id for t in fx.tokens])
        bases = [n for n, c in enumerate(fx.currencies) if c.base]
        if len(bases) > 1:
            yield f"currencies.{bases[1]}.base", "only one currency can be the base currency"
        for n, s in enumerate(fx.subsidiaries):
            p = f"subsidiaries.{n}"
            yield from self.ref(f"{p}.parent", "subsidiary", s.parent)
            yield from self.ref(f"{p}.currency", "currency", s.currency)
            yield from self.ref(f"{p}.payable_account", "account", s.payable_account)
            yield from self.ref(f"{p}.corporate_card_account", "account", s.corporate_card_account)
        yield from self.cycles("subsidiaries", fx.subsidiaries)
        for n, r in enumerate(fx.roles):
            yield from self.refs(f"roles.{n}.subsidiaries", "subsidiary", r.subsidiaries)
            if r.subsidiary_option == "selected" and not r.subsidiaries and fx.oneworld:
                yield f"roles.{n}.subsidiaries", "a role limited to selected subsidiaries needs at least one"
        for n, e in enumerate(fx.employees):
            p = f"employees.{n}"
            yield from self.ref(f"{p}.subsidiary", "subsidiary", e.subsidiary)
            yield from self.ref(f"{p}.supervisor", "employee", e.supervisor)
            yield from self.ref(f"{p}.department", "department", e.department)
            yield from self.ref(f"{p}.class", "class", e.class_)
            yield from self.ref(f"{p}.location", "location", e.location)
            yield from self.ref(f"{p}.currency", "currency", e.currency)
            yield from self.refs(f"{p}.roles", "role", e.roles)
        for n, t in enumerate(fx.tokens):
            yield from self.ref(f"tokens.{n}.user", "employee", t.user)
            yield from self.ref(f"tokens.{n}.role", "role", t.role)
            yield from self.ref(f"tokens.{n}.integration", "integration", t.integration)
        yield from self.unique_values("m2m_mappings", "certificate_id", [m.certificate_id for m in fx.m2m_mappings])
        for n, m in enumerate(fx.m2m_mappings):
            yield from self.ref(f"m2m_mappings.{n}.entity", "employee", m.entity)
            yield from self.ref(f"m2m_mappings.{n}.role", "role", m.role)
            yield from self.ref(f"m2m_mappings.{n}.application", "integration", m.application)
        for section, kind in (("classes", "class"), ("departments", "department"), ("locations", "location")):
            records: list[Classification] = getattr(fx, section)
            for n, rec in enumerate(records):
                yield from self.ref(f"{section}.{n}.parent", kind, rec.parent)
                yield from self.refs(f"{section}.{n}.subsidiaries", "subsidiary", rec.subsidiaries)
            yield from self.cycles(section, records)
        for n, pr in enumerate(fx.projects):
            p = f"projects.{n}"
            yield from self.ref(f"{p}.customer", "customer", pr.customer)
            yield from self.ref(f"{p}.parent", "customer or project", pr.parent)
            yield from self.ref(f"{p}.subsidiary", "subsidiary", pr.subsidiary)
            yield from self.ref(f"{p}.status", "project status", pr.status)
            yield from self.refs(f"{p}.resources", "employee", pr.resources)
        for n, cu in enumerate(fx.customers):
            yield from self.ref(f"customers.{n}.subsidiary", "subsidiary", cu.subsidiary)
            yield from self.refs(f"customers.{n}.subsidiaries", "subsidiary", cu.subsidiaries)
        for n, v in enumerate(fx.vendors):
            yield from self.ref(f"vendors.{n}.subsidiary", "subsidiary", v.subsidiary)
            yield from self.ref(f"vendors.{n}.currency", "currency", v.currency)
            yield from self.refs(f"vendors.{n}.currencies", "currency", v.currencies)
        for n, cat in enumerate(fx.expense_categories):
            yield from self.ref(f"expense_categories.{n}.account", "account", cat.account)
            yield from self.refs(f"expense_categories.{n}.subsidiaries", "subsidiary", cat.subsidiaries)
        for n, a in enumerate(fx.accounts):
            yield from self.refs(f"accounts.{n}.subsidiaries", "subsidiary", a.subsidiaries)
        for n, period in enumerate(fx.accounting_periods):
            if period.end < period.start:
                yield f"accounting_periods.{n}.end", "the period ends before it starts"

    def unique_ids(self) -> Iterator[tuple[str, str]]:
        fx = self.fx
        sections = (
            "subsidiaries", "currencies", "roles", "integrations", "tokens", "m2m_mappings", "classes", "departments",
            "locations", "project_statuses", "expense_categories", "accounts", "tax_groups",
            "accounting_periods", "transactions",
        )
        for section in sections:
            yield from self.unique_values(section, "id", [r.id for r in getattr(fx, section)])
        # Employees, customers, vendors and projects are all entities: one id space.
        seen: dict[int, str] = {}
        for section in ("employees", "customers", "vendors", "projects"):
            for n, record in enumerate(getattr(fx, section)):
                where = f"{section}.{n}.id"
                if record.id in seen:
                    yield where, f"id {record.id} is already used by {seen[record.id]} (entities share ids)"
                else:
                    seen[record.id] = where

    @staticmethod
    def unique_values(section: str, field: str, values: list[Any]) -> Iterator[tuple[str, str]]:
        seen: dict[Any, int] = {}
        for n, value in enumerate(values):
            if value in seen:
                yield f"{section}.{n}.{field}", f"{field} is already used by {section}.{seen[value]}"
            else:
                seen[value] = n

    @staticmethod
    def cycles(section: str, records: Iterable[Any]) -> Iterator[tuple[str, str]]:
        parents = {r.id: r.parent for r in records}
        for n, record in enumerate(records):
            seen = {record.id}
            current = parents.get(record.id)
            while current is not None:
                if current in seen:
                    yield f"{section}.{n}.parent", "the parent chain loops back on itself"
                    break
                seen.add(current)
                current = parents.get(current)


# ---- loading and the schema ----------------------------------------------------------------------


def load_fixture(path: Path) -> AccountFixture:
    """Read and check an account fixture; any problem is an ``InputError`` naming file and field."""
    return parse_fixture(load_mapping(path), str(path))


def parse_fixture(data: Any, source: str = "<fixture>") -> AccountFixture:
    """Like ``load_fixture`` for an already-parsed mapping (tests, generated accounts)."""
    try:
        fixture = AccountFixture.model_validate(data, context={_DEFER_REFERENCES: True})
    except ValidationError as exc:
        raise error_from_validation(exc, source) from None
    problems = fixture.reference_problems()
    if problems:
        field, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(message + more, source=source, field=field)
    return fixture


def schema() -> dict[str, Any]:
    body = AccountFixture.model_json_schema()
    body["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return body


def schema_text() -> str:
    """The schema file's text, in the same layout as netsuite_audit/commands/schema_gen.py writes."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the JSON Schema file from the models."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    print(f"wrote {write_schema(target)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
