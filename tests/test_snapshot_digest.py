"""The result names the snapshot it judged by SHA-256: for `run --snapshot FILE`, the digest of that file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.snapshot import AccountSnapshot
from tests.support.check_cases import CASES_DIR, build_snapshot


@pytest.fixture
def snap() -> AccountSnapshot:
    return build_snapshot({"tables": {"job": [{"id": 100, "companyname": "Acme", "isinactive": True}]}})


def _result_digest(path: Path, tmp_path: Path) -> str:
    out = tmp_path / "result.json"
    done = CliRunner().invoke(cli, ["run", "--snapshot", str(path), "--check", "project-active", "--workspace",
                                    str(CASES_DIR / "_base.workspace.json"), "-f", f"json:{out}"])
    assert done.exit_code == 1, done.output
    digest: str = json.loads(out.read_text(encoding="utf-8"))["snapshot_sha256"]
    return digest


def test_a_saved_snapshot_keeps_its_digest_when_loaded(snap: AccountSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(snap.to_json(), encoding="utf-8")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert snap.sha256() == expected  # what nsaudit writes is what it hashes
    assert AccountSnapshot.load(path).sha256() == expected
    assert _result_digest(path, tmp_path) == expected


def test_a_reformatted_file_is_named_by_its_own_bytes(snap: AccountSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(json.loads(snap.to_json()), indent=4), encoding="utf-8")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert expected != snap.sha256()
    assert _result_digest(path, tmp_path) == expected  # `sha256sum FILE` matches the result


def test_a_changed_copy_is_hashed_again(snap: AccountSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(json.loads(snap.to_json()), indent=2), encoding="utf-8")
    loaded = AccountSnapshot.load(path)
    assert loaded.model_copy().sha256() == loaded.sha256()
    changed = loaded.model_copy(update={"restlet_detail": "changed"})
    assert changed.sha256() == hashlib.sha256(changed.to_json().encode()).hexdigest()
    assert changed.sha256() != loaded.sha256()


def test_a_loaded_snapshot_equals_the_one_saved(snap: AccountSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(snap.to_json(), encoding="utf-8")
    loaded = AccountSnapshot.load(path)
    assert loaded == snap and snap == loaded  # the file digest it keeps is not part of its content
    assert loaded != loaded.model_copy(update={"restlet_detail": "changed"})
