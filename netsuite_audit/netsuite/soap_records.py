"""The one mapping between SuiteTalk (SOAP) record fields and SuiteQL columns.

Both directions use the table below: the SOAP client turns a ``<record>`` element into a row keyed by
the SuiteQL column names of ``TABLES[table]`` (so the same row model validates it), and the simulator
turns a typed database row back into a ``<record>`` element.

Parsing keys on local names and accepts any ``urn:<part>_<YYYY_N>.<area>.webservices.netsuite.com``
namespace, so captures from older endpoint versions read the same way.

Where SOAP and SuiteQL differ:

* ``fullname`` (class, department, location, subsidiary, account) is not a SOAP field. SuiteQL gives
  the hierarchy path ``Parent : Child``; :func:`derive_fullnames` rebuilds it from names and parents.
* ``job.customer`` is not a SOAP field either: a project's ``parent`` is its customer or a parent
  project. :func:`derive_job_customers` walks up through projects to the first non-project.
* country and account type are enumerations in SOAP (``_unitedStates``, ``_otherExpense``) and codes in
  SuiteQL (``US``, ``OthExpense``); the maps below translate known values and pass others through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from lxml import etree

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"

#: The SuiteTalk endpoint versions nsaudit ships a trimmed WSDL for (netsuite/wsdl/<version>).
SUPPORTED_VERSIONS: tuple[str, ...] = ("2024_2", "2025_2")
#: The version nsaudit uses unless told otherwise (--soap-version, config key soap_version).
DEFAULT_VERSION = "2025_2"
#: The last SOAP endpoint Oracle publishes (from 2027.1 the only supported one; SOAP ends with 2028.2).
LAST_SUPPORTED_VERSION = "2025_2"
VERSION = DEFAULT_VERSION  # the version of the module-level namespace constants below


def check_version(version: str) -> str:
    """``version`` if nsaudit ships its WSDL, else a ValueError naming the ones it has."""
    if version not in SUPPORTED_VERSIONS:
        shipped = ", ".join(SUPPORTED_VERSIONS)
        raise ValueError(f"SOAP version {version!r} is not one nsaudit ships; use one of {shipped}")
    return version


def version_of_namespace(uri: str) -> str | None:
    """``urn:core_2025_2.platform.webservices.netsuite.com`` -> ``2025_2`` (None for other URIs)."""
    match = re.match(r"^urn:[A-Za-z.]+_(\d{4}_[12])\.[A-Za-z.]+\.webservices\.netsuite\.com$", uri)
    return match.group(1) if match else None


def namespace(part: str, area: str = "platform", version: str = VERSION) -> str:
    """``namespace("core")`` -> ``urn:core_2025_2.platform.webservices.netsuite.com``."""
    return f"urn:{part}_{version}.{area}.webservices.netsuite.com"


@dataclass(frozen=True)
class Namespaces:
    """Every namespace of one SuiteTalk version that nsaudit sends or reads."""

    version: str

    @property
    def messages(self) -> str:
        return namespace("messages", version=self.version)

    @property
    def core(self) -> str:
        return namespace("core", version=self.version)

    @property
    def common(self) -> str:
        return namespace("common", version=self.version)

    @property
    def faults(self) -> str:
        return namespace("faults", version=self.version)

    @property
    def platform(self) -> str:
        return f"urn:platform_{self.version}.webservices.netsuite.com"

    @property
    def binding(self) -> str:
        return f"{{{self.platform}}}NetSuiteBinding"

    def lists(self, area: str) -> str:
        return namespace(area, "lists", self.version)


def namespaces(version: str = DEFAULT_VERSION) -> Namespaces:
    return Namespaces(check_version(version))


MESSAGES = namespace("messages")
CORE = namespace("core")
COMMON = namespace("common")
FAULTS = namespace("faults")
ACCOUNTING = namespace("accounting", "lists")
EMPLOYEES = namespace("employees", "lists")
RELATIONSHIPS = namespace("relationships", "lists")
PLATFORM = f"urn:platform_{VERSION}.webservices.netsuite.com"
BINDING = f"{{{PLATFORM}}}NetSuiteBinding"


Kind = Literal["text", "bool", "ref", "refs", "decimal", "roles", "enum"]


@dataclass(frozen=True)
class FieldMap:
    """One SuiteQL column and the SOAP element that carries it.

    ``kind``: ``text``, ``bool`` (``true``/``false``), ``decimal``, ``ref`` (``<el internalId="3"/>``),
    ``refs`` (``<el><recordRef internalId="1"/>...</el>``), ``roles`` (Employee
    ``rolesList/roles/selectedRole``: the ``rolesList`` element, type EmployeeRolesList, holds
    repeated elements named ``roles``, type EmployeeRoles), ``enum`` (translated through ``values``:
    SuiteQL value to SOAP value). ``leaf`` marks the element as the record's own name when ``column`` holds the
    hierarchy path (``acctName`` -> ``fullname``). ``alternates`` are other element names accepted
    when parsing.
    """

    column: str
    element: str
    kind: Kind
    values: Mapping[str, str] | None = None
    leaf: bool = False
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordMap:
    table: str  # TABLES key
    record_type: str  # RecordType / SearchRecordType value, e.g. "expenseCategory"
    type_name: str  # complex type, e.g. "ExpenseCategory"
    area: str  # "accounting" | "employees" | "relationships"
    fields: tuple[FieldMap, ...]
    get_all: bool = False  # read with getAll instead of search (currency)
    name_column: str | None = None  # column holding the record's own name, for fullname paths
    by_element: dict[str, tuple[FieldMap, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[FieldMap]] = {}
        for fm in self.fields:
            for name in (fm.element, *fm.alternates):
                index.setdefault(name, []).append(fm)
        self.by_element.update({k: tuple(v) for k, v in index.items()})

    @property
    def namespace(self) -> str:
        return namespace(self.area, "lists")

    def namespace_for(self, version: str) -> str:
        return namespace(self.area, "lists", version)

    @property
    def prefix(self) -> str:
        return {"accounting": "listAcct", "employees": "listEmp", "relationships": "listRel"}[self.area]

    @property
    def search_basic(self) -> str:
        return f"{self.type_name}SearchBasic"

    @property
    def columns(self) -> tuple[str, ...]:
        from netsuite_audit.netsuite.tables import TABLES  # the row models load only when rows are read

        return TABLES[self.table].columns


# SuiteQL account type -> SOAP AccountType enumeration value.
ACCOUNT_TYPES: dict[str, str] = {
    "AcctPay": "_accountsPayable",
    "AcctRec": "_accountsReceivable",
    "Bank": "_bank",
    "COGS": "_costOfGoodsSold",
    "CredCard": "_creditCard",
    "DeferExpense": "_deferredExpense",
    "DeferRevenue": "_deferredRevenue",
    "Equity": "_equity",
    "Expense": "_expense",
    "FixedAsset": "_fixedAsset",
    "Income": "_income",
    "LongTermLiab": "_longTermLiability",
    "NonPosting": "_nonPosting",
    "OthAsset": "_otherAsset",
    "OthCurrAsset": "_otherCurrentAsset",
    "OthCurrLiab": "_otherCurrentLiability",
    "OthExpense": "_otherExpense",
    "OthIncome": "_otherIncome",
    "Stat": "_statistical",
    "UnbilledRec": "_unbilledReceivable",
}

# SuiteQL country code -> SOAP Country enumeration value (the countries seen most; others pass through).
COUNTRIES: dict[str, str] = {
    "AE": "_unitedArabEmirates",
    "AR": "_argentina",
    "AT": "_austria",
    "AU": "_australia",
    "BE": "_belgium",
    "BR": "_brazil",
    "CA": "_canada",
    "CH": "_switzerland",
    "CL": "_chile",
    "CN": "_china",
    "CO": "_colombia",
    "CZ": "_czechRepublic",
    "DE": "_germany",
    "DK": "_denmark",
    "ES": "_spain",
    "FI": "_finland",
    "FR": "_france",
    "GB": "_unitedKingdom",
    "HK": "_hongKong",
    "IE": "_ireland",
    "IL": "_israel",
    "IN": "_india",
    "IT": "_italy",
    "JP": "_japan",
    "KR": "_koreaRepublicOf",
    "MX": "_mexico",
    "MY": "_malaysia",
    "NL": "_netherlands",
    "NO": "_norway",
    "NZ": "_newZealand",
    "PH": "_philippines",
    "PL": "_poland",
    "PT": "_portugal",
    "SE": "_sweden",
    "SG": "_singapore",
    "TH": "_thailand",
    "TW": "_taiwan",
    "US": "_unitedStates",
    "ZA": "_southAfrica",
}

_F = FieldMap

RECORDS: dict[str, RecordMap] = {
    rm.table: rm
    for rm in (
        RecordMap(
            "subsidiary", "subsidiary", "Subsidiary", "accounting",
            (
                _F("name", "name", "text"),
                _F("parent", "parent", "ref"),
                _F("isinactive", "isInactive", "bool"),
                _F("country", "country", "enum", values=COUNTRIES),
                _F("iselimination", "isElimination", "bool"),
                _F("currency", "currency", "ref"),
            ),
            name_column="name",
        ),
        RecordMap(
            "currency", "currency", "Currency", "accounting",
            (
                _F("name", "name", "text"),
                _F("symbol", "symbol", "text"),
                _F("isbasecurrency", "isBaseCurrency", "bool"),
                _F("isinactive", "isInactive", "bool"),
            ),
            get_all=True,
        ),
        RecordMap(
            "employee", "employee", "Employee", "employees",
            (
                _F("entityid", "entityId", "text"),
                _F("firstname", "firstName", "text"),
                _F("lastname", "lastName", "text"),
                _F("email", "email", "text"),
                _F("isinactive", "isInactive", "bool"),
                _F("department", "department", "ref"),
                _F("class", "class", "ref"),
                _F("location", "location", "ref"),
                _F("subsidiary", "subsidiary", "ref"),
                _F("currency", "currency", "ref"),
                _F("expenselimit", "expenseLimit", "decimal"),
                _F("supervisor", "supervisor", "ref"),
                _F("approvallimit", "approvalLimit", "decimal"),
                _F("giveaccess", "giveAccess", "bool"),
                _F("rolesforsearch", "rolesList", "roles"),
            ),
        ),
        *(
            RecordMap(
                table, table, type_name, "accounting",
                (
                    _F("name", "name", "text"),
                    _F("includechildren", "includeChildren", "bool"),
                    _F("parent", "parent", "ref"),
                    _F("isinactive", "isInactive", "bool"),
                    _F("subsidiary", "subsidiaryList", "refs"),
                ),
                name_column="name",
            )
            for table, type_name in (
                ("classification", "Classification"),
                ("department", "Department"),
            )
        ),
        RecordMap(  # Oracle's Location orders these fields differently from Class and Department
            "location", "location", "Location", "accounting",
            (
                _F("name", "name", "text"),
                _F("parent", "parent", "ref"),
                _F("includechildren", "includeChildren", "bool"),
                _F("subsidiary", "subsidiaryList", "refs"),
                _F("isinactive", "isInactive", "bool"),
            ),
            name_column="name",
        ),
        RecordMap(
            "job", "job", "Job", "relationships",
            (
                _F("entityid", "entityId", "text"),
                _F("altname", "altName", "text"),
                _F("companyname", "companyName", "text"),
                _F("entitystatus", "entityStatus", "ref"),
                _F("parent", "parent", "ref"),
                _F("isinactive", "isInactive", "bool"),
                _F("subsidiary", "subsidiary", "ref"),
                _F("limittimetoassignees", "limitTimeToAssignees", "bool"),
                _F("allowexpenses", "allowExpenses", "bool"),
            ),
        ),
        RecordMap(
            "customer", "customer", "Customer", "relationships",
            (
                _F("entityid", "entityId", "text"),
                _F("altname", "altName", "text"),
                _F("isperson", "isPerson", "bool"),
                _F("companyname", "companyName", "text"),
                _F("isinactive", "isInactive", "bool"),
                _F("subsidiary", "subsidiary", "ref"),
            ),
        ),
        RecordMap(
            "vendor", "vendor", "Vendor", "relationships",
            (
                _F("entityid", "entityId", "text"),
                _F("altname", "altName", "text"),
                _F("companyname", "companyName", "text"),
                _F("email", "email", "text"),
                _F("isinactive", "isInactive", "bool"),
                _F("subsidiary", "subsidiary", "ref"),
                _F("currency", "currency", "ref"),
            ),
        ),
        RecordMap(
            "expensecategory", "expenseCategory", "ExpenseCategory", "accounting",
            (
                _F("name", "name", "text"),
                _F("expenseacct", "expenseAcct", "ref"),
                _F("isinactive", "isInactive", "bool"),
                _F("raterequired", "rateRequired", "bool"),
                # Oracle's ExpenseCategory has subsidiaryList and no includeChildren: over SOAP the
                # category's include-children flag is not returned (it stays unknown).
                _F("subsidiary", "subsidiaryList", "refs"),
            ),
        ),
        RecordMap(
            "account", "account", "Account", "accounting",
            (
                _F("accttype", "acctType", "enum", values=ACCOUNT_TYPES),
                _F("acctnumber", "acctNumber", "text"),
                _F("fullname", "acctName", "text", leaf=True),
                _F("includechildren", "includeChildren", "bool"),
                _F("parent", "parent", "ref"),
                _F("isinactive", "isInactive", "bool"),
                # Oracle's Account has no isSummary: over SOAP a summary account is not recognisable.
                _F("subsidiary", "subsidiaryList", "refs"),
            ),
            name_column="fullname",
        ),
    )
}

# SuiteQL columns that Oracle's SOAP record type has no field for: read over SOAP they are not
# returned, so their value is unknown (names.toml lists the retired element names).
NOT_IN_SOAP: dict[str, tuple[str, ...]] = {
    "account": ("issummary",),
}

# Columns filled by derivation, not by a field of their own. "parent" is read for the derivation
# and dropped from the row when the table has no such column.
_HIERARCHY_SEP = " : "


def record_map(table: str) -> RecordMap:
    try:
        return RECORDS[table]
    except KeyError:
        raise KeyError(f"no SOAP record mapping for table {table!r}") from None


def for_type_name(type_name: str) -> RecordMap | None:
    """The mapping for a SOAP type name (``Classification``), or None."""
    for rm in RECORDS.values():
        if rm.type_name == type_name:
            return rm
    return None


# -- XML helpers keyed on local names ----------------------------------------------------------


def local(tag: object) -> str:
    """Local part of an lxml tag (``{ns}name`` -> ``name``); ``""`` for comments and the like."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in el:
        if local(child.tag) == name:
            yield child


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next(children(el, name), None)


