"""The SOAP field <-> SuiteQL column mapping, both ways, and real NetSuite captures through it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.records import Account, Customer
from netsuite_audit.netsuite.tables import TABLES

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real"
SOAP_DIR = REAL / "soap"


def _capture(name: str) -> etree._Element:
    path = SOAP_DIR / name
    if not path.is_file():
        pytest.skip(f"real SOAP capture {path} is not available (shared/reference/real is not beside the repo)")
    return etree.fromstring(path.read_bytes())


SAMPLE_ROWS: dict[str, dict[str, Any]] = {
    "subsidiary": {"id": 2, "name": "Child Co", "fullname": "Parent Co : Child Co", "parent": 1, "currency": 3,
                   "country": "GB", "isinactive": False, "iselimination": True},
    "currency": {"id": 3, "name": "British pound", "symbol": "GBP", "isbasecurrency": False, "isinactive": True},
    "employee": {"id": 10, "entityid": "Ada", "firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com",
                 "subsidiary": 2, "supervisor": 11, "department": 5, "class": 7, "location": 8,
                 "isinactive": False, "giveaccess": True, "rolesforsearch": [3, 1001],
                 "expenselimit": "2500.50", "approvallimit": None, "currency": 3},
    "classification": {"id": 7, "name": "East", "fullname": "East", "parent": None, "isinactive": False,
                       "includechildren": True, "subsidiary": [1, 2]},
    "department": {"id": 5, "name": "Ops", "fullname": "Ops", "parent": None, "isinactive": True,
                   "includechildren": False, "subsidiary": [2]},
    "location": {"id": 8, "name": "Leeds", "fullname": "Leeds", "parent": None, "isinactive": False,
                 "includechildren": False, "subsidiary": []},
    "job": {"id": 40, "entityid": "P-40", "altname": "Rollout", "companyname": "Rollout", "customer": 30,
            "parent": 30, "subsidiary": 2, "entitystatus": 2, "isinactive": False, "allowexpenses": True,
            "limittimetoassignees": False},
    "customer": {"id": 30, "entityid": "C-30", "companyname": None, "altname": "Jo Bloggs", "isinactive": False,
                 "isperson": True, "subsidiary": 2},
    "vendor": {"id": 50, "entityid": "V-50", "companyname": "Supplies Ltd", "altname": "Supplies Ltd",
               "email": None, "isinactive": False, "subsidiary": 2, "currency": 3},
    "expensecategory": {"id": 60, "name": "Meals", "expenseacct": 70, "isinactive": False, "subsidiary": [1, 2],
                        "raterequired": False},
    "account": {"id": 70, "acctnumber": "6100", "fullname": "6100 Meals", "accttype": "Expense",
                "isinactive": False, "issummary": False, "includechildren": True, "subsidiary": [1, 2]},
}


def test_every_table_with_a_soap_record_has_a_mapping_over_its_columns() -> None:
    for name, spec in TABLES.items():
        if spec.soap_record is None:
            continue
        rm = rec.record_map(name)
        assert rm.record_type == spec.soap_record
        mapped = {fm.column for fm in rm.fields}
        derived = {"id", "fullname", "customer"}
        absent = set(rec.NOT_IN_SOAP.get(name, ()))
        assert not absent & mapped, name
        assert set(spec.columns) <= mapped | derived | absent, (name, set(spec.columns) - mapped - derived)


@pytest.mark.parametrize("table", sorted(SAMPLE_ROWS))
def test_row_to_xml_and_back_validates_to_the_same_model(table: str) -> None:
    row = SAMPLE_ROWS[table]
    el = rec.row_to_record(row, table, f"{{{rec.CORE}}}record")
    text = etree.tostring(el)
    back = rec.record_to_row(etree.fromstring(text), table)
    rec.derive_fullnames([back], table)
    if table == "job":
        rec.derive_job_customers([back])
    assert set(back) == set(TABLES[table].columns)
    model = TABLES[table].model
    expected = dict(row)
    if table == "subsidiary":
        expected["fullname"] = "Child Co"  # its parent is not among the rows given
    for column in rec.NOT_IN_SOAP.get(table, ()):
        assert back[column] is None  # SOAP has no field for it: not returned
        expected[column] = None
    assert model.model_validate(back) == model.model_validate(expected)


def test_row_to_xml_uses_netsuite_shapes() -> None:
    el = rec.row_to_record(SAMPLE_ROWS["employee"], "employee", f"{{{rec.CORE}}}record")
    assert el.get(f"{{{rec.XSI}}}type") == "listEmp:Employee"
    assert el.get("internalId") == "10"
    roles = el.find(f"{{{rec.EMPLOYEES}}}rolesList")
    assert roles is not None
    entries = list(roles)
    assert [e.tag for e in entries] == [f"{{{rec.EMPLOYEES}}}roles"] * 2  # element name, not the type name
    selected = [e.find(f"{{{rec.EMPLOYEES}}}selectedRole").get("internalId") for e in entries]  # type: ignore[union-attr]
    assert selected == ["3", "1001"]
    assert el.find(f"{{{rec.EMPLOYEES}}}giveAccess").text == "true"  # type: ignore[union-attr]
    assert el.find(f"{{{rec.EMPLOYEES}}}approvalLimit") is None  # nulls are left out
    cls = rec.row_to_record(SAMPLE_ROWS["classification"], "classification", "record")
    refs = cls.find(f"{{{rec.ACCOUNTING}}}subsidiaryList")
    assert [r.get("internalId") for r in refs] == ["1", "2"]  # type: ignore[union-attr]
    acct = rec.row_to_record(SAMPLE_ROWS["account"], "account", "record")
    assert acct.find(f"{{{rec.ACCOUNTING}}}acctType").text == "_expense"  # type: ignore[union-attr]
    sub = rec.row_to_record(SAMPLE_ROWS["subsidiary"], "subsidiary", "record")
    assert sub.find(f"{{{rec.ACCOUNTING}}}country").text == "_unitedKingdom"  # type: ignore[union-attr]


def test_fullnames_are_rebuilt_as_hierarchy_paths() -> None:
    rows = [
        {"id": 1, "name": "Parent", "parent": None, "fullname": "Parent"},
        {"id": 2, "name": "Child", "parent": 1, "fullname": "Child"},
        {"id": 3, "name": "Grandchild", "parent": 2, "fullname": "Grandchild"},
        {"id": 4, "name": "Orphan", "parent": 99, "fullname": "Orphan"},
    ]
    rec.derive_fullnames(rows, "department")
    assert [r["fullname"] for r in rows] == ["Parent", "Parent : Child", "Parent : Child : Grandchild", "Orphan"]


def test_account_fullname_path_is_built_from_account_names() -> None:
    leaf = rec.row_to_record({"id": 2, "fullname": "Travel : Meals", "parent": 1}, "account", "record")
    assert leaf.find(f"{{{rec.ACCOUNTING}}}acctName").text == "Meals"  # type: ignore[union-attr]
    rows = [rec.record_to_row(leaf, "account"),
            rec.record_to_row(rec.row_to_record({"id": 1, "fullname": "Travel"}, "account", "record"), "account")]
    rec.derive_fullnames(rows, "account")
    assert rows[0]["fullname"] == "Travel : Meals"


def test_project_customer_is_the_first_ancestor_that_is_not_a_project() -> None:
    rows = [
        {"id": 40, "parent": 30},  # under customer 30
        {"id": 41, "parent": 40},  # sub-project of 40
        {"id": 42, "parent": 41},
        {"id": 43, "parent": None},
    ]
    rec.derive_job_customers(rows)
    assert [r["customer"] for r in rows] == [30, 30, 30, None]


def test_unknown_enum_values_pass_through_both_ways() -> None:
    el = rec.row_to_record({"id": 1, "country": "XK"}, "subsidiary", "record")
    assert rec.record_to_row(el, "subsidiary")["country"] == "XK"


def test_parsing_keys_on_local_names_in_any_version() -> None:
    xml = b"""<record xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" internalId="7"
        xmlns:e="urn:employees_2017_1.lists.webservices.netsuite.com"
        xmlns:c="urn:core_2017_1.platform.webservices.netsuite.com" xsi:type="e:Employee">
      <e:entityId>Bo</e:entityId><e:unknownField>x</e:unknownField>
      <e:subsidiary internalId="3"><c:name>Sub</c:name></e:subsidiary>
      <e:class internalId="9"/>
      <e:expenseLimit>100.5</e:expenseLimit>
      <e:rolesList><e:roles><e:selectedRole internalId="15"/></e:roles></e:rolesList>
    </record>"""
    row = rec.record_to_row(etree.fromstring(xml), "employee")
    assert row["id"] == 7 and row["entityid"] == "Bo" and row["subsidiary"] == 3 and row["class"] == 9
    assert row["expenselimit"] == Decimal("100.5")
    assert row["rolesforsearch"] == [15]
    assert row["isinactive"] is None


def test_real_account_search_capture_reads_into_the_account_model() -> None:
    root = _capture("search_single_search_result.xml")
    record = rec.descendant(root, "record")
    assert record is not None
    assert rec.xsi_type_name(record) == "Account"
    row = rec.record_to_row(record, "account")
    assert row["id"] == 355
    assert row["acctnumber"] == "4508"
    assert row["accttype"] == "COGS"  # SOAP _costOfGoodsSold
    assert row["fullname"] == "Selling Fees/Commissions - COS"
    assert row["parent"] == 246
    model = Account.model_validate(row)
    assert model.isinactive is False and model.includechildren is False and model.subsidiary == ()


def test_real_get_customer_capture_reads_into_the_customer_model() -> None:
    root = _capture("get_get_customer.xml")
    read = rec.descendant(root, "readResponse")
    assert read is not None
    record = rec.child(read, "record")
    assert record is not None
    row = rec.record_to_row(record, "customer")
    model = Customer.model_validate(row)
    assert model.id == 988
    assert model.entityid == "100157"
    assert model.altname == "My Customer"
    assert model.companyname == "Test Inc."
    assert model.isperson is False and model.isinactive is False


def test_real_contact_search_capture_paging_fields_read_by_local_name() -> None:
    root = _capture("search_basic_search_contact.xml")
    result = rec.descendant(root, "searchResult")
    assert result is not None
    assert rec.text_of(rec.child(result, "totalRecords")) == "1"
    assert rec.text_of(rec.child(result, "searchId")) == "WEBSERVICES_123456"
    record_list = rec.child(result, "recordList")
    assert record_list is not None
    records = list(rec.children(record_list, "record"))
    assert [r.get("internalId") for r in records] == ["7272"]
    # Contact is not a table nsaudit reads, but its shared fields parse through the customer mapping.
    row = rec.record_to_row(records[0], "customer")
    assert row["entityid"] == "Mary" and row["subsidiary"] == 1 and row["isinactive"] is False


def test_the_known_account_type_spellings_are_the_soap_mapping() -> None:
    from netsuite_audit.netsuite.records import ACCOUNT_TYPE_SPELLINGS
    from netsuite_audit.netsuite.soap_records import ACCOUNT_TYPES

    assert set(ACCOUNT_TYPES) == ACCOUNT_TYPE_SPELLINGS
