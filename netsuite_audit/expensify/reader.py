"""Read one policy (and optionally its pending reports) from the Integration Server.

At most four jobs per audit (five when the policy getter refuses the assumed ``employees`` field):
the policy list (turns a name into an id, and says whether these credentials administer the policy),
the policy getter, and with ``--expensify-reports`` the report exporter plus one download. Each is
recorded in ``ExpensifyRead.jobs``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from pydantic import ValidationError

from netsuite_audit.expensify import errors as e
from netsuite_audit.expensify import jobs
from netsuite_audit.expensify.client import ExpensifyClient
from netsuite_audit.expensify.credentials import ExpensifyCredentials
from netsuite_audit.expensify.models import (
    Category,
    ExpensifyRead,
    Job,
    Member,
    Policy,
    Report,
    ReportField,
    ReportLine,
    ReportScope,
    Tag,
    TagLevel,
    Tax,
    TaxRate,
)
from netsuite_audit.netsuite.transport import RetryPolicy, RowsExceeded

TEMPLATE_NAME = "pending_reports.ftl"
# What reading an answer of another shape raises (a list where an object belongs, a number too large
# for an amount, nesting too deep): the answer is not the protocol's, never a crash.
_SHAPE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, ValidationError,
                 RecursionError)


def template_text() -> str:
    return resources.files("netsuite_audit.expensify").joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")


def read_expensify(creds: ExpensifyCredentials, policy: str, scope: ReportScope | None, *,
                   today: dt.date | None = None, on_job: Callable[[Job], None] | None = None,
                   client: ExpensifyClient | None = None, retry: RetryPolicy | None = None) -> ExpensifyRead:
    """``retry`` carries the run's deadline (``--timeout``), which every job keeps to."""
    client = client or ExpensifyClient(creds, on_job=on_job, retry=retry)
    secret = creds.secret.reveal()
    listed = client.send("policyList", "policy list (names, ids, role)",
                         jobs.policy_list_job(creds.user_id, secret))
    summary = _find_policy((listed.data or {}).get("policyList"), policy)
    policy_id = str(summary["id"])
    role = summary.get("role")
    if role is not None and str(role).lower() != "admin":
        raise e.NotPolicyAdmin(f"these credentials are '{role}' on policy {policy_id}, not an admin; the "
                               "policy getter and report exporter need a policy admin")
    try:
        got = client.send("policy", f"policy {policy_id}: {', '.join(jobs.POLICY_FIELDS)}",
                          jobs.policy_job(creds.user_id, secret, policy_id))
    except e.ExpensifyError as exc:
        # "employees" is not in the manual's list of fields: when it is refused as invalid (410), ask
        # again for the documented fields only; the members then stay unknown (the file gives them).
        if exc.response_code != 410 or type(exc) is not e.ExpensifyError:
            raise
        fields = jobs.DOCUMENTED_FIELDS
        got = client.send("policy", f"policy {policy_id} again without employees: {', '.join(fields)}",
                          jobs.policy_job(creds.user_id, secret, policy_id, fields))
    infos = (got.data or {}).get("policyInfo")
    if not isinstance(infos, dict):
        raise e.UnexpectedAnswer("the policy getter answered without a policyInfo object; not what the "
                                 "protocol answers")
    info = infos.get(policy_id)
    if not isinstance(info, dict):
        raise e.UnknownPolicy(f"policy {policy_id} is not in the policy getter's answer")
    try:
        read_policy = parse_policy(policy_id, summary, info)
    except _SHAPE_ERRORS as exc:
        raise e.UnexpectedAnswer(f"the policy getter's answer for {policy_id} is not in the documented shape "
                                 f"({type(exc).__name__}); not what the protocol answers") from None
    reports = None
    if scope is not None:
        today = today or dt.date.today()
        exported = client.send("file", f"report exporter: {scope.report_state} reports of {policy_id}",
                               jobs.export_job(creds.user_id, secret, policy_id, scope, today),
                               template=template_text(), json_answer=False)
        file_name = exported.text.strip()
        if not file_name or "\n" in file_name or len(file_name) > 255:
            raise e.ExpensifyError("the report exporter did not answer a file name")
        content = client.send("download", f"download {file_name}", jobs.download_job(creds.user_id, secret, file_name),
                              json_answer=False)
        reports = parse_reports(content.text, file_name)
        try:  # the reports and their lines count against the run's row budget, like NetSuite's rows
            client.retry.rows.take(len(reports) + sum(len(r.lines) for r in reports))
        except RowsExceeded as exc:
            raise e.UnexpectedAnswer(f"the exported file {file_name}: {exc.message}") from None
    return ExpensifyRead(policy_id=policy_id, read_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                         base_url=creds.base_url, credential_source=creds.source, policy=read_policy,
                         report_scope=scope, reports=reports, jobs=tuple(client.jobs))


