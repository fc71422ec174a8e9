"""NS0499: each expense category in use is available to the subsidiary of the people submitting."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text

META = CheckMeta(
    id="category-subsidiary",
    codes=("NS0499",),
    severity=Severity.HIGH,
    title="Expense categories in use are available to the submitters' subsidiary",
    description=(
        "An expense category is usable only from the subsidiaries on its subsidiary list. Each category "
        "the workspace enables or a pending line uses must cover the workspace subsidiary and each "
        "submitter's employee subsidiary. No Oracle list names an include-children field for expense "
        "categories (SOAP and ODBC have none), so a category listed only on a parent of the subsidiary "
        "is UNVERIFIABLE, not a FAIL. When the members' employee columns were not returned, the "
        "categories are still judged for the workspace subsidiary."
    ),
    reads=("expensecategory",),
    optional_reads=("subsidiary", "employee"),
    columns=("expensecategory.subsidiary",),
    # unknown: a partial verdict (the categories are judged for the workspace subsidiary, the members'
    # own subsidiaries are UNVERIFIABLE)
    partial_columns=("employee.email", "employee.subsidiary", "employee.isinactive"),
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


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(
        f"Judged: the {partial.counted({'category': len(judged)})} {', '.join(judged)} "
        f"{'is' if len(judged) == 1 else 'are'} available to "
        + ("every subsidiary that uses them." if not _placed(ctx) else "the workspace subsidiary."),
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
    for ref in uses:
        category = ctx.resolve("expensecategory", ref)
        if category is None:
            continue  # category-active reports it (NS0045)
        name = category.name or f"#{category.id}"
        blocked, unsure = {}, {}
        for sub, who in targets.items():
            covered = (tree.available(category.subsidiary, None, sub) if category.subsidiary
                       else lookups.available_to(tree, category, sub))
            if covered is False:
                blocked[sub] = who
            elif covered is None and category.subsidiary and ctx.readable("subsidiary"):
                unsure[sub] = who
        if unsure and not blocked:
            subs = ", ".join(tree.name(s) for s in unsure)
            yield ctx.unverifiable(
                f"NetSuite category [{name}] is on a parent of subsidiary {subs}, not on {subs} itself; "
                "whether it reaches child subsidiaries is not published for expense categories, so nsaudit "
                "cannot tell if the submitter can use it.",
                missing="whether the expense category applies to child subsidiaries (no published field)",
                subject=Subject(kind="expensecategory", id=str(category.id), name=name),
                evidence={"internal_id": category.id,
                          "category_subsidiaries": [tree.name(s) for s in category.subsidiary],
                          "parent_only_for": {tree.name(s): who for s, who in unsure.items()},
                          "used_by": uses[ref]},
                fix=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name} and check that {subs} can use "
                     "it (add it to the category's Subsidiaries if not).",),
            )
        if not blocked:
            if not unsure:
                judged.append(name)
            continue
        subs = ", ".join(tree.name(s) for s in blocked)
        yield ctx.fail(
            f"NetSuite category [{name}] isn't available to the report submitter: it is not on "
            f"subsidiary {subs}.",
            subject=Subject(kind="expensecategory", id=str(category.id), name=name),
            evidence={"internal_id": category.id, "category_subsidiaries": [tree.name(s) for s in category.subsidiary],
                      "missing_for": {tree.name(s): who for s, who in blocked.items()}, "used_by": uses[ref]},
            fix=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name} and add {subs} to its "
                 "Subsidiaries (or tick Include Children on a parent), or move the employee to a "
                 "subsidiary the category covers.", remedies.SYNC_STEP),
        )
