"""remedies.py is the one home of the fix steps checks share: no check words one of them again inline,
and no constant there is left unused."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsuite_audit.audit import remedies

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netsuite_audit"
REMEDIES = PACKAGE / "audit" / "remedies.py"
# Where fix steps are worded: the checks, and the login diagnosis the login check words its fixes from.
WORDING = [*sorted((ROOT / "checks").glob("*.py")), PACKAGE / "audit" / "login_diagnosis.py"]

CONSTANTS = {name: value for name, value in vars(remedies).items()
             if name.isupper() and not name.startswith("_") and isinstance(value, str)}
SENTENCES = {name: value for name, value in CONSTANTS.items() if name.startswith("SYNC_")}
# Whole fix steps other than Sync Now (end with a full stop): the OAuth 2.0/REST connection's steps.
STEPS = {name: value for name, value in CONSTANTS.items() if name not in SENTENCES and value.endswith(".")}
MENU_PATHS = {name: value for name, value in CONSTANTS.items() if name not in SENTENCES and name not in STEPS}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _literals(tree: ast.Module) -> Iterator[tuple[int, str, bool]]:
    """Every string literal as (line, text, standalone). A plain literal (implicitly concatenated
    pieces are one) is standalone; so is an f-string without placeholders. The text between an
    f-string's placeholders is a literal too, but not a standalone one."""
    parts: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            pieces = [v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            parts.update(id(v) for v in pieces)
            if len(pieces) == len(node.values):
                yield node.lineno, "".join(v.value for v in pieces), True
            else:
                yield from ((v.lineno, v.value, False) for v in pieces)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            yield node.lineno, node.value, True


def test_the_constants_are_found() -> None:
    assert {"SYNC_NOW", "SYNC_STEP", "SYNC_AND_EXPORT", "MANAGE_ROLES", "VENDORS"} <= set(CONSTANTS)
    assert MENU_PATHS and all(" > " in path for path in MENU_PATHS.values())
    assert all("Sync Now" in sentence for sentence in SENTENCES.values())
    assert {"UPDATE_BUNDLE", "REAPPROVE_CONSENT", "ENABLE_OAUTH2", "ENABLE_REST"} <= set(STEPS)
    assert len(set(CONSTANTS.values())) == len(CONSTANTS), "two constants with the same wording"


@pytest.mark.parametrize("path", WORDING, ids=lambda p: p.name)
def test_no_check_words_a_remedy_again(path: Path) -> None:
    """A fix step that remedies.py holds is used from there, never copied: no standalone literal
    equals (or contains) a Sync Now sentence, and no literal, f-string pieces included, spells out a
    menu path that has a constant."""
    copies = []
    for line, text, standalone in _literals(_tree(path)):
        for name, sentence in {**SENTENCES, **STEPS}.items():
            if standalone and sentence in text:
                copies.append(f"{path.name}:{line}: {name} written out: {text!r}")
        for name, menu in MENU_PATHS.items():
            if menu in text:
                copies.append(f"{path.name}:{line}: {name} written out: {text!r}")
    assert not copies, "use netsuite_audit.audit.remedies instead:\n" + "\n".join(copies)


def _uses(path: Path) -> set[str]:
    """Names of remedies a module uses: ``remedies.NAME`` or ``from ...remedies import NAME``."""
    used: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "remedies":
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("remedies"):
            used.update(alias.name for alias in node.names)
    return used


def test_every_constant_is_used() -> None:
    modules = [p for p in sorted((ROOT / "checks").glob("*.py")) + sorted(PACKAGE.rglob("*.py")) if p != REMEDIES]
    used = set().union(*(_uses(p) for p in modules))
    unused = sorted(set(CONSTANTS) - used)
    assert not unused, f"remedies constants no check or module uses: {unused}"


def test_the_scan_sees_what_it_should() -> None:
    """The scan itself: an inline copy is found, a constant used through an f-string is not."""
    tree = ast.parse(
        'FIX = ("Then choose Sync Now in the workspace and export again.",)\n'
        'STEP = f"In NetSuite open {remedies.VENDORS}, edit it."\n'
        'COPY = f"In NetSuite open Lists > Relationships > Vendors > {name}."\n'
    )
    found = list(_literals(tree))
    assert (1, remedies.SYNC_AND_EXPORT, True) in found
    assert not any(remedies.VENDORS in text for line, text, _ in found if line == 2)
    assert any(remedies.VENDORS in text and not standalone for line, text, standalone in found if line == 3)
