"""Fuzzed input files: every invalid one is exit code 2 and exactly one stderr line naming the file
(and the field, when the file parsed), never a traceback. Also: output files are replaced atomically.

Driven through the real command line (click's CliRunner) with a saved demo snapshot, so nothing here
touches the network. Hypothesis examples are bounded and have no deadline (the machine is noisy)."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from netsuite_audit.cli import cli
from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.pending import CSV_COLUMNS, PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.render import emit
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.support.errors import InputError
from tests.support.e2e import FIXTURES, account_data, collect_from, serve

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
WORKSPACE_DATA = tomllib.loads((FIXTURES / "workspaces" / "demo.toml").read_text())
REPORTS_DATA: dict[str, Any] = {"reports": [
    {"id": "R0001", "employee": "dana.whitfield@northwind.example", "title": "Trip", "currency": "USD",
     "lines": [{"merchant": "Uber", "amount": "12.50", "category": 1, "project": 400, "class": 1,
                "department": 2, "location": 1, "date": "2026-11-03"},
               {"merchant": "Hotel", "amount": "240.00", "category": 1, "billable": True}]},
]}

# Values of the wrong kind for almost any field.
junk = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
                 st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


# ---- shared setup --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    with serve(account_data("demo")) as server:
        snapshot = collect_from(server)
    (folder / "demo.snapshot.json").write_text(snapshot.to_json(), encoding="utf-8")
    yield folder


_counter = iter(range(10**9))


def _file(folder: Path, suffix: str, text: str | bytes) -> Path:
    path = folder / f"input-{next(_counter)}{suffix}"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _dead_env(folder: Path) -> dict[str, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return {"NSAUDIT_BASE_URL": f"http://127.0.0.1:{port}", "NSAUDIT_PROFILES_FILE": str(folder / "none.toml"),
            "NSAUDIT_CONFIG": "", "NSAUDIT_WORKSPACE": "", "NSAUDIT_REPORTS": ""}


def _run(folder: Path, args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env or _dead_env(folder), catch_exceptions=True)


def assert_input_error(result: Result, path: Path | str, field: str | tuple[str, ...] | None = None) -> None:
    """Exit 2, one stderr line that names the file (and the field), and no traceback anywhere."""
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"crashed: {result.exception!r}")
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert str(path) in lines[0], lines[0]
    if field:
        # The file may list keys in another order than the dict we built (YAML sorts them), so the
        # error may name any of the fields that fail.
        fields = (field,) if isinstance(field, str) else field
        assert any(f"{f}:" in lines[0] for f in fields), (fields, lines[0])


def _first_loc(exc: ValidationError) -> tuple[str, ...]:
    """Every failing field's path (the CLI names the first one NetSuite's file order gives)."""
    return tuple(".".join(str(p) for p in error["loc"]) for error in exc.errors())


def _mutate(data: Any, path: list[Any], value: Any) -> Any:
    """A copy of ``data`` with the node at ``path`` replaced by ``value``."""
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[list[Any]]:
    found: list[list[Any]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found.append([*prefix, key])
        found.extend(_paths(value, (*prefix, key)))
    return found


WORKSPACE_PATHS = _paths(WORKSPACE_DATA)
REPORT_PATHS = _paths(REPORTS_DATA)


# ---- workspace (YAML, TOML) ------------------------------------------------------------------------
@FUZZ
@given(where=st.sampled_from(WORKSPACE_PATHS), value=junk)
@example(where=["connection"], value={"0": 0, "": 0})  # found on CI: YAML lists the keys in another order
def test_workspace_yaml_wrong_values(work: Path, where: list[Any], value: Any) -> None:
    data = _mutate(WORKSPACE_DATA, where, value)
    try:
        Workspace.model_validate(data)
    except ValidationError as exc:
        path = _file(work, ".yaml", yaml.safe_dump(data))
        result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--workspace", str(path)])
        assert_input_error(result, path, _first_loc(exc))
        return
    path = _file(work, ".yaml", yaml.safe_dump(data))
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--workspace", str(path)])
    assert result.exit_code in (0, 1, 3) and "Traceback" not in result.stderr, result.stderr


@FUZZ
@given(key=st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), value=st.integers())
def test_workspace_unknown_keys(work: Path, key: str, value: int) -> None:
    data = {**WORKSPACE_DATA, "export": {**WORKSPACE_DATA["export"], f"x_{key}": value}}
    path = _file(work, ".yaml", yaml.safe_dump(data))
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--workspace", str(path)])
    assert_input_error(result, path, f"export.x_{key}")


@FUZZ
@given(text=st.text(max_size=80), suffix=st.sampled_from([".toml", ".yaml", ".yml", ".json"]))
def test_workspace_garbage_text(work: Path, text: str, suffix: str) -> None:
    path = _file(work, suffix, text)
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--workspace", str(path)])
    if result.exit_code != 2:  # some short texts are a valid, empty workspace
        assert result.exit_code in (0, 1, 3) and "Traceback" not in result.stderr, result.stderr
        return
    assert_input_error(result, path)


@FUZZ
@given(blob=st.binary(min_size=1, max_size=60))
def test_workspace_binary_toml(work: Path, blob: bytes) -> None:
    path = _file(work, ".toml", b"\xff\xfe" + blob)
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--workspace", str(path)])
    assert_input_error(result, path)


# ---- pending reports (JSON, CSV) ---------------------------------------------------------------------
@FUZZ
@given(where=st.sampled_from(REPORT_PATHS), value=junk)
def test_reports_json_wrong_values(work: Path, where: list[Any], value: Any) -> None:
    data = _mutate(REPORTS_DATA, where, value)
    path = _file(work, ".json", json.dumps(data))
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--reports", str(path)])
    try:
        PendingReports.model_validate(data)
    except ValidationError as exc:
        assert_input_error(result, path, _first_loc(exc))
        return
    assert result.exit_code in (0, 1, 3) and "Traceback" not in result.stderr, result.stderr


@FUZZ
@given(text=st.text(max_size=60))
def test_reports_json_garbage(work: Path, text: str) -> None:
    path = _file(work, ".json", "{" + text)
    assert_input_error(_run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--reports", str(path)]),
                       path)


@FUZZ
@given(header=st.lists(st.sampled_from([*CSV_COLUMNS, "bogus", "Amount"]), min_size=1, max_size=6, unique=True),
       cells=st.lists(st.text(alphabet="abc1.-, \"", max_size=6), min_size=0, max_size=6))
def test_reports_csv(work: Path, header: list[str], cells: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow((cells + [""] * len(header))[:len(header)])
    path = _file(work, ".csv", buffer.getvalue())
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--reports", str(path)])
    try:
        PendingReports.load(path)
    except InputError as exc:
        assert_input_error(result, path, exc.field)
        return
    assert result.exit_code in (0, 1, 3) and "Traceback" not in result.stderr, result.stderr


# ---- snapshot JSON ------------------------------------------------------------------------------------
@FUZZ
@given(key=st.sampled_from(["schema_version", "tool_version", "account", "collected_at", "transport", "login",
                            "reads", "tables", "restlet"]), value=junk)
def test_snapshot_wrong_values(work: Path, key: str, value: Any) -> None:
    data = json.loads((work / "demo.snapshot.json").read_text())
    data[key] = value
    path = _file(work, ".json", json.dumps(data))
    result = _run(work, ["run", "--snapshot", str(path)])
    try:
        AccountSnapshot.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        assert_input_error(result, path, _first_loc(exc))
        return
    assert result.exit_code in (0, 1, 3) and "Traceback" not in result.stderr, result.stderr


@FUZZ
@given(cut=st.integers(min_value=0, max_value=5000))
def test_snapshot_truncated(work: Path, cut: int) -> None:
    text = (work / "demo.snapshot.json").read_text()
    path = _file(work, ".json", text[:cut])
    assert_input_error(_run(work, ["run", "--snapshot", str(path)]), path)


def test_snapshot_missing_file(work: Path) -> None:
    missing = work / "does-not-exist.json"
    assert_input_error(_run(work, ["run", "--snapshot", str(missing)]), missing)


# ---- account ids ------------------------------------------------------------------------------------
def _invalid_account(text: str) -> bool:
    try:
        AccountId.parse(text)
    except InputError:
        return True
    return False


@FUZZ
@given(text=st.text(min_size=1, max_size=20).filter(lambda t: "\x00" not in t).filter(_invalid_account))
def test_invalid_account_ids(work: Path, text: str) -> None:
    env = {**_dead_env(work), "NSAUDIT_ACCOUNT": text, "NSAUDIT_CONSUMER_KEY": "ck", "NSAUDIT_CONSUMER_SECRET": "cs",
           "NSAUDIT_TOKEN_ID": "tk", "NSAUDIT_TOKEN_SECRET": "ts"}
    result = _run(work, ["run", "--no-progress"], env)
    if not text.strip():  # an empty NSAUDIT_ACCOUNT means "no environment credentials"
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        return
    assert_input_error(result, "NSAUDIT_ACCOUNT")


# ---- mute and config files (skipped while their modules are absent) ---------------------------------
def _option(flag: str) -> bool:
    from click import Context

    with Context(cli) as ctx:
        command = cli.get_command(ctx, "run")
    return command is not None and any(flag in p.opts for p in command.params)


@FUZZ
@given(text=st.sampled_from(["[[mutes]]\ncheck = 5\n", "mutes = 3\n", "= broken", "[[mutes]]\nreason = ''\n",
                             "mutes: [1, 2]\n", "\x00\x01"]))
def test_mute_files(work: Path, text: str) -> None:
    pytest.importorskip("netsuite_audit.audit.mutes")
    if not _option("--mutes"):
        pytest.skip("nsaudit run has no --mutes option yet")
    path = _file(work, ".toml" if "=" in text else ".yaml", text)
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "--mutes", str(path)])
    assert_input_error(result, path)


@FUZZ
@given(text=st.sampled_from(["[nsaudit]\nconcurrency = 'many'\n", "= broken", "[nsaudit]\nnot_an_option = 1\n",
                             "[nsaudit.run]\nfail_on = 7\n", "\x00"]))
def test_config_files(work: Path, text: str) -> None:
    pytest.importorskip("netsuite_audit.commands.config")
    if not _option("--config"):
        pytest.skip("nsaudit has no --config option yet")
    path = _file(work, ".toml", text)
    result = _run(work, ["run", "--config", str(path), "--snapshot", str(work / "demo.snapshot.json")])
    assert_input_error(result, path)


# ---- atomic output ----------------------------------------------------------------------------------
def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_crash_mid_render_leaves_the_report_untouched(work: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report\n", encoding="utf-8")

    def broken(result: Any, color: bool) -> str:
        raise RuntimeError("renderer crashed half way")

    monkeypatch.setitem(emit.RENDERERS, "json", broken)
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "-f", f"json:{out}"])
    assert isinstance(result.exception, RuntimeError)
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert _leftovers(tmp_path, {"report.json"}) == []


def test_crash_mid_write_leaves_the_report_untouched(work: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The crash hits after part of the new text is in the temporary file."""
    out = tmp_path / "report.json"
    out.write_text("previous report\n", encoding="utf-8")

    def crash(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "-f", f"json:{out}"])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert _leftovers(tmp_path, {"report.json"}) == []


def test_successful_write_replaces_the_report(work: Path, tmp_path: Path) -> None:
    """The control: without a crash the same command does replace the file."""
    out = tmp_path / "report.json"
    out.write_text("previous report\n", encoding="utf-8")
    result = _run(work, ["run", "--snapshot", str(work / "demo.snapshot.json"), "-f", f"json:{out}"])
    assert result.exit_code in (0, 1, 3), result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert _leftovers(tmp_path, {"report.json"}) == []
