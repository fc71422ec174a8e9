"""The simulator's SuiteQL tables: names, value formats, paging, errors in NetSuite's words."""

from __future__ import annotations

import copy
import csv
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.simulator import database
from netsuite_audit.simulator.database import MAX_IN_LIST, PREFIX, UNREAD_COLUMNS, AccountDB, QueryResult, SuiteQLError
from netsuite_audit.simulator.fixture import AccountFixture, load_fixture, parse_fixture

REPO = Path(__file__).resolve().parents[2]
REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real"
MULTI = re.compile(r"^\d+(, \d+)*$")


@pytest.fixture(scope="module")
def healthy() -> AccountFixture:
    return load_fixture(REPO / "fixtures" / "accounts" / "healthy.json")


@pytest.fixture(scope="module")
def db(healthy: AccountFixture) -> AccountDB:
    return AccountDB(healthy)


def one(db: AccountDB, sql: str, *params: Any) -> dict[str, str]:
    result = db.query(sql, params)
    assert result.total == 1, result
    return result.items[0]


def suiteql_error(db: AccountDB, sql: str, params: tuple[Any, ...] = ()) -> str:
    with pytest.raises(SuiteQLError) as info:
        db.query(sql, params)
    assert info.value.detail == str(info.value)
    return info.value.detail


# ---- tables and columns ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_and_column_exists(db: AccountDB, table: str) -> None:
    columns = TABLES[table].columns
    select = ", ".join(columns)  # bare names, as SuiteQL queries write them (class included)
    result = db.query(f"SELECT {select} FROM {table}")
    assert result.total == len(db.rows(table)) > 0, f"healthy.json has no {table} rows"
    star = db.query(f"SELECT * FROM {table}", limit=1).items[0]
    assert set(star) <= set(columns)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_rows_fill_every_column(db: AccountDB, table: str) -> None:
    rows = db.rows(table)
    unread = {column for column, _ in UNREAD_COLUMNS.get(table, ())}  # NetSuite's, not read by nsaudit: empty
    assert rows and all(set(row) == set(TABLES[table].columns) | unread for row in rows)
    filled = {column for row in rows for column, value in row.items() if value not in (None, [])}
    empty = set(TABLES[table].columns) - filled
    assert all(row[column] is None for row in rows for column in unread)
    assert not empty - {"parent", "supervisor", "companyname", "acctnumber", "approvallimit", "expenselimit",
                        "email", "externalid", "restriction"}, f"{table}: never filled: {sorted(empty)}"


def test_rows_are_typed_for_the_soap_side(db: AccountDB) -> None:
    employee = next(r for r in db.rows("employee") if r["id"] == 5)
    assert employee["isinactive"] is False and employee["giveaccess"] is True
    assert employee["rolesforsearch"] == [3, 1001]
    assert employee["subsidiary"] == 1 and employee["supervisor"] is None
    assert employee["class"] == 1
    employee["rolesforsearch"].append(99)  # a copy: the database is not changed
    assert next(r for r in db.rows("employee") if r["id"] == 5)["rolesforsearch"] == [3, 1001]
    period = next(r for r in db.rows("accountingperiod") if r["id"] == 22)
    assert period["startdate"] == "2026-11-01" and period["closed"] is False
    for row in db.rows("classification"):
        for value in row.values():
            assert value is None or isinstance(value, bool | int | str | list)
    with pytest.raises(KeyError):
        db.rows("item")


# ---- values ---------------------------------------------------------------------------------------


def test_values_are_strings_booleans_t_f_and_multiselects(db: AccountDB) -> None:
    row = one(db, "SELECT id, isinactive, giveaccess, rolesforsearch, subsidiary FROM employee WHERE id = ?", "5")
    assert row == {"id": "5", "isinactive": "F", "giveaccess": "T", "rolesforsearch": "3, 1001",
                   "subsidiary": "1"}
    cls = one(db, "SELECT subsidiary, includechildren FROM classification WHERE id = 1")
    assert cls == {"subsidiary": "1", "includechildren": "T"}
    dept = one(db, "SELECT subsidiary FROM department WHERE id = 5")
    assert MULTI.match(dept["subsidiary"]) and dept["subsidiary"] == "2, 3"


