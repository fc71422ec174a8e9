"""Issue 10 item 12: hostile input files and failing output folders are one line on stderr, exit 2 for
the input (3 for the local system), never a traceback; outputs that can be written still are."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netsuite_audit.cli import cli
from tests.inputs.test_fuzz_inputs import assert_input_error
from tests.support.check_cases import CASES_DIR, build_snapshot

DEPTH = 100_000


def _invoke(args: list[str], cwd: Path | None = None) -> Result:
    return CliRunner(env={"NSAUDIT_CONFIG": "", "NSAUDIT_WORKSPACE": "", "NSAUDIT_REPORTS": ""}).invoke(
        cli, args, catch_exceptions=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "snap.json").write_text(build_snapshot(None).to_json(), encoding="utf-8")
    (folder / "deep.json").write_text("[" * DEPTH + "]" * DEPTH)
    (folder / "deep-object.json").write_text('{"a":' * DEPTH + "1" + "}" * DEPTH)
    (folder / "deep.yaml").write_text("[" * DEPTH + "]" * DEPTH)
    (folder / "deep.toml").write_text("a = " + "[" * DEPTH + "]" * DEPTH + "\n")
    return folder


def _run(files: Path, *extra: str) -> Result:
    return _invoke(["run", "--snapshot", str(files / "snap.json"), "--no-color", *extra])


@pytest.mark.parametrize("name", ["deep.json", "deep-object.json", "deep.yaml", "deep.toml"])
@pytest.mark.parametrize("flag", ["--workspace", "--mutes"])
def test_deep_nesting_as_workspace_or_mutes(files: Path, name: str, flag: str) -> None:
    assert_input_error(_run(files, flag, str(files / name)), files / name)


@pytest.mark.parametrize("name", ["deep.json", "deep-object.json"])
def test_deep_nesting_as_reports_snapshot_baseline_diff_report(files: Path, name: str) -> None:
    path = files / name
    assert_input_error(_run(files, "--reports", str(path)), path)
    assert_input_error(_run(files, "--baseline", str(path)), path)
    assert_input_error(_invoke(["run", "--snapshot", str(path)]), path)
    assert_input_error(_invoke(["diff", str(path), str(path)]), path)
    assert_input_error(_invoke(["report", str(path), "--format", "json"]), path)


def test_deep_nesting_in_the_config_file(files: Path) -> None:
    assert_input_error(_invoke(["--config", str(files / "deep.toml"), "checks"]), files / "deep.toml")


def test_a_5000_digit_integer(files: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports.json"
    reports.write_text('{"reports": [{"id": "R1", "employee": "a@b.example", "lines": [{"amount": '
                       + "9" * 5000 + "}]}]}")
    assert_input_error(_run(files, "--reports", str(reports)), reports)
    workspace = tmp_path / "workspace.json"
    workspace.write_text('{"subsidiary": ' + "7" * 5000 + "}")
    assert_input_error(_run(files, "--workspace", str(workspace)), workspace)


def test_csv_category_superscript_two_is_a_name_not_a_crash(files: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports.csv"
    reports.write_text("report_id,employee,amount,category\nR1,a@b.example,1.00,²\n", encoding="utf-8")
    result = _run(files, "--reports", str(reports), "--workspace", str(CASES_DIR / "_base.workspace.json"))
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    data = _run(files, "--reports", str(reports), "--workspace", str(CASES_DIR / "_base.workspace.json"),
                "-f", "json").stdout
    broken = [f["message"] for f in json.loads(data)["findings"] if f["status"] == "ERROR"]
    assert not [m for m in broken if "²" in m], broken  # no check breaks on int("²")


def test_csv_field_over_the_csv_limit(files: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports.csv"
    reports.write_text("report_id,employee,amount,merchant\nR1,a@b.example,1.00," + "x" * 131_073 + "\n")
    assert_input_error(_run(files, "--reports", str(reports)), reports, "line 2")


def test_snapshot_with_a_non_utf8_byte(files: Path, tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    snap.write_bytes(build_snapshot(None).to_json().encode().replace(b'"tool_version"', b'"tool_\xffversion"', 1))
    assert_input_error(_invoke(["run", "--snapshot", str(snap)]), snap)


def test_output_to_an_existing_folder(files: Path, tmp_path: Path) -> None:
    assert_input_error(_run(files, "-f", "json", "-o", str(tmp_path)), tmp_path)
    assert_input_error(_run(files, "-f", f"json:{tmp_path}"), tmp_path)


def test_unwritable_output_reports_each_file_and_writes_the_rest(files: Path, tmp_path: Path) -> None:
    """/proc refuses new files: that output fails on its own line, the CSV is written, the text is printed."""
    csv_out = tmp_path / "out.csv"
    result = _run(files, "-f", "json:/proc/x.json", "-f", f"csv:{csv_out}", "-f", "text")
    assert result.exit_code == 3, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "/proc/x.json" in lines[0], result.stderr
    assert csv_out.is_file() and csv_out.stat().st_size > 0
    assert "Summary" in result.stdout or "checks" in result.stdout


def test_full_disk_on_two_outputs(files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netsuite_audit.render import output

    real = output._write

    def full(path: Path, directory: Path, text: str) -> None:
        if path.suffix in (".json", ".html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, directory, text)

    monkeypatch.setattr(output, "_write", full)
    (tmp_path / "old.json").write_text('{"kept": true}')
    result = _run(files, "-f", f"json:{tmp_path / 'old.json'}", "-f", f"html:{tmp_path / 'r.html'}",
                  "-f", f"markdown:{tmp_path / 'r.md'}", "-f", "text")
    assert result.exit_code == 3, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all("No space left on device" in line for line in lines), result.stderr
    assert json.loads((tmp_path / "old.json").read_text()) == {"kept": True}  # nothing already written lost
    assert (tmp_path / "r.md").is_file() and not (tmp_path / "r.html").exists()
    assert result.stdout.strip()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- issue 22 item 7: files that still crashed -------------------------------------------------------
def test_a_profiles_file_that_is_not_utf8(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_bytes('[profiles.default]\naccount = "1234567"\nconsumer_key = "caf\xe9"\n'.encode("latin-1"))
    profiles.chmod(0o600)
    env = {"NSAUDIT_PROFILES_FILE": str(profiles), "NSAUDIT_CONFIG": "", "NSAUDIT_ACCOUNT": ""}
    run = CliRunner(env=env).invoke(cli, ["run", "--no-progress"], catch_exceptions=True)
    assert_input_error(run, profiles)
    assert "UTF-8" in run.stderr
    shown = CliRunner(env=env).invoke(cli, ["config", "show"], catch_exceptions=True)
    assert shown.exception is None or isinstance(shown.exception, SystemExit), repr(shown.exception)
    assert "not UTF-8" in shown.stdout and "Traceback" not in shown.stdout + shown.stderr  # said, never a crash


@pytest.mark.parametrize(("name", "text", "flag", "field"), [
    ("mutes.yaml", "mutes:\n  - code: NS0770\n    reason: r\n    owner: o\n    expires: 2026-13-45\n", "--mutes",
     "expires"),
    ("workspace.yaml", "forms:\n  checked_on: 2026-13-45\n", "--workspace", "forms.checked_on"),
])
def test_a_date_that_does_not_exist(files: Path, tmp_path: Path, name: str, text: str, flag: str,
                                    field: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _run(files, flag, str(path))
    assert_input_error(result, path)
    assert field in result.stderr


def test_a_yaml_alias_bomb_is_refused_at_once(files: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(bomb.read_bytes()) < 1000
    result = _run(files, "--workspace", str(bomb))
    assert_input_error(result, bomb)
    assert "alias" in result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("flag", ["--workspace", "--reports", "--mutes", "--snapshot"])
def test_an_input_that_is_a_link_to_an_endless_device(files: Path, tmp_path: Path, device: str, flag: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is not on this system")
    link = tmp_path / ("input.json" if flag != "--mutes" else "input.yaml")
    link.symlink_to(device)
    args = ["run", "--snapshot", str(link)] if flag == "--snapshot" else \
        ["run", "--snapshot", str(files / "snap.json"), flag, str(link)]
    result = _invoke(args)
    assert_input_error(result, link)
    assert "device" in result.stderr


@pytest.mark.parametrize("flag", ["--workspace", "--reports", "--snapshot"])
def test_a_fifo_as_input_never_waits(files: Path, tmp_path: Path, flag: str) -> None:
    import os

    fifo = tmp_path / "input.json"
    os.mkfifo(fifo)
    args = ["run", "--snapshot", str(fifo)] if flag == "--snapshot" else \
        ["run", "--snapshot", str(files / "snap.json"), flag, str(fifo)]
    result = _invoke(args)  # a FIFO with no writer would block a plain open() forever
    assert_input_error(result, fifo)
    assert "FIFO" in result.stderr


def test_lone_surrogates_in_a_reports_file_are_replaced_and_every_output_written(files: Path, tmp_path: Path) -> None:
    """Issue 22 item 6: before, stdout raised UnicodeEncodeError and no file was written."""
    import subprocess
    import sys

    reports = tmp_path / "reports.json"
    reports.write_text('{"reports": [{"id": "R1\\ud800", "employee": "a@b.example", '
                       '"title": "Website \\ud800 Redesign", "lines": [{"amount": 10, "category": "Meals \\udc00"}]}]}',
                       encoding="utf-8")
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("json", "html", "csv", "markdown", "junit", "sarif")}
    args = [arg for fmt, path in outputs.items() for arg in ("-f", f"{fmt}:{path}")]
    done = subprocess.run([sys.executable, "-m", "netsuite_audit", "run", "--snapshot", str(files / "snap.json"),
                           "--reports", str(reports), "-f", "text", "--verbose", *args], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "NSAUDIT_CONFIG": "", "PYTHONIOENCODING": "utf-8"},
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    for fmt, path in outputs.items():
        assert path.exists(), fmt
        assert "\ud800" not in path.read_text(encoding="utf-8", errors="surrogatepass"), fmt
