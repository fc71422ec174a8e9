"""Compare nsaudit's trimmed SuiteTalk WSDL/XSDs with Oracle's full ones.

    python -m netsuite_audit.netsuite.xsd_conformance ORACLE_DIR [--version 2025_2 ...]

ORACLE_DIR holds Oracle's ``netsuite.wsdl`` and its XSDs (any depth), for example a copy of the
public repository kokobd/netsuite-wsdl (2023_2). For every type the project keeps, the script checks
that Oracle has the same type in the same namespace, and that each element, attribute and base type
the project declares is Oracle's: same name, same type, same occurrence bounds, in Oracle's order
(the project keeps a subset, so the order check is on that subset). Top-level elements, simple
types (enumeration values a subset of Oracle's), and the WSDL's operations, messages and parts are
compared the same way.

Namespaces are compared with the version removed (``urn:core_2025_2...`` and ``urn:core_2023_2...``
are the same namespace): Oracle publishes only 2023_2 here, so for 2024_2 and 2025_2 this checks
names, types, order and namespace families, not what Oracle may have added or removed since.

Two deliberate relaxations are reported as notes, not differences: an element the project types as
``xsd:string`` where Oracle uses an enumeration of strings (nsaudit passes unknown values through),
and ``minOccurs="0"`` where Oracle requires the element (the project only reads it).

Exit status: 0 when every kept type conforms, 1 when there are differences, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
PROJECT_WSDL = Path(__file__).resolve().parent / "wsdl"
_VERSIONED = re.compile(r"_\d{4}_\d(?=\.)")

QName = tuple[str, str]  # (namespace without version, local name)


def normalise(namespace: str | None) -> str:
    """``urn:core_2025_2.platform.webservices.netsuite.com`` -> ``urn:core.platform.webservices.netsuite.com``."""
    return _VERSIONED.sub("", namespace or "")


def _qname(el: etree._Element, value: str | None) -> QName | None:
    if not value:
        return None
    prefix, _, local = value.rpartition(":")
    uri = el.nsmap.get(prefix or None)
    return normalise(uri), local


@dataclass(frozen=True)
class Particle:
    """One element of a complex type's content: by name (local) or by reference."""

    name: str
    type: QName | None  # the referenced element's QName when ``ref``
    min_occurs: str
    max_occurs: str
    ref: bool = False


@dataclass
class ComplexType:
    name: QName
    abstract: bool
    base: QName | None
    particles: list[Particle]
    attributes: dict[str, QName | None]
    simple_content: bool


