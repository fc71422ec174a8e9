"""An OAuth 2.0 access token's ``sub`` claim: the role and entity the token runs as.

Kept apart from the token client (netsuite/m2m.py) so a check can read it without importing the
HTTP stack: an offline run (``--snapshot``) never needs requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SubForm = Literal["role;entity", "five-part", "unexpected", "absent"]


@dataclass(frozen=True)
class SubClaim:
    """What an access token's ``sub`` claim says about the role and entity it runs as.

    Oracle's text documents ``sub`` as ``"<role id>;<entity id>"`` (e.g. ``1111;10``): ``form`` is
    ``"role;entity"`` and both ids are certain. Oracle's own sample token on the same page decodes to
    five parts, ``4030059;0;3;7;N``, which the text does not explain: ``form`` is ``"five-part"``, the
    first two parts are read in the documented order (role, entity) but ``certain`` is False, so a
    caller may confirm an expected role with it but must never report a different role as fact.
    Anything else (other counts, non-numbers, negative ids) is ``"unexpected"``: no role, no entity.
    """

    raw: str | None
    form: SubForm
    role_id: int | None = None
    entity_id: int | None = None

    @property
    def certain(self) -> bool:
        return self.form == "role;entity"


_SUB_ID = re.compile(r"[0-9]{1,12}")
_SUB_FLAG = re.compile(r"[A-Za-z]")


def parse_sub(subject: str | None) -> SubClaim:
    """The role and entity an OAuth 2.0 access token's ``sub`` names (see :class:`SubClaim`)."""
    if subject is None or not subject.strip():
        return SubClaim(raw=subject, form="absent")
    parts = [p.strip() for p in subject.split(";")]
    if len(parts) == 2 and all(_SUB_ID.fullmatch(p) for p in parts):
        return SubClaim(raw=subject, form="role;entity", role_id=int(parts[0]), entity_id=int(parts[1]))
    if (len(parts) == 5 and all(_SUB_ID.fullmatch(p) for p in parts[:4])
            and _SUB_FLAG.fullmatch(parts[4])):
        return SubClaim(raw=subject, form="five-part", role_id=int(parts[0]), entity_id=int(parts[1]))
    return SubClaim(raw=subject, form="unexpected")


__all__ = ["SubClaim", "SubForm", "parse_sub"]
