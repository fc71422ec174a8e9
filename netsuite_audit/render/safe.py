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
from typing import TypeVar

from pydantic import BaseModel

from netsuite_audit.support.text import CONTROLS, map_strings, replace_surrogates

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST), and
# two-character escapes; also the 8-bit CSI (U+009B) and OSC (U+009D) forms.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 controls (line breaks and tab become a space), DEL, C1 controls, bidirectional embeddings,
# overrides and isolates, and the line/paragraph separators.
# (support/text.py's CONTROLS: the bidirectional marks such as U+061C and the zero-width characters too.)
_CONTROLS = CONTROLS
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
    return _CONTROLS.sub("", _BREAKS.sub(" ", _ESCAPES.sub("", replace_surrogates(text))))


def markdown_text(text: str, *, table: bool = False) -> str:
    """``clean_text``, with Markdown punctuation backslash-escaped and ``<`` as ``&lt;`` (no raw HTML);
    with ``table``, pipes too (a value inside a table cell)."""
    pattern = _MARKDOWN_CELL if table else _MARKDOWN
    return pattern.sub(lambda m: "\\" + m.group(0), clean_text(text)).replace("<", "&lt;")


def clean_result(result: M) -> M:
    """A copy of ``result`` with every string passed through ``clean_text`` (the same object when clean)."""
    return map_strings(result, clean_text)


__all__ = ["clean_result", "clean_text", "markdown_text"]
