"""Strings from servers and files made safe for every output.

* A **lone surrogate** (``"\\ud800"`` in JSON) is not text: no encoder writes it, and pydantic's JSON
  serializer refuses it. :func:`replace_surrogates` replaces each with U+FFFD REPLACEMENT CHARACTER,
  the standard mark that a character could not be read, where a string enters nsaudit (SuiteQL and
  Expensify answers, input files) and again before any output is written.
* **Control and bidirectional characters** (ESC, BEL, C1 controls, U+202E RIGHT-TO-LEFT OVERRIDE,
  U+061C ARABIC LETTER MARK, the isolates ...) can retitle a terminal, hide text or reorder what a
  reviewer reads. :func:`visible_text` writes each as a visible escape (``\\x1b``, ``\\u202e``) for the
  file formats (HTML, CSV, JUnit, SARIF, Markdown); the terminal renderer removes them instead
  (``render/safe.py``, which uses :data:`CONTROLS`).
* :func:`map_strings` applies a function to every string of a pydantic model, list, tuple or dict,
  returning the same object when nothing changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

REPLACEMENT = "\ufffd"
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls but tab and line breaks, DEL, C1 controls, the bidirectional marks, embeddings,
# overrides and isolates (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the line and
# paragraph separators, and the zero-width characters that hide text (U+200B-U+200D, U+2060, U+FEFF).
CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]")

T = TypeVar("T")


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the same string when there is none)."""
    if text.isascii() or not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub(REPLACEMENT, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_text(text: str) -> str:
    """``text`` with lone surrogates replaced and every control or bidirectional character written as
    a visible escape (``\\x1b``, ``\\u202e``); tab and line breaks stay."""
    text = replace_surrogates(text)
    if text.isprintable() or not CONTROLS.search(text):
        return text
    return CONTROLS.sub(_escape, text)


def map_strings(value: T, fn: Callable[[str], str]) -> T:
    """``value`` with ``fn`` applied to every string inside it (keys included); unchanged parts are
    the same objects."""
    result: T = _map(value, fn)
    return result


def _map(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _map(old, fn)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, (list, tuple)):
        items = [_map(v, fn) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = {_map(k, fn): _map(v, fn) for k, v in value.items()}
        if len(pairs) == len(value) and all(k in value and value[k] is v for k, v in pairs.items()):
            return value
        return pairs
    return value


__all__ = ["CONTROLS", "REPLACEMENT", "map_strings", "replace_surrogates", "visible_text"]
