"""Is an HTTP answer on the SOAP path really a SOAP envelope?

A maintenance page (``200 text/html``), a JSON body or an empty answer is not NetSuite speaking SOAP:
it must never be read as a successful getServerTime or an empty search. Before zeep sees an answer,
its content type must be XML and its root element a SOAP ``Envelope`` whose first child is a
``Header`` or ``Body``; anything else is an :class:`UnexpectedAnswer` quoting the first bytes
(redacted, since a broken server may echo our envelope and its tokenPassport).
"""

from __future__ import annotations

import io

import requests
from lxml import etree

from netsuite_audit.netsuite import errors

SOAP_11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_12 = "http://www.w3.org/2003/05/soap-envelope"
_XML_TYPES = ("text/xml", "application/soap+xml", "application/xml")
QUOTE_BYTES = 160


# The answer on the SOAP path is not a SOAP envelope. Retried only after a 429 or 5xx status (a busy or
# failing server may recover); a 200 maintenance page or JSON body is not retried.
UnexpectedAnswer = errors.UnexpectedAnswer


def quote(content: bytes, limit: int = QUOTE_BYTES) -> str:
    """The first ``limit`` bytes of an answer as one readable line (the caller's error redacts it)."""
    text = content[:limit].decode("utf-8", "replace")
    flat = " ".join(text.split())
    return repr(flat + ("..." if len(content) > limit else ""))


def check_envelope(response: requests.Response) -> None:
    """Raise ``UnexpectedAnswer`` unless ``response`` carries a SOAP envelope."""
    status = response.status_code
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    content = response.content or b""
    date = response.headers.get("Date")

    def refuse(why: str) -> UnexpectedAnswer:
        error = UnexpectedAnswer(
            f"the SOAP endpoint answered HTTP {status} with {why}, not a SOAP envelope; "
            f"it began: {quote(content)}", status=status, protocol="soap", date_header=date,
        )
        error.retryable = status == 429 or status >= 500  # a busy or failing server may recover
        return error

    if not content.strip():
        raise refuse("an empty body")
    if media not in _XML_TYPES:
        raise refuse(f"content type {media or '(none)'!r}")
    names: list[str] = []
    try:
        parser = etree.iterparse(io.BytesIO(content), events=("start",), resolve_entities=False,
                                 no_network=True, huge_tree=False)
        for _event, element in parser:
            names.append(element.tag if isinstance(element.tag, str) else "")
            if len(names) == 2:
                break
    except etree.XMLSyntaxError:
        if len(names) < 2:
            raise refuse("a body that is not XML") from None
    if not names or names[0] not in (f"{{{SOAP_11}}}Envelope", f"{{{SOAP_12}}}Envelope"):
        raise refuse(f"root element {etree.QName(names[0]).localname if names and names[0] else '?'!r}")
    if len(names) < 2 or etree.QName(names[1]).localname not in ("Header", "Body") \
            or etree.QName(names[1]).namespace not in (SOAP_11, SOAP_12):
        raise refuse("an Envelope without a Header or Body")
