"""The read-only guard of the REST client: which requests may leave, and which SuiteQL may be sent.

A request may leave only when its method and its *parsed* URL exactly match one of the client's
read endpoints (scheme, host, port and path; no fragment, no query in the URL itself: query
parameters travel separately and are signed). A suffix check is not enough: ``.../record/v1/employee/5
#/services/rest/query/v1/suiteql`` ends with the SuiteQL path but goes to the record endpoint.

SuiteQL text is sent only when it is one ``SELECT`` statement (a ``WITH ... SELECT`` counts): it is
tokenized with sqlparse, so comments and string literals cannot hide a ``;`` or a keyword, and
anything with a second statement or a data-changing or schema-changing keyword is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import sqlparse
from sqlparse import tokens as T


class WriteRefused(ValueError):
    """A request the read-only client must not send (it never reaches the network)."""


def _parts(url: str) -> tuple[str, str, str]:
    split = urlsplit(url)
    return split.scheme.lower(), split.netloc.lower(), split.path


def check_request(method: str, url: str, allowed: Iterable[tuple[str, str]]) -> None:
    """Raise ``WriteRefused`` unless ``(method, url)`` is exactly one of ``allowed``."""
    split = urlsplit(url)
    if split.fragment or split.query or "#" in url or "?" in url:
        raise WriteRefused(f"refused {method} with a query or fragment in the URL: {split.path}")
    wanted = _parts(url)
    for allowed_method, allowed_url in allowed:
        if method == allowed_method and wanted == _parts(allowed_url):
            return
    raise WriteRefused(f"the REST client does not send {method} {split.path} (read endpoints only)")


_WRITE_KEYWORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE INTO", "TRUNCATE", "DROP", "CREATE", "ALTER",
    "RENAME", "GRANT", "REVOKE", "COMMIT", "ROLLBACK", "SAVEPOINT", "CALL", "EXEC", "EXECUTE", "BEGIN",
    "DECLARE",
    # SELECT ... INTO writes the rows into a table (or variables); LOCK TABLE takes locks other work waits on.
    "INTO", "LOCK", "LOCK TABLE",
})


@lru_cache(maxsize=256)  # every page of a table sends the same text; a refusal is raised each time
def check_suiteql(query: str) -> None:
    """Raise ``WriteRefused`` unless ``query`` is a single SELECT statement (WITH ... SELECT included)."""
    statements = [s for s in sqlparse.parse(query) if s.value.strip() and _meaningful(s.flatten())]
    if len(statements) != 1:
        raise WriteRefused(f"SuiteQL must be exactly one statement, not {len(statements)}")
    statement = statements[0]
    kind = statement.get_type()
    if kind != "SELECT":
        raise WriteRefused(f"only SELECT queries are sent to SuiteQL, not {kind}")
    for token in statement.flatten():
        if token.ttype is T.Punctuation and token.value == ";":
            raise WriteRefused("SuiteQL must not contain ';'")
        if token.ttype in T.Keyword and (token.ttype in T.Keyword.DML or token.ttype in T.Keyword.DDL
                                         or token.normalized in _WRITE_KEYWORDS) and token.normalized != "SELECT":
            raise WriteRefused(f"SuiteQL must not contain {token.normalized}")


def _meaningful(tokens: Iterable[sqlparse.sql.Token]) -> bool:
    return any(not (t.is_whitespace or t.ttype in T.Comment or (t.ttype is T.Punctuation and t.value == ";"))
               for t in tokens)


__all__ = ["WriteRefused", "check_request", "check_suiteql"]
