"""Every catalog code is either predicted by a check or explicitly marked manual / not detectable."""

from __future__ import annotations

from netsuite_audit.audit.model import Detection
from netsuite_audit.audit.registry import load_checks
from netsuite_audit.catalog import load_catalog
from netsuite_audit.commands.coverage import coverage

ISSUE_4_CODES = {
    "NS0023", "NS0295", "NS0995", "NS0885", "NS0538", "NS0919", "NS0655", "NS0005", "NS0077", "NS0042", "NS0055",
    "NS0669", "NS0994", "NS0045", "NS0499", "NS0748", "NS0116", "NS0722", "NS0059", "NS0921", "NS0942", "NS0012",
    "NS0469", "NS0061", "NS0091", "NS0988", "NS0021", "NS0728", "NS0024", "NS0046", "NS0430", "NS0079", "NS0320",
    "NS0864", "NS0898", "NS0521", "NS0756", "NS0159", "NS0445", "NS0377", "NS0056", "NS0228", "NS0565", "NS0634",
    "NS0844", "NS0938", "NS0739", "NS0510", "NS0034", "NS0336",
}
SEED_CODES = {"NS0109", "NS0384", "NS0770", "NS0831"}


def test_every_catalog_code_is_listed() -> None:
    rows = coverage(load_checks())
    assert len(rows) == len(load_catalog()) == 70


def test_every_code_the_issues_name_has_a_check() -> None:
    covered = {row.code for row in coverage(load_checks()) if row.checks}
    assert covered >= ISSUE_4_CODES | SEED_CODES, sorted((ISSUE_4_CODES | SEED_CODES) - covered)


def test_uncovered_codes_say_how_to_handle_them() -> None:
    for row in coverage(load_checks()):
        if not row.checks:
            assert row.detection, row.code
            assert set(row.detection) & {Detection.MANUAL, Detection.NOT_DETECTABLE, Detection.PROBE,
                                         Detection.WORKSPACE, Detection.NETSUITE_DATA, Detection.RESTLET}


def test_checks_codes_command_lists_all_70() -> None:
    import json

    from click.testing import CliRunner

    from netsuite_audit.cli import cli

    result = CliRunner().invoke(cli, ["checks", "--codes", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 70
    assert {r["code"] for r in rows if not r["detectable"]} >= {"NS0029", "NS0144", "NS0593"}
    assert next(r for r in rows if r["code"] == "NS0770")["checks"] == ["project-active"]
