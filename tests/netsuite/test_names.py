"""Every NetSuite name the collector, the checks, the simulator and the RESTlet use is in
netsuite_audit/netsuite/names.toml, with a source and a status; and what names.toml calls confirmed is
found again in Oracle's lists when those lists are on this machine."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from lxml import etree

from netsuite_audit.audit.registry import load_checks
from netsuite_audit.audit.requirements import PROFILES
from netsuite_audit.netsuite import names
from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.permissions import PERMISSIONS
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.simulator.database import _BUILDERS

REPO = Path(__file__).resolve().parents[2]
RESTLET = REPO / "netsuite_audit" / "restlet" / "nsaudit_restlet.js"
PERMKEY = re.compile(r"\b(?:LIST|ADMI|TRAN|REPO|REGT|CUST|SETUP)_[A-Z0-9_]+\b")

# Oracle's own lists live beside the clone in ../shared/reference/oracle (never copied into the
# project; see its README). CI has them there, so the comparisons below run; a clone without them
# skips with the reason. Oracle's XSDs are not among them: NSAUDIT_REAL_XSD_DIR may name a folder
# holding them (no default), otherwise that one test skips.
ORACLE = REPO.parent / "shared" / "reference" / "oracle"
CATALOG = ORACLE / "record-catalog-permissions.csv"
SDK_PERMISSIONS = ORACLE / "permissions.json"
_XSD_DIR = os.environ.get("NSAUDIT_REAL_XSD_DIR", "")
ORACLE_XSD = Path(_XSD_DIR) if _XSD_DIR else None
_NO_ORACLE = f"Oracle's lists not beside the clone ({ORACLE.relative_to(REPO.parent)} absent)"
# Oracle's SDK list labels ADMI_LOGIN_OAUTH with the OAuth 2.0 permission's name; Oracle's own
# "Permission Names and IDs" page and the Manage Roles screen call it "Log In using Access Tokens".
SDK_MISLABELS = {"ADMI_LOGIN_OAUTH": "Log In using OAuth 2.0 Access Tokens"}


def _every_status_is_known() -> None:
    for table, entry in names.tables().items():
        assert entry.table.status in ("confirmed", "UNCERTAIN"), table


def test_names_file_is_well_formed() -> None:
    sources = names.sources()
    _every_status_is_known()
    for table, entry in names.tables().items():
        assert entry.table.source in sources, table
        assert entry.permission_name.source in sources, table
        for col, name in entry.columns.items():
            assert name.source in sources, f"{table}.{col}"
            # A name no Oracle list confirms can never be called confirmed.
            if name.source in ("public-code", "nsaudit-reference"):
                assert name.uncertain, f"{table}.{col}"
    for key, name in names.permissions().items():
        assert name.source in sources, key
    for kind in ("preferences", "features", "types"):
        for key, name in names.restlet(kind).items():  # type: ignore[arg-type]
            assert name.source in sources, key


def test_every_table_and_column_the_collector_reads_is_listed() -> None:
    listed = names.tables()
    for table, spec in TABLES.items():
        assert table in listed, f"table {table} is not in names.toml"
        assert spec.permission == listed[table].permission, f"{table}: permission differs from names.toml"
        for column in spec.columns:
            assert column in listed[table].columns, f"column {table}.{column} is not in names.toml"
    assert set(listed) == set(TABLES), "names.toml lists a table nsaudit no longer reads"


def test_checks_and_simulator_name_only_listed_tables() -> None:
    listed = names.tables()
    for loaded in load_checks():
        meta = loaded.meta
        for table in (*meta.reads, *meta.optional_reads):
            assert table in listed, f"check {meta.id} reads {table}, which is not in names.toml"
    assert set(_BUILDERS) <= set(listed)
    for loaded in load_checks():
        for needed in loaded.meta.columns:  # "table.column" a check declares it needs
            table, _, column = needed.partition(".")
            assert column in listed[table].columns, f"check {loaded.meta.id} needs {needed}, not in names.toml"


def test_retired_names_are_used_nowhere() -> None:
    retired = names.retired()
    tables = {k for k, v in retired.items() if v.startswith("table")}
    assert not tables & set(TABLES)
    assert "ADMI_PERIODS" not in PERMISSIONS
    for loaded in load_checks():
        assert not tables & {*loaded.meta.reads, *loaded.meta.optional_reads}, loaded.meta.id
    for rm in rec.RECORDS.values():
        for fm in rm.fields:
            assert f"{rm.type_name}.{fm.element}" not in retired, f"{rm.type_name}.{fm.element}"
    columns = {k for k, v in retired.items() if v.startswith("SuiteQL column")}
    read = {f"{t}.{c}" for t, spec in TABLES.items() for c in spec.columns}
    assert columns and not columns & read
    served = {f"{t}.{c}" for t, build in _BUILDERS.items() for row in build(_fixture()) for c in row}
    assert not columns & served


def _fixture():  # type: ignore[no-untyped-def]
    from netsuite_audit.simulator.fixture import load_fixture

    return load_fixture(REPO / "fixtures" / "accounts" / "healthy.json")


def _permkeys_in_code() -> set[str]:
    keys = set(PERMISSIONS) | {spec.permission for spec in TABLES.values()}
    keys |= {req.permkey for reqs in PROFILES.values() for req in reqs}
    for path in (*(REPO / "checks").glob("*.py"), *(REPO / "netsuite_audit").rglob("*.py")):
        keys |= set(PERMKEY.findall(path.read_text(encoding="utf-8")))
    for path in (REPO / "fixtures" / "accounts").glob("*.json"):
        keys |= set(PERMKEY.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_permission_id_in_use_is_listed() -> None:
    listed = names.permissions()
    missing = sorted(k for k in _permkeys_in_code() if k not in listed and k not in names.retired())
    assert not missing, f"permission ids used but not in names.toml: {missing}"


def test_every_soap_element_the_mapping_uses_is_listed() -> None:
    types = names.soap_types()
    for rm in rec.RECORDS.values():
        assert rm.type_name in types, rm.type_name
        _, elements = types[rm.type_name]
        for fm in rm.fields:
            assert fm.element in elements, f"{rm.type_name}.{fm.element} is not in names.toml"
            for alt in fm.alternates:
                assert alt in elements, f"{rm.type_name}.{alt} is not in names.toml"
        if not rm.get_all:
            assert f"{rm.type_name}SearchBasic" in types
        # the simulator writes the fields in this order: it must be Oracle's
        used = [fm.element for fm in rm.fields]
        assert used == [e for e in elements if e in used], f"{rm.type_name}: fields not in Oracle's order"


def test_every_restlet_id_is_listed() -> None:
    source = RESTLET.read_text(encoding="utf-8")

    def array(name: str) -> list[str]:
        match = re.search(rf"const {name} = \[(.*?)\];", source, re.DOTALL)
        assert match, name
        return re.findall(r"'([A-Z0-9_]+)'", match.group(1))

    assert set(array("PREFERENCES")) == set(names.restlet("preferences"))
    assert set(array("FEATURES")) == set(names.restlet("features"))
    for used in re.findall(r"(?:search|config|record)\.Type\.([A-Z_]+)", source):
        assert used in names.restlet("types"), used
    # The subsidiary default-account field ids it used to guess are gone (names.toml says why).
    for guess in ("expensereportapaccount", "corporatecardaccount", "taxrequired", "EXPENSEREPORTAPACCOUNT"):
        assert guess not in source


# ---- what "confirmed" claims, checked against Oracle's lists when they are here --------------------


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["tableId"].lower(): row for row in csv.DictReader(handle)}


@pytest.mark.skipif(not CATALOG.exists(), reason=_NO_ORACLE)
def test_confirmed_tables_are_in_the_records_catalog() -> None:
    catalog = _csv(CATALOG)
    for table, entry in names.tables().items():
        if entry.table.source == "records-catalog":
            assert table in catalog, table
        if entry.permission_name.source == "records-catalog":
            assert catalog[table]["permission"] == entry.permission, table
        # Tim Dietrich's table (rolepermissions, vendorcurrencybalance) is not among Oracle's lists
        # here: those rows are not in the catalog export, which this asserts instead.
        if entry.table.source == "records-catalog-tim":
            assert table not in catalog, table
        if entry.table.uncertain:
            assert table not in catalog, f"{table} is in the catalog: confirm it"
    for retired in ("jobresource", "taxgroup", "rolesubsidiarymap"):
        assert retired not in catalog


@pytest.mark.skipif(not SDK_PERMISSIONS.exists(), reason=_NO_ORACLE)
def test_confirmed_permission_ids_are_in_oracles_list() -> None:
    sdk = json.loads(SDK_PERMISSIONS.read_text(encoding="utf-8"))
    labels: dict[str, set[str]] = {}
    for cat in sdk["permissions"].values():
        for p in cat["permissions"]:
            labels.setdefault(p["id"], set()).add(p["name"])
    for key, name in names.permissions().items():
        assert (key in labels) == (not name.uncertain), key
        oracle_name = names.raw()["permissions"][key].get("oracle_name", "")
        if key in labels and oracle_name:
            if key in SDK_MISLABELS:
                assert SDK_MISLABELS[key] in labels[key] and oracle_name not in labels[key], key
            else:
                assert oracle_name in labels[key] or any(
                    part.strip() in labels[key] for part in oracle_name.split(" / ")), key
    assert "ADMI_PERIODS" not in labels


def test_admi_login_oauth_carries_oracles_own_name() -> None:
    assert names.raw()["permissions"]["ADMI_LOGIN_OAUTH"]["oracle_name"] == "Log In using Access Tokens"


@pytest.mark.skipif(ORACLE_XSD is None or not (ORACLE_XSD / "xsd").is_dir(),
                    reason="Oracle's SuiteTalk XSDs are not in ../shared (licence unknown); set "
                           "NSAUDIT_REAL_XSD_DIR to a folder holding them (kokobd/netsuite-wsdl) to run this")
def test_confirmed_soap_elements_are_in_oracles_types_in_order() -> None:
    assert ORACLE_XSD is not None
    xs = "{http://www.w3.org/2001/XMLSchema}"
    oracle: dict[str, list[str]] = {}
    for path in (ORACLE_XSD / "xsd").glob("*.xsd"):
        for ct in etree.parse(str(path)).getroot().iter(f"{xs}complexType"):
            if ct.get("name"):
                oracle.setdefault(ct.get("name") or "", [
                    el.get("name") or (el.get("ref") or "").rsplit(":", 1)[-1] for el in ct.iter(f"{xs}element")
                ])
    for type_name, (status, elements) in names.soap_types().items():
        if status.uncertain:
            continue
        have = oracle[type_name]
        assert all(e in have for e in elements), type_name
        assert [e for e in have if e in elements] == list(elements), f"{type_name}: not in Oracle's order"
    assert "isSummary" not in oracle["Account"]
    assert "includeChildren" not in oracle["ExpenseCategory"]


def test_fidelity_doc_lists_every_name() -> None:
    doc = (REPO / "docs" / "fidelity.md").read_text(encoding="utf-8")
    for table, entry in names.tables().items():
        assert f"| `{table}` |" in doc, table
        for column in entry.columns:
            assert column in doc, f"{table}.{column}"
    for key in names.permissions():
        assert f"`{key}`" in doc, key
    for type_name, (_, elements) in names.soap_types().items():
        assert f"| `{type_name}` |" in doc, type_name
        assert all(f"`{e}`" in doc for e in elements), type_name
    for kind in ("preferences", "features", "types"):
        for key in names.restlet(kind):  # type: ignore[arg-type]
            assert f"`{key}`" in doc, key
    assert "xsd_conformance" in doc and "conforms" in doc
