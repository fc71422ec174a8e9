"""What the user hands nsaudit: the workspace description, the pending reports, credentials and the
account id. Each file is read, validated and indexed here, with one-line errors naming the file and
the field (``files.py`` holds the shared loading)."""
