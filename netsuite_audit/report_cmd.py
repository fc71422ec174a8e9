"""``nsaudit report RESULT.json``: render a stored JSON result again, in any output format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

FORMATS = ("html", "markdown", "junit", "sarif", "csv", "json", "text")

# -o FILE without --format picks the format from the file name.
_BY_SUFFIX = {
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".xml": "junit",
    ".sarif": "sarif", ".csv": "csv", ".json": "json", ".txt": "text",
}
DEFAULT_FORMAT = "html"


def pick_format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    if output is not None:
        name = output.name.lower()
        if name.endswith(".sarif.json"):
            return "sarif"
        return _BY_SUFFIX.get(output.suffix.lower(), DEFAULT_FORMAT)
    return DEFAULT_FORMAT


@click.command("report")
@click.argument("result_path", metavar="RESULT.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default=None,
              help="Output format. Default: from the -o file name (.html .md .xml .sarif .csv .json .txt), "
                   "else html.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to FILE (replaced atomically) instead of standard output.")
def report_command(result_path: Path, fmt: str | None, output: Path | None) -> None:
    """Render a saved result (from `nsaudit run -f json:FILE`) as HTML, Markdown, JUnit, SARIF, CSV,
    JSON or text, without reading the account again."""
    from netsuite_audit.errors import InputError
    from netsuite_audit.render.emit import RENDERERS
    from netsuite_audit.render.output import write_atomic
    from netsuite_audit.result import AuditResult

    chosen = pick_format(fmt.lower() if fmt else None, output)
    try:
        result = AuditResult.load(result_path)
        text = RENDERERS[chosen](result, output is None and chosen == "text" and sys.stdout.isatty())
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(output, text)
    except InputError as exc:
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(2)
    if output is not None:
        click.echo(f"wrote {chosen} report to {output}", err=True)
