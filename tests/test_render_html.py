"""HTML compliance report: sections, escaping, permission matrix, mutes, bounded size, self-contained."""

from __future__ import annotations

import re

import lxml.html
import pytest

from netsuite_audit.audit.model import Severity, Status, Subject
from netsuite_audit.render import html as html_module
from netsuite_audit.render.emit import RENDERERS
from netsuite_audit.render.html import render_html
from tests.render_sample import make_finding, sample_findings, sample_result

SECTIONS = ("run", "summary", "permissions", "findings", "muted", "reports", "checks")


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_result())


def _doc(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text)


def _text(node: lxml.html.HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())


def _section(doc: lxml.html.HtmlElement, section_id: str) -> lxml.html.HtmlElement:
    found = doc.xpath(f"//section[@id='{section_id}']")
    assert len(found) == 1, section_id
    node: lxml.html.HtmlElement = found[0]
    return node


def test_document_has_every_section(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    doc = _doc(page)
    assert [s.get("id") for s in doc.xpath("//section")] == list(SECTIONS)
    assert doc.findtext(".//title") == "nsaudit report: account 1234567 (production)"


def test_self_contained_without_scripts(page: str) -> None:
    doc = _doc(page)
    assert not doc.xpath("//script | //link | //img | //iframe | //object")
    assert not doc.xpath("//*[@src] | //*[@href]")
    assert "@import" not in page and "url(" not in page
    assert "@media print" in page and "break-before: page" in page


def test_run_details(page: str) -> None:
    run = _text(_section(_doc(page), "run"))
    for expected in ("Account 1234567", "Environment production", "Integration role Expense Integration",
                     "Credential source env", "Started 2026-03-02 09:30:00 UTC", "(42.0 s)",
                     "Fail-on medium", "Workspace file nsaudit.toml"):
        assert expected in run, expected
    assert sample_result().snapshot_sha256 in run


def test_summary_counts_and_verdict(page: str) -> None:
    summary = _section(_doc(page), "summary")
    rows = {_text(tr.xpath("td")[0]): _text(tr.xpath("td")[1]) for tr in summary.xpath(".//tbody/tr")}
    assert rows["FAIL"] == "3" and rows["MUTED"] == "1" and rows["PASS"] == "2" and rows["high"] == "2"
    assert "Could not audit completely · exit code 3" in _text(summary)
    assert "expires in 30 days" in _text(summary)


def test_permission_matrix(page: str) -> None:
    table = _section(_doc(page), "permissions")
    rows = [[_text(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
    assert rows[0] == ["Expense Report", "TRAN_EXPREPT", "Transactions", "Full", "Full", "rolepermissions", "PASS"]
    assert rows[1][1] == "LIST_JOB" and rows[1][4] == "None" and rows[1][6] == "FAIL"
    assert rows[2][1] == "LIST_CLASS" and rows[2][4] == "unknown" and rows[2][6] == "UNVERIFIABLE"


def test_findings_with_evidence_and_fix(page: str) -> None:
    findings = _section(_doc(page), "findings")
    articles = findings.xpath(".//article")
    assert len(articles) == 6  # every non-PASS, non-MUTED finding
    apollo = next(a for a in articles if "job 100" in _text(a))
    assert "FAIL" in apollo.get("class")
    evidence = {_text(tr.xpath("th")[0]): _text(tr.xpath("td")[0]) for tr in apollo.xpath(".//tr")}
    assert evidence == {"isinactive": "true", "used_by": '["jane@example.com", "raj@example.com"]'}
    assert [_text(li) for li in apollo.xpath(".//ol/li")] == [
        "In NetSuite open project Apollo and clear 'Project is inactive'.", "Choose Sync Now in the workspace."]
    headings = [_text(h) for h in findings.xpath(".//h3")]
    assert headings[0].startswith("NS0023") and "NS0770: Project is not active (high)" in headings
    unverifiable = next(a for a in articles if "UNVERIFIABLE" in a.get("class"))
    assert "Missing: Setup > Manage Roles (ADMI_MANAGEROLES)" in _text(unverifiable)
    assert "Check by hand:" in _text(unverifiable)


def test_muted_reports_and_checks(page: str) -> None:
    doc = _doc(page)
    muted = [[_text(td) for td in tr.xpath("td")] for tr in _section(doc, "muted").xpath(".//tbody/tr")]
    assert muted == [["category-active/expensecategory:9", "NS0045", "expensecategory 9 Mileage",
                      "ap-team@example.com", "Contractor paid outside NetSuite", "2026-12-31"]]
    reports = [[_text(td) for td in tr.xpath("td")] for tr in _section(doc, "reports").xpath(".//tbody/tr")]
    assert reports[0][:4] == ["R0042", "jane@example.com", "no", "NS0770"]
    checks = _section(doc, "checks")
    assert [_text(li) for li in checks.xpath(".//ul/li")] == ["currency-valid", "posting-period"]
    assert "supervisor-valid needs a workspace file" in _text(checks)


def test_autoescape() -> None:
    hostile = make_finding("project-active", Status.FAIL, Severity.HIGH, "<script>alert(1)</script>", code="NS0770",
                           subject=Subject(kind="job", id="9", name="<img src=x onerror=alert(1)>"),
                           evidence={"<b>": "</td></tr></table>"})
    page = render_html(sample_result([hostile]))
    doc = _doc(page)
    assert not doc.xpath("//script | //img | //b")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" in _text(_section(doc, "findings"))


def test_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_module, "MAX_PER_CODE", 50)
    many = [make_finding("project-active", Status.FAIL, Severity.HIGH, f"Project {n} is not active.", code="NS0770",
                         subject=Subject(kind="job", id=str(n))) for n in range(400)]
    passes = [make_finding(f"check-{n}", Status.PASS, Severity.LOW, "fine") for n in range(300)]
    page = render_html(sample_result(many + passes))
    doc = _doc(page)
    assert len(doc.xpath("//article")) == 50
    assert "350 more NS0770 findings are not shown here" in _text(doc)
    assert len(_section(doc, "checks").xpath(".//li")) == 300  # PASS: one short list item each, no rows
    assert len(page) < 120_000


def test_empty_sections_say_so() -> None:
    passing = [f for f in sample_findings() if f.status == Status.PASS]
    doc = _doc(render_html(sample_result(passing)))
    assert "Nothing to fix" in _text(_section(doc, "findings"))
    assert "No muted findings." in _text(_section(doc, "muted"))
    assert "No findings at or above medium · exit code 0" in _text(_section(doc, "summary"))


def test_no_secret_shaped_values(page: str) -> None:
    # the result holds no secrets; the page must not invent places for them either
    assert not re.search(r"(?i)secret|password|token_secret|consumer_secret", page)


def test_registered_as_a_format(page: str) -> None:
    assert RENDERERS["html"](sample_result(), True) == page
