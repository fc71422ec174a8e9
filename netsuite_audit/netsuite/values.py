"""The one place where NetSuite's wire values become typed Python values.

SuiteQL answers every column as a JSON string: booleans ``"T"``/``"F"``, numbers ``"12"`` or
``"100.50"``, multi-selects ``"1, 3"``; a null column may be left out of the item altogether (the
caller sees ``None``). SOAP answers ``true``/``false``. The parsers accept the already-typed values
too, so a snapshot written as JSON reloads through the same models.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator

_TRUE = {"t", "true", "yes", "y", "1"}
_FALSE = {"f", "false", "no", "n", "0"}


# Each parser first returns an already-typed value as it is (a snapshot reloaded from JSON holds
# hundreds of thousands of them); wire strings take the general path below it.


def parse_bool(value: Any) -> bool | None:
    if value is True or value is False or value is None:
        return value
    if value == "":
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a NetSuite boolean: {value!r}")


def parse_bool_default_false(value: Any) -> bool:
    if value is True or value is False:
        return value
    return bool(parse_bool(value))


def parse_int(value: Any) -> int | None:
    if type(value) is int or value is None:
        return value
    if value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("boolean where an id or number was expected")
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def parse_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("boolean where a number was expected")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def parse_multiselect(value: Any) -> tuple[int, ...]:
    """``"1, 3"`` -> ``(1, 3)``; a missing column or ``""`` -> ``()``."""
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(map(int, value))
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return tuple(int(part) for part in str(value).split(",") if part.strip())


def parse_text(value: Any) -> str | None:
    if type(value) is str:
        return value if value != "" else None
    if value is None:
        return None
    text = str(value)
    return text if text != "" else None


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_date(value: Any) -> date | None:
    """Dates come in the account's date format unless the query used TO_CHAR; we ask for ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


NsBool = Annotated[bool, BeforeValidator(parse_bool_default_false)]
NsOptBool = Annotated[bool | None, BeforeValidator(parse_bool)]
NsId = Annotated[int | None, BeforeValidator(parse_int)]
NsInt = Annotated[int, BeforeValidator(parse_int)]
NsIds = Annotated[tuple[int, ...], BeforeValidator(parse_multiselect)]
NsText = Annotated[str | None, BeforeValidator(parse_text)]
NsDecimal = Annotated[Decimal | None, BeforeValidator(parse_decimal)]
NsDate = Annotated[date | None, BeforeValidator(parse_date)]


def to_wire(value: Any) -> str | None:
    """Typed value -> the string NetSuite would send (used by the simulator). ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