def _find_policy(policies: Any, wanted: str) -> dict[str, Any]:
    if not isinstance(policies, list) or not all(isinstance(p, dict) for p in policies):
        raise e.UnexpectedAnswer("the policy list answer has no policyList of objects; not what the protocol "
                                 "answers")
    rows = [p for p in policies if p.get("id")]
    by_id = [p for p in rows if str(p["id"]) == wanted]
    if by_id:
        return by_id[0]
    by_name = [p for p in rows if str(p.get("name", "")).strip().casefold() == wanted.strip().casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise e.UnknownPolicy(f"{len(by_name)} policies are named {wanted!r}; give the policy id instead")
    raise e.UnknownPolicy(f"no policy {wanted!r} (id or name) is visible to these credentials")


def _rows(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def parse_policy(policy_id: str, summary: dict[str, Any], info: dict[str, Any]) -> Policy:
    members = None
    if "employees" in info:
        members = tuple(Member(email=str(m["email"]).strip(), role=_text(m.get("role")),
                               submits_to=_text(m.get("submitsTo")), approves_to=_text(m.get("approvesTo")))
                        for m in _rows(info["employees"]) if m.get("email"))
    levels = None
    if "tags" in info:
        raw = _rows(info["tags"])
        if raw and all("tags" in t for t in raw):  # multi-level (or named single level): one list per level
            levels = tuple(TagLevel(name=str(t.get("name") or "Tag"), tags=tuple(_tag(x) for x in _rows(t["tags"])))
                           for t in raw)
        else:
            levels = (TagLevel(name="Tag", tags=tuple(_tag(x) for x in raw)),) if raw else ()
    categories = None
    if "categories" in info:
        categories = tuple(Category(name=str(c["name"]), enabled=bool(c.get("enabled", True)),
                                    gl_code=_text(c.get("glCode"))) for c in _rows(info["categories"]) if c.get("name"))
    tax = None
    if isinstance(info.get("tax"), dict):
        raw_tax = info["tax"]
        tax = Tax(name=_text(raw_tax.get("name")), default=_text(raw_tax.get("default")),
                  rates=tuple(TaxRate(rate_id=str(r.get("rateID")), name=str(r.get("name")),
                                      rate=_decimal(r.get("rate"))) for r in _rows(raw_tax.get("rates"))))
    fields = None
    if "reportFields" in info:
        fields = tuple(ReportField(name=str(f["name"]), type=_text(f.get("type")),
                                   values=tuple(str(v) for v in f.get("values") or ()))
                       for f in _rows(info["reportFields"]) if f.get("name"))
    return Policy(id=policy_id, name=_text(summary.get("name")), role=_text(summary.get("role")),
                  owner=_text(summary.get("owner")), output_currency=_text(summary.get("outputCurrency")),
                  type=_text(summary.get("type")), members=members, tag_levels=levels, categories=categories,
                  tax=tax, report_fields=fields)


def _tag(raw: dict[str, Any]) -> Tag:
    return Tag(name=str(raw.get("name", "")), enabled=bool(raw.get("enabled", True)), gl_code=_text(raw.get("glCode")))


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def parse_reports(text: str, file_name: str) -> tuple[Report, ...]:
    """The downloaded file: one JSON object per line, as the shipped template writes them."""
    reports = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            reports.append(_report(raw))
        except _SHAPE_ERRORS as exc:
            raise e.UnexpectedAnswer(f"line {number} of the exported file {file_name} is not what the shipped "
                                   f"template writes ({type(exc).__name__})") from None
    return tuple(reports)


def _report(raw: dict[str, Any]) -> Report:
    lines = []
    for item in raw.get("lines") or ():
        created = _text(item.get("created"))
        lines.append(ReportLine(
            transaction_id=_text(item.get("transactionID")), merchant=_text(item.get("merchant")),
            amount=Decimal(int(item["amount"])) / 100, currency=_text(item.get("currency")),
            category=_text(item.get("category")), tag=_text(item.get("tag")), billable=bool(item.get("billable")),
            reimbursable=bool(item.get("reimbursable", True)),
            date=dt.date.fromisoformat(created[:10]) if created else None, tax=_text(item.get("taxName"))))
    return Report(id=str(raw["id"]), employee=str(raw["employee"]), title=_text(raw.get("title")),
                  currency=_text(raw.get("currency")), status=_text(raw.get("status")),
                  policy_id=_text(raw.get("policyID")), lines=tuple(lines))
