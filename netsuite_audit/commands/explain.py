"""``nsaudit explain CODE``: what an NS error means, how to fix it, and which checks predict it."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from netsuite_audit.audit.model import Detection
from netsuite_audit.catalog.model import Catalog, CodeEntry, load_catalog, render_error_codes_markdown
from netsuite_audit.support.errors import NsauditError

DETECTION_TEXT: dict[Detection, str] = {
    Detection.PROBE: "a live login with the connection's own credentials",
    Detection.NETSUITE_DATA: "records read from NetSuite (SuiteQL or SOAP) with the integration's role",
    Detection.RESTLET: (
        "account preferences and features returned by the nsaudit RESTlet (docs/restlet.md); without it, "
        "the [netsuite] settings in the workspace file, otherwise UNVERIFIABLE"
    ),
    Detection.WORKSPACE: "the workspace description file (export types, tags, switches)",
    Detection.REPORTS: "the pending reports file (report and expense line data)",
    Detection.MANUAL: "a step checked by hand; nsaudit reports it as UNVERIFIABLE with the steps",
    Detection.NOT_DETECTABLE: "cannot be predicted before the sync or export runs",
}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def admin_text(entry: CodeEntry) -> str:
    if entry.admin_needed:
        return "yes (the fix changes NetSuite settings or records)"
    return "no (the fix is made in the workspace, or by waiting and retrying)"


def resync_text(entry: CodeEntry) -> str:
    if entry.resync_enough:
        return "yes (after the fix, Sync Now on the connection is enough)"
    return "no (the connection needs new credentials, or a disconnect and reconnect)"


# ----------------------------------------------------------------------------------------------------
# Which checks predict a code
# ----------------------------------------------------------------------------------------------------

def checks_for(code: str, extra_dirs: Iterable[Path] = ()) -> tuple[list[dict[str, str]], str | None]:
    """``([{id, title, severity}], None)`` for the checks whose META.codes include ``code``.

    A broken check folder does not stop ``explain``: the error comes back as the second item.
    """
    from netsuite_audit.audit.registry import load_checks  # imports every check module: keep it lazy

    try:
        loaded = load_checks(extra_dirs)
    except NsauditError as exc:
        return [], str(exc)
    found = [
        {"id": c.meta.id, "title": c.meta.title, "severity": c.meta.severity.value}
        for c in loaded
        if code in c.meta.codes
    ]
    return sorted(found, key=lambda item: item["id"]), None


# ----------------------------------------------------------------------------------------------------
# Renderers
# ----------------------------------------------------------------------------------------------------

def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False) or [first.rstrip()]


def _items(lines: Iterable[str], width: int, *, numbered: bool = True, indent: int = 4) -> list[Text]:
    out: list[Text] = []
    for number, line in enumerate(lines, start=1):
        marker = f"{number}. " if numbered else "- "
        pad = " " * indent
        out += [Text(part) for part in _wrap(line, width, pad + marker, pad + " " * len(marker))]
    return out


def _para(text: str, width: int, indent: int = 4, style: str = "") -> list[Text]:
    pad = " " * indent
    return [Text(part, style=style) for part in _wrap(text, width, pad, pad)]


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def render_text(entry: CodeEntry, checks: list[dict[str, str]], checks_error: str | None,
                width: int = 100) -> list[Text]:
    """The ``explain`` text view as rich ``Text`` lines, already wrapped to ``width``."""
    head = Text()
    head.append(entry.code, style="bold cyan")
    head.append(f"  {entry.title}  ", style="bold")
    head.append(f"({entry.category} error)", style="dim")
    out: list[Text] = [head, Text()]
    out += [_heading("What the error says"),
            *_para(entry.render_message(with_code=True), width, style="italic"), Text()]
    out += [_heading("Why it happens"), *_items(entry.causes, width, numbered=False), Text()]
    out.append(_heading("How to fix"))
    for label, steps in (("In NetSuite", entry.fix.netsuite), ("In the workspace, on the web", entry.fix.web),
                         ("In the workspace, on mobile", entry.fix.mobile)):
        if steps:
            out += [Text("  " + label, style="underline"), *_items(steps, width)]
    out.append(Text())
    out += _para(f"NetSuite admin needed: {admin_text(entry)}", width, indent=0)
    out += _para(f"Sync Now enough: {resync_text(entry)}", width, indent=0)
    out.append(Text())
    out.append(_heading("How nsaudit detects it"))
    out += _items((f"{d.value}: {DETECTION_TEXT[d]}" for d in entry.detection), width, numbered=False)
    if entry.when_seen:
        out += [Text(), _heading("When you see it anyway"), *_items(entry.when_seen, width)]
    out.append(Text())
    out.append(_heading("Checks that predict it"))
    if checks:
        out += _items((f"{c['id']} ({c['severity']}): {c['title']}" for c in checks), width, numbered=False)
        out += _para(f"(select them with --check {entry.code})", width, style="dim")
    else:
        reason = f" (checks could not be loaded: {checks_error})" if checks_error else ""
        out += _para(f"No nsaudit check predicts {entry.code} yet{reason}. To verify by hand:", width)
        out += _items(entry.verify or entry.fix.netsuite or entry.causes, width)
    return out


def render_markdown(entry: CodeEntry, checks: list[dict[str, str]], checks_error: str | None) -> str:
    lines = [f"# {entry.code}: {entry.title}", "",
             f"**Category:** {entry.category} · **NetSuite admin needed:** {_yes_no(entry.admin_needed)} · "
             f"**Sync Now enough:** {_yes_no(entry.resync_enough)}", "",
             "## What the error says", "", f"> {entry.render_message(with_code=True)}", "",
             "## Why it happens", ""]
    lines += [f"- {cause}" for cause in entry.causes]
    lines += ["", "## How to fix", ""]
    for label, steps in (("In NetSuite", entry.fix.netsuite), ("In the workspace (web)", entry.fix.web),
                         ("In the workspace (mobile)", entry.fix.mobile)):
        if steps:
            lines += [f"### {label}", ""] + [f"{n}. {s}" for n, s in enumerate(steps, start=1)] + [""]
    lines += ["## How nsaudit detects it", ""]
    lines += [f"- `{d.value}`: {DETECTION_TEXT[d]}" for d in entry.detection]
    if entry.when_seen:
        lines += ["", "## When you see it anyway", ""]
        lines += [f"{n}. {s}" for n, s in enumerate(entry.when_seen, start=1)]
    lines += ["", "## Checks that predict it", ""]
    if checks:
        lines += [f"- `{c['id']}` ({c['severity']}): {c['title']}" for c in checks]
    else:
        reason = f" (checks could not be loaded: {checks_error})" if checks_error else ""
        lines += [f"No nsaudit check predicts {entry.code} yet{reason}. To verify by hand:", ""]
        lines += [f"{n}. {s}" for n, s in enumerate(entry.verify or entry.fix.netsuite or entry.causes, 1)]
    return "\n".join(lines) + "\n"


def entry_json(entry: CodeEntry, checks: list[dict[str, str]], checks_error: str | None) -> dict[str, Any]:
    data = entry.model_dump(mode="json")
    data["example"] = entry.render_message(with_code=True)
    data["placeholders"] = list(entry.placeholders)
    data["checks"] = checks
    if checks_error:
        data["checks_error"] = checks_error
    return data


def _list_table(catalog: Catalog) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("Code", no_wrap=True)
    table.add_column("Title")
    table.add_column("Category", no_wrap=True)
    table.add_column("Detection")
    for entry in catalog:
        table.add_row(entry.code, entry.title, entry.category, ", ".join(d.value for d in entry.detection))
    return table


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.command("explain")
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
@click.option("--list", "list_all", is_flag=True, help="List every known NS code.")
@click.option("--checks-dir", "checks_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also look in this folder of custom checks (repeatable).")
def explain_command(code: str | None, fmt: str, list_all: bool, checks_dirs: tuple[Path, ...]) -> None:
    """Explain a NetSuite error code (for example NS0770): causes, fixes and the checks that predict it."""
    catalog = load_catalog()
    if list_all == (code is not None):
        _fail("give one error code (for example: nsaudit explain NS0770) or --list")
    if list_all:
        if fmt == "json":
            rows = [{"code": e.code, "title": e.title, "category": e.category,
                     "detection": [d.value for d in e.detection]} for e in catalog]
            click.echo(json.dumps(rows, indent=2))
        elif fmt == "markdown":
            click.echo(render_error_codes_markdown(catalog), nl=False)
        else:
            Console(highlight=False).print(_list_table(catalog))
        return
    assert code is not None
    try:
        entry = catalog.get(code)
    except NsauditError as exc:
        _fail(str(exc))
        return
    checks, checks_error = checks_for(entry.code, checks_dirs)
    if fmt == "json":
        click.echo(json.dumps(entry_json(entry, checks, checks_error), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(render_markdown(entry, checks, checks_error), nl=False)
    else:
        console = Console(highlight=False)
        for line in render_text(entry, checks, checks_error, width=min(console.width, 100)):
            console.print(line, soft_wrap=True)
