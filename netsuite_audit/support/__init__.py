"""Plumbing every stage uses: the input-error type, package paths, background work, the garbage
collector pause, shared pydantic field sets and signal handling. Imports nothing else of nsaudit."""
