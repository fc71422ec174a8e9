"""The conformance script compares the shipped WSDL/XSDs with Oracle's: against Oracle's real files
when NSAUDIT_REAL_XSD_DIR names them, and always against a synthetic "Oracle" folder, to show it
finds renamed, reordered and retyped elements and ignores only the version in namespaces."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from netsuite_audit.netsuite import xsd_conformance as xc
from netsuite_audit.netsuite.soap import WSDL_ROOT

REAL = os.environ.get("NSAUDIT_REAL_XSD_DIR")


@pytest.mark.skipif(not REAL, reason="set NSAUDIT_REAL_XSD_DIR to a folder holding Oracle's netsuite.wsdl and "
                                     "XSDs (e.g. a copy of kokobd/netsuite-wsdl, 2023_2) to compare with them")
def test_every_shipped_version_conforms_to_oracles_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert REAL is not None
    code = xc.main([REAL])
    out = capsys.readouterr().out
    assert code == 0, out
    for version in xc.shipped_versions():
        assert f"{version}: " in out and "conforms" in out


def _fake_oracle(tmp_path: Path, version: str = "2023_2") -> Path:
    """The shipped 2025_2 files renamed to another version: a stand-in for Oracle's folder."""
    folder = tmp_path / "oracle"
    (folder / "xsd").mkdir(parents=True)
    for path in (WSDL_ROOT / "2025_2").iterdir():
        text = path.read_text(encoding="utf-8").replace("_2025_2.", f"_{version}.")
        target = folder / (path.name if path.suffix == ".wsdl" else f"xsd/{path.name}")
        target.write_text(text, encoding="utf-8")
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / "xsd" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_only_the_version_in_namespaces_is_ignored(tmp_path: Path) -> None:
    reports = xc.conform(_fake_oracle(tmp_path), xc.shipped_versions())
    assert set(reports) == {"2024_2", "2025_2"}
    for report in reports.values():
        assert report.ok, report.differences
        assert len(report.checked) > 50


def test_a_renamed_element_is_found(tmp_path: Path) -> None:
    oracle = _fake_oracle(tmp_path)
    _edit(oracle, "lists.accounting.xsd", '<xsd:element name="rateRequired"', '<xsd:element name="rateIsRequired"')
    report = xc.conform(oracle, ["2025_2"])["2025_2"]
    assert any("ExpenseCategory" in d and "rateRequired is not in Oracle's type" in d for d in report.differences)


def test_a_reordered_element_and_a_changed_type_are_found(tmp_path: Path) -> None:
    oracle = _fake_oracle(tmp_path)
    employees = oracle / "xsd" / "lists.employees.xsd"
    text = employees.read_text(encoding="utf-8")
    first = '        <xsd:element name="entityId" type="xsd:string" minOccurs="0"/>\n'
    last = '        <xsd:element name="rolesList" type="listEmp:EmployeeRolesList" minOccurs="0"/>\n'
    assert first in text and last in text
    text = text.replace(first, "").replace(last, last + first)  # Oracle now has entityId last
    text = text.replace('name="expenseLimit" type="xsd:double"', 'name="expenseLimit" type="xsd:string"')
    employees.write_text(text, encoding="utf-8")
    report = xc.conform(oracle, ["2025_2"])["2025_2"]
    assert any("Employee" in d and "out of Oracle's order" in d for d in report.differences)
    assert any("expenseLimit has type" in d for d in report.differences)


def test_a_missing_type_and_operation_are_found(tmp_path: Path) -> None:
    oracle = _fake_oracle(tmp_path)
    _edit(oracle, "platform.faults.xsd", 'name="SoapFault"', 'name="NSFault"')
    wsdl = oracle / "netsuite.wsdl"
    text = wsdl.read_text(encoding="utf-8")
    wsdl.write_text(text.replace('<operation name="getAll">', '<operation name="getEverything">'), encoding="utf-8")
    report = xc.conform(oracle, ["2025_2"])["2025_2"]
    assert any("type SoapFault" in d and "Oracle has no such type" in d for d in report.differences)
    assert any("operation getAll is not in Oracle's port type" in d for d in report.differences)


def test_a_file_naming_two_versions_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "wsdl"
    shutil.copytree(WSDL_ROOT, shipped)
    core = shipped / "2025_2" / "platform.core.xsd"
    core.write_text(core.read_text(encoding="utf-8").replace("urn:types.core_2025_2.", "urn:types.core_2024_2.", 1),
                    encoding="utf-8")
    monkeypatch.setattr(xc, "PROJECT_WSDL", shipped)
    report = xc.conform(_fake_oracle(tmp_path), ["2025_2"])["2025_2"]
    assert any("platform.core.xsd names namespaces of version(s) 2024_2, 2025_2" in d for d in report.differences)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    oracle = _fake_oracle(tmp_path)
    assert xc.main([str(oracle), "--version", "2025_2"]) == 0
    assert "2025_2: " in capsys.readouterr().out
    _edit(oracle, "lists.accounting.xsd", '<xsd:element name="rateRequired"', '<xsd:element name="rateIsRequired"')
    assert xc.main([str(oracle)]) == 1
    assert "DIFF" in capsys.readouterr().out
    assert xc.main([str(tmp_path / "nowhere")]) == 2
    assert xc.main([str(oracle), "--version", "2019_1"]) == 2
