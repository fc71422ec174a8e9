"""A local stand-in for a NetSuite account, for tests, demos and offline development.

An account is described by a JSON fixture (``fixture.py``, format in docs/account-fixture.md) and
served from an in-memory SQLite database that uses NetSuite's own SuiteQL table and column names
(``database.py``). The HTTP side (REST, SOAP, RESTlet, token-based authentication) sits on top of
those two modules. The simulator only ever answers read requests. ``demo.py`` serves the bundled
demo account for ``nsaudit run --demo``.
"""
