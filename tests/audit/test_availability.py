"""Subsidiary availability of classes, departments, locations and other restricted records."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netsuite_audit.audit.availability import SubsidiaryTree, available_from, inactive_ancestor, usability
from netsuite_audit.netsuite.records import Classification, Subsidiary

# 1 Parent Co > 2 Canada > 4 Quebec; 1 > 3 UK
TREE = SubsidiaryTree([
    Subsidiary(id=1, name="Parent Co"),
    Subsidiary(id=2, name="Canada", parent="1"),
    Subsidiary(id=3, name="UK", parent="1"),
    Subsidiary(id=4, name="Quebec", parent="2"),
])


def test_ancestors_and_descendants() -> None:
    assert TREE.ancestors(4) == [2, 1]
    assert TREE.ancestors(1) == []
    assert TREE.descendants(1) == {2, 3, 4}
    assert TREE.descendants(3) == set()


def test_ancestors_survive_a_cycle() -> None:
    tree = SubsidiaryTree([Subsidiary(id=1, parent="2"), Subsidiary(id=2, parent="1")])
    assert tree.ancestors(1) == [2, 1]


def test_covers_direct_and_through_children() -> None:
    assert TREE.covers([2], False, 2)
    assert not TREE.covers([1], False, 4)
    assert TREE.covers([1], True, 4)
    assert not TREE.covers([3], True, 4)


def test_available_is_unknown_only_when_it_depends_on_unknowns() -> None:
    assert TREE.available([1], None, 1) is True  # listed directly
    assert TREE.available([1], None, 4) is None  # only a parent listed, flag unknown
    assert TREE.available([3], None, 4) is False  # no parent listed: flag does not matter
    assert TREE.available([1], False, 4) is False
    assert TREE.available([1], True, 4) is True
    assert TREE.available([1], True, 99) is None  # target not in the tree: parents unknown
    assert SubsidiaryTree([]).available([1], False, 2) is False


@given(st.lists(st.sampled_from([1, 2, 3, 4]), max_size=4), st.booleans(), st.sampled_from([1, 2, 3, 4]))
def test_available_agrees_with_covers_when_the_flag_is_known(listed: list[int], children: bool,
                                                             target: int) -> None:
    assert TREE.available(listed, children, target) == TREE.covers(listed, children, target)


def test_names_and_resolve() -> None:
    assert TREE.names([2, 3]) == "Canada (2), UK (3)"
    assert TREE.names([]) == "none"
    assert TREE.name(None) == "(none)" and TREE.name(42) == "#42"
    assert TREE.resolve("UK") == 3 and TREE.resolve("2") == 2 and TREE.resolve(4) == 4
    assert TREE.resolve("Atlantis") is None and TREE.resolve(None) is None


def _cls(id_: int, parent: int | None = None, inactive: bool = False, subs: str = "1",
         children: bool = False) -> Classification:
    return Classification(id=id_, name=f"c{id_}", parent=parent, isinactive="T" if inactive else "F",
                          subsidiary=subs, includechildren="T" if children else "F")


def test_inactive_ancestor_finds_the_nearest_inactive_parent() -> None:
    rows = {c.id: c for c in (_cls(1, inactive=True), _cls(2, parent=1), _cls(3, parent=2))}
    parent = inactive_ancestor(rows[3], rows)
    assert parent is not None and parent.id == 1
    assert inactive_ancestor(rows[1], rows) is None


def test_usability_combines_the_three_tests() -> None:
    rows = {c.id: c for c in (_cls(1, inactive=True), _cls(2, parent=1, subs="1"), _cls(5, subs="2, 3"))}
    ok = usability(rows[5], rows, TREE, 3)
    assert ok.ok and ok.available is True
    bad = usability(rows[2], rows, TREE, 4)
    assert not bad.ok and bad.inactive_parent is not None and bad.available is False
    assert usability(rows[5], rows, TREE, None).available is True  # no target: not asked
    unknown = usability(_cls(6, subs="1"), rows, TREE, 2, include_children_known=False)
    assert unknown.available is None and unknown.ok


def test_usability_skips_records_without_a_subsidiary_column() -> None:
    row = Classification(id=9, name="x")  # SuiteQL left the null column out
    assert usability(row, {}, TREE, 2).available is True


def test_available_from_is_what_usability_says() -> None:
    rows = [_cls(1, subs="1", children=True), _cls(2, subs="2"), _cls(3, subs="1"), _cls(4, subs="3", inactive=True),
            Classification(id=9, name="x")]
    for row in rows:
        for target in (None, 1, 2, 3, 4, 5):
            for known in (True, False):
                assert available_from(row, TREE, target, include_children_known=known) \
                    == usability(row, {}, TREE, target, include_children_known=known).available
    assert available_from(rows[0], TREE, 4) is True and available_from(rows[2], TREE, 4) is False
    assert available_from(rows[2], TREE, 4, include_children_known=False) is None
