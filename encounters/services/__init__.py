"""Workflows on contacts, one module per workflow; each writes its audit event."""
