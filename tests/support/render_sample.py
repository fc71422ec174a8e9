"""A realistic AuditResult for the renderer tests: every status, a mute, awkward text, a permission matrix, and
the Expensify connection audited (decided by audit/connection.py from a snapshot and a workspace)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netsuite_audit.audit.connection import decide
from netsuite_audit.audit.model import CheckMeta, Finding, Severity, Status, Subject, finding_id
from netsuite_audit.audit.verdicts import LineVerdict, ReportVerdict
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.result import AuditResult, PermissionRow, ResultConnection, Selection, build_result
from netsuite_audit.snapshot import AccountSnapshot
from tests.support.check_cases import build_snapshot

STARTED = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)

CHECKS = (
    CheckMeta(id="project-active", codes=("NS0770",), severity=Severity.HIGH,
              title="Projects used on reports are active",
              description="Every project tag the workspace offers must be an active NetSuite project.",
              reads=("job",), tags=("export", "projects")),
    CheckMeta(id="category-active", codes=("NS0045",), severity=Severity.MEDIUM, title="Expense categories are active",
              reads=("expensecategory",), tags=("export",)),
    CheckMeta(id="class-mandatory", codes=("NS0005",), severity=Severity.LOW, title="Class is set when mandatory",
              tags=("coding",)),
    CheckMeta(id="role-permissions", codes=("NS0377",), severity=Severity.HIGH,
              title="Integration role has the permissions the sync needs", tags=("access",)),
    CheckMeta(id="employee-match", codes=("NS0023",), severity=Severity.CRITICAL,
              title="Submitters match a NetSuite employee", tags=("employees",)),
    CheckMeta(id="currency-valid", codes=("NS0012",), severity=Severity.MEDIUM, title="Report currencies exist"),
    CheckMeta(id="posting-period", codes=(), severity=Severity.INFO, title="An open posting period exists"),
    CheckMeta(id="supervisor-valid", codes=("NS0538",), severity=Severity.MEDIUM, title="Supervisors are valid"),
)

MUTE = {"owner": "ap-team@example.com", "reason": "Contractor paid outside NetSuite", "expires": "2026-12-31"}


def make_finding(check: str, status: Status, severity: Severity, message: str, *, code: str | None = None,
             subject: Subject | None = None, **extra: object) -> Finding:
    return Finding(id=finding_id(check, subject), check_id=check, code=code, status=status, severity=severity,
                   title=f"{check} title", message=message, subject=subject, **extra)  # type: ignore[arg-type]


def sample_findings() -> list[Finding]:
    return [
        make_finding("project-active", Status.FAIL, Severity.HIGH,
                 "Project Apollo is not active and can't accept expenses.", code="NS0770",
                 subject=Subject(kind="job", id="100", name="Apollo <Phase 2>"),
                 evidence={"isinactive": True, "used_by": ["jane@example.com", "raj@example.com"]},
                 fix=("In NetSuite open project Apollo and clear 'Project is inactive'.",
                      "Choose Sync Now in the workspace.")),
        make_finding("project-active", Status.FAIL, Severity.HIGH,
                 "Project Zephyr | legacy is not active.\nIt closed in 2024.", code="NS0770",
                 subject=Subject(kind="job", id="101", name="=HYPERLINK(\"http://x\")"),
                 evidence={"note": "-2+3", "isinactive": True}, fix=("@admin: reactivate it.",)),
        make_finding("class-mandatory", Status.FAIL, Severity.LOW, "Class is mandatory but no class tag is set.",
                 code="NS0005", fix=("Import classes as tags.",)),
        make_finding("category-active", Status.WARN, Severity.MEDIUM, "Category Meals is inactive in NetSuite.",
                 code="NS0045", subject=Subject(kind="expensecategory", id="7", name="Meals"),
                 evidence={"isinactive": True}, fix=("Reactivate the category.",)),
        make_finding("role-permissions", Status.UNVERIFIABLE, Severity.HIGH,
                 "The role's permissions could not be read.", code="NS0377",
                 subject=Subject(kind="role", id="1042", name="Expense Integration"),
                 missing="Setup > Manage Roles (ADMI_MANAGEROLES)",
                 manual=("Open Setup > Users/Roles > Manage Roles.", "Compare each level with the matrix.")),
        make_finding("employee-match", Status.ERROR, Severity.CRITICAL, "The check broke: KeyError('email')",
                 code="NS0023", evidence={"exception": "KeyError"}),
        make_finding("category-active", Status.MUTED, Severity.MEDIUM, "Category Mileage is inactive in NetSuite.",
                 code="NS0045", subject=Subject(kind="expensecategory", id="9", name="Mileage"), mute=MUTE,
                 fix=("Reactivate the category.",)),
        make_finding("currency-valid", Status.PASS, Severity.MEDIUM, "All report currencies exist.", code="NS0012"),
        make_finding("posting-period", Status.PASS, Severity.INFO, "An open posting period exists."),
    ]


PERMISSIONS = (
    PermissionRow(permkey="TRAN_EXPREPT", name="Expense Report", tab="Transactions", required="Full", actual="Full",
                  source="rolepermissions", status=Status.PASS),
    PermissionRow(permkey="LIST_JOB", name="Projects", tab="Lists", required="View", actual="None",
                  source="rolepermissions", status=Status.FAIL),
    PermissionRow(permkey="LIST_CLASS", name="Classes", tab="Lists", required="View", actual=None,
                  source="unknown", status=Status.UNVERIFIABLE),
)


VERDICTS = (
    ReportVerdict(report_id="R0042", employee="jane@example.com", exports_cleanly=False, codes=("NS0770",),
                  lines=(LineVerdict(line=2, codes=("NS0770",), findings=("project-active/job:100",)),)),
    ReportVerdict(report_id="R0043", employee="raj@example.com", exports_cleanly=True, codes=(), lines=()),
)
WARNINGS = ("Mute for category-active/expensecategory:9 expires in 30 days.",)


def sample_snapshot() -> AccountSnapshot:
    return build_snapshot(None)


# An integration application name with HTML, Markdown, a table pipe and a control character: it reaches the
# account sentence of the connection, so each renderer must escape it like every other value.
HOSTILE_APP = "Expensify <b>x</b> | ![t](https://attacker.example/t.png)\x1b[2J"


def _token(app: str) -> dict[str, object]:
    return {"id": 1, "tba_token_name": "Expensify - Ada Admin", "tba_app_name": app,
            "role_name": "Expensify Integration"}


def sample_connection(case: str) -> ResultConnection:
    """The connection a real run records (audit/connection.decide), for one of these cases:

    * ``tba-agrees``: no workspace, so the TBA/SOAP default; the account has the integration's active token;
    * ``oauth2-agrees``: the workspace says OAuth 2.0/REST and the account has no active token of the application;
    * ``oauth2-disagrees``: the workspace says OAuth 2.0/REST but the account still has an active TBA token;
    * ``tba-disagrees``: the workspace says TBA/SOAP but the account has no active token of the application;
    * ``tba-unknown``: the token list could not be read (the account could not tell);
    * ``hostile``: as ``oauth2-disagrees``, with an application name made of markup (``HOSTILE_APP``).
    """
    oauth2 = Workspace.model_validate({"connection": {"kind": "oauth2-rest"}})
    tba = Workspace.model_validate({"connection": {"kind": "tba-soap"}})
    hostile = Workspace.model_validate({"connection": {"kind": "oauth2-rest", "application": HOSTILE_APP}})
    cases: dict[str, tuple[dict[str, object], Workspace | None]] = {
        "tba-agrees": ({"tables": {"oauthtoken": [_token("Expensify")]}}, None),
        "oauth2-agrees": ({"tables": {"oauthtoken": []}}, oauth2),
        "oauth2-disagrees": ({"tables": {"oauthtoken": [_token("Expensify")]}}, oauth2),
        "tba-disagrees": ({"tables": {"oauthtoken": []}}, tba),
        "tba-unknown": ({"unread": {"oauthtoken": "denied"}}, tba),
        "hostile": ({"tables": {"oauthtoken": [_token(HOSTILE_APP)]}}, hostile),
    }
    overrides, workspace = cases[case]
    return ResultConnection.model_validate(decide(build_snapshot(overrides), workspace).to_json())


def sample_result(findings: list[Finding] | None = None, fail_on: Severity = Severity.MEDIUM,
                  connection: ResultConnection | None = None) -> AuditResult:
    """fail_on medium: the low FAIL (NS0005) is reported but below the threshold; ``connection`` as a run
    records it (``sample_connection``), none by default (a result from before nsaudit recorded it)."""
    return build_result(
        snapshot=sample_snapshot(), findings=sample_findings() if findings is None else findings,
        checks=[(meta, True) for meta in CHECKS], skipped=[("supervisor-valid", "needs a workspace file")],
        started_at=STARTED, finished_at=STARTED + timedelta(seconds=42), selection=Selection(fail_on=fail_on),
        role="Expense Integration", workspace="nsaudit.toml", permissions=PERMISSIONS, verdicts=VERDICTS,
        warnings=WARNINGS, connection=connection,
    )
