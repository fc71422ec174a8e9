"""Issue 10 item 14: strings from NetSuite records and from report files never reach a terminal as
escape sequences or control characters, and never become Markdown (links, images) in Markdown output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.render.safe import clean_text, markdown_text
from tests.support.check_cases import CASES_DIR, build_snapshot

HOSTILE = "Acme\x1b]0;pwned\x07\x1b[2J\x1b[31mred\r\nFAIL forged line\u202egnp.exe\x9b1m ![x](https://attacker.example/x.png)"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))] + ["\u202e", "\u2066"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("escapes")
    snap = build_snapshot({"tables": {"job": [{"id": 100, "companyname": HOSTILE, "isinactive": True}]}})
    (folder / "snap.json").write_text(snap.to_json(), encoding="utf-8")
    reports = {"reports": [{"id": "R1", "employee": "dana.whitfield@northwind.example", "title": HOSTILE,
                            "lines": [{"merchant": "Cafe *" + HOSTILE, "amount": "1.00", "category": 1}]}]}
    (folder / "reports.json").write_text(json.dumps(reports), encoding="utf-8")
    out: dict[str, str] = {}
    for fmt in ("text", "markdown"):
        result = CliRunner().invoke(cli, [
            "run", "--snapshot", str(folder / "snap.json"), "--workspace", str(CASES_DIR / "_base.workspace.json"),
            "--reports", str(folder / "reports.json"), "--check", "project-active", "--check", "merchant-characters",
            "--format", fmt, "--no-color"], env={"NSAUDIT_CONFIG": ""}, catch_exceptions=False)
        assert result.exit_code == 1, result.stderr
        out[fmt] = result.stdout
    return out


def test_text_output_has_no_control_characters(outputs: dict[str, str]) -> None:
    text = outputs["text"]
    assert "Acme" in text and "red" in text and "pwned" not in text.split("Acme")[0]
    for ch in CONTROL:
        assert ch not in text, repr(ch)
    assert not any(line.lstrip().startswith("FAIL forged line") for line in text.splitlines())


def test_markdown_output_escapes_markdown_and_controls(outputs: dict[str, str]) -> None:
    markdown = outputs["markdown"]
    assert "Acme" in markdown
    for ch in CONTROL:
        assert ch not in markdown, repr(ch)
    markdown = re.sub(r"(`+).*?\1", "", markdown)  # code spans are literal text in Markdown
    assert not re.search(r"(?<!\\)!(?<!\\)\[", markdown)  # no image opener left unescaped
    assert not re.search(r"(?<!\\)\]\((?!#)", markdown)  # no link left unescaped (the report's own #anchors aside)
    assert "\\!\\[x\\]" in markdown
    for ch in CONTROL:
        assert ch not in markdown, repr(ch)


def test_color_text_keeps_only_its_own_styles(tmp_path: Path) -> None:
    snap = build_snapshot({"tables": {"job": [{"id": 100, "companyname": HOSTILE, "isinactive": True}]}})
    (tmp_path / "snap.json").write_text(snap.to_json(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(tmp_path / "snap.json"), "--workspace",
                                      str(CASES_DIR / "_base.workspace.json"), "--check", "project-active",
                                      "--color"], env={"NSAUDIT_CONFIG": ""})
    assert "\x1b]" not in result.stdout and "\x07" not in result.stdout and "\x1b[2J" not in result.stdout
    assert "\x1b[" in result.stdout  # rich's own colours are still there


@pytest.mark.parametrize(("raw", "clean"), [
    ("a\x1b]0;title\x07b", "ab"), ("a\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
    ("x\x1b[2Jy", "xy"), ("over\rwrite", "over write"), ("tab\tnl\n", "tab nl "), ("\x9b31mz", "z"),
    ("bidi\u202eexe.txt", "bidiexe.txt"), ("plain name, café ™", "plain name, café ™"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_markdown_text() -> None:
    assert markdown_text("![x](https://e.example/p.png)") == "\\!\\[x\\](https://e.example/p.png)"
    assert markdown_text("a|b _c_ d*e`f~g<img src=x>") == "a|b \\_c\\_ d\\*e\\`f\\~g&lt;img src=x>"
    assert markdown_text("a|b", table=True) == "a\\|b"
    assert markdown_text("ADMI_MANAGEROLES") == "ADMI_MANAGEROLES"
    assert markdown_text("Setup > Users/Roles - Manage") == "Setup > Users/Roles - Manage"
