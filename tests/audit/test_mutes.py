"""Mute files: matching, expiry, validation against the loaded checks, and the exit code."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.audit.model import CheckMeta, Finding, Severity, Status, Subject
from netsuite_audit.audit.mutes import MuteEntry, Mutes, apply_mutes
from netsuite_audit.cli import cli
from netsuite_audit.support.errors import InputError
from tests.support.check_cases import CASES_DIR, build_snapshot

TODAY = date(2025, 6, 1)
META = [CheckMeta(id="project-active", codes=("NS0770",), severity=Severity.HIGH, title="t"),
        CheckMeta(id="token-role", codes=("NS0384",), severity=Severity.HIGH, title="t")]


def _finding(subject_id: str = "401", status: Status = Status.FAIL, check: str = "project-active",
             code: str = "NS0770") -> Finding:
    subject = Subject(kind="job", id=subject_id)
    return Finding(id=f"{check}/{subject.key}", check_id=check, code=code, status=status,
                   severity=Severity.HIGH, title="t", message="m", subject=subject)


def _mutes(*entries: dict) -> Mutes:
    base = {"reason": "accepted", "owner": "ana", "expires": "2025-12-31"}
    return Mutes(tuple(MuteEntry.model_validate({**base, **e}) for e in entries), "mutes.yaml")


@pytest.mark.parametrize(("entry", "muted"), [
    ({"check": "project-active"}, True),
    ({"check": "project-*"}, True),
    ({"code": "NS0770"}, True),
    ({"code": "ns0770"}, True),
    ({"check": "project-active", "subject": "401"}, True),
    ({"check": "project-active", "subject": "job:401"}, True),
    ({"check": "project-active", "subject": "job:4*"}, True),
    ({"check": "project-active", "subject": "402"}, False),
    ({"check": "project-active", "subject": "employee:401"}, False),
    ({"check": "token-role"}, False),
    ({"check": "project-active", "code": "NS0384"}, False),
])
def test_matching(entry: dict, muted: bool) -> None:
    out = apply_mutes([_finding()], _mutes(entry), TODAY).findings[0]
    assert (out.status == Status.MUTED) is muted
    if muted:
        assert out.mute == {"owner": "ana", "reason": "accepted", "expires": "2025-12-31"}


def test_only_fail_and_warn_are_muted() -> None:
    findings = [_finding("1", Status.PASS), _finding("2", Status.UNVERIFIABLE), _finding("3", Status.WARN)]
    out = apply_mutes(findings, _mutes({"check": "project-active"}), TODAY).findings
    assert [f.status for f in out] == [Status.PASS, Status.UNVERIFIABLE, Status.MUTED]


def test_expired_mute_does_not_mute_and_warns() -> None:
    outcome = apply_mutes([_finding()], _mutes({"check": "project-active", "expires": "2025-05-31"}), TODAY)
    finding = outcome.findings[0]
    assert finding.status == Status.FAIL and finding.mute is None
    assert "expired on 2025-05-31" in finding.evidence["mute"]
    assert len(outcome.warnings) == 1 and "expired on 2025-05-31" in outcome.warnings[0]


def test_mute_is_valid_through_its_expiry_day_and_warns_when_close() -> None:
    soon = (TODAY + timedelta(days=14)).isoformat()
    later = (TODAY + timedelta(days=15)).isoformat()
    outcome = apply_mutes([_finding()], _mutes({"check": "project-active", "expires": TODAY.isoformat()},
                                               {"check": "token-role", "expires": soon},
                                               {"code": "NS0384", "expires": later}), TODAY)
    assert outcome.findings[0].status == Status.MUTED
    assert len(outcome.warnings) == 2
    assert "in 0 day(s)" in outcome.warnings[0] and "in 14 day(s)" in outcome.warnings[1]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_all_three_formats(tmp_path: Path) -> None:
    toml = _write(tmp_path, "m.toml", '[[mutes]]\ncheck = "project-active"\nreason = "r"\nowner = "o"\n'
                                      'expires = 2030-01-01\n')
    yaml = _write(tmp_path, "m.yaml", "mutes:\n  - code: NS0770\n    reason: r\n    owner: o\n"
                                      "    expires: 2030-01-01\n")
    js = _write(tmp_path, "m.json", json.dumps({"mutes": [{"check": "project-*", "subject": "job:401",
                                                           "reason": "r", "owner": "o",
                                                           "expires": "2030-01-01"}]}))
    for path in (toml, yaml, js):
        mutes = Mutes.load(path, META, known_codes=("NS0770",))
        assert mutes.entries[0].expires == date(2030, 1, 1)


@pytest.mark.parametrize(("entry", "field", "words"), [
    ('check = "no-such-check"', "mutes.0.check", "matches no check"),
    ('check = "nothing-*"', "mutes.0.check", "matches no check"),
    ('code = "NS9999"', "mutes.0.code", "unknown NS code"),
    ('code = "oops"', "mutes.0.code", "not an NS code"),
    ('subject = "401"', "mutes.0", "give a check"),
])
def test_bad_entries_name_the_entry(tmp_path: Path, entry: str, field: str, words: str) -> None:
    path = _write(tmp_path, "m.toml", f'[[mutes]]\n{entry}\nreason = "r"\nowner = "o"\nexpires = 2030-01-01\n')
    with pytest.raises(InputError) as info:
        Mutes.load(path, META, known_codes=("NS0770",))
    assert info.value.source == str(path) and info.value.field == field and words in str(info.value)


@pytest.mark.parametrize("missing", ["reason", "owner", "expires"])
def test_reason_owner_expires_are_required(tmp_path: Path, missing: str) -> None:
    fields = {"reason": 'reason = "r"', "owner": 'owner = "o"', "expires": "expires = 2030-01-01"}
    del fields[missing]
    path = _write(tmp_path, "m.toml", '[[mutes]]\ncheck = "project-active"\n' + "\n".join(fields.values()))
    with pytest.raises(InputError) as info:
        Mutes.load(path, META, known_codes=())
    assert info.value.field == f"mutes.0.{missing}"


# ---- through the CLI -------------------------------------------------------------------------------------
def _snapshot(tmp_path: Path) -> Path:
    snap = build_snapshot({"tables": {"job": [{"id": 100, "companyname": "Acme", "isinactive": True}]}})
    path = tmp_path / "snap.json"
    path.write_text(snap.to_json())
    return path


def _run(tmp_path: Path, expires: date, *extra: str) -> tuple[int, dict, str]:
    mutes = _write(tmp_path, "mutes.yaml", "mutes:\n  - check: project-active\n    subject: job:100\n"
                                           f"    reason: closing\n    owner: ana\n    expires: {expires}\n")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(_snapshot(tmp_path)), "--workspace",
                                      str(CASES_DIR / "_base.workspace.json"), "--check", "project-active",
                                      "--mutes", str(mutes), "-f", f"json:{out}", *extra], catch_exceptions=False)
    return result.exit_code, json.loads(out.read_text()) if out.exists() else {}, result.stderr


def test_cli_mute_gives_exit_0_and_keeps_the_finding(tmp_path: Path) -> None:
    code, data, err = _run(tmp_path, date.today() + timedelta(days=60))
    assert code == 0 and data["exit_code"] == 0
    muted = [f for f in data["findings"] if f["status"] == "MUTED"]
    assert len(muted) == 1 and muted[0]["mute"]["owner"] == "ana"
    assert data["selection"]["mutes"].endswith("mutes.yaml")
    assert err == ""


def test_cli_expired_mute_fails_and_warns(tmp_path: Path) -> None:
    code, data, err = _run(tmp_path, date.today() - timedelta(days=1))
    assert code == 1
    assert [f["status"] for f in data["findings"]] == ["FAIL"]
    assert "expired on" in err and "expired on" in data["findings"][0]["evidence"]["mute"]
    assert data["warnings"] and "expired" in data["warnings"][0]


def test_cli_expiring_soon_is_a_warning(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, date.today() + timedelta(days=3))
    assert code == 0 and "expires on" in err and "in 3 day(s)" in err


def test_cli_bad_mute_file_is_one_line_exit_2_and_keeps_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous")
    mutes = _write(tmp_path, "bad.yaml", "mutes:\n  - check: project-activ\n    reason: r\n    owner: o\n"
                                         "    expires: 2030-01-01\n")
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(_snapshot(tmp_path)), "--mutes", str(mutes),
                                      "-f", f"json:{out}"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "bad.yaml" in result.stderr and "mutes.0.check" in result.stderr
    assert out.read_text() == "previous"


def test_cli_missing_mute_file_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(_snapshot(tmp_path)), "--mutes", "nope.yaml"])
    assert result.exit_code == 2 and "nope.yaml" in result.stderr and "file not found" in result.stderr


def test_a_mute_naming_one_record_of_a_folded_group_mutes_that_record(tmp_path: Path) -> None:
    """30 lines with the same rejected merchant fold into one finding; a mute naming one report line
    still mutes that line (mutes apply to each finding before folding), and the rest stay a FAIL group."""
    lines = ["report_id,employee,amount,merchant,category,currency"]
    lines += [f"R{n:03d},sam.rivera@northwind.example,12.50,Uber *Trip,1,USD" for n in range(30)]
    (tmp_path / "reports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "snap.json").write_text(build_snapshot(None).to_json(), encoding="utf-8")
    (tmp_path / "mutes.json").write_text(json.dumps({"mutes": [
        {"check": "merchant-characters", "subject": "report:R007/1", "reason": "refunded", "owner": "ana",
         "expires": (date.today() + timedelta(days=90)).isoformat()}]}), encoding="utf-8")
    out = tmp_path / "result.json"
    done = CliRunner().invoke(cli, ["run", "--snapshot", str(tmp_path / "snap.json"), "--reports",
                                    str(tmp_path / "reports.csv"), "--check", "merchant-characters",
                                    "--mutes", str(tmp_path / "mutes.json"), "-f", f"json:{out}"],
                              env={"NSAUDIT_CONFIG": ""})
    assert done.exit_code == 1, done.output
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    by_status = {f["status"]: f for f in findings}
    assert set(by_status) == {"FAIL", "MUTED"}
    assert by_status["FAIL"]["count"] == 29 and by_status["FAIL"]["subject"]["kind"] == "aggregate"
    assert by_status["MUTED"]["subject"] == {"kind": "report", "id": "R007/1", "name": "Uber *Trip"}
    assert by_status["MUTED"]["mute"]["owner"] == "ana"
