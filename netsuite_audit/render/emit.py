"""Send a result to each requested format and destination (stdout or a file, written atomically)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netsuite_audit.result import AuditResult
from netsuite_audit.support.errors import InputError
from netsuite_audit.support.text import CONTROLS, map_strings, replace_surrogates, visible_text

Renderer = Callable[[AuditResult, bool], str]


NOT_A_TERMINAL_WIDTH = 80  # columns of text sent to a file, a pipe or a CI log


def text_width(to_terminal: bool) -> int:
    """The width text is wrapped to: the terminal's own on a terminal, else 80 columns."""
    if to_terminal and sys.stdout.isatty():
        import shutil

        return max(shutil.get_terminal_size((NOT_A_TERMINAL_WIDTH, 24)).columns, 40)
    return NOT_A_TERMINAL_WIDTH


def render_text_output(result: AuditResult, color: bool, verbose: bool = False, width: int | None = None) -> str:
    from netsuite_audit.render.safe import clean_result
    from netsuite_audit.render.text import render_text

    # Strings from NetSuite and report files reach a terminal: no escape sequences, no control characters.
    return render_text(clean_result(result), color=color, code_title=code_title, verbose=verbose,
                       width=width or text_width(False))


def _json(result: AuditResult, color: bool) -> str:
    # A lone surrogate JSON cannot write is replaced (U+FFFD); bidirectional and other invisible
    # characters are written as \uXXXX escapes (the same data once parsed; none occur outside strings).
    try:  # the whole result walked only when pydantic refuses it (a lone surrogate: rare, and costly to seek)
        text = result.to_json()
    except ValueError:  # PydanticSerializationError
        text = map_strings(result, replace_surrogates).to_json()
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def _visible(result: AuditResult) -> AuditResult:
    """For the file formats: control and bidirectional characters as visible escapes (support/text.py)."""
    return map_strings(result, visible_text)


def code_title(code: str) -> str | None:
    try:
        from netsuite_audit.catalog.model import load_catalog
    except ImportError:  # pragma: no cover
        return None
    try:
        return load_catalog().get(code).title
    except Exception:
        return None


def _junit(result: AuditResult, color: bool) -> str:
    from netsuite_audit.render.junit import render_junit

    return render_junit(_visible(result), color)


def _sarif(result: AuditResult, color: bool) -> str:
    from netsuite_audit.render.sarif import render_sarif

    return render_sarif(_visible(result), color)


def _markdown(result: AuditResult, color: bool) -> str:
    from netsuite_audit.render.markdown import render_markdown

    return render_markdown(_visible(result), color)


def _csv(result: AuditResult, color: bool) -> str:
    from netsuite_audit.render.csv_out import render_csv

    return render_csv(_visible(result), color)


def _html(result: AuditResult, color: bool) -> str:
    from netsuite_audit.render.html import render_html

    return render_html(_visible(result), color)


def _text(result: AuditResult, color: bool) -> str:
    return render_text_output(result, color)


RENDERERS: dict[str, Renderer] = {"text": _text, "json": _json, "junit": _junit, "sarif": _sarif,
                                  "markdown": _markdown, "csv": _csv, "html": _html}


# An output file's name picks its format when no --format says otherwise (run -o and report -o alike).
BY_SUFFIX = {
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".xml": "junit",
    ".sarif": "sarif", ".csv": "csv", ".json": "json", ".txt": "text", ".text": "text",
}


def format_for_path(path: Path, source: str = "-o") -> str:
    """The format a file name implies (``x.sarif.json`` is SARIF); an unknown extension is an input error."""
    name = path.name.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    if name.endswith(".junit.xml"):
        return "junit"
    suffix = path.suffix.lower()
    if suffix not in BY_SUFFIX:
        known = " ".join(sorted(BY_SUFFIX))
        raise InputError(f"cannot tell the format from the extension {suffix or '(none)'!r}; use one of {known} "
                         "or say it with --format", source=str(path))
    return BY_SUFFIX[suffix]


@dataclass(frozen=True)
class Target:
    fmt: str
    path: Path | None  # None: standard output


def parse_formats(formats: tuple[str, ...], output: Path | None) -> list[Target]:
    """``-f json:out.json -f text`` -> targets; ``-o`` applies when exactly one format has no path.

    ``-o FILE`` alone takes its format from the file's extension (``result.json`` is JSON).
    """
    targets: list[Target] = []
    if not formats and output is not None:
        formats = (format_for_path(output),)
    for item in formats or ("text",):
        fmt, _, path = item.partition(":")
        fmt = fmt.strip().lower()
        if fmt not in RENDERERS:
            raise InputError(f"unknown format {fmt!r}; choose from {', '.join(RENDERERS)}", source="--format")
        targets.append(Target(fmt, Path(path) if path else None))
    if output is not None:
        bare = [t for t in targets if t.path is None]
        if len(bare) != 1:
            raise InputError("-o needs exactly one --format without its own path", source="-o")
        targets[targets.index(bare[0])] = Target(bare[0].fmt, output)
    if sum(1 for t in targets if t.path is None) > 1:
        raise InputError("only one format can go to standard output; give the others a path (FORMAT:PATH)",
                         source="--format")
    for target in targets:
        if target.path is not None and not (target.path.parent.is_dir() or str(target.path.parent) == ""):
            raise InputError("folder does not exist", source=str(target.path))
        if target.path is not None and target.path.is_dir():
            raise InputError("is a folder; give a file name", source=str(target.path))
    return targets


def emit(result: AuditResult, targets: list[Target], *, color: bool | None = None, verbose: bool = False) -> None:
    """Render and write each target. Text on the terminal is brief unless ``verbose``; a text file is
    always complete (a file has no screen to fit)."""
    from netsuite_audit.render.output import OutputFailed, write_atomic

    failed: list[str] = []  # every target is tried; a file that cannot be written does not stop the others
    for target in targets:
        use_color = (sys.stdout.isatty() if color is None else color) and target.path is None
        if target.fmt == "text":
            text = render_text_output(result, use_color, verbose or target.path is not None,
                                      text_width(target.path is None))
        else:
            text = RENDERERS[target.fmt](result, use_color)
        if target.path is None:
            _write_stdout(text)
        else:
            try:
                write_atomic(target.path, text)
            except OutputFailed as exc:
                failed.extend(exc.lines)
    if failed:
        raise OutputFailed(failed)


def _write_stdout(text: str) -> None:
    """Write to stdout; a character its encoding cannot carry (a terminal set to ASCII) is replaced,
    never a UnicodeEncodeError that would lose the report."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        sys.stdout.write(text.encode(encoding, "replace").decode(encoding, "replace"))
    sys.stdout.flush()
