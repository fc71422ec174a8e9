"""Compare JSON Schemas by what they promise (fields, required fields, enums, types, references),
not by the exact text a given pydantic version prints (patterns, titles and ordering change between
pydantic releases, and a fresh machine may install a newer one)."""

from __future__ import annotations

from typing import Any

_KEPT = ("properties", "required", "enum", "const", "type", "$ref", "items", "anyOf", "allOf", "oneOf",
         "additionalProperties", "$defs", "prefixItems")


def shape(schema: Any) -> Any:
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key in _KEPT:
            if key not in schema:
                continue
            value = schema[key]
            if key in ("properties", "$defs"):
                out[key] = {name: shape(sub) for name, sub in value.items()}
            elif key == "required":
                out[key] = sorted(value)
            elif key in ("anyOf", "allOf", "oneOf", "prefixItems"):
                # a string alternative that only differs by a pattern collapses into one
                out[key] = sorted((shape(v) for v in value), key=repr)
            else:
                out[key] = shape(value)
        return out
    if isinstance(schema, list):
        return [shape(v) for v in schema]
    return schema
