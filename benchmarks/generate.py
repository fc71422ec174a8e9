"""Synthetic NetSuite accounts of any size, for the benchmarks.

``generate(size)`` builds an :class:`AccountFixture` (validated like any fixture file), a workspace
that uses every tag, and a pending-reports document, all derived from ``fixtures/accounts/healthy.json``
so the logins, roles and accounting setup are the real ones. The relations are realistic: a supervisor
tree, employees spread over subsidiaries with their currency, segment hierarchies, projects under
customers with resources, vendors with extra currencies, and report ids some of which were exported.
The output is deterministic for a given size (seeded RNG).
"""

from __future__ import annotations

import copy
import json
import random
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
EXPORTED_SHARE = 0.01  # share of pending report ids that already exist as transactions

_FIRST = ("Ada", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
          "Mateo", "Nia", "Omar", "Pia", "Quinn", "Ravi", "Sofia", "Theo")
_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
         "Kim", "Lopez", "Murphy", "Novak", "Okoro", "Patel", "Quist", "Rossi", "Singh", "Tanaka")
_MERCHANTS = ("Delta Air Lines", "Uber", "Marriott", "Staples", "Blue Bottle Coffee", "Hertz",
              "Amtrak", "Hilton", "Lyft", "Office Depot")


@dataclass(frozen=True)
class Size:
    name: str
    employees: int
    projects: int
    segments: int  # classes, departments and locations each
    report_lines: int

    @property
    def customers(self) -> int:
        return max(1, self.projects // 4)

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


def _segments(kind: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` segments under 50 top-level ones, available to every subsidiary."""
    tops = min(50, count)
    out = []
    for n in range(count):
        record: dict[str, Any] = {"id": SEGMENT_BASE + n, "name": f"{kind} {n:05d}", "subsidiaries": [1],
                                  "include_children": True}
        if n >= tops:
            record["parent"] = SEGMENT_BASE + n % tops
        if rng.random() < 0.02:
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


def _employees(size: Size, subs: dict[int, int], rng: random.Random) -> list[dict[str, Any]]:
    sub_ids = sorted(subs)
    out = []
    for n in range(size.employees):
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n // len(_FIRST)) % len(_LAST)]
        # Workspace members (every 3rd employee) sit in the workspace subsidiary, the rest anywhere.
        sub = 2 if n % 3 == 0 else sub_ids[n % len(sub_ids)]
        record: dict[str, Any] = {
            "id": EMPLOYEE_BASE + n,
            "entityid": f"{first} {last} {n:05d}",
            "firstname": first,
            "lastname": f"{last} {n:05d}",
            "email": f"{first.lower()}.{last.lower()}.{n:05d}@northwind.example",
            "subsidiary": sub,
            # A supervisor tree: 8 reports per manager, managers always earlier (no loops).
            "supervisor": 5 if n == 0 else EMPLOYEE_BASE + (n - 1) // 8,
            "department": SEGMENT_BASE + rng.randrange(size.segments),
            "class": SEGMENT_BASE + rng.randrange(size.segments),
            "location": SEGMENT_BASE + rng.randrange(size.segments),
            "currency": subs[sub],
            "expense_limit": str(rng.choice((500, 1000, 2500, 5000))),
        }
        if n < size.employees // 8:
            record["approval_limit"] = str(rng.choice((5000, 10000, 25000)))
        if rng.random() < 0.01:
            record["inactive"] = True
        out.append(record)
    return out


def _customers_projects(size: Size, subs: dict[int, int], rng: random.Random,
                        ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sub_ids = sorted(subs)
    customers = []
    for n in range(size.customers):
        sub = 2 if n % 2 == 0 else sub_ids[n % len(sub_ids)]
        record: dict[str, Any] = {"id": CUSTOMER_BASE + n, "entityid": f"Customer {n:05d}",
                                  "name": f"Customer {n:05d}", "subsidiary": sub}
        if rng.random() < 0.2:
            record["subsidiaries"] = [s for s in rng.sample(sub_ids, 2) if s != sub]
        if rng.random() < 0.02:
            record["inactive"] = True
        customers.append(record)
    projects = []
    for n in range(size.projects):
        customer = customers[n % len(customers)]
        record = {"id": PROJECT_BASE + n, "entityid": f"{customer['entityid']} : Project {n:05d}",
                  "name": f"Project {n:05d}", "customer": customer["id"], "subsidiary": customer["subsidiary"],
                  "status": 2}
        if rng.random() < 0.3:
            record["limit_to_resources"] = True
            record["resources"] = sorted({EMPLOYEE_BASE + rng.randrange(size.employees) for _ in range(3)})
        if rng.random() < 0.03:
            record["inactive"] = True
            record["status"] = 1
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


def _categories(data: dict[str, Any]) -> list[int]:
    accounts = (131, 132, 133, 134)
    for n in range(96):
        data["expense_categories"].append({
            "id": CATEGORY_BASE + n, "name": f"Category {n:03d}", "account": accounts[n % 4],
            "subsidiaries": [1, 2, 3], "include_children": True,
        })
    return [c["id"] for c in data["expense_categories"] if not c.get("rate_required")]


def _reports(size: Size, employees: list[dict[str, Any]], projects: list[dict[str, Any]],
             categories: list[int], rng: random.Random) -> dict[str, Any]:
    members = [e["email"] for e in employees if e["subsidiary"] == 2 and not e.get("inactive")]
    reports = []
    left = size.report_lines
    for n in range(size.reports):
        count = min(LINES_PER_REPORT, left) if n < size.reports - 1 else left
        left -= count
        lines = []
        for k in range(count):
            project = projects[rng.randrange(len(projects))]
            lines.append({
                "merchant": _MERCHANTS[(n + k) % len(_MERCHANTS)],
                "amount": f"{rng.randrange(100, 90_000) / 100:.2f}",
                "currency": "USD",
                "category": rng.choice(categories),
                "project": project["id"],
                "customer": project["customer"],
                "class": SEGMENT_BASE + rng.randrange(size.segments),
                "department": SEGMENT_BASE + rng.randrange(size.segments),
                "location": SEGMENT_BASE + rng.randrange(size.segments),
                "billable": k % 5 == 0,
                "reimbursable": k % 7 != 0,
                "date": f"2026-{11 + (k % 2)}-{1 + (n + k) % 28:02d}",
            })
        reports.append({"id": f"R{n:07d}", "employee": members[n % len(members)],
                        "title": f"Expenses {n}", "currency": "USD", "lines": lines})
    return {"reports": reports}


def _workspace(size: Size, data: dict[str, Any], employees: list[dict[str, Any]]) -> dict[str, Any]:
    import tomllib

    workspace = tomllib.loads((ROOT / "fixtures" / "workspaces" / "healthy.toml").read_text())
    workspace["name"] = f"Benchmark {size.name}"
    workspace["employees"] = [e["email"] for e in employees if e["subsidiary"] == 2]
    workspace["tags"] = {
        "classes": [c["id"] for c in data["classes"]],
        "departments": [d["id"] for d in data["departments"]],
        "locations": [loc["id"] for loc in data["locations"]],
        "projects": [p["id"] for p in data["projects"]],
        "customers": [c["id"] for c in data["customers"]],
        "categories": [c["id"] for c in data["expense_categories"]],
    }
    return workspace


def generate(size: Size, *, seed: int = 7) -> Generated:
    rng = random.Random(f"{seed}-{size.name}")
    data: dict[str, Any] = json.loads(TEMPLATE.read_text())
    subs = _subsidiaries(data)
    data["classes"] = data["classes"] + _segments("Class", size.segments, rng)
    data["departments"] = data["departments"] + _segments("Department", size.segments, rng)
    data["locations"] = data["locations"] + _segments("Location", size.segments, rng)
    employees = _employees(size, subs, rng)
    data["employees"] = data["employees"] + employees
    customers, projects = _customers_projects(size, subs, rng)
    data["customers"] = data["customers"] + customers
    data["projects"] = data["projects"] + projects
    data["vendors"] = data["vendors"] + _vendors(size, subs, rng)
    categories = _categories(data)
    reports = _reports(size, employees, projects, categories, rng)
    exported = [r["id"] for r in reports["reports"] if rng.random() < EXPORTED_SHARE]
    data["transactions"] = data["transactions"] + [
        {"id": TRANSACTION_BASE + n, "tranid": f"ER-{n:06d}", "type": "ExpRept", "external_id": rid}
        for n, rid in enumerate(exported)
    ]
    data["company_name"] = f"Northwind Holdings (benchmark {size.name})"
    for role in data["roles"]:
        if role["id"] == 1001:  # the integration role may look up exported reports
            role["permissions"]["TRAN_FIND"] = "View"
    workspace = _workspace(size, data, employees)
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