def test_null_columns_are_left_out(db: AccountDB) -> None:
    row = one(db, "SELECT id, supervisor, expenselimit, email FROM employee WHERE id = 5")
    assert row == {"id": "5", "email": "alex.morgan@northwind.example"}


def test_keys_are_lower_case_and_expressions_numbered(db: AccountDB) -> None:
    row = one(db, "SELECT E.ID, E.EntityId, COUNT(*), UPPER(e.email) AS Loud FROM Employee E WHERE E.Id = 5")
    assert row == {"id": "5", "entityid": "Alex Morgan", "expr1": "1", "loud": "ALEX.MORGAN@NORTHWIND.EXAMPLE"}


def test_where_on_t_f_and_string_params(db: AccountDB) -> None:
    active = db.query("SELECT id FROM employee WHERE isinactive = 'F' AND subsidiary = ?", ["2"])
    assert [i["id"] for i in active.items] == ["10", "11", "12", "15"]
    inactive = db.query("SELECT id FROM employee WHERE isinactive = ?", [True])
    assert [i["id"] for i in inactive.items] == ["14"]


def test_derived_tables(db: AccountDB) -> None:
    perms = db.query("SELECT permkey, permlevel, restriction, name FROM rolepermissions WHERE role = ?", ["1001"])
    by_key = {p["permkey"]: p for p in perms.items}
    assert by_key["LIST_CLASS"] == {"permkey": "LIST_CLASS", "permlevel": "1", "restriction": "-1",
                                    "name": "Classes"}
    assert by_key["REPO_ANALYTICS"]["permlevel"] == "3"
    assert by_key["LIST_VENDOR"]["permlevel"] == "4"
    # the seed permissions, plus LIST_TAXITEM, ADMI_ACCTPERIODS, TRAN_FIND, the two the Records
    # Catalog names for employee and project status reads (LIST_EMPLOYEE_RECORD, ADMI_ACCOUNTINGLIST),
    # and ADMI_LOGIN_OAUTH2 (the demo's OAuth 2.0 login)
    assert perms.total == 26
    tokens = db.query("SELECT * FROM oauthtoken ORDER BY id").items
    assert tokens[0] == {"id": "1", "tba_token_name": "Expensify - Alex Morgan - Expensify Integration",
                         "tba_app_name": "Expensify", "entity_name": "Alex Morgan",
                         "role_name": "Expensify Integration", "binactive": "F", "brevoked": "F"}
    assert tokens[1]["role_name"] == "Administrator" and tokens[1]["tba_app_name"] == "nsaudit"
    resources = db.query("SELECT jobresource FROM jobresources WHERE project = 400 ORDER BY jobresource")
    assert [r["jobresource"] for r in resources.items] == ["10", "11", "12"]
    rels = db.query("SELECT subsidiary FROM customersubsidiaryrelationship WHERE entity = 201 ORDER BY 1")
    assert [r["subsidiary"] for r in rels.items] == ["2", "3"]
    currencies = db.query("SELECT currency FROM vendorcurrencybalance WHERE vendor = 301 ORDER BY 1")
    assert [r["currency"] for r in currencies.items] == ["1", "2"]
    assert one(db, "SELECT name FROM jobstatus WHERE id = 1") == {"name": "Closed"}
    tax_group = one(db, "SELECT id, isinactive FROM taxitemtaxgroup WHERE itemid = 'CA-Zero'")
    assert tax_group == {"id": "1", "isinactive": "F"}
    job = one(db, "SELECT parent, entitystatus, allowexpenses, limittimetoassignees FROM job WHERE id = 400")
    assert job == {"parent": "200", "entitystatus": "2", "allowexpenses": "T", "limittimetoassignees": "T"}
    assert one(db, "SELECT fullname FROM subsidiary WHERE id = 2") == {"fullname": "Northwind Holdings : Northwind US"}
    assert one(db, "SELECT fullname FROM classification WHERE id = 3") == {"fullname": "Sales : Enterprise"}


