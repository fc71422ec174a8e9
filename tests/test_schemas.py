"""Shipped JSON Schemas match their models, and results validate against result.schema.json."""

from __future__ import annotations

import json

import jsonschema
import pytest

from netsuite_audit.paths import schemas_dir
from netsuite_audit.schema_gen import GENERATORS, render


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_schema_is_up_to_date(name: str) -> None:
    committed = (schemas_dir() / name).read_text(encoding="utf-8")
    assert committed == render(name), f"run: python -m netsuite_audit.schema_gen ({name} is stale)"


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_schema_is_valid_json_schema(name: str) -> None:
    schema = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
