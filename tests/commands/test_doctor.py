"""``nsaudit doctor`` against the simulator: every UNCERTAIN name of names.toml gets a verdict, the JSON
validates against the published schema, the output holds no account data, and only reads are sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.commands.doctor import DoctorReport, diagnose, render_text
from netsuite_audit.netsuite import names
from netsuite_audit.support.paths import schemas_dir
from tests.support.e2e import account_data, serve

SCHEMA = schemas_dir() / "doctor.schema.json"


def _uncertain_names() -> set[str]:
    wanted = set()
    for table, entry in names.tables().items():
        if entry.table.uncertain:
            wanted.add(table)
        wanted |= {f"{table}.{c}" for c in names.uncertain_columns(table)}
        if entry.permission_name.uncertain:
            wanted.add(f"{table} needs {entry.permission}")
    for kind in ("preferences", "features", "types"):
        wanted |= {f"{kind[:-1]} {k}" for k, n in names.restlet(kind).items() if n.uncertain}  # type: ignore[arg-type]
    return wanted


def _env(data: dict[str, Any], url: str, tmp: Path) -> dict[str, str]:
    token = data["tokens"][1]  # the audit token: an administrator reads every table
    integration = next(i for i in data["integrations"] if i["id"] == token["integration"])
    return {"NSAUDIT_ACCOUNT": data["account_id"], "NSAUDIT_CONSUMER_KEY": integration["consumer_key"],
            "NSAUDIT_CONSUMER_SECRET": integration["consumer_secret"], "NSAUDIT_TOKEN_ID": token["token_id"],
            "NSAUDIT_TOKEN_SECRET": token["token_secret"], "NSAUDIT_BASE_URL": url,
            "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml")}


def test_doctor_lists_every_uncertain_name_with_a_verdict_and_validates(tmp_path: Path) -> None:
    data = account_data("demo")
    with serve(data) as server:
        result = CliRunner().invoke(cli, ["doctor", "--format", "json"], env=_env(data, server.url, tmp_path))
        writes = server.counters.write_attempts
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    jsonschema.validate(body, json.loads(SCHEMA.read_text(encoding="utf-8")))
    report = DoctorReport.model_validate(body)
    verdicts = {e.name: e.verdict for e in report.entries}
    missing = _uncertain_names() - set(verdicts)
    assert not missing, missing
    assert writes == 0
    # What the simulator serves is confirmed; what it leaves out is refuted, never guessed.
    assert verdicts["expensecategory.expenseacct"] == "confirmed"
    # a column NetSuite has that nsaudit does not read: asked, and said to play no part in the audit
    assert verdicts["jobresources.role"] == "confirmed"
    role = next(e for e in report.entries if e.name == "jobresources.role")
    assert "does not read this column" in role.nsaudit_does
    assert verdicts["SuiteQL's largest IN list is 1000 (as Oracle SQL's)"] == "confirmed"  # the stand-in keeps it
    assert verdicts["role.subsidiaryoption = SELECTED"] == "confirmed"
    assert verdicts["SuiteQL returns at most 100,000 rows a query"] == "confirmed"
    assert sum(report.counts.values()) == len(report.entries)
    assert report.requests <= len(names.tables()) + 10  # about one query per table, not one per name


def test_doctor_output_holds_no_account_data(tmp_path: Path) -> None:
    data = account_data("demo")
    with serve(data) as server:
        env = _env(data, server.url, tmp_path)
        text = CliRunner().invoke(cli, ["doctor"], env=env).stdout
        as_json = CliRunner().invoke(cli, ["doctor", "--format", "json"], env=env).stdout
    secrets = [data["account_id"], env["NSAUDIT_BASE_URL"], "127.0.0.1"]
    secrets += [e["email"] for e in data["employees"] if e.get("email")]
    secrets += [s["name"] for s in data["subsidiaries"]] + [c["name"] for c in data["customers"]]
    for output in (text, as_json):
        assert output.strip()
        leaked = [s for s in secrets if s and s in output]
        assert not leaked, leaked
    assert "could not tell" in text and "confirmed" in text


def test_a_failed_login_is_could_not_tell_for_everything_and_exit_3(tmp_path: Path) -> None:
    data = account_data("demo")
    with serve(data) as server:
        env = {**_env(data, server.url, tmp_path), "NSAUDIT_TOKEN_SECRET": "wrong"}
        result = CliRunner().invoke(cli, ["doctor", "--format", "json"], env=env)
    assert result.exit_code == 3
    report = DoctorReport.model_validate(json.loads(result.stdout))
    assert report.login == "failed" and {e.verdict for e in report.entries} == {"could-not-tell"}
    assert not _uncertain_names() - {e.name for e in report.entries}


def test_an_unknown_subsidiary_option_is_reported_by_count_and_spelling_only() -> None:
    from netsuite_audit.netsuite.rest import SuiteQLPage

    def ask(query: str, params: object, limit: int, offset: int) -> SuiteQLPage:
        if "subsidiaryoption FROM role" in query and "DISTINCT" in query:
            items = [{"subsidiaryoption": "ALL"}, {"subsidiaryoption": "OWN"}, {"subsidiaryoption": "Acme Corp 1"}]
            return SuiteQLPage(items=items, count=3, has_more=False, total_results=3, offset=0)
        return SuiteQLPage(items=[], count=0, has_more=False, total_results=0, offset=0)

    report = diagnose(ask, login_ok=True)  # type: ignore[arg-type]
    other = next(e for e in report.entries if e.name == "role.subsidiaryoption, other spellings")
    assert other.verdict == "refuted" and "OWN" in other.how and "Acme" not in render_text(report)
