"""A PyYAML safe loader for user files: no aliases, dates left as text.

* **Aliases are refused.** ``&a [*b, *b, ...]`` nested a few levels (a "billion laughs" file of a few
  hundred bytes) expands to gigabytes when constructed; nsaudit's files never need an alias, so the
  first ``*name`` is a one-line input error naming the line.
* **Timestamps stay strings.** PyYAML turns ``2026-13-45`` into a ``datetime.date`` call that raises
  ``ValueError`` with no position; left as text, the pydantic model validates it and the error names
  the field (``mutes.0.expires``).
"""

from __future__ import annotations

from typing import Any

import yaml

from netsuite_audit.support.errors import InputError


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise _AliasRefused(f"YAML aliases (*name) are not accepted (line {line})")
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    pass


# No implicit timestamps: copy the resolvers without the timestamp one (on this class only).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, source: str) -> Any:
    """The document, or a one-line ``InputError`` naming ``source``."""
    try:
        return yaml.load(text, Loader=_Loader)
    except _AliasRefused as exc:
        raise InputError(str(exc), source=source) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {str(exc).splitlines()[0]}", source=source) from None
    except (ValueError, OverflowError) as exc:  # an explicit !!timestamp or !!int that cannot be built
        raise InputError(f"invalid YAML value: {exc}", source=source) from None


__all__ = ["load_yaml"]
