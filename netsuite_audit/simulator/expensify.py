"""A stand-in for Expensify's Integration Server, built from its public manual.

One path, ``POST /Integration-Server/ExpensifyIntegrations``, form field ``requestJobDescription``
(JSON), plus ``template`` for the Report Exporter. Served jobs: the policy list getter, the policy
getter, the report exporter (templates rendered by ``freemarker.py``; the answer is the random file
name) and the downloader. Documented in the manual and followed here: job shapes, ``policyInfo`` /
``policyList`` answers, ``responseCode`` 410 for a missing ``policyIDList``, ``reportState`` values.
ASSUMED (not in the stored manual; docs/expensify.md): the policy getter's ``employees`` field, the
codes for bad credentials (401), an unknown policy (404), a non-admin (403) and an unknown file
(404), HTTP 429 with ``Retry-After`` when rate limited, and ':' joining multi-level tags (with '\\:'
inside a value).

Every job that could change data (update/create, exporter onFinish, markedAsExported...) is counted
as a write attempt and refused, like the NetSuite side.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict, deque
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Request, Response

from netsuite_audit.simulator.expensify_fixture import ExpensifyFixture, XPolicy, XReport
from netsuite_audit.simulator.freemarker import TemplateError, render

PATH = "/Integration-Server/ExpensifyIntegrations"
WINDOWS = ((5, 10.0), (20, 60.0))
STATES = {"OPEN": "Open", "SUBMITTED": "Processing", "APPROVED": "Approved", "REIMBURSED": "Reimbursed",
          "ARCHIVED": "Closed"}
RATE_LIMITED = "You have been rate-limited. Please try again later or contact help@expensify.com for assistance."
_FIELDS = ("categories", "reportFields", "tags", "tax", "employees")


class ExpensifyStandIn:
    def __init__(self, fixture: ExpensifyFixture | None, account: Any,
                 windows: tuple[tuple[int, float], ...] = WINDOWS, retry_after: float | None = None) -> None:
        self.fixture = fixture
        self.account = account  # SimAccount: request, refusal and write counters
        self.windows = windows
        self.retry_after = retry_after
        self.files: dict[str, str] = {}
        self.jobs: list[dict[str, Any]] = []  # every job description received, credentials masked
        self._started: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    # ---- request ------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path.rstrip("/") != PATH:
            return _answer(404, "Unknown endpoint", http=404)
        raw = request.form.get("requestJobDescription")
        try:
            job = json.loads(raw) if raw else None
        except ValueError:
            job = None
        if not isinstance(job, dict):
            return _answer(410, "Argument 'requestJobDescription' is missing or malformed")
        kind = str(job.get("type"))
        self.account.count(f"expensify.{kind}")
        with self._lock:
            self.jobs.append({**job, "credentials": "(masked)"})
        if self.fixture is None:
            return _answer(500, "This simulated account has no Expensify side")
        creds = job.get("credentials") or {}
        if not isinstance(creds, dict) or creds.get("partnerUserID") != self.fixture.partner_user_id \
                or creds.get("partnerUserSecret") != self.fixture.partner_user_secret:
            self.account.refuse("expensify.auth")
            return _answer(401, "Authentication error")
        limited = self._rate_limit(str(creds.get("partnerUserID")))
        if limited is not None:
            self.account.refuse("expensify.rate")
            response = _answer(429, RATE_LIMITED, http=429)
            response.headers["Retry-After"] = f"{limited:.0f}"
            return response
        write = _write_in(job)
        if write is not None:
            self.account.record_write_attempt("expensify", write)
            return _answer(410, f"The nsaudit simulator refuses '{write}': it serves reads only")
        if kind == "get":
            return self._get(job)
        if kind == "file":
            return self._export(job, request.form.get("template"))
        if kind == "download":
            return self._download(job)
        return _answer(410, "Argument 'type' is missing or malformed")

    def _rate_limit(self, user: str) -> float | None:
        now = time.monotonic()
        with self._lock:
            started = self._started[user]
            longest = max(s for _, s in self.windows)
            while started and now - started[0] >= longest:
                started.popleft()
            for count, seconds in self.windows:
                recent = [t for t in started if now - t < seconds]
                if len(recent) >= count:
                    wait = seconds - (now - recent[-count])
                    return self.retry_after if self.retry_after is not None else max(wait, 1.0)
            started.append(now)
            return None

    # ---- jobs -----------------------------------------------------------------------------------
    def _policies(self) -> list[XPolicy]:
        assert self.fixture is not None
        return [self.fixture.policy, *self.fixture.other_policies]

    def _get(self, job: dict[str, Any]) -> Response:
        settings = job.get("inputSettings") or {}
        if settings.get("type") == "policyList":
            rows = [{"outputCurrency": p.output_currency, "owner": p.owner, "role": p.role, "name": p.name,
                     "id": p.id, "type": p.type} for p in self._policies()
                    if not settings.get("adminOnly") or p.role == "admin"]
            return _json({"policyList": rows, "responseCode": 200})
        if settings.get("type") != "policy":
            return _answer(410, "Argument 'type' is missing or malformed")
        ids = settings.get("policyIDList")
        if not isinstance(ids, list) or not ids:
            return _answer(410, "Required parameter 'policyIDList' is missing")
        fields = settings.get("fields")
        if not isinstance(fields, list) or not fields or any(f not in _FIELDS for f in fields):
            return _answer(410, "Argument 'fields' is missing or malformed")
        known = {p.id: p for p in self._policies()}
        info: dict[str, Any] = {}
        for policy_id in ids:
            policy = known.get(str(policy_id))
            if policy is None:
                return _answer(404, "Policy not found")
            if policy.role != "admin":
                return _answer(403, "You must be an admin of this policy")
            info[policy.id] = self._policy_info(policy, fields)
        return _json({"responseCode": 200, "policyInfo": info})

    def _policy_info(self, policy: XPolicy, fields: list[str]) -> dict[str, Any]:
        fx = self.fixture
        assert fx is not None
        main = policy.id == fx.policy.id
        out: dict[str, Any] = {}
        if "categories" in fields:
            out["categories"] = [{"name": c.name, "enabled": c.enabled} for c in fx.categories] if main else []
        if "tags" in fields:
            out["tags"] = [{"name": lvl.name, "tags": [{"name": t.name, "enabled": t.enabled, "glCode": t.gl_code}
                                                       for t in lvl.tags]} for lvl in fx.tag_levels] if main else []
        if "tax" in fields:
            tax = fx.tax if main else None
            out["tax"] = {} if tax is None else {
                "name": tax.name, "default": tax.default,
                "rates": [{"rate": _num(r.rate), "name": r.name, "rateID": r.rate_id} for r in tax.rates]}
        if "reportFields" in fields:
            out["reportFields"] = [{"values": f.values, "name": f.name, "type": f.type} for f in fx.report_fields] \
                if main else []
        if "employees" in fields:
            out["employees"] = [{"email": m.email, "role": m.role, "submitsTo": m.submits_to or "",
                                 "approvesTo": m.approves_to or ""} for m in fx.members] if main else []
        return out

    def _export(self, job: dict[str, Any], template: str | None) -> Response:
        if job.get("onReceive") != {"immediateResponse": ["returnRandomFileName"]}:
            return _answer(410, "Argument 'onReceive' is missing or malformed")
        settings = job.get("inputSettings") or {}
        if settings.get("type") != "combinedReportData":
            return _answer(410, "Argument 'inputSettings.type' is missing or malformed")
        filters = settings.get("filters") or {}
        if not filters.get("reportIDList") and not filters.get("startDate"):
            return _answer(410, "Required parameter 'startDate' is missing")
        extension = (job.get("outputSettings") or {}).get("fileExtension")
        if extension not in ("csv", "xls", "xlsx", "txt", "pdf", "json", "xml"):
            return _answer(410, "Argument 'fileExtension' is missing or malformed")
        if not template:
            return _answer(410, "Required parameter 'template' is missing")
        try:
            text = render(template, {"reports": [self._report_data(r) for r in self._selected(settings, filters)]})
        except TemplateError as exc:
            return _answer(500, f"Template error: {exc}")
        basename = (job.get("outputSettings") or {}).get("fileBasename") or "export"
        name = f"{basename}{secrets.token_hex(8)}.{extension}"
        with self._lock:
            self.files[name] = text
        return Response(name, status=200, content_type="text/plain; charset=utf-8")

    def _selected(self, settings: dict[str, Any], filters: dict[str, Any]) -> list[XReport]:
        assert self.fixture is not None
        states = {STATES.get(s.strip().upper()) for s in str(settings.get("reportState") or "").split(",") if s.strip()}
        policies = {p.strip() for p in str(filters.get("policyIDList") or "").split(",") if p.strip()}
        ids = {i.strip() for i in str(filters.get("reportIDList") or "").split(",") if i.strip()}
        start, end = filters.get("startDate"), filters.get("endDate")
        chosen = []
        for report in self.fixture.reports:
            when = (report.submitted or min((x.date for x in report.expenses), default=None))
            when_text = when.isoformat() if when else ""
            if (states and report.status not in states) or (policies and report.policy_id not in policies) \
                    or (ids and report.id not in ids) or (start and when_text < start) or (end and when_text > end):
                continue
            chosen.append(report)
        limit = str(settings.get("limit") or "")
        return chosen[: int(limit)] if limit.isdigit() else chosen

    @staticmethod
    def _report_data(report: XReport) -> dict[str, Any]:
        def tag_text(values: list[str]) -> str:
            parts = [v.replace(":", "\\:") for v in values]
            while parts and not parts[-1]:
                parts.pop()
            return ":".join(parts)

        return {
            "reportID": report.id, "accountEmail": report.employee, "reportName": report.title,
            "currency": report.currency, "status": report.status, "policyID": report.policy_id,
            "total": sum(int((x.amount if x.modified_amount is None else x.modified_amount) * 100)
                         for x in report.expenses),
            "transactionList": [{
                "transactionID": x.transaction_id, "merchant": x.merchant, "amount": int(x.amount * 100),
                "currency": x.currency, "category": x.category, "tag": tag_text(x.tags), "billable": x.billable,
                "reimbursable": x.reimbursable, "created": x.date.isoformat(), "taxName": x.tax_name,
                # Expensify hands an unedited expense's modified fields over empty.
                "modifiedMerchant": x.modified_merchant or "",
                "modifiedAmount": int(x.modified_amount * 100) if x.modified_amount is not None else "",
                "modifiedCreated": x.modified_date.isoformat() if x.modified_date else "",
            } for x in report.expenses],
        }

    def _download(self, job: dict[str, Any]) -> Response:
        name = job.get("fileName")
        with self._lock:
            text = self.files.get(str(name)) if name else None
        if text is None:
            return _answer(404, "File not found")
        return Response(text, status=200, content_type="application/octet-stream")


def _write_in(job: dict[str, Any]) -> str | None:
    """The name of what in ``job`` could change Expensify's data, if anything."""
    kind = job.get("type")
    if kind not in ("get", "file", "download"):
        return str(kind)
    if "onFinish" in job:
        return "onFinish"
    if job.get("test") is not None:
        return "test"
    if "markedAsExported" in ((job.get("inputSettings") or {}).get("filters") or {}):
        return "markedAsExported"
    return None


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _json(body: dict[str, Any], http: int = 200) -> Response:
    return Response(json.dumps(body), status=http, content_type="application/json")


def _answer(code: int, message: str, *, http: int = 200) -> Response:
    return _json({"responseMessage": message, "responseCode": code}, http)
