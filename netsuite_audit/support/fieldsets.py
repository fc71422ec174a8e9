"""One ``model_fields_set`` per distinct set of fields given, shared by the models that give it.

pydantic gives every model it validates a set of the fields its input named (``model_fields_set``):
~700 bytes a model. A snapshot holds ~55,000 rows and a large reports file 100,000 lines, nearly all
naming the same fields, so these sets alone took ~100 MB. The models are frozen: the sets are only
read (``model_copy`` gives the copy a set of its own before changing it), so equal sets can be one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import repeat
from operator import attrgetter

from pydantic import BaseModel

_FIELDS_SET = attrgetter("__pydantic_fields_set__")


class FieldsSets:
    """Shares the fields sets of the models given to :meth:`share` with those of earlier calls (use one
    per model class: the check that a set is the one kept compares sets of equal size)."""

    def __init__(self) -> None:
        self._by_size: dict[int, set[str]] = {}  # the usual case: models naming as many fields name the same
        self._by_fields: dict[frozenset[str], set[str]] = {}

    def share(self, models: Sequence[BaseModel]) -> None:
        given = list(map(_FIELDS_SET, models))
        kept = list(map(self._by_size.setdefault, map(len, given), given))
        if not all(map(set.__eq__, given, kept)):  # models naming as many fields, not the same ones
            by_fields = self._by_fields
            for fields in self._by_size.values():
                by_fields.setdefault(frozenset(fields), fields)
            kept = list(map(by_fields.setdefault, map(frozenset, given), given))
        deque(map(object.__setattr__, models, repeat("__pydantic_fields_set__"), kept), maxlen=0)


def share_fields_sets(models: Sequence[BaseModel]) -> None:
    """The fields sets of one batch of models of one class, shared among themselves."""
    FieldsSets().share(models)