def test_permission_at_none_has_no_row() -> None:
    data = {"account_id": "1", "company_name": "x",
            "roles": [{"id": 3, "name": "R", "permissions": {"LIST_CLASS": "None", "LIST_JOB": "Edit"}}],
            "subsidiaries": [{"id": 1, "name": "P"}],
            "accounts": [{"id": 1, "name": "a", "type": "Bank", "subsidiaries": [1]}]}
    db = AccountDB(parse_fixture(data))
    assert db.query("SELECT permkey, permlevel FROM rolepermissions").items == [{"permkey": "LIST_JOB",
                                                                                  "permlevel": "3"}]
    # An empty multi-select is null, so it is left out.
    assert db.query("SELECT * FROM role").items[0].get("subsidiary") is None


def test_dates_are_iso_unless_formatted(db: AccountDB) -> None:
    row = one(db, "SELECT startdate, enddate, TO_CHAR(startdate, 'MM/DD/YYYY') AS us FROM accountingperiod "
                  "WHERE periodname = 'Nov 2026'")
    assert row == {"startdate": "2026-11-01", "enddate": "2026-11-30", "us": "11/01/2026"}
    assert one(db, "SELECT NVL(supervisor, -1) AS boss FROM employee WHERE id = 5") == {"boss": "-1"}


def test_transaction_table_needs_no_quotes(db: AccountDB) -> None:
    rows = db.query("SELECT t.tranid, transaction.type FROM transaction t JOIN transaction ON transaction.id = t.id "
                    "WHERE t.externalid = ?", ["R00AbCdEf1"])
    assert rows.items == [{"tranid": "ER-1001", "type": "ExpRept"}]
    assert one(db, "SELECT 'transaction' AS word FROM transaction WHERE id = 9001") == {"word": "transaction"}


# ---- paging ---------------------------------------------------------------------------------------


def test_paging_slices_and_totals(db: AccountDB) -> None:
    sql = "SELECT id FROM employee ORDER BY id"
    everything = [i["id"] for i in db.query(sql).items]
    assert everything == ["5", "10", "11", "12", "13", "14", "15"]
    pages = [db.query(sql, limit=3, offset=off) for off in (0, 3, 6, 9)]
    assert [[i["id"] for i in p.items] for p in pages] == [everything[:3], everything[3:6], everything[6:], []]
    assert {p.total for p in pages} == {7}
    assert isinstance(pages[0], QueryResult)


def test_a_page_reads_only_its_rows(db: AccountDB, monkeypatch: pytest.MonkeyPatch) -> None:
    counts, pages = [], []
    count, run = AccountDB._count, AccountDB._run

    def counting(self: AccountDB, *args: Any) -> Any:
        counts.append(args)
        return count(self, *args)

    def paging(self: AccountDB, *args: Any) -> Any:
        pages.append(args)
        return run(self, *args)

    monkeypatch.setattr(AccountDB, "_count", counting)
    monkeypatch.setattr(AccountDB, "_run", paging)
    sql = "SELECT id, email FROM employee WHERE isinactive = 'F' AND id > ?"
    for offset in (0, 2, 4):
        db.query(sql, ["0"], limit=2, offset=offset)
    assert len(counts) == 1  # the row count is taken once per query
    assert [args[1].endswith("LIMIT ? OFFSET ?") for args in pages] == [True] * 3
    assert [args[2][-2:] for args in pages] == [(2, 0), (2, 2), (2, 4)]
    db.query(sql, ["10"], limit=2)  # other parameters: counted again
    assert len(counts) == 2


def test_returned_items_are_copies(db: AccountDB) -> None:
    first = db.query("SELECT id FROM currency WHERE id = 1").items[0]
    first["id"] = "changed"
    assert db.query("SELECT id FROM currency WHERE id = 1").items[0] == {"id": "1"}


# ---- errors ---------------------------------------------------------------------------------------


def test_unknown_table(db: AccountDB) -> None:
    assert suiteql_error(db, "SELECT id FROM customrecord_nope") == (
        PREFIX + "Search error occurred: Record 'customrecord_nope' was not found."
    )
    assert suiteql_error(db, "SELECT name FROM sqlite_master").endswith("Record 'sqlite_master' was not found.")


