"""Markdown: header, summary tables, findings grouped by NS code, muted and passed sections."""

from __future__ import annotations

import re

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.render.markdown import cell, render_markdown
from tests.render_sample import MUTE, make_finding, sample_findings, sample_result


def _columns(row: str) -> list[str]:
    """Split a table row on unescaped pipes, as a GitHub table parser does."""
    return [part.strip() for part in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end == -1 else text[start:end]


def test_header_line() -> None:
    text = render_markdown(sample_result())
    first, _, second = text.split("\n")[:3]
    assert first == "## nsaudit: account `1234567` (production)"
    assert second.startswith("2026-03-02 09:30 UTC")
    assert "exit code **3**" in second and "fail-on medium" in second and "role Expense Integration" in second


def test_summary_tables() -> None:
    text = render_markdown(sample_result())
    assert "| FAIL | 3 |" in text and "| WARN | 1 |" in text and "| MUTED | 1 |" in text and "| PASS | 2 |" in text
    assert "| high | 2 |" in text and "| critical | 0 |" in text


def test_findings_grouped_by_code_worst_first() -> None:
    text = render_markdown(sample_result())
    findings = _section(text, "## Findings")
    headings = re.findall(r"^### (NS\d{4})", findings, flags=re.M)
    assert headings == ["NS0023", "NS0770", "NS0005", "NS0045", "NS0377"]  # ERROR, FAIL high, FAIL low, WARN, UNV.
    assert "### NS0770: Project is not active" in findings  # title from the catalog
    assert "  - Evidence:\n    - isinactive: `true`" in findings
    assert "    1. In NetSuite open project Apollo and clear 'Project is inactive'.\n    2. Choose Sync Now" in findings
    assert "  - Missing: Setup > Manage Roles (ADMI_MANAGEROLES)\n  - Check by hand:" in findings
    # the muted and passed findings are not in the findings list
    assert "Mileage" not in findings and "currency" not in findings


def test_passed_collapse_to_one_line() -> None:
    text = render_markdown(sample_result())
    lines = [line for line in text.splitlines() if "currency-valid" in line]
    assert lines == ["**Passed** (2): `currency-valid`, `posting-period`"]
    assert "**Not run**: `supervisor-valid` (needs a workspace file)" in text


def test_muted_section_with_owner_reason_expiry() -> None:
    text = render_markdown(sample_result())
    muted = _section(text, "## Muted")
    rows = [line for line in muted.splitlines() if line.startswith("| category-active")]
    assert len(rows) == 1
    assert _columns(rows[0]) == ["category-active/expensecategory:9", "NS0045", "ap-team@example.com",
                                 "Contractor paid outside NetSuite", "2026-12-31"]


def test_table_cells_escape_pipes_and_newlines() -> None:
    assert cell("a|b") == "a\\|b"
    assert cell("one\ntwo\r\nthree") == "one<br>two<br>three"
    assert cell("<b>x</b>") == "&lt;b>x&lt;/b>"
    assert cell(None) == ""
    tricky = make_finding("category-active", Status.MUTED, Severity.LOW, "m", code="NS0045",
                          mute={**MUTE, "reason": "split | across\nlines", "owner": "a|b"})
    text = render_markdown(sample_result([tricky]))
    row = next(line for line in text.splitlines() if line.startswith("| category-active"))
    assert _columns(row) == ["category-active", "NS0045", "a\\|b", "split \\| across<br>lines", "2026-12-31"]


def test_list_items_stay_on_one_line_and_raw_html_is_escaped() -> None:
    text = render_markdown(sample_result())
    assert "job `101` (=HYPERLINK(\"http://x\")): Project Zephyr | legacy is not active. It closed in 2024." in text
    assert "(Apollo &lt;Phase 2>)" in text and "<Phase" not in text


def test_backticks_in_values_keep_code_spans_closed() -> None:
    odd = make_finding("project-active", Status.FAIL, Severity.HIGH, "m", code="NS0770", evidence={"q": "a`b"})
    assert "    - q: `` \"a`b\" ``" in render_markdown(sample_result([odd]))


def test_clean_run() -> None:
    passing = [f for f in sample_findings() if f.status == Status.PASS]
    text = render_markdown(sample_result(passing))
    assert "## Findings" not in text and "## Muted" not in text
    assert "exit code **0**" in text
