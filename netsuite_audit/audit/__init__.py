"""The audit: check metadata, findings, the check registry and the engine that runs checks."""