def test_unknown_column(db: AccountDB) -> None:
    assert suiteql_error(db, "SELECT not_existing_field FROM customer") == (
        "Invalid search query. Detailed unprocessed description follows. Search error occurred: "
        "Unknown identifier 'not_existing_field'. Available identifiers are: {customer=customer}."
    )
    detail = suiteql_error(db, "SELECT e.id FROM employee e JOIN job AS j ON j.id = e.nope")
    assert detail.endswith("Unknown identifier 'e.nope'. Available identifiers are: {e=employee, j=job}.")


def test_other_sql_errors(db: AccountDB) -> None:
    assert suiteql_error(db, "SELECT id FROM employee WHERE") == PREFIX + 'incomplete input'
    assert suiteql_error(db, "SELECT id FORM employee").startswith(PREFIX + "near ")
    assert suiteql_error(db, "SELECT id FROM employee WHERE id = ?", ()).startswith(PREFIX + "Incorrect number")
    assert suiteql_error(db, "   ") == PREFIX + "The query is empty."


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM employee",
        "UPDATE employee SET isinactive = 'T'",
        "INSERT INTO currency (id, name) VALUES (99, 'x')",
        "DROP TABLE employee",
        "PRAGMA query_only = OFF",
        "ATTACH DATABASE ':memory:' AS other",
        "CREATE TABLE x (a)",
        "/* hidden */ delete from employee",
        "WITH doomed AS (SELECT id FROM employee) DELETE FROM employee WHERE id IN (SELECT id FROM doomed)",
        "SELECT 1; DELETE FROM employee",
    ],
)
def test_only_select_runs(db: AccountDB, sql: str) -> None:
    detail = suiteql_error(db, sql)
    assert detail.startswith(PREFIX) and "SELECT" in detail
    assert db.query("SELECT COUNT(*) AS n FROM employee WHERE isinactive = 'F'").items == [{"n": "6"}]


def test_select_after_leading_comments(db: AccountDB) -> None:
    assert db.query("-- who\n/* what */ SELECT id FROM currency WHERE id = 1").items == [{"id": "1"}]


# ---- non-OneWorld ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_business(healthy: AccountFixture) -> AccountDB:
    return AccountDB(healthy.model_copy(update={"oneworld": False}))


def test_no_subsidiary_table_without_oneworld(small_business: AccountDB) -> None:
    assert suiteql_error(small_business, "SELECT id, name FROM subsidiary") == (
        PREFIX + "Search error occurred: Unknown identifier 'subsidiary'. Available identifiers are: {}."
    )
    for table in ("customersubsidiaryrelationship",):
        assert f"Unknown identifier '{table}'" in suiteql_error(small_business, f"SELECT * FROM {table}")
    assert small_business.rows("subsidiary") == []
    assert small_business.tables_in("SELECT id FROM subsidiary") == {"subsidiary"}


def test_no_subsidiary_column_without_oneworld(small_business: AccountDB) -> None:
    # The wording NetSuite gives when a non-OneWorld query names a subsidiary field.
    assert suiteql_error(small_business, "SELECT id, subsidiary FROM transaction") == (
        "Invalid search query. Detailed unprocessed description follows. Search error occurred: "
        "Unknown identifier 'subsidiary'. Available identifiers are: {transaction=transaction}."
    )
    row = small_business.query("SELECT * FROM employee WHERE id = 5").items[0]
    assert "subsidiary" not in row and row["rolesforsearch"] == "3, 1001"
    assert all("subsidiary" not in r for r in small_business.rows("classification"))


# ---- tables_in ------------------------------------------------------------------------------------


def test_tables_in(db: AccountDB) -> None:
    assert db.tables_in("SELECT COUNT(*) FROM Employee") == {"employee"}
    assert db.tables_in(
        "SELECT e.id FROM employee e JOIN transaction t ON t.id = e.id "
        "WHERE e.id IN (SELECT jobresource FROM jobresources WHERE project = ?)"
    ) == {"employee", "transaction", "jobresources"}
    assert db.tables_in("WITH r AS (SELECT role FROM rolepermissions) SELECT * FROM r") == {"rolepermissions"}
    assert db.tables_in("SELECT id FROM nosuchtable x JOIN employee ON 1 = 1") == {"nosuchtable", "employee"}
    assert db.tables_in("SELECT 1") == set()
    for _ in range(2):  # asking again gives the same answer
        assert db.tables_in("SELECT COUNT(*) FROM Employee") == {"employee"}


