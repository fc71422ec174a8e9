"""docs/workspace.md says what a field left out means, field by field, and the table says what the model
does (issue 21: the doc claimed every left-out field "uses the default shown", while a left-out
reimbursable_approval is unknown)."""

from __future__ import annotations

import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from netsuite_audit.inputs.workspace import Workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "workspace.md"


def _words(value: Any) -> str:
    if value is None:
        return "not stated: a check that needs it says UNVERIFIABLE (never a guess)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Enum):
        return f'`"{value.value}"`'
    if isinstance(value, tuple | list):
        return "none" if not value else f"`{list(value)}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


# Fields whose left-out value is decided from others (validators), said in words rather than read from the default.
DERIVED = {
    "connection.kind": 'not stated: decided from `auth` and `soap`; all three left out mean the legacy '
                       '`"tba-soap"`, and the header says it was assumed',
    "connection.auth": '`"oauth2"` with `kind = "oauth2-rest"`, else `"tba"`',
    "connection.soap": '`false` with OAuth 2.0 (`auth = "oauth2"`), else `true`',
}


def default_rows(model: type[BaseModel] = Workspace, prefix: str = "") -> list[str]:
    """``| `export.reimbursable_approval` | unknown ... |`` for every field, sections walked into."""
    rows = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        section = next((a for a in (info.annotation, *typing.get_args(info.annotation))
                        if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if section is not None and info.default_factory is not None:
            rows += default_rows(section, key + ".")
        elif section is not None:
            rows.append(f"| `[{key}]` | not stated (the section is optional) |")
        elif key in DERIVED:
            rows.append(f"| `{key}` | {DERIVED[key]} |")
        else:
            rows.append(f"| `{key}` | {_words(info.get_default(call_default_factory=True))} |")
    return rows


def test_the_defaults_table_is_what_the_model_does() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert "uses the default shown" not in doc
    missing = [row for row in default_rows() if row not in doc]
    assert not missing, "docs/workspace.md, 'What a field left out means': update the rows\n" + "\n".join(missing)
    assert "| `export.reimbursable_approval` | not stated: a check that needs it says UNVERIFIABLE" in doc


if __name__ == "__main__":  # print the table for the doc
    print("\n".join(default_rows()))
