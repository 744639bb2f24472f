"""Workflows on people's records, one module per workflow; each writes its audit event."""
