"""The NS error-code catalog: every code the expense integration reports, with causes and fixes."""

from netsuite_audit.catalog.model import (
    CATEGORIES,
    Catalog,
    CodeEntry,
    Fix,
    load_catalog,
    normalize_code,
    render_error_codes_markdown,
)

__all__ = [
    "CATEGORIES",
    "Catalog",
    "CodeEntry",
    "Fix",
    "load_catalog",
    "normalize_code",
    "render_error_codes_markdown",
]
