"""Synthetic NetSuite accounts of any size, for the benchmarks.

``generate(size)`` builds an :class:`AccountFixture` (validated like any fixture file), a workspace
and a pending-reports document, all derived from ``fixtures/accounts/healthy.json`` so the logins,
roles and accounting setup are the real ones. The output is deterministic for a given size (seeded
RNG).

The account is a *healthy* large account with a small, fixed rate of seeded defects, so the offline
benchmark measures how fast a realistic account is audited, not how fast findings are built for an
account that is broken everywhere:

* relations are consistent: a supervisor tree whose managers are active and have no Expense Limit;
  employees' default class/department/location are active and available to their subsidiary;
  projects belong to their customer's subsidiary; the workspace tags and members are the records of
  the workspace subsidiary the integration would import (active, usable there, projects not limited
  to resources); every report line uses an active category, classes/departments/locations available
  to the submitter's subsidiary, and (on 80% of lines) an active project of the workspace subsidiary
  that is either not limited to resources or lists the submitter as a resource, with its customer;
* seeded defects (see ``LINE_DEFECTS`` and ``MEMBER_DEFECTS``): one report line in
  ``LINE_DEFECT_EVERY`` (0.5%) and one workspace member in ``MEMBER_DEFECT_EVERY`` (about 0.7%) carry
  one defect each, in rotation over the kinds listed; one manager in ``MANAGER_DEFECT_EVERY`` (1%)
  has an Expense Limit; ``EXPORTED_SHARE`` (1%) of the reports already exist as transactions.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netsuite_audit.simulator.fixture import AccountFixture, parse_fixture

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "fixtures" / "accounts" / "healthy.json"

# Entities share one id space in NetSuite; keep each kind in its own range.
EMPLOYEE_BASE = 100_000
CUSTOMER_BASE = 1_000_000
PROJECT_BASE = 2_000_000
VENDOR_BASE = 3_000_000
SEGMENT_BASE = 1_000
CATEGORY_BASE = 100
TRANSACTION_BASE = 500_000
LINES_PER_REPORT = 20
WORKSPACE_SUBSIDIARY = 2  # Northwind US, as in fixtures/workspaces/healthy.toml
CLOSED_STATUS = 1  # project status "Closed" in the template

# ---- realistic shape -------------------------------------------------------------------------------
SEGMENT_TOPS = 50  # classes, departments and locations hang under this many top-level ones
SEGMENT_RESTRICTED_EVERY = 10  # one segment in 10 is restricted to one subsidiary, without children
SEGMENT_INACTIVE_SHARE = 0.02  # of the non-top-level segments
EMPLOYEE_INACTIVE_SHARE = 0.01  # of the employees who supervise nobody and are not workspace members
PROJECT_LIMITED_SHARE = 0.10  # projects limited to their resources (3-6 employees of their subsidiary)
PROJECT_INACTIVE_SHARE = 0.03  # inactive and Closed
CUSTOMER_INACTIVE_SHARE = 0.02  # inactive customers (their projects are inactive too)
INACTIVE_CATEGORIES = 4  # retired expense categories, on top of the 96 active ones
LINES_WITH_PROJECT = 0.8  # share of report lines coded to a project (and its customer)
OWN_LIMITED_PROJECT = 0.2  # a line of a submitter who is a resource somewhere uses that project

# ---- seeded defects (a fixed rate, spread over several codes) --------------------------------------
EXPORTED_SHARE = 0.01  # share of pending report ids that already exist as transactions (NS0034)
LINE_DEFECT_EVERY = 200  # report line k of the whole file carries a defect when k % 200 == 199
LINE_DEFECTS = (
    "merchant_asterisk",  # a Square-style merchant "SQ *..."                      -> NS0336
    "inactive_project",  # an inactive, Closed project                              -> NS0770 (+ NS0046)
    "not_a_resource",  # a project limited to resources the submitter is not one of -> NS0024
    "unavailable_class",  # a class restricted to another subsidiary               -> NS0831
    "foreign_customer",  # a customer of another subsidiary, no project            -> NS0728
    "foreign_project",  # a project (and customer) of another subsidiary          -> NS0921, NS0728
    "billable_uncoded",  # a billable line with neither customer nor project       -> NS0046
    "inactive_category",  # a retired expense category                              -> NS0045
)
MEMBER_DEFECT_EVERY = 150  # workspace member m carries a defect when m % 150 == 149
MEMBER_DEFECTS = (
    "inactive_department",  # default department inactive                          -> NS0655
    "inactive_class",  # default class inactive                                    -> NS0005
    "deactivated",  # employee record inactive, still a workspace member            -> NS0995
    "inactive_supervisor",  # their supervisor's record is inactive               -> NS0538
)
MANAGER_DEFECT_EVERY = 100  # manager m (0-based) has an Expense Limit when m % 100 == 99 -> NS0919

_FIRST = ("Ada", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
          "Mateo", "Nia", "Omar", "Pia", "Quinn", "Ravi", "Sofia", "Theo")
_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
         "Kim", "Lopez", "Murphy", "Novak", "Okoro", "Patel", "Quist", "Rossi", "Singh", "Tanaka")
_MERCHANTS = ("Delta Air Lines", "Uber", "Marriott", "Staples", "Blue Bottle Coffee", "Hertz",
              "Amtrak", "Hilton", "Lyft", "Office Depot")
_SEGMENT_KINDS = (("classes", "Class"), ("departments", "Department"), ("locations", "Location"))


@dataclass(frozen=True)
class Size:
    name: str
    employees: int
    projects: int
    segments: int  # classes, departments and locations each
    report_lines: int
    customer_count: int | None = None  # default: a quarter of the projects

    @property
    def customers(self) -> int:
        return self.customer_count if self.customer_count is not None else max(1, self.projects // 4)

    @property
    def vendors(self) -> int:
        return max(1, self.employees // 10)

    @property
    def reports(self) -> int:
        return max(1, self.report_lines // LINES_PER_REPORT)


SIZES: tuple[Size, ...] = (
    Size("S", 500, 250, 75, 2_500),
    Size("M", 2_500, 1_250, 375, 12_500),
    Size("L", 8_000, 4_000, 1_200, 40_000),
    Size("XL", 20_000, 10_000, 3_000, 100_000),
)
QUICK_SIZES: tuple[Size, ...] = (Size("quick", 300, 150, 40, 2_000),)
# Past SuiteQL's 100,000 rows a query (customers and employees are read in keyset partitions). Not in
# the default run (it takes several minutes and a lot of memory): python -m benchmarks.run --sizes XXL --runs 1
LARGE_SIZES: tuple[Size, ...] = (Size("XXL", 150_000, 40_000, 3_000, 100_000, customer_count=250_000),)

# Subsidiaries added to the template's four: (id, parent, currency id, country).
_EXTRA_SUBSIDIARIES = [(5 + n, 1 if n < 4 else 2, (1, 3, 4, 1)[n % 4], ("US", "DE", "GB", "US")[n % 4])
                       for n in range(8)]


@dataclass(frozen=True)
class Generated:
    fixture: AccountFixture
    fixture_data: dict[str, Any]
    workspace: dict[str, Any]
    reports: dict[str, Any]

    def report_ids(self) -> tuple[str, ...]:
        return tuple(str(r["id"]) for r in self.reports["reports"])


class _Tree:
    """The subsidiary tree of the fixture, to pick only records available to a subsidiary."""

    def __init__(self, subsidiaries: list[dict[str, Any]]) -> None:
        self.parent = {s["id"]: s.get("parent") for s in subsidiaries}

    def ancestors(self, sub: int) -> list[int]:
        out, current = [], self.parent.get(sub)
        while current is not None and current not in out:
            out.append(current)
            current = self.parent.get(current)
        return out

    def available(self, record: dict[str, Any], sub: int) -> bool:
        listed = set(record.get("subsidiaries", ()))
        return sub in listed or (bool(record.get("include_children"))
                                 and any(a in listed for a in self.ancestors(sub)))


def _usable(records: list[dict[str, Any]], tree: _Tree, sub: int) -> list[int]:
    """Ids of the records usable from ``sub``: active, no inactive parent, available there."""
    by_id = {r["id"]: r for r in records}
    out = []
    for record in records:
        if record.get("inactive") or not tree.available(record, sub):
            continue
        parent, ok = record.get("parent"), True
        while parent is not None and ok:
            ok = not by_id[parent].get("inactive")
            parent = by_id[parent].get("parent")
        if ok:
            out.append(record["id"])
    return out


def _segments(kind: str, count: int, sub_ids: Sequence[int], rng: random.Random) -> list[dict[str, Any]]:
    """``count`` segments under SEGMENT_TOPS top-level ones (always active), available to every
    subsidiary, except one in SEGMENT_RESTRICTED_EVERY restricted to one subsidiary."""
    tops = min(SEGMENT_TOPS, count)
    out = []
    for n in range(count):
        record: dict[str, Any] = {"id": SEGMENT_BASE + n, "name": f"{kind} {n:05d}", "subsidiaries": [1],
                                  "include_children": True}
        if n >= tops:
            record["parent"] = SEGMENT_BASE + n % tops
            if n % SEGMENT_RESTRICTED_EVERY == SEGMENT_RESTRICTED_EVERY - 1:
                record["subsidiaries"] = [sub_ids[(n // SEGMENT_RESTRICTED_EVERY) % len(sub_ids)]]
                record["include_children"] = False
            if rng.random() < SEGMENT_INACTIVE_SHARE:
                record["inactive"] = True
        out.append(record)
    return out


def _subsidiaries(data: dict[str, Any]) -> dict[int, int]:
    """Add the extra subsidiaries; returns {subsidiary id: currency id} for those employees join."""
    for sid, parent, currency, country in _EXTRA_SUBSIDIARIES:
        data["subsidiaries"].append({
            "id": sid, "name": f"Northwind {country} {sid}", "parent": parent, "currency": currency,
            "country": country, "payable_account": 110, "corporate_card_account": 120,
        })
    usable = {2: 1, 3: 2}
    usable.update({sid: currency for sid, _, currency, _ in _EXTRA_SUBSIDIARIES})
    return usable


@dataclass(frozen=True)
class _Segments:
    """Per segment kind (classes, departments, locations): ids usable from each subsidiary, and the
    inactive ids and those restricted to a subsidiary (for the seeded defects)."""

    usable: dict[str, dict[int, list[int]]]
    inactive: dict[str, list[int]]
    restricted: dict[str, dict[int, list[int]]]  # kind -> subsidiary -> ids restricted to it


def _segment_index(data: dict[str, Any], tree: _Tree, sub_ids: Sequence[int]) -> _Segments:
    usable: dict[str, dict[int, list[int]]] = {}
    inactive: dict[str, list[int]] = {}
    restricted: dict[str, dict[int, list[int]]] = {}
    for kind, _ in _SEGMENT_KINDS:
        records = [r for r in data[kind] if r["id"] >= SEGMENT_BASE]
        usable[kind] = {sub: _usable(records, tree, sub) for sub in sub_ids}
        inactive[kind] = [r["id"] for r in records if r.get("inactive")]
        restricted[kind] = {}
        for r in records:
            if not r.get("include_children") and not r.get("inactive"):
                restricted[kind].setdefault(r["subsidiaries"][0], []).append(r["id"])
    return _Segments(usable, inactive, restricted)


def _is_member(n: int) -> bool:
    """Workspace members (every 3rd employee) sit in the workspace subsidiary."""
    return n % 3 == 0


def _manager_count(size: Size) -> int:
    """Employees 0 .. managers-1 supervise someone (8 reports each, managers always earlier)."""
    return (size.employees - 2) // 8 + 1 if size.employees > 1 else 0


def _employees(size: Size, subs: dict[int, int], segments: _Segments, rng: random.Random,
               ) -> list[dict[str, Any]]:
    sub_ids = sorted(subs)
    managers = _manager_count(size)
    out = []
    for n in range(size.employees):
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n // len(_FIRST)) % len(_LAST)]
        sub = WORKSPACE_SUBSIDIARY if _is_member(n) else sub_ids[n % len(sub_ids)]
        record: dict[str, Any] = {
            "id": EMPLOYEE_BASE + n,
            "entityid": f"{first} {last} {n:05d}",
            "firstname": first,
            "lastname": f"{last} {n:05d}",
            "email": f"{first.lower()}.{last.lower()}.{n:05d}@northwind.example",
            "subsidiary": sub,
            # A supervisor tree: 8 reports per manager, managers always earlier (no loops).
            "supervisor": 5 if n == 0 else EMPLOYEE_BASE + (n - 1) // 8,
            "department": rng.choice(segments.usable["departments"][sub]),
            "class": rng.choice(segments.usable["classes"][sub]),
            "location": rng.choice(segments.usable["locations"][sub]),
            "currency": subs[sub],
        }
        if n >= managers:  # approvers keep a blank Expense Limit; the others may have one
            record["expense_limit"] = str(rng.choice((500, 1000, 2500, 5000)))
        elif n % MANAGER_DEFECT_EVERY == MANAGER_DEFECT_EVERY - 1:
            record["expense_limit"] = str(rng.choice((500, 1000, 2500)))  # seeded: NS0919
        if n < size.employees // 8:
            record["approval_limit"] = str(rng.choice((5000, 10000, 25000)))
        if n >= managers and not _is_member(n) and rng.random() < EMPLOYEE_INACTIVE_SHARE:
            record["inactive"] = True
        out.append(record)
    by_id = {e["id"]: e for e in out}
    members = [e for n, e in enumerate(out) if _is_member(n)]
    for m, employee in enumerate(members):
        if m % MEMBER_DEFECT_EVERY != MEMBER_DEFECT_EVERY - 1:
            continue
        defect = MEMBER_DEFECTS[(m // MEMBER_DEFECT_EVERY) % len(MEMBER_DEFECTS)]
        employee["defect"] = defect  # removed before the fixture is written
        if defect == "inactive_department" and segments.inactive["departments"]:
            employee["department"] = rng.choice(segments.inactive["departments"])
        elif defect == "inactive_class" and segments.inactive["classes"]:
            employee["class"] = rng.choice(segments.inactive["classes"])
        elif defect == "deactivated":
            employee["inactive"] = True
        elif defect == "inactive_supervisor":
            boss = by_id.get(employee["supervisor"])
            if boss is not None:
                boss["inactive"] = True
    return out


def _customers_projects(size: Size, subs: dict[int, int], employees: list[dict[str, Any]],
                        rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sub_ids = sorted(subs)
    staff: dict[int, list[int]] = {}  # subsidiary -> its active employees (project resources)
    for e in employees:
        if not e.get("inactive") and "defect" not in e:
            staff.setdefault(e["subsidiary"], []).append(e["id"])
    customers = []
    for n in range(size.customers):
        sub = WORKSPACE_SUBSIDIARY if n % 2 == 0 else sub_ids[n % len(sub_ids)]
        record: dict[str, Any] = {"id": CUSTOMER_BASE + n, "entityid": f"Customer {n:05d}",
                                  "name": f"Customer {n:05d}", "subsidiary": sub}
        if rng.random() < 0.2:
            record["subsidiaries"] = [s for s in rng.sample(sub_ids, 2) if s != sub]
        if rng.random() < CUSTOMER_INACTIVE_SHARE:
            record["inactive"] = True
        customers.append(record)
    projects = []
    for n in range(size.projects):
        customer = customers[n % len(customers)]
        record = {"id": PROJECT_BASE + n, "entityid": f"{customer['entityid']} : Project {n:05d}",
                  "name": f"Project {n:05d}", "customer": customer["id"], "subsidiary": customer["subsidiary"],
                  "status": 2}
        if rng.random() < PROJECT_LIMITED_SHARE:
            team = staff.get(customer["subsidiary"], [])
            record["limit_to_resources"] = True
            record["resources"] = sorted(rng.sample(team, min(len(team), rng.randrange(3, 7))))
        if customer.get("inactive") or rng.random() < PROJECT_INACTIVE_SHARE:
            record["inactive"] = True
            record["status"] = CLOSED_STATUS
        projects.append(record)
    return customers, projects


def _vendors(size: Size, subs: dict[int, int], rng: random.Random) -> list[dict[str, Any]]:
    sub_ids = sorted(subs)
    out = []
    for n in range(size.vendors):
        sub = sub_ids[n % len(sub_ids)]
        record: dict[str, Any] = {"id": VENDOR_BASE + n, "entityid": f"Vendor {n:05d}", "name": f"Vendor {n:05d}",
                                  "email": f"ap{n:05d}@vendor.example", "subsidiary": sub, "currency": subs[sub]}
        if rng.random() < 0.25:
            record["currencies"] = [c for c in (1, 2, 3, 4) if c != subs[sub]][:2]
        out.append(record)
    return out


def _categories(data: dict[str, Any]) -> tuple[list[int], list[int]]:
    """Add 96 active and INACTIVE_CATEGORIES retired categories; returns (usable ids, retired ids)."""
    accounts = (131, 132, 133, 134)
    for n in range(96 + INACTIVE_CATEGORIES):
        record: dict[str, Any] = {"id": CATEGORY_BASE + n, "name": f"Category {n:03d}", "account": accounts[n % 4],
                                  "subsidiaries": [1, 2, 3], "include_children": True}
        if n >= 96:
            record["inactive"] = True
        data["expense_categories"].append(record)
    usable = [c["id"] for c in data["expense_categories"] if not c.get("rate_required") and not c.get("inactive")]
    retired = [c["id"] for c in data["expense_categories"] if c.get("inactive")]
    return usable, retired


@dataclass(frozen=True)
class _ProjectPool:
    """Projects a report line may use, and those a seeded defect uses."""

    open_to_all: list[dict[str, Any]]  # active, workspace subsidiary, not limited
    by_resource: dict[int, list[dict[str, Any]]]  # employee id -> limited projects listing them
    limited: list[dict[str, Any]]  # active limited projects of the workspace subsidiary
    inactive: list[dict[str, Any]]  # inactive, not limited, workspace subsidiary, active customer
    foreign: list[dict[str, Any]]  # active projects of other subsidiaries, with an active customer

    @classmethod
    def of(cls, projects: list[dict[str, Any]], customers: list[dict[str, Any]]) -> _ProjectPool:
        active_customers = {c["id"] for c in customers if not c.get("inactive")}
        usable = [p for p in projects if not p.get("inactive") and p["customer"] in active_customers]
        home = [p for p in usable if p["subsidiary"] == WORKSPACE_SUBSIDIARY]
        by_resource: dict[int, list[dict[str, Any]]] = {}
        for p in home:
            for e in p.get("resources", ()):
                by_resource.setdefault(e, []).append(p)
        return cls(open_to_all=[p for p in home if not p.get("limit_to_resources")], by_resource=by_resource,
                   limited=[p for p in home if p.get("limit_to_resources")],
                   inactive=[p for p in projects if p.get("inactive") and p["subsidiary"] == WORKSPACE_SUBSIDIARY
                             and p["customer"] in active_customers and not p.get("limit_to_resources")],
                   foreign=[p for p in usable if p["subsidiary"] != WORKSPACE_SUBSIDIARY])


def _reports(size: Size, employees: list[dict[str, Any]], pool: _ProjectPool, customers: list[dict[str, Any]],
             categories: tuple[list[int], list[int]], segments: _Segments, rng: random.Random) -> dict[str, Any]:
    submitters = [e for n, e in enumerate(employees) if _is_member(n) and not e.get("inactive")]
    usable_categories, retired = categories
    home = {kind: segments.usable[kind][WORKSPACE_SUBSIDIARY] for kind, _ in _SEGMENT_KINDS}
    elsewhere = [i for sub, ids in segments.restricted["classes"].items() if sub != WORKSPACE_SUBSIDIARY
                 for i in ids]
    foreign_customers = [c for c in customers if not c.get("inactive") and c["subsidiary"] != WORKSPACE_SUBSIDIARY
                         and WORKSPACE_SUBSIDIARY not in c.get("subsidiaries", ())]
    reports = []
    left = size.report_lines
    line_number = 0  # over the whole file, for the seeded defects
    for n in range(size.reports):
        count = min(LINES_PER_REPORT, left) if n < size.reports - 1 else left
        left -= count
        submitter = submitters[n % len(submitters)]
        own = pool.by_resource.get(submitter["id"], [])
        lines = []
        for k in range(count):
            project: dict[str, Any] | None = None
            if rng.random() < LINES_WITH_PROJECT:
                project = rng.choice(own) if own and rng.random() < OWN_LIMITED_PROJECT else \
                    rng.choice(pool.open_to_all)
            line: dict[str, Any] = {
                "merchant": _MERCHANTS[(n + k) % len(_MERCHANTS)],
                "amount": f"{rng.randrange(100, 90_000) / 100:.2f}",
                "currency": "USD",
                "category": rng.choice(usable_categories),
                "project": project["id"] if project else None,
                "customer": project["customer"] if project else None,
                "class": rng.choice(home["classes"]),
                "department": rng.choice(home["departments"]),
                "location": rng.choice(home["locations"]),
                "billable": project is not None and k % 5 == 0,
                "reimbursable": k % 7 != 0,
                "date": f"2026-{11 + (k % 2)}-{1 + (n + k) % 28:02d}",
            }
            if line_number % LINE_DEFECT_EVERY == LINE_DEFECT_EVERY - 1:
                defect = LINE_DEFECTS[(line_number // LINE_DEFECT_EVERY) % len(LINE_DEFECTS)]
                _seed_line_defect(line, defect, submitter, pool, elsewhere, foreign_customers, retired, rng)
            lines.append({key: value for key, value in line.items() if value is not None})
            line_number += 1
        reports.append({"id": f"R{n:07d}", "employee": submitter["email"],
                        "title": f"Expenses {n}", "currency": "USD", "lines": lines})
    return {"reports": reports}


def _seed_line_defect(line: dict[str, Any], defect: str, submitter: dict[str, Any], pool: _ProjectPool,
                      elsewhere: list[int], foreign_customers: list[dict[str, Any]], retired: list[int],
                      rng: random.Random) -> None:
    """Turn one consistent line into one with the given defect (see LINE_DEFECTS)."""
    project: dict[str, Any] | None = None
    if defect == "merchant_asterisk":
        line["merchant"] = f"SQ *{line['merchant']}"
    elif defect == "inactive_project" and pool.inactive:
        project = rng.choice(pool.inactive)
    elif defect == "not_a_resource":
        strangers = [p for p in pool.limited if submitter["id"] not in p.get("resources", ())]
        project = rng.choice(strangers) if strangers else None
    elif defect == "unavailable_class" and elsewhere:
        line["class"] = rng.choice(elsewhere)
    elif defect == "foreign_customer" and foreign_customers:
        line["project"], line["customer"] = None, rng.choice(foreign_customers)["id"]
    elif defect == "foreign_project" and pool.foreign:
        project = rng.choice(pool.foreign)
    elif defect == "billable_uncoded":
        line["project"] = line["customer"] = None
        line["billable"] = True
    elif defect == "inactive_category" and retired:
        line["category"] = rng.choice(retired)
    if project is not None:
        line["project"], line["customer"] = project["id"], project["customer"]


def _workspace(size: Size, data: dict[str, Any], tree: _Tree) -> dict[str, Any]:
    """The workspace of subsidiary 2: its members, and as tags the records the integration would import
    for it (active and usable there; projects limited to resources are left out)."""
    import tomllib

    sub = WORKSPACE_SUBSIDIARY
    workspace = tomllib.loads((ROOT / "fixtures" / "workspaces" / "healthy.toml").read_text())
    workspace["name"] = f"Benchmark {size.name}"
    workspace["employees"] = [e["email"] for e in data["employees"] if e["id"] >= EMPLOYEE_BASE
                              and e["subsidiary"] == sub and (not e.get("inactive") or e.get("defect"))]
    active_customers = {c["id"] for c in data["customers"] if not c.get("inactive")}
    workspace["tags"] = {
        "classes": _usable(data["classes"], tree, sub),
        "departments": _usable(data["departments"], tree, sub),
        "locations": _usable(data["locations"], tree, sub),
        "projects": [p["id"] for p in data["projects"] if p.get("subsidiary") == sub and not p.get("inactive")
                     and p.get("customer") in active_customers and not p.get("limit_to_resources")
                     and p.get("status") != CLOSED_STATUS],
        "customers": [c["id"] for c in data["customers"] if c["id"] in active_customers
                      and (c.get("subsidiary") == sub or sub in c.get("subsidiaries", ()))],
        "categories": [c["id"] for c in data["expense_categories"]
                       if not c.get("inactive") and not c.get("rate_required") and tree.available(c, sub)],
    }
    return workspace


def generate(size: Size, *, seed: int = 7) -> Generated:
    rng = random.Random(f"{seed}-{size.name}")
    data: dict[str, Any] = json.loads(TEMPLATE.read_text())
    subs = _subsidiaries(data)
    sub_ids = sorted(subs)
    tree = _Tree(data["subsidiaries"])
    for kind, label in _SEGMENT_KINDS:
        data[kind] = data[kind] + _segments(label, size.segments, sub_ids, rng)
    segments = _segment_index(data, tree, sub_ids)
    employees = _employees(size, subs, segments, rng)
    data["employees"] = data["employees"] + employees
    customers, projects = _customers_projects(size, subs, employees, rng)
    data["customers"] = data["customers"] + customers
    data["projects"] = data["projects"] + projects
    data["vendors"] = data["vendors"] + _vendors(size, subs, rng)
    categories = _categories(data)
    pool = _ProjectPool.of(projects, customers)
    reports = _reports(size, employees, pool, customers, categories, segments, rng)
    exported = [r["id"] for r in reports["reports"] if rng.random() < EXPORTED_SHARE]
    data["transactions"] = data["transactions"] + [
        {"id": TRANSACTION_BASE + n, "tranid": f"ER-{n:06d}", "type": "ExpRept", "external_id": rid}
        for n, rid in enumerate(exported)
    ]
    data["company_name"] = f"Northwind Holdings (benchmark {size.name})"
    for role in data["roles"]:
        if role["id"] == 1001:  # the integration role may look up exported reports
            role["permissions"]["TRAN_FIND"] = "View"
    workspace = _workspace(size, data, tree)
    for employee in employees:
        employee.pop("defect", None)
    fixture = parse_fixture(copy.deepcopy(data), f"generated account {size.name}")
    return Generated(fixture=fixture, fixture_data=data, workspace=workspace, reports=reports)


def write(generated: Generated, folder: Path) -> dict[str, Path]:
    """Write account.json, workspace.json and reports.json into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"account": folder / "account.json", "workspace": folder / "workspace.json",
             "reports": folder / "reports.json"}
    paths["account"].write_text(json.dumps(generated.fixture_data), encoding="utf-8")
    paths["workspace"].write_text(json.dumps(generated.workspace, default=str), encoding="utf-8")
    paths["reports"].write_text(json.dumps(generated.reports), encoding="utf-8")
    return paths
