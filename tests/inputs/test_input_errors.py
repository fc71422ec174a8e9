"""Bad input files name where the problem is in words a person can find: a CSV's line and column, and
every error (up to a limit) rather than the first one and a count."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsuite_audit.inputs.files import MAX_ERRORS
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.support.errors import InputError

HEADER = "report_id,employee,amount,category,class,date\n"


def _load_csv(tmp_path: Path, body: str) -> str:
    path = tmp_path / "pending.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        PendingReports.load(path)
    return str(caught.value)


def test_csv_error_names_line_and_column(tmp_path: Path) -> None:
    message = _load_csv(tmp_path, "R1,a@x.example,10.00,3,,2026-11-01\nR1,a@x.example,ten,4,,2026-11-02\n")
    assert message.startswith(f"{tmp_path / 'pending.csv'}: line 3, column amount: ")
    assert "reports." not in message and "lines." not in message


def test_csv_every_error_is_named(tmp_path: Path) -> None:
    message = _load_csv(tmp_path, "R1,a@x.example,ten,3,,2026-11-01\n"
                                  "R2,b@x.example,1.00,4,,soon\n"
                                  "R2,b@x.example,2.00,5,,2026-13-45\n")
    assert "line 2, column amount" in message
    assert "line 3, column date" in message and "line 4, column date" in message
    assert "more)" not in message and "\n" not in message


def test_many_errors_are_named_up_to_the_limit(tmp_path: Path) -> None:
    rows = "".join(f"R{n},a@x.example,bad,3,,2026-11-01\n" for n in range(MAX_ERRORS + 3))
    message = _load_csv(tmp_path, rows)
    assert message.count("column amount") == MAX_ERRORS
    assert message.endswith("(and 3 more)")


def test_workspace_errors_are_all_named(tmp_path: Path) -> None:
    path = tmp_path / "workspace.toml"
    path.write_text('subsidiary = [1]\ncross_subsidiary = "sometimes"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Workspace.load(path)
    message = str(caught.value)
    assert "subsidiary" in message and "cross_subsidiary" in message and "more)" not in message
