"""The compliance report of a real run (the demo, with input files given by absolute path, from a
profiles-file-like credential source): no path of the machine that ran it, no empty or repr-shaped
value, in the HTML page and in the Markdown that mirrors it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.render.html import render_html
from netsuite_audit.render.markdown import render_markdown
from netsuite_audit.result import AuditResult

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = ROOT / "fixtures" / "workspaces" / "demo.toml"
REPORTS = ROOT / "fixtures" / "reports" / "demo.json"
# A Python or JSON repr: {"a": 1}, a list, True, key=value ("None" is a NetSuite permission level, so allowed)
REPR = re.compile(r"\{'|\['|'\]|\{\"|\"\s*:|\bTrue\b|\bFalse\b|\w=\S|=$|\(no code\)")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    out = tmp_path_factory.mktemp("compliance") / "result.json"
    done = CliRunner().invoke(cli, ["run", "--demo", "--workspace", str(WORKSPACE), "--reports", str(REPORTS),
                                    "-f", f"json:{out}"])
    assert done.exit_code == 1, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    # as a real run from a profiles file would record it: the file's full path inside the source
    data["account"]["credential_source"] = f"profile:ops ({Path.home() / '.config' / 'nsaudit' / 'profiles.toml'})"
    data["account"]["profile"] = "ops"
    data["selection"]["mutes"] = str(ROOT / "nsaudit-mutes.yaml")
    return AuditResult.model_validate(data)


def _machine_paths() -> list[str]:
    return [str(ROOT), str(ROOT.parent), str(Path.home()), "/tmp/", "profiles.toml"]


def _visible_html(page: str) -> list[str]:
    doc = lxml.html.document_fromstring(page)
    for node in doc.xpath("//style | //section[@id='signoff']"):
        node.drop_tree()
    return [" ".join(t.split()) for t in doc.xpath("//body//text()") if t.strip()]


def test_html_has_no_machine_path_and_no_repr(result: AuditResult) -> None:
    page = render_html(result)
    for path in _machine_paths():
        assert path not in page, path
    assert "demo.toml" in page and "nsaudit-mutes.yaml" in page  # file names, without their folders
    assert "profile ops (profiles file)" in page
    doc = lxml.html.document_fromstring(page)
    empty = [cell for cell in doc.xpath("//td | //dd | //li | //span[@class='pair']")
             if not " ".join(cell.itertext()).strip() and not cell.xpath("ancestor::section[@id='signoff']")]
    assert empty == []
    bad = [text for text in _visible_html(page) if REPR.search(text)]
    assert bad == []
    pairs = doc.xpath("//span[@class='pair']")
    assert pairs and all((pair.xpath("span[@class='key']")[0].tail or "").strip() for pair in pairs)


def test_markdown_has_no_machine_path_and_no_repr(result: AuditResult) -> None:
    text = render_markdown(result)
    for path in _machine_paths():
        assert path not in text, path
    body = text.split("## Review and sign-off")[0]
    bad = [line for line in body.splitlines() if REPR.search(line.replace("|---", "").replace("**", ""))
           and not line.startswith("|---")]
    assert bad == []
    assert not re.search(r"\|[ \t]*\|", body.replace("| | |", "")), "an empty table cell"
    assert not re.search(r"^ +- [^:]+: *$", body.replace("  - Evidence:", "").replace("  - Fix:", "")
                         .replace("  - Check by hand:", ""), flags=re.M), "an evidence key without a value"


def test_header_names_company_workspace_and_who_ran_it(result: AuditResult) -> None:
    page = render_html(result)
    about = " ".join(_visible_html(page))
    assert "Company Northwind Holdings" in about
    assert "Workspace Northwind US (demo)" in about
    assert f"Run by {result.run_by}" in about and result.run_by
    assert "Result: 34 findings need action" in about or "findings need action" in about

