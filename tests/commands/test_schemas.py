"""Shipped JSON Schemas match their models, and results validate against result.schema.json."""

from __future__ import annotations

import json

import jsonschema
import pytest

from netsuite_audit.commands.schema_gen import GENERATORS, render
from netsuite_audit.support.paths import schemas_dir
from tests.support.schema_shape import shape


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_schema_is_up_to_date(name: str) -> None:
    committed = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    assert shape(committed) == shape(json.loads(render(name))), (
        f"run: python -m netsuite_audit.commands.schema_gen ({name} no longer matches its model)")


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_schema_is_valid_json_schema(name: str) -> None:
    schema = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def test_shape_notices_a_dropped_field() -> None:
    schema = json.loads(render("reports.schema.json"))
    trimmed = json.loads(json.dumps(schema))
    trimmed["$defs"]["Report"]["properties"].pop("employee")
    assert shape(trimmed) != shape(schema)
