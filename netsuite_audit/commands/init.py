"""``nsaudit init``: write the workspace description, reading what NetSuite (and Expensify) show and
asking the admin, one question at a time, for what no API shows.

Interactive on a terminal; ``--answers FILE`` (a workspace-shaped TOML/YAML/JSON file holding the
answers) or ``--no-input`` for CI, where nothing is asked and what is not given stays unknown (the
audit then says UNVERIFIABLE for it, never a guess). The answers are recorded with who gave them and
when (``[netsuite] stated_by/stated_on``, ``[forms] checked_by/checked_on``); the check
stated-settings-age asks for them to be confirmed again after 90 days. The file written validates as
any workspace file (inputs/workspace.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from netsuite_audit.commands import init_questions as q
from netsuite_audit.inputs.files import load_mapping, validate
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.support.errors import InputError, NsauditError

SHOWN = 8  # records named when a proposal is shown; the rest are counted


@click.command("init")
@click.option("--profile", metavar="NAME", envvar="NSAUDIT_PROFILE",
              help="Credentials profile to read NetSuite with (default: env vars, then 'default').")
@click.option("--snapshot", "snapshot_path", type=click.Path(path_type=Path),
              help="Propose from a saved snapshot (nsaudit snapshot) instead of reading the account.")
@click.option("--expensify-policy", metavar="ID_OR_NAME", envvar="NSAUDIT_EXPENSIFY_POLICY",
              help="Also read this Expensify policy: its members and tags become the proposals.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("nsaudit-workspace.toml"),
              show_default=True, help="Workspace file to write.")
@click.option("--answers", "answers_path", type=click.Path(path_type=Path),
              help="Answers file (the workspace file's shape; see docs/workspace.md, nsaudit init): nothing "
                   "is asked; a value it gives wins over the proposal.")
@click.option("--no-input", is_flag=True, help="Ask nothing: take the proposals, leave the rest unknown.")
@click.option("--stated-by", metavar="NAME", help="Who gives the answers (name or email); asked if not given.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--timeout", type=click.FloatRange(1, 86400), default=300, show_default=True, metavar="SECONDS",
              help="Time limit for reading the account.")
def init_command(profile: str | None, snapshot_path: Path | None, expensify_policy: str | None, output: Path,
                 answers_path: Path | None, no_input: bool, stated_by: str | None, force: bool,
                 timeout: float) -> None:
    """Write a workspace description: proposals read from NetSuite, then one question at a time for the
    settings no API shows (with where to find each)."""
    try:
        if output.exists() and not force:
            raise InputError("exists already; pass --force to overwrite it", source=str(output))
        given = _answers_file(answers_path) if answers_path is not None else {}
        interactive = answers_path is None and not no_input
        snap = _read(profile, snapshot_path, expensify_policy, timeout)
        data = _build(snap, given, interactive, stated_by, dt.date.today())
        workspace = validate(Workspace, data["workspace"], str(answers_path or output))
        text = q.to_toml(data["workspace"], header=_header(snap), notes=data["notes"])
        output.write_text(text, encoding="utf-8")
        validate(Workspace, load_mapping(output), str(output))  # what was written reads back the same
    except NsauditError as exc:
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {output}: subsidiary {workspace.subsidiary}, {len(workspace.employees)} employees, "
               f"{data['answered']} of {data['asked']} settings answered"
               + (f" by {data['by']} on {data['on']}" if data["answered"] else "")
               + f". Next: nsaudit run --workspace {output}")


def _answers_file(path: Path) -> dict[str, Any]:
    raw = load_mapping(path)
    flat = q.flatten(raw)
    known = set(q.BY_KEY) | {"subsidiary", "employees", "name", "netsuite.stated_by", "netsuite.stated_on",
                             "forms.checked_by", "forms.checked_on"} | {f"tags.{k}" for k in q.TAG_TABLES}
    for key in flat:
        if key not in known:
            raise InputError("not an answer nsaudit init asks for (see docs/workspace.md, nsaudit init)",
                             source=str(path), field=key)
    for key, value in flat.items():
        question = q.BY_KEY.get(key)
        if question is not None and not (question.kind == "bool" and isinstance(value, bool)):
            try:
                flat[key] = q.parse_answer(question, str(value).lower() if isinstance(value, bool) else str(value),
                                           flat)
            except ValueError as exc:
                raise InputError(f"must be {exc}", source=str(path), field=key) from exc
    return flat


def _read(profile: str | None, snapshot_path: Path | None, policy: str | None, timeout: float) -> AccountSnapshot:
    from netsuite_audit.pipeline import RunPlan, collect_account

    plan = RunPlan(checks=(), snapshot_path=snapshot_path, expensify_policy=policy, timeout=timeout)
    snap = collect_account(plan, profile)
    if not snap.login.any_ok:  # could not read the account: exit 3, as nsaudit run
        click.echo("nsaudit: error: NetSuite: the login did not succeed, so nothing could be proposed; run "
                   "nsaudit run to see why (NS0109), or propose from a saved snapshot with --snapshot", err=True)
        sys.exit(3)
    return snap


def _build(snap: AccountSnapshot, given: Mapping[str, Any], interactive: bool, stated_by: str | None,
           today: dt.date) -> dict[str, Any]:
    """The workspace mapping, comments per key, and who answered how many questions when."""
    flat: dict[str, Any] = {}
    notes: dict[str, str] = {}
    expensify = q.from_expensify(snap)
    say = click.echo if interactive else (lambda *a, **k: None)
    say(f"nsaudit init: NetSuite account {snap.account.account_id}"
        + (", Expensify policy read" if snap.expensify is not None else "") + ".")
    subs = q.subsidiaries(snap)
    sub = given.get("subsidiary")
    if sub is None and subs:
        sub = subs[0][0].id
        if interactive:
            say("\nSubsidiaries (internal id, name, active employees with an email):")
            for choice, people in subs:
                say(f"  {choice.id:>5}  {choice.name} ({people})")
            ids = click.Choice([str(c.id) for c, _ in subs])
            sub = click.prompt("Subsidiary of the workspace (internal id)", type=ids, default=str(sub),
                               show_choices=False)
            sub = int(sub)
    if sub is not None:
        flat["subsidiary"] = sub
        notes["subsidiary"] = _chosen_name(subs, sub)
    sub_id = sub if isinstance(sub, int) else None
    flat["employees"] = _list(given, expensify, "employees", q.employees(snap, sub_id), "Workspace members (emails)",
                              interactive, notes)
    for key in q.TAG_TABLES:
        choices = q.tag_choices(snap, key, sub_id)
        flat[f"tags.{key}"] = _list(given, expensify, f"tags.{key}", [c.id for c in choices],
                                    f"Tags: {key}", interactive, notes, {c.id: c.name for c in choices})
    who = given.get("netsuite.stated_by") or stated_by
    answered: dict[str, Any] = {k: v for k, v in given.items() if k in q.BY_KEY}
    asked = 0
    for question in q.QUESTIONS:
        if not question.applies({**flat, **answered}):
            continue
        asked += 1
        if question.key in answered or not interactive:
            continue
        if who is None:
            who = click.prompt("\nWho is answering (name or email, recorded with the answers)").strip()
        value = _ask(question, {**flat, **answered})
        if value is not None:
            answered[question.key] = value
    when = given.get("netsuite.stated_on") or today
    if answered and not who:
        raise InputError("answers need who gave them: netsuite.stated_by in the answers file, or --stated-by",
                         source="nsaudit init")
    flat.update(answered)
    if any(k.startswith(("netsuite.", "connection.", "export.")) for k in answered):
        flat["netsuite.stated_by"], flat["netsuite.stated_on"] = who, when
    if any(k.startswith("forms.") for k in answered):
        flat["forms.checked_by"] = given.get("forms.checked_by") or who
        flat["forms.checked_on"] = given.get("forms.checked_on") or when
    name = given.get("name", expensify.get("name"))  # the workspace's name, shown in reports
    if name is not None:
        flat["name"] = name
    return {"workspace": q.nest(flat), "notes": notes, "answered": len(answered), "asked": asked, "by": who,
            "on": when}


def _chosen_name(subs: list[tuple[q.Choice, int]], sub: Any) -> str:
    return next((c.name for c, _ in subs if c.id == sub), "")


def _list(given: Mapping[str, Any], expensify: Mapping[str, Any], key: str, proposed: list[Any], label: str,
          interactive: bool, notes: dict[str, str], names: Mapping[int, str] | None = None) -> list[Any]:
    """A list the answers file gives, else Expensify's, else the proposal read from NetSuite (the admin
    keeps it or types another on a terminal)."""
    if key in given:
        notes[key] = "from the answers file"
        return list(given[key])
    if key in expensify:
        proposed, notes[key] = list(expensify[key]), "from the Expensify policy"
    else:
        notes[key] = "proposed from NetSuite"
    if not interactive:
        return proposed
    shown = [f"{v} {names[v]}" if names and v in names else str(v) for v in proposed[:SHOWN]]
    more = f" and {len(proposed) - SHOWN} more" if len(proposed) > SHOWN else ""
    click.echo(f"\n{label}: {', '.join(shown) or 'none'}{more}")
    if click.confirm("Use these?", default=True):
        return proposed
    typed = click.prompt("Type them, separated by commas (empty for none)", default="", show_default=False)
    values = [v.strip() for v in typed.split(",") if v.strip()]
    notes[key] = "typed at nsaudit init"
    return [int(v) if v.isdigit() else v for v in values]


def _ask(question: q.Question, answers: Mapping[str, Any]) -> Any:
    """One question: where to look, then the answer (empty: not known, left out)."""
    allowed = q.choices(question, answers)
    hint = f" [{'/'.join(allowed)}]" if allowed else (" [y/n]" if question.kind == "bool" else "")
    click.echo(f"\n{question.text}\n  Where: {question.where}")
    while True:
        text = click.prompt(f"  Answer{hint} (empty: don't know)", default="", show_default=False)
        if not text.strip():
            return None
        try:
            return q.parse_answer(question, text, answers)
        except ValueError as exc:
            click.echo(f"  Please answer {exc}.")


def _header(snap: AccountSnapshot) -> list[str]:
    return [
        f"Workspace description written by nsaudit init for NetSuite account {snap.account.account_id}.",
        "Lists were proposed from what NetSuite (and Expensify) showed; settings no API shows were answered",
        "by the admin (netsuite.stated_by / stated_on; forms.checked_by / checked_on). A setting left out is",
        "unknown: the audit says what it could not check. Answers older than 90 days are reported for",
        "re-confirmation. See docs/workspace.md.",
        "",
    ]
