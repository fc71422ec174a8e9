"""The sub-commands beside `nsaudit run` (diff, report, config, explain, coverage, schemas) and the
multi-account run; ``cli.py`` parses their options and hands over here."""
