"""`nsaudit report RESULT.json`: re-render a stored result; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.commands.report import FORMATS, pick_format, report_command
from netsuite_audit.render.emit import RENDERERS
from tests.support.render_sample import sample_result


@pytest.fixture()
def stored(tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    path.write_text(sample_result().to_json(), encoding="utf-8")
    return path


def test_every_format_is_a_renderer() -> None:
    assert set(FORMATS) <= set(RENDERERS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_renders_each_format_to_stdout(stored: Path, fmt: str) -> None:
    done = CliRunner().invoke(report_command, [str(stored), "--format", fmt])
    assert done.exit_code == 0, done.output
    assert done.stdout_bytes == RENDERERS[fmt](sample_result(), False).encode("utf-8")


def test_writes_a_file_and_picks_the_format_from_its_name(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.sarif"
    done = CliRunner().invoke(report_command, [str(stored), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert f"wrote sarif report to {out}" in done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [(None, None, "html"), (None, "a.md", "markdown"), (None, "junit.xml", "junit"), (None, "x.sarif.json", "sarif"),
     (None, "x.json", "json"), (None, "x.CSV", "csv"), (None, "x.txt", "text"), ("text", "x.html", "text")],
)
def test_pick_format(fmt: str | None, name: str | None, expected: str) -> None:
    assert pick_format(fmt, Path(name) if name else None) == expected


def test_unknown_extension_is_one_line_exit_2(tmp_path: Path) -> None:
    stored = tmp_path / "result.json"
    stored.write_text(sample_result().to_json(), encoding="utf-8")
    done = CliRunner().invoke(report_command, [str(stored), "-o", str(tmp_path / "report.bin")])
    assert done.exit_code == 2
    assert done.stderr.startswith("nsaudit: error: ") and done.stderr.count("\n") == 1
    assert "'.bin'" in done.stderr and ".html" in done.stderr
    assert not (tmp_path / "report.bin").exists()


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    done = CliRunner().invoke(report_command, [str(tmp_path / "nope.json")])
    assert done.exit_code == 2
    assert done.stderr.startswith("nsaudit: error: ") and done.stderr.count("\n") == 1
    assert "not found" in done.stderr


@pytest.mark.parametrize("content", ["{not json", '{"schema_version": "1.0"}', "[]"])
def test_bad_result_is_one_line_exit_2(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    done = CliRunner().invoke(report_command, [str(bad), "-f", "markdown"])
    assert done.exit_code == 2, done.output
    assert done.stderr.startswith("nsaudit: error: ") and done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_output_folder_must_exist(stored: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(report_command, [str(stored), "-o", str(tmp_path / "missing" / "r.html")])
    assert done.exit_code == 2 and "folder does not exist" in done.stderr


def test_unknown_format_is_refused(stored: Path) -> None:
    done = CliRunner().invoke(report_command, [str(stored), "--format", "pdf"])
    assert done.exit_code == 2 and "pdf" in done.output
