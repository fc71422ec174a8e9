"""JSON Schemas generated from the models: `python -m netsuite_audit.commands.schema_gen` rewrites them.

tests/commands/test_schemas.py fails when a committed schema no longer matches its model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from netsuite_audit.support.paths import schemas_dir


def _result() -> dict[str, Any]:
    from netsuite_audit.result import AuditResult

    return AuditResult.model_json_schema(mode="serialization")


def _workspace() -> dict[str, Any]:
    from netsuite_audit.inputs.workspace import Workspace

    return Workspace.model_json_schema()


def _reports() -> dict[str, Any]:
    from netsuite_audit.inputs.pending import PendingReports

    return PendingReports.model_json_schema()


def _snapshot() -> dict[str, Any]:
    from netsuite_audit.snapshot import AccountSnapshot

    return AccountSnapshot.model_json_schema(mode="serialization")


def _doctor() -> dict[str, Any]:
    from netsuite_audit.commands.doctor import DoctorReport

    return DoctorReport.model_json_schema(mode="serialization")


GENERATORS: dict[str, Callable[[], dict[str, Any]]] = {
    "doctor.schema.json": _doctor,
    "result.schema.json": _result,
    "workspace.schema.json": _workspace,
    "reports.schema.json": _reports,
    "snapshot.schema.json": _snapshot,
}


def render(name: str) -> str:
    schema = GENERATORS[name]()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> None:
    for name in GENERATORS:
        (schemas_dir() / name).write_text(render(name), encoding="utf-8")
        print(f"wrote {schemas_dir() / name}")


if __name__ == "__main__":
    main()
