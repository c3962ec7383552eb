"""The state rules on their own, without a database: who may change an incident from which state,
and what each change writes."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.incidents import lifecycle
from app.states import IncidentChange, IncidentStatus, PageKind, PageStatus

NOW = datetime(2026, 11, 24, 2, 0)


def test_acknowledge_only_from_open_and_stops_escalation_and_snooze():
    change = lifecycle.acknowledge("slack:U1", NOW)
    assert change.event == IncidentChange.ACKNOWLEDGED
    assert change.allowed_from == (IncidentStatus.OPEN,)
    assert change.values["status"] == "acknowledged"
    assert change.values["acknowledged_by"] == "slack:U1" and change.values["acknowledged_at"] == NOW
    assert change.values["next_escalation_at"] is None and change.values["snoozed_until"] is None


def test_resolve_from_open_or_acknowledged_keeps_a_trimmed_note():
    change = lifecycle.resolve("Dana", NOW, "  rebooted the firewall \n" + "x" * 3000)
    assert set(change.allowed_from) == {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED}
    assert change.values["status"] == IncidentStatus.RESOLVED
    assert change.values["resolution_note"].startswith("rebooted the firewall")
    assert len(change.values["resolution_note"]) == lifecycle.NOTE_MAX
    assert len(change.detail) == lifecycle.DETAIL_MAX


def test_snooze_keeps_the_incident_open_and_unowned_until_the_time():
    change = lifecycle.snooze(NOW, 30)
    assert change.allowed_from == (IncidentStatus.OPEN,)
    assert "status" not in change.values and "acknowledged_by" not in change.values
    assert change.values["snoozed_until"] == NOW + timedelta(minutes=30)
    assert change.detail == "30"


@pytest.mark.parametrize("minutes", [0, 5, 45, 10_000])
def test_snooze_only_for_the_offered_lengths(minutes):
    with pytest.raises(ValueError, match="15, 30, 60, 240"):
        lifecycle.snooze(NOW, minutes)


@pytest.mark.parametrize("status,kind,wanted", [
    ("open", "page", True), ("open", "fallback", True), ("open", "chain:0", True),
    ("acknowledged", "page", False), ("resolved", "fallback", False),
    ("acknowledged", "ticket", True), ("resolved", "test", True),
])
def test_a_page_is_still_sent_only_while_nobody_owns_the_incident(status, kind, wanted):
    assert lifecycle.still_wanted(status, kind) is wanted


def test_page_states_follow_queued_sending_sent_or_failed():
    class Row:
        status, attempts, last_error = PageStatus.QUEUED, 0, ""

    row = Row()
    lifecycle.apply(row, lifecycle.page_claimed(NOW))
    assert row.status == "sending" and row.claimed_at == NOW
    lifecycle.apply(row, lifecycle.page_retry("slack: HTTP 503", NOW + timedelta(seconds=4)))
    assert (row.status, row.last_error, row.due_at) == ("queued", "slack: HTTP 503", NOW + timedelta(seconds=4))
    lifecycle.apply(row, lifecycle.page_sent(NOW))
    assert (row.status, row.last_error, row.sent_at) == ("sent", "", NOW)
    lifecycle.apply(row, lifecycle.page_failed("slack: no_service"))
    assert (row.status, row.last_error) == ("failed", "slack: no_service")
    lifecycle.apply(row, lifecycle.page_cancelled(IncidentStatus.ACKNOWLEDGED))
    assert (row.status, row.last_error) == ("cancelled", "incident acknowledged")


def test_states_are_the_strings_the_database_holds():
    assert PageStatus("sent") is PageStatus.SENT and f"{PageKind.FALLBACK}" == "fallback"
    assert IncidentStatus.OPEN == "open" and str(IncidentChange.TICKET) == "ticket"