# ---- scale and threads ----------------------------------------------------------------------------


def big_account(employees: int, projects: int) -> dict[str, Any]:
    data = json.loads((REPO / "fixtures" / "accounts" / "healthy.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["employees"] += [
        {"id": 100_000 + n, "firstname": f"Person{n}", "lastname": "Generated", "email": f"p{n}@example.com",
         "subsidiary": 2, "supervisor": 10, "department": 2, "class": 1, "location": 1,
         "roles": [1001] if n % 50 == 0 else [], "inactive": n % 97 == 0}
        for n in range(employees)
    ]
    data["projects"] += [
        {"id": 500_000 + n, "entityid": f"P-{n}", "name": f"Project {n}", "customer": 200, "subsidiary": 2,
         "status": 2, "limit_to_resources": n % 3 == 0, "resources": [10, 11] if n % 3 == 0 else []}
        for n in range(projects)
    ]
    return data


def test_large_account_loads_and_pages() -> None:
    db = AccountDB(parse_fixture(big_account(20_000, 10_000)))
    sql = "SELECT id, email, rolesforsearch FROM employee WHERE isinactive = 'F' ORDER BY id"
    first = db.query(sql, limit=1000, offset=0)
    expected = 6 + sum(1 for n in range(20_000) if n % 97 != 0)
    assert first.total == expected and len(first.items) == 1000
    seen = {item["id"] for off in range(0, expected, 1000) for item in db.query(sql, limit=1000, offset=off).items}
    assert len(seen) == expected
    assert db.query("SELECT COUNT(*) AS n FROM job").items == [{"n": str(4 + 10_000)}]
    assert db.query("SELECT COUNT(*) AS n FROM jobresources").items == [{"n": str(3 + 2 * 3334)}]


def test_concurrent_queries(db: AccountDB) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(20):
                assert db.query("SELECT id FROM employee WHERE id = ?", [str(n)]).total in (0, 1)
                assert "employee" in db.tables_in("SELECT id FROM employee")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in (5, 10, 11, 12, 99)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


# ---- against real NetSuite column samples ---------------------------------------------------------


def real_columns(table: str) -> list[dict[str, str]]:
    path = REAL / "suiteql-columns" / f"{table}.csv"
    if not path.is_file():
        pytest.skip(f"real SuiteQL samples not found at {path} (clone shared/ beside the repo)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("table", ["account", "classification", "currency", "department", "subsidiary"])
def test_columns_match_real_netsuite_names(db: AccountDB, table: str) -> None:
    real = real_columns(table)
    assert set(TABLES[table].columns) <= set(real[0])
    ours = db.query(f"SELECT * FROM {table}").items
    for column in ("isinactive", "includechildren", "iselimination", "isbasecurrency", "issummary"):
        if column in real[0]:
            assert {r[column] for r in real} <= {"T", "F"}
            assert {o[column] for o in ours if column in o} <= {"T", "F"}
    if "subsidiary" in real[0] and table != "subsidiary":
        assert all(MULTI.match(r["subsidiary"]) for r in real if r["subsidiary"])
        assert all(MULTI.match(o["subsidiary"]) for o in ours if "subsidiary" in o)


def test_error_prefix_is_netsuites() -> None:
    assert database.PREFIX == "Invalid search query. Detailed unprocessed description follows. "


def test_an_in_list_longer_than_oracles_1000_is_refused(db: AccountDB) -> None:
    """SuiteQL runs on Oracle (ORA-01795: at most 1000 expressions in a list); that SuiteQL keeps it is
    assumed, and the stand-in keeps it so nsaudit's own batching is held to it."""
    marks = ", ".join("?" for _ in range(MAX_IN_LIST))
    assert db.query(f"SELECT id FROM currency WHERE id IN ({marks})", list(range(MAX_IN_LIST))).total >= 1
    with pytest.raises(SuiteQLError, match="ORA-01795"):
        db.query(f"SELECT id FROM currency WHERE id IN ({marks}, ?)", list(range(MAX_IN_LIST + 1)))
