"""Renderers: every output format is made from the one AuditResult."""