def descendant(el: etree._Element, name: str) -> etree._Element | None:
    for node in el.iter():
        if local(node.tag) == name:
            return node
    return None


def text_of(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text


def xsi_type_name(el: etree._Element) -> str | None:
    """``xsi:type="listAcct:Account"`` -> ``Account``."""
    value = el.get(f"{{{XSI}}}type")
    if not value:
        return None
    return value.rsplit(":", 1)[-1]


# -- XML -> row --------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None


def _decimal(value: str | None) -> Decimal | None:
    if value is None or value.strip() == "":
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return None


def _read(fm: FieldMap, el: etree._Element) -> Any:
    if fm.kind == "text":
        text = text_of(el)
        return text if text else None
    if fm.kind == "bool":
        return _bool(text_of(el))
    if fm.kind == "decimal":
        return _decimal(text_of(el))
    if fm.kind == "ref":
        return _int(el.get("internalId"))
    if fm.kind == "refs":
        return [i for i in (_int(r.get("internalId")) for r in children(el, "recordRef")) if i is not None]
    if fm.kind == "roles":
        ids = []
        for entry in children(el, "roles"):
            role = child(entry, "selectedRole")
            rid = _int(role.get("internalId")) if role is not None else None
            if rid is not None:
                ids.append(rid)
        return ids
    if fm.kind == "enum":
        raw = text_of(el)
        if not raw:
            return None
        reverse = {soap: suiteql for suiteql, soap in (fm.values or {}).items()}
        return reverse.get(raw, raw)
    raise ValueError(f"unknown field kind {fm.kind!r}")


def record_to_row(el: etree._Element, table: str) -> dict[str, Any]:
    """A ``<record>`` element -> a row with every SuiteQL column of ``table`` (``None`` when absent).

    ``fullname`` holds the record's own name until :func:`derive_fullnames` makes it a path, and
    ``job.customer`` holds the parent until :func:`derive_job_customers` resolves it.
    """
    rm = record_map(table)
    row: dict[str, Any] = dict.fromkeys(rm.columns)
    row["id"] = _int(el.get("internalId"))
    for node in el:
        for fm in rm.by_element.get(local(node.tag), ()):
            row[fm.column] = _read(fm, node)
    if rm.name_column and "fullname" in row and rm.name_column != "fullname":
        row["fullname"] = row.get(rm.name_column)
    if table == "job":
        row["customer"] = row.get("parent")
    return row


def derive_fullnames(rows: list[dict[str, Any]], table: str) -> None:
    """Rebuild SuiteQL's ``Parent : Child`` ``fullname`` from own names and parents, in place.

    A parent missing from ``rows`` ends the path there (the own name is kept as the start).
    """
    rm = record_map(table)
    if rm.name_column is None or "fullname" not in rm.columns:
        return
    own = {row["id"]: row.get(rm.name_column) if rm.name_column != "fullname" else row.get("fullname")
           for row in rows}
    parents = {row["id"]: row.get("parent") for row in rows}

    def path(rid: int) -> str | None:
        parts: list[str] = []
        seen: set[int] = set()
        current: int | None = rid
        while current is not None and current in own and current not in seen:
            seen.add(current)
            name = own[current]
            if name:
                parts.append(name)
            current = parents.get(current)
        return _HIERARCHY_SEP.join(reversed(parts)) or None

    for row in rows:
        row["fullname"] = path(row["id"])


def derive_job_customers(rows: list[dict[str, Any]]) -> None:
    """Set ``customer`` of each project row to the first ancestor that is not a project, in place."""
    parents = {row["id"]: row.get("parent") for row in rows}
    for row in rows:
        current = row.get("parent")
        seen: set[int] = set()
        while current is not None and current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
        row["customer"] = current


def derive_rows(rows: list[dict[str, Any]], table: str) -> None:
    """Finish rows read over SOAP once every page is in: ``fullname`` paths and project customers,
    in place. Call it once per table on the complete list (a no-op for other tables)."""
    if table not in RECORDS:
        return
    derive_fullnames(rows, table)
    if table == "job":
        derive_job_customers(rows)


# -- row -> XML (the simulator) ----------------------------------------------------------------


def _wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _leaf(value: str) -> str:
    return value.rsplit(_HIERARCHY_SEP, 1)[-1]


def _ids(value: Any) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    if isinstance(value, int):
        return [value]
    return [int(part) for part in str(value).split(",") if part.strip()]


def row_to_record(row: Mapping[str, Any], table: str, tag: str, version: str = VERSION) -> etree._Element:
    """A typed database row -> ``<tag internalId=".." xsi:type="listAcct:Classification">``.

    ``tag`` is the qualified element name (``{core}record`` in a record list, ``{messages}record`` in
    a read response). Null values are left out, as NetSuite does.
    """
    rm = record_map(table)
    core = namespace("core", version=version)
    nsmap = {rm.prefix: rm.namespace_for(version), "platformCore": core, "xsi": XSI}
    el = etree.Element(tag, nsmap=nsmap)
    el.set("internalId", str(row["id"]))
    el.set(f"{{{XSI}}}type", f"{rm.prefix}:{rm.type_name}")
    ns = rm.namespace_for(version)
    for fm in rm.fields:
        value = row.get(fm.column)
        if table == "job" and fm.column == "parent" and value is None:
            value = row.get("customer")
        if value is None or value == "" or (fm.kind in ("refs", "roles") and not _ids(value)):
            continue
        node = etree.SubElement(el, f"{{{ns}}}{fm.element}")
        if fm.kind == "ref":
            node.set("internalId", str(int(value)))
        elif fm.kind == "refs":
            for rid in _ids(value):
                etree.SubElement(node, f"{{{core}}}recordRef", internalId=str(rid))
        elif fm.kind == "roles":
            for rid in _ids(value):
                entry = etree.SubElement(node, f"{{{ns}}}roles")
                etree.SubElement(entry, f"{{{ns}}}selectedRole", internalId=str(rid))
        elif fm.kind == "enum":
            node.text = (fm.values or {}).get(str(value), str(value))
        elif fm.leaf:
            node.text = _leaf(str(value))
        else:
            node.text = _wire_text(value)
    return el


