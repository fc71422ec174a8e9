"""nsaudit: find NetSuite expense-integration failures before the sync does."""

__version__ = "0.1.0"
