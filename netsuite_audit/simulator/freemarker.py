"""A tiny FreeMarker interpreter: the subset the shipped export template uses, for the simulator.

Expensify renders Report Exporter templates with FreeMarker. The stand-in renders them with this:
``<#list xs as x>...</#list>`` with ``<#sep>...</#sep>``, ``<#if cond>...<#else>...</#if>``,
``<#-- comments -->``, ``${expr}``; expressions are dotted names, string and number literals,
parentheses, the default operator ``x!default`` (and ``x!``), the test ``x??`` and the built-ins
``?json_string``, ``?c``, ``?string``, ``?string("yes","no")`` and ``?has_content``. Lines that hold
only directives and comments produce no output, as in FreeMarker. Anything else is a TemplateError
(the stand-in answers it like a failed job).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class TemplateError(ValueError):
    pass


_TAG = re.compile(r"<#--.*?-->|</?#[a-zA-Z]+\b[^>]*>|\$\{", re.S)
_DIRECTIVE_LINE = re.compile(r"[ \t]*(?:(?:<#--.*?-->|</?#[a-z]+[^>]*>)[ \t]*)+(?:\r?\n|$)", re.S)
_MISSING = object()


@dataclass
class _Node:
    kind: str  # text, expr, list, if, sep
    value: str = ""
    name: str = ""
    body: list[_Node] = field(default_factory=list)
    other: list[_Node] = field(default_factory=list)


def render(template: str, data: Mapping[str, Any]) -> str:
    nodes = _parse(_strip_directive_lines(template))
    out: list[str] = []
    _run(nodes, dict(data), out, sep_allowed=False)
    return "".join(out)


def _strip_directive_lines(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = []
    for line in lines:
        if _DIRECTIVE_LINE.fullmatch(line) and "${" not in line:
            kept.append(line.strip(" \t\r\n"))
        else:
            kept.append(line)
    return "".join(kept)


def _parse(text: str) -> list[_Node]:
    root: list[_Node] = []
    stack: list[tuple[_Node | None, list[_Node]]] = [(None, root)]
    pos = 0
    for match in _TAG.finditer(text):
        if match.start() < pos:
            continue
        current = stack[-1][1]
        if match.start() > pos:
            current.append(_Node("text", text[pos:match.start()]))
        token = match.group(0)
        if token == "${":
            end = _expr_end(text, match.end())
            current.append(_Node("expr", text[match.end():end].strip()))
            pos = end + 1
            continue
        pos = match.end()
        if token.startswith("<#--"):
            continue
        inner = token[2:-1].strip() if token.startswith("<#") else token[3:-1].strip()
        closing = token.startswith("</#")
        word = inner.split(None, 1)[0] if inner else ""
        if closing:
            node, _ = stack.pop() if len(stack) > 1 else (None, root)
            if node is None or node.kind != word:
                raise TemplateError(f"unexpected </#{word}>")
            continue
        if word == "list":
            found = re.fullmatch(r"list\s+(.+?)\s+as\s+([A-Za-z_]\w*)", inner, re.S)
            if not found:
                raise TemplateError(f"cannot read <#{inner}>")
            node = _Node("list", found.group(1), found.group(2))
        elif word == "if":
            node = _Node("if", inner[2:].strip())
        elif word == "sep":
            node = _Node("sep")
        elif word == "else":
            owner = stack[-1][0]
            if owner is None or owner.kind != "if":
                raise TemplateError("<#else> outside <#if>")
            stack[-1] = (owner, owner.other)
            continue
        else:
            raise TemplateError(f"unsupported directive <#{word}>")
        current.append(node)
        stack.append((node, node.body))
    if len(stack) > 1:
        raise TemplateError(f"<#{stack[-1][0].kind if stack[-1][0] else '?'}> is not closed")
    if pos < len(text):
        root.append(_Node("text", text[pos:]))
    return root


def _expr_end(text: str, start: int) -> int:
    depth, quote, i = 0, "", start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            if ch == "}" and depth == 0:
                return i
            depth -= 1
        i += 1
    raise TemplateError("${ is not closed")


def _run(nodes: list[_Node], scope: dict[str, Any], out: list[str], *, sep_allowed: bool) -> None:
    for node in nodes:
        if node.kind == "text":
            out.append(node.value)
        elif node.kind == "expr":
            out.append(_text(_Expr(node.value).value(scope)))
        elif node.kind == "if":
            _run(node.body if _truthy(_Expr(node.value).value(scope)) else node.other, scope, out,
                 sep_allowed=sep_allowed)
        elif node.kind == "sep":
            if sep_allowed:
                _run(node.body, scope, out, sep_allowed=False)
        elif node.kind == "list":
            items = _Expr(node.value).value(scope)
            if items is None or items is _MISSING:
                raise TemplateError(f"{node.value} is missing")
            items = list(items)
            for index, item in enumerate(items):
                inner = {**scope, node.name: item}
                _run(node.body, inner, out, sep_allowed=index < len(items) - 1)


def _truthy(value: Any) -> bool:
    if value is _MISSING or value is None:
        return False
    if not isinstance(value, bool):
        raise TemplateError("an <#if> condition must be a boolean")
    return value


def _text(value: Any) -> str:
    if value is _MISSING or value is None:
        raise TemplateError("a value is missing (use x! or x!default)")
    if isinstance(value, bool):
        raise TemplateError("a boolean needs ?c or ?string")
    return str(value)


class _Expr:
    """Recursive descent over one expression."""

    _TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')'  # string literals
                        r"|(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(\?\?|[.!?(),]))")

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = self._TOKEN.match(text, pos)
            if not match:
                raise TemplateError(f"cannot read expression {text!r}")
            kind = "str" if match.group(1) else "num" if match.group(2) else "name" if match.group(3) else "op"
            raw = match.group(1) or match.group(2) or match.group(3) or match.group(4)
            self.tokens.append((kind, raw))
            pos = match.end()
        self.i = 0

    def value(self, scope: Mapping[str, Any]) -> Any:
        self.i = 0
        result = self._expr(scope)
        if self.i != len(self.tokens):
            raise TemplateError(f"unexpected text in {self.text!r}")
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _take(self, raw: str) -> bool:
        token = self._peek()
        if token is not None and token[0] == "op" and token[1] == raw:
            self.i += 1
            return True
        return False

    def _expr(self, scope: Mapping[str, Any]) -> Any:
        value = self._primary(scope)
        while True:
            if self._take("??"):
                value = value is not _MISSING and value is not None
            elif self._take("!"):
                token = self._peek()
                default: Any = ""
                if token is not None and not (token[0] == "op" and token[1] in (")", ",", "?")):
                    default = self._primary(scope)
                if value is _MISSING or value is None:
                    value = default
            elif self._take("?"):
                value = self._builtin(value, scope)
            else:
                return value

    def _primary(self, scope: Mapping[str, Any]) -> Any:
        token = self._peek()
        if token is None:
            raise TemplateError(f"expression ends early: {self.text!r}")
        kind, raw = token
        self.i += 1
        if kind == "str":
            return json.loads('"' + raw[1:-1].replace('\\\'', "'") + '"')
        if kind == "num":
            return Decimal(raw) if "." in raw else int(raw)
        if kind == "op" and raw == "(":
            value = self._expr(scope)
            if not self._take(")"):
                raise TemplateError(f"missing ) in {self.text!r}")
            return value
        if kind != "name":
            raise TemplateError(f"unexpected {raw!r} in {self.text!r}")
        if raw in ("true", "false"):
            return raw == "true"
        found: Any = scope.get(raw, _MISSING)
        while self._take("."):
            name = self._peek()
            if name is None or name[0] != "name":
                raise TemplateError(f"a name must follow '.' in {self.text!r}")
            self.i += 1
            found = found.get(name[1], _MISSING) if isinstance(found, Mapping) else _MISSING
        return found

    def _builtin(self, value: Any, scope: Mapping[str, Any]) -> Any:
        token = self._peek()
        if token is None or token[0] != "name":
            raise TemplateError(f"a built-in name must follow '?' in {self.text!r}")
        self.i += 1
        name = token[1]
        if name == "has_content":
            return value not in (_MISSING, None, "") and value != [] and value != {}
        if value is _MISSING or value is None:
            raise TemplateError(f"?{name} on a missing value in {self.text!r}")
        if name == "json_string":
            return json.dumps(str(value), ensure_ascii=False)[1:-1]
        if name == "c":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int | Decimal | float):
                return format(value, "f") if isinstance(value, Decimal) else str(value)
            raise TemplateError("?c needs a number or a boolean")
        if name == "string":
            if self._take("("):
                yes = self._expr(scope)
                no = self._expr(scope) if self._take(",") else ""
                if not self._take(")"):
                    raise TemplateError(f"missing ) in {self.text!r}")
                if not isinstance(value, bool):
                    raise TemplateError('?string("a","b") needs a boolean')
                return yes if value else no
            return str(value)
        raise TemplateError(f"unsupported built-in ?{name}")
