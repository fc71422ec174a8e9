"""``nsaudit report RESULT.json``: render a stored JSON result again, in any output format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

FORMATS = ("html", "markdown", "junit", "sarif", "csv", "json", "text")

DEFAULT_FORMAT = "html"


def pick_format(fmt: str | None, output: Path | None) -> str:
    """--format if given, else the -o file's extension (unknown: an input error), else HTML."""
    if fmt:
        return fmt
    if output is not None:
        from netsuite_audit.render.emit import format_for_path

        return format_for_path(output)
    return DEFAULT_FORMAT


@click.command("report")
@click.argument("result_path", metavar="RESULT.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default=None,
              help="Output format. Default: from the -o file name (.html .md .xml .sarif .csv .json .txt), "
                   "else html.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to FILE (replaced atomically) instead of standard output.")
@click.option("-v", "--verbose", is_flag=True,
              help="Text in full (every finding's evidence and fix steps); a text file is always in full.")
def report_command(result_path: Path, fmt: str | None, output: Path | None, verbose: bool) -> None:
    """Render a saved result (from `nsaudit run -f json:FILE`) as HTML, Markdown, JUnit, SARIF, CSV,
    JSON or text, without reading the account again."""
    from netsuite_audit.render.emit import RENDERERS, render_text_output
    from netsuite_audit.render.output import OutputFailed, write_atomic
    from netsuite_audit.result import AuditResult
    from netsuite_audit.support.errors import InputError

    try:
        chosen = pick_format(fmt.lower() if fmt else None, output)
        result = AuditResult.load(result_path)
        color = output is None and chosen == "text" and sys.stdout.isatty()
        if chosen == "text":
            text = render_text_output(result, color, verbose or output is not None)
        else:
            text = RENDERERS[chosen](result, color)
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(output, text)
    except InputError as exc:
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(2)
    except OutputFailed as exc:
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(3)
    if output is not None:
        click.echo(f"wrote {chosen} report to {output}", err=True)
