"""Shared loading for the files users hand us: one-line errors naming the file and the field."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from netsuite_audit.support.errors import InputError

M = TypeVar("M", bound=BaseModel)


@contextmanager
def parsing(source: str) -> Iterator[None]:
    """Turn what a parser raises on hostile input into one-line input errors naming ``source``: nesting
    deeper than the interpreter's recursion limit (JSON, YAML or TOML 100,000 levels deep), an integer
    with more digits than Python converts (4,300), or bytes that are not UTF-8."""
    try:
        yield
    except RecursionError:
        raise InputError("nested too deeply to read (lists or tables inside each other thousands of levels "
                         "deep)", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x})",
                         source=source) from None
    except ValueError as exc:
        if "digits" not in str(exc) or isinstance(exc, json.JSONDecodeError):
            raise
        raise InputError("a number has too many digits to read (the limit is 4,300)", source=source) from None


# The most nsaudit reads of one input file before parsing it. Data files (pending reports, snapshots,
# results) may be large: a million report lines is a few hundred MB. Settings files are small.
MAX_DATA_BYTES = 2 * 1024 * 1024 * 1024
MAX_SETTINGS_BYTES = 16 * 1024 * 1024


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: Path, limit: int = MAX_DATA_BYTES, *, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else one-line ``InputError``s: a FIFO
    (which would wait forever), a device such as /dev/zero or /dev/urandom (endless), a folder, or a
    file larger than ``limit``, all refused before anything is parsed. Symbolic links are followed and
    judged by what they point at."""
    source = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)  # non-blocking: opening a FIFO never waits for a writer
    except FileNotFoundError:
        raise InputError(f"{what} not found", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", source=source) from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"cannot read {what}: it is {_kind(info.st_mode)}, not a regular file", source=source)
        too_big = InputError(f"cannot read {what}: larger than the {limit:,} bytes nsaudit reads", source=source)
        if info.st_size > limit:
            raise too_big
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read {what}: {exc.strerror}", source=source) from None
    if len(data) > limit:
        raise too_big
    return data


def decode(data: bytes, source: str) -> str:
    """UTF-8 text, or a one-line ``InputError`` naming the first byte that is not."""
    with parsing(source):
        return data.decode("utf-8")


def read_text(path: Path, limit: int = MAX_DATA_BYTES) -> str:
    return decode(read_bounded(path, limit), str(path))


def _yaml_load(path: Path, text: str) -> Any:
    """YAML through a safe loader that refuses aliases (``*name``: an alias bomb of a few hundred bytes
    expands to gigabytes) and leaves dates as text for the models to validate (a date that does not
    exist, such as 2026-13-45, is then a field error, not a crash)."""
    from netsuite_audit.inputs.yaml_loader import load_yaml  # most runs read no YAML

    return load_yaml(text, str(path))


def load_mapping(path: Path, limit: int = MAX_DATA_BYTES) -> dict[str, Any]:
    """Parse a TOML, YAML or JSON file (by extension) into a dict."""
    text = read_text(path, limit)
    suffix = path.suffix.lower()
    try:
        with parsing(str(path)):
            if suffix == ".toml":
                data: Any = tomllib.loads(text)
            elif suffix in (".yaml", ".yml"):
                data = _yaml_load(path, text)
            elif suffix == ".json":
                data = json.loads(text)
            else:
                raise InputError("unsupported file type; use .toml, .yaml, .yml or .json", source=str(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path)) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("expected a table/object at the top level", source=str(path))
    return data


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` against ``model``; a failure names the first bad field, on one line."""
    try:
        with parsing(source):
            return model.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc, source, model=model) from exc


MAX_ERRORS = 10  # validation errors named in one message; beyond that they are counted


def _fields_at(model: type[BaseModel], path: tuple[int | str, ...]) -> list[str]:
    """The field names (and aliases) of the model found at ``path`` inside ``model`` (empty when the
    path leads elsewhere: a list, a dict, a plain value)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part) if isinstance(current, type) else None
        if info is None:
            return []
        current = _model_in(info.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {}) if isinstance(current, type) else {}
    return [name for key, info in fields.items() for name in (key, info.alias) if name]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (``Export``, ``Export | None``, ``list[Line]``)."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _did_you_mean(error: Any, model: type[BaseModel] | None) -> str:
    """`` (did you mean default_vendor?)`` for a key no field has but one is spelled close to."""
    if model is None or error.get("type") != "extra_forbidden" or not error["loc"]:
        return ""
    import difflib

    *parent, key = tuple(error["loc"])
    near = difflib.get_close_matches(str(key), _fields_at(model, tuple(parent)), n=1, cutoff=0.75)
    return f" (did you mean {near[0]}?)" if near else ""


def error_from_validation(exc: ValidationError, source: str,
                          locate: Callable[[tuple[int | str, ...]], str] | None = None,
                          model: type[BaseModel] | None = None) -> InputError:
    """Every validation error on one line (up to ``MAX_ERRORS``), the first one's field as the field.

    ``locate`` turns a location into words a person can find in the file (a CSV's ``line 3, column
    category``); by default the location is the dotted path (``reports.0.employee``). With ``model``, a
    key no field has but one is spelled close to gets "did you mean".
    """
    errors = exc.errors()
    if not errors:
        return InputError("invalid", source=source)

    def where(error: Any) -> str:
        loc = tuple(error["loc"])
        if locate is not None:
            return locate(loc)
        return ".".join(str(p) for p in loc) or "(top level)"

    def message(error: Any) -> str:
        return str(error["msg"]).replace("\n", " ") + _did_you_mean(error, model)

    first = errors[0]
    also = [f"{where(e)}: {message(e)}" for e in errors[1:MAX_ERRORS]]
    text = message(first)
    if also:
        text += "; also " + "; ".join(also)
    if len(errors) > MAX_ERRORS:
        text += f" (and {len(errors) - MAX_ERRORS} more)"
    return InputError(text, source=source, field=where(first))
