"""Opening an incident from a triage decision, and planning its pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.incidents.opening import open_incident, plan_pages
from app.incidents.sweep import STALE_S, sweep
from app.models import TicketNote
from app.tickets.local import LocalTickets

from ..fakes.ports import a_call, runbook
from .conftest import ACME, DEFAULT
from .seen import asked, decision, event, events, incident, open_one, pages


def test_a_p1_opens_one_incident_with_its_page_queued_and_its_ticket_asked_for_beside_it(make):
    svc = make()
    call_id = a_call(svc, from_number="+15555550142")
    opened = open_incident(svc, call_id, decision("P1", 0, summary="Dentrix server down",
                                                  caller_name="Dana"))

    row = incident(svc, opened.id)
    assert (row.severity, row.summary, row.caller_name) == ("P1", "Dentrix server down", "Dana")
    assert row.callback_number == "+15555550142"  # the caller ID, as nobody said another number
    assert "Caller: The server is down and nobody can work" in row.transcript
    assert pages(svc, opened.id) == [("page", "slack", "#acme-outage", "queued")]
    assert events(svc, opened.id) == ["incident_opened"]
    assert event(svc, opened.id, "incident_opened")["severity"] == "P1"
    # The ticket and the page go side by side: neither waits for the other.
    [page_id] = [args[0] for _, args, _ in asked(svc, "deliver_page")]
    assert asked(svc, "file_ticket") == [("file_ticket", (opened.id,), 0)]
    assert asked(svc, "deliver_page") == [("deliver_page", (page_id,), 0)]
    # Nobody has acknowledged yet: the first escalation step is due in its 10 minutes.
    assert asked(svc, "escalate") == [("escalate", (opened.id,), 600)]


def test_a_second_opening_for_the_same_call_returns_the_first_incident_and_pages_nobody_again(make):
    svc = make()
    call_id = a_call(svc)
    first = open_incident(svc, call_id, decision("P1", 0))
    before = list(svc.work.asked)
    again = open_incident(svc, call_id, decision("P2", 2))  # the hang-up racing the triage job

    assert again.id == first.id and incident(svc, first.id).severity == "P1"
    assert svc.work.asked == before
    assert pages(svc, first.id) == [("page", "slack", "#acme-outage", "queued")]


def test_a_number_the_caller_gave_is_the_callback_not_the_caller_id(make):
    svc = make()
    incident_id = open_one(svc, callback_number="+15555550199")
    assert incident(svc, incident_id).callback_number == "+15555550199"


@pytest.mark.parametrize("severity, rule, expected", [
    ("P1", 0, [("page", "slack", "#acme-outage", "queued")]),
    ("P1", 1, [("page", "email", "oncall@msp.example", "queued")]),
    ("P2", 2, [("page", "slack", "#acme", "queued")]),
    # No rule (or one the runbook no longer has): the runbook's first rule.
    ("P1", None, [("page", "slack", "#acme-outage", "queued")]),
    ("P2", 7, [("page", "slack", "#acme-outage", "queued")]),
    # Below the runbook's page_severities: logged for the morning, nobody woken.
    ("P3", 0, []),
    ("P4", None, []),
])
def test_pages_planned_for_each_severity_and_rule(make, severity, rule, expected):
    svc = make()
    incident_id = open_one(svc, severity, rule)
    assert pages(svc, incident_id) == expected
    assert asked(svc, "file_ticket") == [("file_ticket", (incident_id,), 0)]
    if not expected:
        assert events(svc, incident_id) == ["incident_opened", "not_paged"]
        assert event(svc, incident_id, "not_paged")["why"] == f"{severity} is logged for the morning"
        assert asked(svc, "deliver_page") == [] and asked(svc, "escalate") == []


def test_a_runbook_that_pages_p3_pages_it(make):
    svc = make(runbook(ACME + "page_severities: [P1, P2, P3]\n"))
    incident_id = open_one(svc, "P3", 2)
    assert pages(svc, incident_id) == [("page", "slack", "#acme", "queued")]


def test_a_customer_without_a_runbook_is_paged_by_the_default_runbook(make):
    svc = make(runbook(ACME), runbook(DEFAULT, stem="_default"))
    incident_id = open_one(svc, "P1", 0, customer="unknown-co")
    assert pages(svc, incident_id) == [("page", "slack", "", "queued")]
    assert asked(svc, "escalate") == []  # the default runbook has no escalation chain


def test_no_runbook_at_all_logs_the_incident_unpaged(make):
    svc = make(runbook(ACME))
    incident_id = open_one(svc, "P1", 0, customer="unknown-co")
    assert pages(svc, incident_id) == []
    assert events(svc, incident_id) == ["incident_opened", "not_paged"]


def test_planning_twice_plans_once(make):
    svc = make()
    incident_id = open_one(svc)
    svc.work.asked.clear()
    plan_pages(svc, incident_id)  # the ticket job and the sweep both make sure of it
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "queued")]
    assert svc.work.asked == []


def test_without_a_psa_the_incident_is_its_own_ticket_numbered_as_it_opens(make):
    """No ticket job to wait for: the first page carries the number however busy the worker is,
    so no page is ever followed by a "ticket" message and the caller hears the number at once."""
    svc = make(tickets=LocalTickets())
    incident_id = open_one(svc)

    row = incident(svc, incident_id)
    assert (row.ticket_status, row.ticket_number) == ("created", row.reference)
    assert events(svc, incident_id) == ["incident_opened", "ticket_created"]
    assert event(svc, incident_id, "ticket_created") == {"number": row.reference, "system": "local"}
    assert asked(svc, "file_ticket") == []
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "queued")]
    # The call had already ended: its transcript note is settled now (a local ticket gets none),
    # so the sweep never finds it owed.
    with svc.db.session() as s:
        notes = [(n.key, n.status) for n in s.scalars(select(TicketNote))]
    assert notes == [("transcript", "skipped")]
    svc.clock.advance(STALE_S + 1)
    assert sweep(svc)["notes"] == 0
