"""NS0499: each expense category in use is available to the subsidiary of the people submitting."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.netsuite.records import ExpenseCategory

META = CheckMeta(
    id="category-subsidiary",
    codes=("NS0499",),
    severity=Severity.HIGH,
    title="Expense categories in use are available to the submitters' subsidiary",
    description=(
        "An expense category is usable only from the subsidiaries on its subsidiary list (and their "
        "children when Include Children is ticked). Each category the workspace enables or a pending "
        "line uses must cover the workspace subsidiary and each submitter's employee subsidiary. When "
        "the read did not return Include Children, a category whose verdict does not depend on it (listed "
        "on the subsidiary itself, or on no parent of it) is judged; only the others are UNVERIFIABLE."
    ),
    reads=("expensecategory",),
    optional_reads=("subsidiary", "employee"),
    columns=("expensecategory.subsidiary",),
    # unknown: a partial verdict (Include Children: see _verdict; the employee columns: the categories
    # are judged for the workspace subsidiary, the members' subsidiaries are UNVERIFIABLE)
    partial_columns=("expensecategory.includechildren", "employee.email", "employee.subsidiary",
                     "employee.isinactive"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "categories", "subsidiaries"),
    needs_workspace=True,
)


EMPLOYEE_COLUMNS = ("employee.email", "employee.subsidiary", "employee.isinactive")


def _placed(ctx: Context) -> list[str]:
    """The employee columns not returned (without them the members' subsidiaries are unknown)."""
    return [ref for ref in EMPLOYEE_COLUMNS if ctx.readable("employee") and not ctx.known(*ref.split("."))]


def _targets(ctx: Context, members: bool) -> dict[int, list[str]]:
    """Subsidiary id -> who needs the categories there (``members``: the members' subsidiaries too)."""
    targets: dict[int, list[str]] = {}
    workspace_sub = lookups.workspace_subsidiary(ctx)
    if workspace_sub is not None:
        targets.setdefault(workspace_sub, []).append("workspace subsidiary")
    for email, employee in lookups.member_employees(ctx) if members else ():
        if employee.subsidiary is not None:
            targets.setdefault(employee.subsidiary, []).append(email)
    return targets


def _verdict(tree: SubsidiaryTree, category: ExpenseCategory, sub: int, children_known: bool) -> bool | None:
    """Whether the category is usable from ``sub``; ``None`` when that turns on an unknown Include
    Children (the answers with and without it differ)."""
    if children_known:
        return lookups.available_to(tree, category, sub)
    answers = {lookups.available_to(tree, category.model_copy(update={"includechildren": flag}), sub)
               for flag in (False, True)}
    return answers.pop() if len(answers) == 1 else None


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(
        f"Judged: the {partial.counted({'category': len(judged)})} {', '.join(judged)} "
        f"{'is' if len(judged) == 1 else 'are'} available to "
        + ("every subsidiary that uses them" if not _placed(ctx) else "the workspace subsidiary")
        + (", whatever their Include Children flag." if not ctx.known("expensecategory", "includechildren") else "."),
        evidence={"judged": judged},
    )


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    not_returned = _placed(ctx)
    if not_returned and ctx.workspace.employees:
        yield ctx.unverifiable(
            f"Not checked for the members' own subsidiaries: NetSuite did not return {', '.join(not_returned)}, "
            "so where each member works is unknown (the categories are judged for the workspace subsidiary).",
            missing=column_missing_text(ctx.snapshot, not_returned), manual=column_manual(ctx.snapshot, not_returned),
            subject=Subject(kind="record-type", id="employee"), evidence={"columns_not_returned": not_returned},
        )
    targets = _targets(ctx, members=not not_returned)
    if not targets:
        return  # no subsidiary in play (an account without OneWorld)
    tree = lookups.subsidiary_tree(ctx)
    uses = lookups.enabled_categories(ctx)
    children_known = ctx.known("expensecategory", "includechildren")
    unsure: dict[tuple[int, str], list[str]] = {}  # (id, name) -> subsidiaries its verdict is unknown for
    for ref in uses:
        category = ctx.resolve("expensecategory", ref)
        if category is None:
            continue  # category-active reports it (NS0045)
        blocked = {}
        name = category.name or f"#{category.id}"
        for sub, who in targets.items():
            covered = _verdict(tree, category, sub, children_known)
            if covered is None and not children_known:
                unsure.setdefault((category.id, name), []).append(tree.name(sub))
            elif covered is False and not (category.includechildren and not ctx.readable("subsidiary")):
                blocked[sub] = who
        if not blocked:
            if (category.id, name) not in unsure:
                judged.append(name)
            continue
        name = category.name or f"#{category.id}"
        subs = ", ".join(tree.name(s) for s in blocked)
        yield ctx.fail(
            f"NetSuite category [{name}] isn't available to the report submitter: it is not on "
            f"subsidiary {subs}.",
            subject=Subject(kind="expensecategory", id=str(category.id), name=name),
            evidence={"internal_id": category.id, "category_subsidiaries": [tree.name(s) for s in category.subsidiary],
                      "include_children": category.includechildren,
                      "missing_for": {tree.name(s): who for s, who in blocked.items()}, "used_by": uses[ref]},
            fix=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name} and add {subs} to its "
                 "Subsidiaries (or tick Include Children on a parent), or move the employee to a "
                 "subsidiary the category covers.", remedies.SYNC_STEP),
        )
    for (category_id, name), unsure_for in unsure.items():
        yield ctx.unverifiable(
            f"Not checked: category [{name}] is listed on a parent of subsidiary {', '.join(unsure_for)}, so whether "
            "it reaches that subsidiary depends on its Include Children flag, which the read did not return.",
            missing="expensecategory.includechildren (Include Children on the category)",
            subject=Subject(kind="expensecategory", id=str(category_id), name=name),
            manual=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name} and see whether Include "
                    "Children is ticked.",),
        )
