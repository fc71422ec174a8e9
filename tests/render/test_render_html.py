"""HTML compliance report: sections, escaping, permission matrix, mutes, bounded size, self-contained."""

from __future__ import annotations

import re

import lxml.html
import pytest

from netsuite_audit.audit.model import Severity, Status, Subject
from netsuite_audit.render import compliance
from netsuite_audit.render.emit import RENDERERS
from netsuite_audit.render.html import render_html
from tests.support.render_sample import HOSTILE_APP, make_finding, sample_connection, sample_findings, sample_result

SECTIONS = ("audit", "summary", "scope", "findings", "permissions", "reports", "muted", "checks", "signoff")


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
    assert not doc.xpath("//*[@src]")
    assert all(link.startswith("#") for link in doc.xpath("//@href"))  # table of contents: in-page links only
    assert "@import" not in page and "url(" not in page
    assert "@media print" in page and "break-before: page" in page


def test_header_for_an_auditor(page: str) -> None:
    doc = _doc(page)
    about = _text(_section(doc, "audit"))
    for expected in ("NetSuite account 1234567", "Environment production", "Integration role Expense Integration",
                     "Credentials environment variables", "Started 2026-03-02 09:30:00 UTC", "(42.0 s)",
                     "Threshold findings of severity medium or above need action",
                     "Workspace description nsaudit.toml", "Tool nsaudit"):
        assert expected in about, expected
    assert sample_result().snapshot_sha256 in about
    assert "Run by" in about
    assert _text(doc.xpath("//header")[0]).endswith("Result: audit incomplete: 1 check broke; see Scope and "
                                                     "limitations")
    assert "exit code" not in page.lower()


def _facts(page: str) -> dict[str, str]:
    about = _section(_doc(page), "audit")
    return {_text(dt): _text(dd) for dt, dd in zip(about.xpath(".//dt"), about.xpath(".//dd"), strict=True)}


@pytest.mark.parametrize(("case", "kind", "decided", "shows"), [
    ("oauth2-agrees", "OAuth 2.0/REST (oauth2-rest)", 'The workspace says kind = "oauth2-rest".',
     "agrees: The account has no active access token of 'Expensify'"),
    ("oauth2-disagrees", "OAuth 2.0/REST (oauth2-rest)", 'The workspace says kind = "oauth2-rest".',
     "DISAGREES: The account still has 1 active access token(s) of 'Expensify' (Expensify - Ada Admin)"),
    ("tba-agrees", "TBA/SOAP (tba-soap)", "No workspace was given, so the legacy default (tba-soap) is assumed.",
     "agrees: The account has 1 active access token(s) of 'Expensify'"),
    ("tba-disagrees", "TBA/SOAP (tba-soap)", 'The workspace says kind = "tba-soap".',
     "DISAGREES: The account has no active access token of 'Expensify'"),
    ("tba-unknown", "TBA/SOAP (tba-soap)", 'The workspace says kind = "tba-soap".',
     "could not tell: The access token list could not be read"),
])
def test_about_names_the_connection_audited(case: str, kind: str, decided: str, shows: str) -> None:
    facts = _facts(render_html(sample_result(connection=sample_connection(case))))
    assert facts["Connection audited"] == kind
    assert facts["Connection decided by"] == decided
    assert facts["What the account shows"].startswith(shows)
    labels = list(facts)
    assert labels.index("Data source") < labels.index("Connection audited")  # beside the provenance facts


def test_connection_not_recorded_is_said(page: str) -> None:
    facts = _facts(page)
    assert facts["Connection audited"].startswith("not recorded")
    assert "What the account shows" not in facts


def test_connection_text_is_escaped() -> None:
    page = render_html(sample_result(connection=sample_connection("hostile")))
    doc = _doc(page)
    assert not doc.xpath("//b | //img | //a[@href and not(starts-with(@href, '#'))]")
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "\x1b" not in page  # markup as text, no raw control character
    assert HOSTILE_APP.split("\x1b")[0] in _facts(page)["What the account shows"]


def test_table_of_contents_links_every_section(page: str) -> None:
    doc = _doc(page)
    targets = {link[1:] for link in doc.xpath("//nav[@id='contents']//@href")}
    assert {"audit", "summary", "scope", "findings", "signoff"} <= targets
    for target in targets:
        assert doc.xpath(f"//*[@id='{target}']"), target


def test_summary_counts_and_verdict(page: str) -> None:
    summary = _section(_doc(page), "summary")
    rows = {_text(tr.xpath("td")[0]): _text(tr.xpath("td")[-1]) for tr in summary.xpath(".//tbody/tr")}
    assert rows["FAIL"] == "3" and rows["MUTED"] == "1" and rows["PASS"] == "2" and rows["high"] == "2"
    assert "checks: " in _text(summary) and "findings: 1 ERROR, 3 FAIL, 1 WARN, 1 UNVERIFIABLE" in _text(summary)
    assert "expires in 30 days" in _text(summary)


