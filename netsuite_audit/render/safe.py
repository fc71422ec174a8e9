"""Text from NetSuite and from report files is data, never terminal control or Markup.

A record name can hold an escape sequence (``\\x1b]0;...`` retitles the terminal, ``\\x1b[2J`` clears
it, a carriage return overwrites the line before) or Markdown (``![x](https://...)`` loads an image
from someone else's server when a CI summary is viewed). ``clean_text`` removes terminal escape
sequences, C0/C1 control characters and Unicode bidirectional overrides; line breaks and tabs become
spaces, so one value can never forge another line of a report. ``markdown_text`` also escapes every
character that starts Markdown or raw HTML. ``clean_result`` applies ``clean_text`` to every string of
a result, for the terminal renderer.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST), and
# two-character escapes; also the 8-bit CSI (U+009B) and OSC (U+009D) forms.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 controls (line breaks and tab become a space), DEL, C1 controls, bidirectional embeddings,
# overrides and isolates, and the line/paragraph separators.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
# What starts emphasis, code, links, images or strikethrough anywhere in a line (``_`` only at a word's
# edge: inside a word, as in ADMI_MANAGEROLES, it is plain text). Characters that only mean something at
# the start of a line (# > - +) never start one here: values always follow the renderer's own text.
_MARKDOWN = re.compile(r"[\\`*\[\]!~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MARKDOWN_CELL = re.compile(r"[\\`*\[\]!~|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")

M = TypeVar("M", bound=BaseModel)


def clean_text(text: str) -> str:
    """``text`` without terminal escapes or control characters, on one line."""
    if text.isprintable():  # the common case: nothing to remove (isprintable is False for all of the above)
        return text
    return _CONTROLS.sub("", _BREAKS.sub(" ", _ESCAPES.sub("", text)))


def markdown_text(text: str, *, table: bool = False) -> str:
    """``clean_text``, with Markdown punctuation backslash-escaped and ``<`` as ``&lt;`` (no raw HTML);
    with ``table``, pipes too (a value inside a table cell)."""
    pattern = _MARKDOWN_CELL if table else _MARKDOWN
    return pattern.sub(lambda m: "\\" + m.group(0), clean_text(text)).replace("<", "&lt;")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _clean(old)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, (list, tuple)):
        items = [_clean(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = {_clean(k): _clean(v) for k, v in value.items()}
        if all(k in value and value[k] is v for k, v in pairs.items()) and len(pairs) == len(value):
            return value
        return pairs
    return value


def clean_result(result: M) -> M:
    """A copy of ``result`` with every string passed through ``clean_text`` (the same object when clean)."""
    cleaned: M = _clean(result)
    return cleaned


__all__ = ["clean_result", "clean_text", "markdown_text"]
