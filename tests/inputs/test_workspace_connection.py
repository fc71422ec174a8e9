"""[connection] kind, auth and soap: today's spelling, the clearer one, and one-line errors for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.support.errors import InputError


def _load(tmp: Path, body: str) -> Workspace:
    path = tmp / "ws.toml"
    path.write_text("[connection]\n" + body)
    return Workspace.load(path)


@pytest.mark.parametrize(("body", "kind", "auth", "soap"), [
    ("", "tba-soap", "tba", True),
    ('kind = "tba-soap"\n', "tba-soap", "tba", True),
    ('auth = "tba"\nsoap = true\n', "tba-soap", "tba", True),
    ('kind = "oauth2-rest"\n', "oauth2-rest", "oauth2", False),
    ('auth = "oauth2"\nsoap = false\n', "oauth2-rest", "oauth2", False),  # today's spelling
    ('auth = "oauth2"\n', "oauth2-rest", "oauth2", False),
    ('kind = "oauth2-rest"\nauth = "oauth2"\nsoap = false\n', "oauth2-rest", "oauth2", False),
])
def test_spellings_of_each_kind(tmp_path: Path, body: str, kind: str, auth: str, soap: bool) -> None:
    conn = _load(tmp_path, body).connection
    assert (conn.resolved_kind, conn.auth, conn.soap) == (kind, auth, soap)


@pytest.mark.parametrize(("body", "field"), [
    ('auth = "oauth2"\nsoap = true\n', "connection.soap"),
    ('auth = "tba"\nsoap = false\n', "connection.soap"),
    ('kind = "oauth2-rest"\nauth = "tba"\n', "connection.auth"),
    ('kind = "tba-soap"\nsoap = false\n', "connection.soap"),
    ('kind = "oauth2"\n', "connection.kind"),
])
def test_contradictions_are_one_line_errors_naming_the_field(tmp_path: Path, body: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, body)
    assert caught.value.field == field
    path = tmp_path / "ws.toml"
    result = CliRunner().invoke(cli, ["run", "--workspace", str(path), "--snapshot", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ws.toml" in lines[0] and field in lines[0], result.stderr
    assert "Traceback" not in result.output
