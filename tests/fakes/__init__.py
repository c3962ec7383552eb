"""Fakes of the vendors at their HTTP boundary (loopback servers bound to port 0)."""
