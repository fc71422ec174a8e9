"""Markdown: header, summary tables, findings grouped by NS code, muted and passed sections."""

from __future__ import annotations

import re

import pytest

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.render.markdown import _code as code_span
from netsuite_audit.render.markdown import cell, render_markdown
from tests.support.render_sample import MUTE, make_finding, sample_connection, sample_findings, sample_result


def _columns(row: str) -> list[str]:
    """Split a table row on unescaped pipes, as a GitHub table parser does."""
    return [part.strip() for part in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end == -1 else text[start:end]


def test_header_mirrors_the_html_report() -> None:
    text = render_markdown(sample_result())
    lines = text.split("\n")
    assert lines[0] == "# NetSuite integration audit"
    assert lines[2] == "Parent Co · account 1234567 (production) · 2026-03-02 09:30:42 UTC"
    assert lines[4] == "**Result: audit incomplete: 1 check broke; see Scope and limitations**"
    about = _section(text, "## About this audit")
    assert "| Integration role | Expense Integration |" in about and "| Credentials | environment variables |" in about
    assert "| Threshold | findings of severity medium or above need action |" in about
    assert "exit code" not in text.lower()
    for heading in ("## Summary", "## Scope and limitations", "## Findings by severity", "## Review and sign-off"):
        assert heading in text, heading
    assert text.index("## Scope and limitations") < text.index("## Findings by severity")


def test_summary_tables() -> None:
    text = render_markdown(sample_result())
    assert "| FAIL | 3 |" in text and "| WARN | 1 |" in text and "| MUTED | 1 |" in text and "| PASS | 2 |" in text
    assert "| high | exports fail for some reports | 2 |" in text and "| critical | every sync stops | 0 |" in text


def test_findings_by_severity_then_code() -> None:
    text = render_markdown(sample_result())
    findings = _section(text, "## Findings by severity")
    severities = re.findall(r"^### (\w+) ", findings, flags=re.M)
    assert severities == ["Critical", "High", "Medium", "Low"]
    codes = re.findall(r"^#### (NS\d{4})", findings, flags=re.M)
    assert codes == ["NS0023", "NS0770", "NS0045", "NS0005"]
    assert "#### NS0770: Project is not active" in findings  # title from the catalog
    assert "  - Evidence:\n    - isinactive: yes\n    - used by: jane@example.com, raj@example.com" in findings
    assert "    1. In NetSuite open project Apollo and clear 'Project is inactive'.\n    2. Choose Sync Now" in findings
    # muted, passed and unverifiable results are elsewhere
    assert "Mileage" not in findings and "currency" not in findings and "NS0377" not in findings


def test_scope_lists_what_could_not_be_verified_and_what_did_not_run() -> None:
    scope = _section(render_markdown(sample_result()), "## Scope and limitations")
    assert "| Setup > Manage Roles (ADMI_MANAGEROLES) | 1 | NS0377: role 1042 Expense Integration |" in scope
    assert "  - Open Setup > Users/Roles > Manage Roles." in scope
    assert "| supervisor-valid | needs a workspace file |" in scope


def test_passed_collapse_to_one_line() -> None:
    text = render_markdown(sample_result())
    assert "2: `currency-valid`, `posting-period`" in text


def test_muted_section_with_owner_reason_expiry() -> None:
    text = render_markdown(sample_result())
    muted = _section(text, "## Muted findings")
    rows = [line for line in muted.splitlines() if line.startswith("| NS0045")]
    assert len(rows) == 1
    assert _columns(rows[0]) == ["NS0045", "expensecategory 9 Mileage", "ap-team@example.com",
                                 "Contractor paid outside NetSuite", "2026-12-31"]


def test_table_cells_escape_pipes_and_newlines() -> None:
    assert cell("a|b") == "a\\|b"
    assert cell("one\ntwo\r\nthree") == "one<br>two<br>three"
    assert cell("<b>x</b>") == "&lt;b>x&lt;/b>"
    assert cell(None) == ""
    tricky = make_finding("category-active", Status.MUTED, Severity.LOW, "m", code="NS0045",
                          mute={**MUTE, "reason": "split | across\nlines", "owner": "a|b"})
    text = render_markdown(sample_result([tricky]))
    row = next(line for line in text.splitlines() if line.startswith("| NS0045"))
    assert _columns(row) == ["NS0045", "account", "a\\|b", "split \\| across<br>lines", "2026-12-31"]


def test_list_items_stay_on_one_line_and_raw_html_is_escaped() -> None:
    text = render_markdown(sample_result())
    assert "job 101 =HYPERLINK(\"http://x\"): Project Zephyr | legacy is not active. It closed in 2024." in text
    assert "job 100 Apollo &lt;Phase 2>" in text and "<Phase" not in text


def test_backticks_in_values_keep_code_spans_closed() -> None:
    odd = make_finding("project-active", Status.FAIL, Severity.HIGH, "m", code="NS0770", evidence={"q": "a`b"})
    # evidence is prose, not code; a lone backtick is escaped so it cannot open a code span (issue 10 item 14)
    assert "    - q: a\\`b" in render_markdown(sample_result([odd]))
    assert code_span("a`b") == "`` a`b ``" and code_span("plain") == "`plain`"


def test_clean_run() -> None:
    passing = [f for f in sample_findings() if f.status == Status.PASS]
    text = render_markdown(sample_result(passing))
    assert "Nothing to fix" in text and "## Muted" not in text
    assert "**Result: no finding needs action at severity medium or above**" in text


def _about_rows(text: str) -> dict[str, str]:
    rows = [_columns(line) for line in _section(text, "## About this audit").splitlines() if line.startswith("| ")]
    return {row[0]: row[1] for row in rows if len(row) == 2}


@pytest.mark.parametrize(("case", "kind", "decided", "shows"), [
    ("oauth2-agrees", "OAuth 2.0/REST (oauth2-rest)", 'The workspace says kind = "oauth2-rest".',
     "agrees: The account has no active access token of 'Expensify'"),
    ("oauth2-disagrees", "OAuth 2.0/REST (oauth2-rest)", 'The workspace says kind = "oauth2-rest".',
     "DISAGREES: The account still has 1 active access token(s) of 'Expensify' (Expensify - Ada Admin)"),
    ("tba-agrees", "TBA/SOAP (tba-soap)", "No workspace was given, so the legacy default (tba-soap) is assumed.",
     "agrees: The account has 1 active access token(s) of 'Expensify'"),
    ("tba-unknown", "TBA/SOAP (tba-soap)", 'The workspace says kind = "tba-soap".',
     "could not tell: The access token list could not be read"),
])
def test_about_names_the_connection_audited(case: str, kind: str, decided: str, shows: str) -> None:
    rows = _about_rows(render_markdown(sample_result(connection=sample_connection(case))))
    assert rows["Connection audited"] == kind
    assert rows["Connection decided by"] == decided
    assert rows["What the account shows"].startswith(shows)
    labels = list(rows)
    assert labels.index("Data source") < labels.index("Connection audited")  # beside the provenance facts


def test_connection_not_recorded_is_said() -> None:
    rows = _about_rows(render_markdown(sample_result()))
    assert rows["Connection audited"].startswith("not recorded")


def test_connection_text_is_escaped() -> None:
    text = render_markdown(sample_result(connection=sample_connection("hostile")))
    row = next(line for line in text.splitlines() if line.startswith("| What the account shows |"))
    assert len(_columns(row)) == 2  # the pipe in the application name stays inside its cell
    assert "&lt;b>x&lt;/b> \\| \\!\\[t\\](https://attacker.example/t.png)" in row
    assert "<b>" not in text and "\x1b" not in text
    assert row.startswith("| What the account shows | DISAGREES: ")
