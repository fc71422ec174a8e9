"""Talking to NetSuite, read operations only: the clients (REST/SuiteQL and SOAP/SuiteTalk, token-based
auth and OAuth 2.0 client credentials, transport, the write guard, redaction) and NetSuite's own
vocabulary they read with (``records`` row types, ``tables``, ``names`` + names.toml, ``permissions``)."""