@dataclass
class Schemas:
    """Every named type and top-level element of a set of XSD/WSDL files, by normalised QName."""

    complex_types: dict[QName, ComplexType] = field(default_factory=dict)
    simple_types: dict[QName, tuple[QName | None, tuple[str, ...]]] = field(default_factory=dict)
    elements: dict[QName, QName | None] = field(default_factory=dict)

    @classmethod
    def load(cls, files: Iterable[Path]) -> Schemas:
        out = cls()
        for path in files:
            root = etree.parse(str(path), parser=etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
            schemas = [root] if root.tag == f"{{{XS}}}schema" else list(root.iter(f"{{{XS}}}schema"))
            for schema in schemas:
                out._add(schema)
        return out

    def _add(self, schema: etree._Element) -> None:
        target = normalise(schema.get("targetNamespace"))
        for child in schema:
            name = child.get("name")
            if not name:
                continue
            key = (target, name)
            if child.tag == f"{{{XS}}}complexType":
                self.complex_types.setdefault(key, _complex(key, child))
            elif child.tag == f"{{{XS}}}simpleType":
                restriction = child.find(f"{{{XS}}}restriction")
                base = _qname(restriction, restriction.get("base")) if restriction is not None else None
                values = tuple(e.get("value") or "" for e in child.iter(f"{{{XS}}}enumeration"))
                self.simple_types.setdefault(key, (base, values))
            elif child.tag == f"{{{XS}}}element":
                self.elements.setdefault(key, _qname(child, child.get("type")))


def _complex(key: QName, node: etree._Element) -> ComplexType:
    base = None
    ext = node.find(f".//{{{XS}}}extension")
    if ext is not None:
        base = _qname(ext, ext.get("base"))
    particles = []
    for el in node.iter(f"{{{XS}}}element"):
        ref = el.get("ref")
        if ref:
            target = _qname(el, ref)
            name = target[1] if target else ref
            particles.append(Particle(name, target, el.get("minOccurs", "1"), el.get("maxOccurs", "1"), ref=True))
        else:
            particles.append(Particle(el.get("name") or "", _qname(el, el.get("type")),
                                      el.get("minOccurs", "1"), el.get("maxOccurs", "1")))
    attributes = {a.get("name") or "": _qname(a, a.get("type")) for a in node.iter(f"{{{XS}}}attribute")
                  if a.get("name")}
    return ComplexType(key, node.get("abstract") == "true", base, particles, attributes,
                       node.find(f"{{{XS}}}simpleContent") is not None)


@dataclass(frozen=True)
class Wsdl:
    operations: dict[str, tuple[str | None, str | None]]  # operation -> (input message, output message)
    messages: dict[str, tuple[tuple[str, QName | None], ...]]  # message -> ((part, element), ...)

    @classmethod
    def load(cls, path: Path) -> Wsdl:
        root = etree.parse(str(path), parser=etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        operations: dict[str, tuple[str | None, str | None]] = {}
        for port in root.iter(f"{{{WSDL}}}portType"):
            for op in port.iter(f"{{{WSDL}}}operation"):
                inp, out = op.find(f"{{{WSDL}}}input"), op.find(f"{{{WSDL}}}output")
                operations[op.get("name") or ""] = (
                    (inp.get("message") or "").rpartition(":")[2] if inp is not None else None,
                    (out.get("message") or "").rpartition(":")[2] if out is not None else None,
                )
        messages = {}
        for msg in root.findall(f"{{{WSDL}}}message"):
            parts = tuple((p.get("name") or "", _qname(p, p.get("element"))) for p in msg.findall(f"{{{WSDL}}}part"))
            messages[msg.get("name") or ""] = parts
        return cls(operations, messages)


@dataclass
class Report:
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def diff(self, text: str) -> None:
        self.differences.append(text)

    @property
    def ok(self) -> bool:
        return not self.differences


def _show(q: QName | None) -> str:
    if q is None:
        return "(none)"
    return f"{q[0]}:{q[1]}"


def _string_enum(oracle: Schemas, q: QName | None) -> bool:
    if q is None or q not in oracle.simple_types:
        return False
    base, values = oracle.simple_types[q]
    return bool(values) and base == (XS, "string")


def compare_schemas(mine: Schemas, oracle: Schemas, label: str) -> Report:
    report = Report()
    for key, ours in sorted(mine.complex_types.items()):
        where = f"{label}: type {key[1]} ({key[0]})"
        theirs = oracle.complex_types.get(key)
        if theirs is None:
            report.diff(f"{where}: Oracle has no such type in that namespace")
            continue
        report.checked.append(f"{key[1]}")
        if ours.base != theirs.base:
            report.diff(f"{where}: base {_show(ours.base)}, Oracle's is {_show(theirs.base)}")
        if ours.abstract != theirs.abstract:
            report.diff(f"{where}: abstract={ours.abstract}, Oracle's abstract={theirs.abstract}")
        if ours.simple_content != theirs.simple_content:
            report.diff(f"{where}: simple content differs from Oracle's")
        positions = {p.name: i for i, p in enumerate(theirs.particles)}
        last = -1
        for particle in ours.particles:
            if particle.name not in positions:
                report.diff(f"{where}: element {particle.name} is not in Oracle's type")
                continue
            other = theirs.particles[positions[particle.name]]
            if positions[particle.name] < last:
                report.diff(f"{where}: element {particle.name} is out of Oracle's order")
            last = max(last, positions[particle.name])
            if particle.ref != other.ref:
                report.diff(f"{where}: element {particle.name} is {'a reference' if particle.ref else 'local'}, "
                            f"Oracle's is {'a reference' if other.ref else 'local'}")
            elif particle.type != other.type:
                if particle.type == (XS, "string") and _string_enum(oracle, other.type):
                    report.notes.append(f"{where}: {particle.name} is xsd:string, Oracle's is the enumeration "
                                        f"{_show(other.type)} (relaxed on purpose)")
                else:
                    report.diff(f"{where}: element {particle.name} has type {_show(particle.type)}, "
                                f"Oracle's is {_show(other.type)}")
            if particle.max_occurs != other.max_occurs:
                report.diff(f"{where}: element {particle.name} maxOccurs={particle.max_occurs}, "
                            f"Oracle's is {other.max_occurs}")
            if particle.min_occurs != other.min_occurs:
                if particle.min_occurs == "0":
                    report.notes.append(f"{where}: {particle.name} is optional here, required in Oracle's "
                                        "(relaxed on purpose)")
                else:
                    report.diff(f"{where}: element {particle.name} minOccurs={particle.min_occurs}, "
                                f"Oracle's is {other.min_occurs}")
        for name, type_ in ours.attributes.items():
            if name not in theirs.attributes:
                report.diff(f"{where}: attribute {name} is not in Oracle's type")
            elif type_ != theirs.attributes[name]:
                report.diff(f"{where}: attribute {name} has type {_show(type_)}, Oracle's is "
                            f"{_show(theirs.attributes[name])}")
    for key, (base, values) in sorted(mine.simple_types.items()):
        where = f"{label}: simple type {key[1]} ({key[0]})"
        if key not in oracle.simple_types:
            report.diff(f"{where}: Oracle has no such type in that namespace")
            continue
        report.checked.append(key[1])
        their_base, their_values = oracle.simple_types[key]
        if base != their_base:
            report.diff(f"{where}: base {_show(base)}, Oracle's is {_show(their_base)}")
        extra = sorted(set(values) - set(their_values))
        if extra:
            report.diff(f"{where}: values not in Oracle's: {', '.join(extra)}")
    for key, type_ in sorted(mine.elements.items()):
        where = f"{label}: element {key[1]} ({key[0]})"
        if key not in oracle.elements:
            report.diff(f"{where}: Oracle has no such top-level element in that namespace")
        elif type_ != oracle.elements[key]:
            report.diff(f"{where}: type {_show(type_)}, Oracle's is {_show(oracle.elements[key])}")
        else:
            report.checked.append(key[1])
    return report


def compare_wsdl(mine: Wsdl, oracle: Wsdl, label: str) -> Report:
    report = Report()
    for op, (inp, out) in sorted(mine.operations.items()):
        if op not in oracle.operations:
            report.diff(f"{label}: operation {op} is not in Oracle's port type")
        elif (inp, out) != oracle.operations[op]:
            report.diff(f"{label}: operation {op} uses messages {inp}/{out}, Oracle's {oracle.operations[op]}")
        else:
            report.checked.append(f"operation {op}")
    for name, parts in sorted(mine.messages.items()):
        theirs = list(oracle.messages.get(name, ()))
        if name not in oracle.messages:
            report.diff(f"{label}: message {name} is not in Oracle's WSDL")
            continue
        # the project keeps a subset of a message's parts (the headers), in Oracle's order
        positions = [theirs.index(part) if part in theirs else -1 for part in parts]
        if -1 in positions:
            missing = [part for part, at in zip(parts, positions, strict=True) if at == -1]
            report.diff(f"{label}: message {name} has parts Oracle's does not: {missing}")
        elif positions != sorted(positions):
            report.diff(f"{label}: message {name} has its parts out of Oracle's order")
    return report


def conform(oracle_dir: Path, versions: Sequence[str]) -> dict[str, Report]:
    """One report per shipped version, each against Oracle's files under ``oracle_dir``."""
    oracle_files = sorted(oracle_dir.rglob("*.xsd"))
    oracle_wsdls = sorted(oracle_dir.rglob("*.wsdl"))
    if not oracle_files or not oracle_wsdls:
        raise FileNotFoundError(f"no Oracle WSDL and XSDs under {oracle_dir}")
    oracle = Schemas.load([*oracle_files, *oracle_wsdls])
    oracle_wsdl = Wsdl.load(oracle_wsdls[0])
    out = {}
    for version in versions:
        folder = PROJECT_WSDL / version
        files = sorted(folder.glob("*.xsd"))
        mine = Schemas.load([*files, folder / "netsuite.wsdl"])
        report = compare_schemas(mine, oracle, version)
        wsdl_report = compare_wsdl(Wsdl.load(folder / "netsuite.wsdl"), oracle_wsdl, version)
        report.differences += wsdl_report.differences
        report.checked += wsdl_report.checked
        _check_version(folder, version, report)
        out[version] = report
    return out


def _check_version(folder: Path, version: str, report: Report) -> None:
    """Every NetSuite namespace in the folder names ``version`` (and no other)."""
    for path in sorted(folder.iterdir()):
        found = set(re.findall(r"urn:[A-Za-z.]+_(\d{4}_\d)\.", path.read_text(encoding="utf-8")))
        if found - {version}:
            report.diff(f"{version}: {path.name} names namespaces of version(s) {', '.join(sorted(found))}")


def shipped_versions() -> list[str]:
    return sorted(p.name for p in PROJECT_WSDL.iterdir() if (p / "netsuite.wsdl").is_file())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netsuite_audit.netsuite.xsd_conformance",
                                     description="Compare nsaudit's trimmed WSDL/XSDs with Oracle's.")
    parser.add_argument("oracle_dir", type=Path, help="folder holding Oracle's netsuite.wsdl and XSDs")
    parser.add_argument("--version", action="append", dest="versions",
                        help="a shipped version to check (default: every shipped version)")
    parser.add_argument("--notes", action="store_true", help="also print the deliberate relaxations")
    args = parser.parse_args(argv)
    versions = args.versions or shipped_versions()
    unknown = [v for v in versions if v not in shipped_versions()]
    if unknown or not args.oracle_dir.is_dir():
        what = f"unknown version(s) {', '.join(unknown)}" if unknown else f"{args.oracle_dir} is not a folder"
        print(f"xsd_conformance: {what}", file=sys.stderr)
        return 2
    try:
        reports = conform(args.oracle_dir, versions)
    except (FileNotFoundError, etree.XMLSyntaxError) as exc:
        print(f"xsd_conformance: {exc}", file=sys.stderr)
        return 2
    for version, report in reports.items():
        status = "conforms" if report.ok else f"{len(report.differences)} difference(s)"
        print(f"{version}: {len(report.checked)} types, elements and operations checked against "
              f"{args.oracle_dir}: {status}; {len(report.notes)} deliberate relaxation(s)")
        for line in report.differences:
            print(f"  DIFF {line}")
        if args.notes:
            for line in report.notes:
                print(f"  note {line}")
    return 0 if all(r.ok for r in reports.values()) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
