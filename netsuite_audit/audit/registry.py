"""Finds check modules (the bundled checks/ folder and any --checks-dir) and validates them."""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import netsuite_audit
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Finding, Severity
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.support.errors import InputError

CheckFunc = Callable[[Context], Iterable[Finding]]
# A check module's optional ``nothing_to_judge(ctx)``: why this run gives it nothing to judge (it is then
# "not run" with that reason, never a PASS that checked nothing), or None to run it.
IdleFunc = Callable[[Context], "str | None"]


@dataclass(frozen=True)
class LoadedCheck:
    meta: CheckMeta
    run: CheckFunc
    path: Path
    builtin: bool
    idle: IdleFunc | None = None  # the module's nothing_to_judge(ctx), when it has one


def builtin_checks_dir() -> Path:
    """Inside a wheel the checks sit at netsuite_audit/checks; in a source tree at ../checks."""
    package_dir = Path(netsuite_audit.__file__).resolve().parent
    installed = package_dir / "checks"
    return installed if installed.is_dir() else package_dir.parent / "checks"


def _import(path: Path, namespace: str) -> ModuleType:
    name = f"{namespace}.{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError("cannot import check module", source=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken custom check is bad input, not a crash
        del sys.modules[name]
        raise InputError(f"check module failed to import: {type(exc).__name__}: {exc}",
                         source=str(path)) from exc
    return module


def _validate(module: ModuleType, path: Path) -> tuple[CheckMeta, CheckFunc]:
    meta = getattr(module, "META", None)
    run = getattr(module, "check", None)
    if not isinstance(meta, CheckMeta):
        raise InputError("module has no META = CheckMeta(...)", source=str(path), field="META")
    if not callable(run):
        raise InputError("module has no check(ctx) function", source=str(path), field="check")
    if meta.id != path.stem.replace("_", "-"):
        raise InputError(f"check id {meta.id!r} must match the file name {path.stem!r} (- for _)",
                         source=str(path), field="META.id")
    for table in (*meta.reads, *meta.optional_reads):
        if table not in TABLES:
            raise InputError(f"unknown table {table!r}", source=str(path), field="META.reads")
    for field, refs in (("META.columns", meta.columns), ("META.partial_columns", meta.partial_columns)):
        for ref in refs:
            table, _, column = ref.partition(".")
            if table not in TABLES or column not in TABLES[table].columns:
                raise InputError(f"unknown column {ref!r} (write table.column)", source=str(path), field=field)
    return meta, run


def load_dir(directory: Path, *, builtin: bool) -> list[LoadedCheck]:
    if not directory.is_dir():
        raise InputError("not a directory", source=str(directory))
    namespace = "nsaudit_builtin_checks" if builtin else f"nsaudit_custom_checks_{abs(hash(directory))}"
    found = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = _import(path, namespace)
        meta, run = _validate(module, path)
        idle = getattr(module, "nothing_to_judge", None)
        if idle is not None and not callable(idle):
            raise InputError("nothing_to_judge must be a function of the context", source=str(path),
                             field="nothing_to_judge")
        found.append(LoadedCheck(meta=meta, run=run, path=path, builtin=builtin, idle=idle))
    return found


def load_checks(extra_dirs: Iterable[Path] = ()) -> list[LoadedCheck]:
    checks = load_dir(builtin_checks_dir(), builtin=True)
    for directory in extra_dirs:
        checks.extend(load_dir(directory, builtin=False))
    seen: dict[str, Path] = {}
    for loaded in checks:
        if loaded.meta.id in seen:
            raise InputError(f"duplicate check id {loaded.meta.id!r} (also in {seen[loaded.meta.id]})",
                             source=str(loaded.path), field="META.id")
        seen[loaded.meta.id] = loaded.path
    return checks


def _matches(meta: CheckMeta, token: str) -> bool:
    token = token.strip()
    lowered = token.lower()
    return (
        fnmatch.fnmatchcase(meta.id, lowered)
        or token.upper() in meta.codes
        or lowered == meta.severity.value
        or lowered in meta.tags
    )


def select(checks: list[LoadedCheck], include: Iterable[str] = (), exclude: Iterable[str] = (),
           warn: Callable[[str], None] | None = None) -> list[LoadedCheck]:
    """Keep checks matching any ``include`` token (all when empty) and none of ``exclude``.

    A token is a check id (globs allowed), an NS code, a severity or a tag. A token that matches no
    check at all is an input error, so a typo never silently selects nothing; a valid severity that
    no check has today (e.g. ``low``) is only a warning, passed to ``warn``.
    """
    include, exclude = list(include), list(exclude)
    for flag, tokens in (("--check", include), ("--skip", exclude)):
        for token in tokens:
            if any(_matches(c.meta, token) for c in checks):
                continue
            if token.strip().lower() in {s.value for s in Severity}:
                if warn is not None:
                    warn(f"{flag} {token}: no check has severity {token.strip().lower()} today, so it selects nothing")
                continue
            raise InputError(f"{token!r} matches no check id, NS code, severity or tag", source=flag)
    return [
        c for c in checks
        if (not include or any(_matches(c.meta, t) for t in include))
        and not any(_matches(c.meta, t) for t in exclude)
    ]
