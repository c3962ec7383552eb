"""Fakes of the vendors at their HTTP boundary (loopback servers bound to port 0), and in
ports.py recording fakes of NightDesk's own ports for orchestration unit tests (tests/unit)."""
