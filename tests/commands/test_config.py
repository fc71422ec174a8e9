"""Configuration: nsaudit.toml / [tool.nsaudit], NSAUDIT_* variables, precedence, and `config show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.commands.config import ConfigFile, load_config
from netsuite_audit.support.errors import InputError
from tests.support.check_cases import CASES_DIR, build_snapshot

SECRET = "s3cr3t-value-never-shown"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("NSAUDIT_FAIL_ON", "NSAUDIT_CONFIG", "NSAUDIT_MUTES", "NSAUDIT_PROFILE", "NSAUDIT_STRICT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NSAUDIT_PROFILES_FILE", str(tmp_path / "profiles.toml"))
    snap = build_snapshot({"tables": {"job": [{"id": 100, "companyname": "Acme", "isinactive": True}]}})
    (tmp_path / "snap.json").write_text(snap.to_json())
    return tmp_path


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _audit(*extra: str, env: dict[str, str] | None = None) -> int:
    code, _, _ = _run("run", "--snapshot", "snap.json", "--workspace", str(CASES_DIR / "_base.workspace.json"),
                      "--check", "project-active", "--no-color", *extra, env=env)
    return code


def test_precedence_command_line_env_file_default(here: Path) -> None:
    assert _audit() == 1  # default fail_on=low; the finding is high
    (here / "nsaudit.toml").write_text('fail_on = "critical"\n')
    assert _audit() == 0  # config file
    assert _audit(env={"NSAUDIT_FAIL_ON": "high"}) == 1  # environment beats the file
    assert _audit("--fail-on", "critical", env={"NSAUDIT_FAIL_ON": "high"}) == 0  # command line beats both


def test_pyproject_tool_table_and_nsaudit_toml_wins(here: Path) -> None:
    (here / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.nsaudit]\nfail_on = "critical"\n')
    assert _audit() == 0
    (here / "nsaudit.toml").write_text('fail_on = "low"\n')
    assert _audit() == 1


def test_pyproject_without_table_is_ignored(here: Path) -> None:
    (here / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(cwd=here).path is None
    assert _audit() == 1


def test_explicit_config_on_group_and_on_run(here: Path) -> None:
    other = here / "conf" / "ci.toml"
    other.parent.mkdir()
    other.write_text('fail_on = "critical"\n')
    code, _, _ = _run("--config", str(other), "run", "--snapshot", "snap.json", "--check", "project-active",
                      "--workspace", str(CASES_DIR / "_base.workspace.json"))
    assert code == 0
    assert _audit("--config", str(other)) == 0
    assert _audit(env={"NSAUDIT_CONFIG": str(other)}) == 0


def test_relative_paths_are_relative_to_the_config_file(here: Path) -> None:
    conf = here / "conf"
    conf.mkdir()
    (conf / "mutes.yaml").write_text("mutes:\n  - check: project-active\n    reason: r\n    owner: o\n"
                                     "    expires: 2999-01-01\n")
    (conf / "nsaudit.toml").write_text('mutes = "mutes.yaml"\nformat = ["json:out/{profile}.json"]\n')
    (conf / "out").mkdir()
    assert _audit("--config", str(conf / "nsaudit.toml")) == 0
    assert json.loads((conf / "out" / "default.json").read_text())["summary"]["by_status"]["MUTED"] == 1


@pytest.mark.parametrize(("text", "field", "words"), [
    ('fail_on = "urgent"\n', "fail_on", "Input should be"),
    ('colour = true\n', "colour", "unknown key"),
    ('concurrency = 0\n', "concurrency", "greater than or equal"),
    (f'token_secret = "{SECRET}"\n', "token_secret", "credentials do not belong"),
])
def test_bad_config_is_one_line_exit_2(here: Path, text: str, field: str, words: str) -> None:
    (here / "nsaudit.toml").write_text(text)
    code, _, err = _run("run", "--snapshot", "snap.json")
    assert code == 2 and err.count("\n") == 1
    assert "nsaudit.toml" in err and field in err and words in err
    assert SECRET not in err


def test_bad_pyproject_names_the_table(here: Path) -> None:
    (here / "pyproject.toml").write_text('[tool.nsaudit]\nfailon = "high"\n')
    with pytest.raises(InputError) as info:
        load_config(cwd=here)
    assert info.value.field == "tool.nsaudit.failon"


def test_every_config_key_maps_to_a_run_option() -> None:
    from netsuite_audit.commands.config import KEYS

    assert set(KEYS) == set(ConfigFile.model_fields)
    run = cli.commands["run"]
    names = {p.name for p in run.params}
    for key, spec in KEYS.items():
        assert spec.params.get("run") in names, key


def test_every_run_option_has_an_env_var() -> None:
    run = cli.commands["run"]
    for param in run.params:
        if isinstance(param, __import__("click").Option) and param.name != "help":
            assert param.envvar and str(param.envvar).startswith("NSAUDIT_"), param.name


def test_profiles_from_env_are_split(here: Path) -> None:
    code, out, _ = _run("config", "show", "--json", env={"NSAUDIT_PROFILE": "prod sandbox"})
    rows = {r["option"]: r for r in json.loads(out)["options"]}
    assert code == 0
    assert rows["--profile"]["value"] == ["prod", "sandbox"]
    assert rows["--profile"]["source"] == "environment NSAUDIT_PROFILE"


def test_config_show_sources_and_masked_secrets(here: Path) -> None:
    (here / "nsaudit.toml").write_text('fail_on = "high"\nchecks = ["project-active"]\nconcurrency = 2\n')
    env = {"NSAUDIT_CONSUMER_SECRET": SECRET, "NSAUDIT_TOKEN_SECRET": SECRET, "NSAUDIT_STRICT": "1"}
    code, out, _ = _run("config", "show", "--json", "--concurrency", "8", env=env)
    assert code == 0 and SECRET not in out
    data = json.loads(out)
    rows = {r["option"]: r for r in data["options"]}
    assert rows["--fail-on"]["value"] == "high"
    assert rows["--fail-on"]["source"].startswith("config file ") and "(fail_on)" in rows["--fail-on"]["source"]
    assert rows["--check"]["value"] == ["project-active"] and rows["--check"]["key"] == "checks"
    assert rows["--concurrency"] == {"option": "--concurrency", "key": "concurrency", "value": 8,
                                     "source": "command line"}
    assert rows["--strict"]["source"] == "environment NSAUDIT_STRICT"
    assert rows["--baseline"]["source"] == "default"
    assert data["credentials"]["NSAUDIT_CONSUMER_SECRET"] == "set"
    assert data["credentials"]["NSAUDIT_TOKEN_ID"] == "not set"
    assert data["config_file"].endswith("nsaudit.toml")
    code, text, _ = _run("config", "show", env=env)
    assert code == 0 and SECRET not in text and "config file" in text


def test_config_show_without_a_file(here: Path) -> None:
    code, out, _ = _run("config", "show", "--json")
    data = json.loads(out)
    assert code == 0 and data["config_file"] == "(none)"
    assert {r["source"] for r in data["options"]} == {"default"}


def test_version_is_fast_and_ignores_a_broken_config(here: Path) -> None:
    (here / "nsaudit.toml").write_text("this is not toml")
    code, out, _ = _run("--version")
    assert code == 0 and "nsaudit" in out