def test_scope_and_limitations(page: str) -> None:
    scope = _section(_doc(page), "scope")
    text = _text(scope)
    assert "7 checks ran" in text and "1 did not run" in text
    assert "supervisor-valid needs a workspace file" in text
    assert "Setup > Manage Roles (ADMI_MANAGEROLES)" in text  # why a result could not be verified
    assert "Open Setup > Users/Roles > Manage Roles." in text  # the manual step that remains
    assert "never wrote to it" in text


def test_permission_matrix(page: str) -> None:
    table = _section(_doc(page), "permissions")
    rows = [[_text(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
    assert rows[0] == ["Expense Report", "TRAN_EXPREPT", "Transactions", "Full", "Full", "rolepermissions", "PASS"]
    assert rows[1][1] == "LIST_JOB" and rows[1][4] == "None" and rows[1][6] == "FAIL"
    assert rows[2][1] == "LIST_CLASS" and rows[2][4] == "unknown" and rows[2][6] == "UNVERIFIABLE"


def test_findings_with_evidence_and_fix(page: str) -> None:
    findings = _section(_doc(page), "findings")
    articles = findings.xpath(".//article")
    assert len(articles) == 5  # every FAIL, WARN and ERROR (UNVERIFIABLE is under Scope and limitations)
    apollo = next(a for a in articles if "job 100" in _text(a))
    assert "FAIL" in apollo.get("class")
    pairs = [_text(pair) for pair in apollo.xpath(".//p[@class='evidence']/span[@class='pair']")]
    assert pairs == ["isinactive yes", "used by jane@example.com, raj@example.com"]
    assert [_text(li) for li in apollo.xpath(".//ol/li")] == [
        "In NetSuite open project Apollo and clear 'Project is inactive'.", "Choose Sync Now in the workspace."]
    severities = [_text(h) for h in findings.xpath(".//h3")]
    assert [h.split()[0] for h in severities] == ["Critical", "High", "Medium", "Low"]  # by severity, then code
    codes = [_text(h) for h in findings.xpath(".//h4")]
    assert codes[0].startswith("NS0023") and "NS0770: Project is not active" in codes


def test_muted_reports_and_checks(page: str) -> None:
    doc = _doc(page)
    muted = [[_text(td) for td in tr.xpath("td")] for tr in _section(doc, "muted").xpath(".//tbody/tr")]
    assert muted == [["NS0045", "expensecategory 9 Mileage", "Category Mileage is inactive in NetSuite.",
                      "ap-team@example.com", "Contractor paid outside NetSuite", "2026-12-31"]]
    reports = [[_text(td) for td in tr.xpath("td")] for tr in _section(doc, "reports").xpath(".//tbody/tr")]
    assert reports[0][:4] == ["R0042", "jane@example.com", "no", "NS0770"]
    checks = _section(doc, "checks")
    assert [_text(li) for li in checks.xpath(".//ul/li")] == ["currency-valid", "posting-period"]


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
    monkeypatch.setattr(compliance, "MAX_PER_CODE", 50)
    many = [make_finding("project-active", Status.FAIL, Severity.HIGH, f"Project {n} is not active.", code="NS0770",
                         subject=Subject(kind="job", id=str(n))) for n in range(400)]
    passes = [make_finding(f"check-{n}", Status.PASS, Severity.LOW, "fine") for n in range(300)]
    page = render_html(sample_result(many + passes))
    doc = _doc(page)
    assert len(doc.xpath("//article")) == 50
    assert "350 more NS0770 findings are not shown here" in _text(doc)
    assert len(_section(doc, "checks").xpath(".//li")) == 300  # PASS: one short list item each, no rows
    assert len(_section(doc, "scope").xpath(".//li")) == 7  # what was checked: the declared checks, not results
    assert len(page) < 120_000


def test_empty_sections_say_so() -> None:
    passing = [f for f in sample_findings() if f.status == Status.PASS]
    doc = _doc(render_html(sample_result(passing)))
    assert "Nothing to fix" in _text(_section(doc, "findings"))
    assert "No muted findings." in _text(_section(doc, "muted"))
    assert "Result: no finding needs action at severity medium or above" in _text(_section(doc, "summary"))


def test_no_secret_shaped_values(page: str) -> None:
    # the result holds no secrets; the page must not invent places for them either
    assert not re.search(r"(?i)secret|password|token_secret|consumer_secret", page)


def test_registered_as_a_format(page: str) -> None:
    assert RENDERERS["html"](sample_result(), True) == page


def test_sign_off_block_prints_on_its_own_page(page: str) -> None:
    signoff = _section(_doc(page), "signoff")
    labels = [_text(th) for th in signoff.xpath(".//th")]
    assert labels[:3] == ["Reviewed by (name)", "Role or title", "Date"] and "Signature" in labels
    assert "#signoff" in page.split("@media print", 1)[1]  # starts a printed page, kept in one piece
