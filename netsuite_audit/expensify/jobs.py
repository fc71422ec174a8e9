"""The only Integration Server jobs nsaudit builds: four reads.

Every request body nsaudit can send is built here, and ``assert_read_only`` refuses anything that
could change Expensify's data (``update``/``create`` jobs, an exporter ``onFinish`` such as
``markAsExported``, ``email`` or ``sftpUpload``, the ``markedAsExported`` filter, ``test``...). The
client calls it on every body before sending; tests/test_expensify_jobs.py builds every body.

Shapes follow the Integration Server manual (Report Exporter, Downloader, Policy getter, Policy list
getter); the ``employees`` field of the policy getter is ASSUMED (see docs/expensify.md).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from netsuite_audit.expensify.models import ReportScope

READ_TYPES = frozenset({"get", "file", "download"})
GET_INPUT_TYPES = frozenset({"policy", "policyList"})
DOCUMENTED_FIELDS = ("categories", "reportFields", "tags", "tax")  # the manual's list
POLICY_FIELDS = (*DOCUMENTED_FIELDS, "employees")  # "employees" is ASSUMED (docs/expensify.md)
# Keys a read body may carry, per level. Anything else is refused.
_TOP_KEYS = frozenset({"type", "credentials", "inputSettings", "onReceive", "outputSettings", "fileName"})
_FILE_INPUT_KEYS = frozenset({"type", "filters", "reportState", "limit"})
_FILTER_KEYS = frozenset({"policyIDList", "startDate", "endDate", "approvedAfter", "reportIDList"})
_OUTPUT_KEYS = frozenset({"fileExtension", "fileBasename"})
REPORT_WINDOW_DAYS = 366  # startDate is required without reportIDList: a year back covers pending reports


class WriteRefused(AssertionError):
    """A body that is not a plain read: a bug in nsaudit, never sent."""


def _credentials(user_id: str, secret: str) -> dict[str, str]:
    return {"partnerUserID": user_id, "partnerUserSecret": secret}


def policy_list_job(user_id: str, secret: str) -> dict[str, Any]:
    return {"type": "get", "credentials": _credentials(user_id, secret),
            "inputSettings": {"type": "policyList", "adminOnly": False}}


def policy_job(user_id: str, secret: str, policy_id: str, fields: tuple[str, ...] = POLICY_FIELDS) -> dict[str, Any]:
    return {"type": "get", "credentials": _credentials(user_id, secret),
            "inputSettings": {"type": "policy", "policyIDList": [policy_id], "fields": list(fields)}}


def export_job(user_id: str, secret: str, policy_id: str, scope: ReportScope, today: dt.date) -> dict[str, Any]:
    start = today - dt.timedelta(days=REPORT_WINDOW_DAYS)
    return {
        "type": "file",
        "credentials": _credentials(user_id, secret),
        "onReceive": {"immediateResponse": ["returnRandomFileName"]},
        "inputSettings": {
            "type": "combinedReportData",
            "reportState": scope.report_state,
            "filters": {"policyIDList": policy_id, "startDate": start.isoformat()},
        },
        "outputSettings": {"fileExtension": "json", "fileBasename": "nsaudit"},
    }


def download_job(user_id: str, secret: str, file_name: str) -> dict[str, Any]:
    return {"type": "download", "credentials": _credentials(user_id, secret), "fileName": file_name}


def assert_read_only(job: dict[str, Any]) -> None:
    """Raise WriteRefused unless ``job`` is one of the read shapes above."""
    kind = job.get("type")
    if kind not in READ_TYPES:
        raise WriteRefused(f"job type {kind!r} is not a read")
    extra = set(job) - _TOP_KEYS
    if extra:
        raise WriteRefused(f"job carries {sorted(extra)}; only read settings are sent")
    settings = job.get("inputSettings") or {}
    if kind == "get" and settings.get("type") not in GET_INPUT_TYPES:
        raise WriteRefused(f"get job for {settings.get('type')!r}")
    if kind == "file":
        if set(settings) - _FILE_INPUT_KEYS:
            raise WriteRefused(f"exporter inputSettings {sorted(set(settings) - _FILE_INPUT_KEYS)}")
        if set(settings.get("filters") or {}) - _FILTER_KEYS:
            raise WriteRefused(f"exporter filters {sorted(set(settings['filters']) - _FILTER_KEYS)}")
        if set(job.get("outputSettings") or {}) - _OUTPUT_KEYS:
            raise WriteRefused("exporter outputSettings beyond the file format")
        if job.get("onReceive") != {"immediateResponse": ["returnRandomFileName"]}:
            raise WriteRefused("exporter onReceive must only return the file name")
    if kind == "download" and set(job) - {"type", "credentials", "fileName"}:
        raise WriteRefused("download job carries more than a file name")


def encode(job: dict[str, Any]) -> str:
    return json.dumps(job, separators=(",", ":"))
