"""Where bundled data lives, in a source tree and inside an installed wheel."""

from __future__ import annotations

from pathlib import Path

import netsuite_audit

PACKAGE_DIR = Path(netsuite_audit.__file__).resolve().parent


def fixtures_dir() -> Path:
    installed = PACKAGE_DIR / "fixtures"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "fixtures"


def schemas_dir() -> Path:
    return PACKAGE_DIR / "schemas"
