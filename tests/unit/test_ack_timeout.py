"""ack_timeout: an incident acknowledged and left unresolved re-pages its acknowledger after M
minutes, and after M more is open again with the current step paged anew."""
from __future__ import annotations

import pytest

from app.incidents import ownership
from app.incidents.sweep import sweep

from ..fakes.ports import RecordingChannel, channels, runbook
from .conftest import ACME
from .seen import asked, event, events, incident, open_one, pages, run, take

TIMED = ACME.replace("escalation:\n", "escalation:\n  ack_timeout: 30\n")


def acknowledged(make, actor: str, text: str = TIMED):
    sms, call = RecordingChannel("sms"), RecordingChannel("call")
    svc = make(runbook(text), channels_=channels(sms, call))
    incident_id = open_one(svc)
    run(svc, "file_ticket", "deliver_page")
    take(svc)
    svc.clock.advance(120)
    assert ownership.acknowledge(svc, incident_id, actor).changed
    return svc, sms, call, incident_id


@pytest.mark.parametrize("actor, method, target", [
    ("sms:+15555550177", "sms", "+15555550177"),     # a text reply: texted back
    ("phone:+15555550177", "call", "+15555550177"),  # 1 pressed on a call: rung back
    ("Jane", "slack", "#acme-outage"),               # no channel known: the current step's routes
    ("phone:unknown", "slack", "#acme-outage"),      # a withheld number cannot be rung back
])
def test_the_acknowledger_is_paged_again_through_the_channel_that_reached_them(make, actor, method, target):
    svc, _, _, incident_id = acknowledged(make, actor)
    assert asked(svc, "ack_timeout") == [("ack_timeout", (incident_id,), 1800)]
    svc.clock.advance(1799)
    run(svc, "ack_timeout")  # woken early: sleeps on
    assert asked(svc, "ack_timeout") == [("ack_timeout", (incident_id,), 1)]
    svc.clock.advance(1)
    run(svc, "ack_timeout")
    assert pages(svc, incident_id)[1:] == [("reminder:0", method, target, "queued")]
    assert event(svc, incident_id, "ack_reminded")["by"] == actor
    assert ("incident_changed", (incident_id, "reminded", "", "30"), 0) in svc.work.asked
    assert incident(svc, incident_id).status == "acknowledged"
    run(svc, "deliver_page")  # a reminder is sent although someone owns the incident
    assert pages(svc, incident_id)[-1][3] == "sent"


def test_still_unresolved_after_the_reminder_it_is_open_again_and_escalation_resumes(make):
    svc, _, _, incident_id = acknowledged(make, "sms:+15555550177")
    svc.clock.advance(1800)
    run(svc, "ack_timeout")
    svc.clock.advance(1800)
    run(svc, "ack_timeout")
    row = incident(svc, incident_id)
    assert (row.status, row.acknowledged_by, row.ack_due_at) == ("open", "", None)
    assert pages(svc, incident_id)[-1][:3] == ("reopen:0", "slack", "#acme-outage")  # step 0 again
    assert event(svc, incident_id, "reopened") == {"was": "sms:+15555550177", "minutes": 60, "paged": 1}
    assert ("incident_changed", (incident_id, "reopened", "", "30"), 0) in svc.work.asked
    assert asked(svc, "escalate") == [("escalate", (incident_id,), 600)]  # on to step 1 from here
    svc.clock.advance(600)
    run(svc, "escalate")
    assert pages(svc, incident_id)[-1][:3] == ("chain:0", "sms", "+15555550111")


def test_resolving_in_time_stops_both(make):
    svc, _, _, incident_id = acknowledged(make, "slack:U123")
    svc.clock.advance(1000)
    ownership.resolve(svc, incident_id, "slack:U123")
    svc.clock.advance(3600)
    run(svc, "ack_timeout")
    assert len(pages(svc, incident_id)) == 1 and "ack_reminded" not in events(svc, incident_id)
    assert sweep(svc)["ack_timeouts"] == 0


def test_a_resolve_after_the_reminder_keeps_it_resolved(make):
    svc, _, _, incident_id = acknowledged(make, "slack:U123")
    svc.clock.advance(1800)
    run(svc, "ack_timeout")
    ownership.resolve(svc, incident_id, "slack:U123")
    svc.clock.advance(1800)
    run(svc, "ack_timeout")
    assert incident(svc, incident_id).status == "resolved"
    assert "reopened" not in events(svc, incident_id)


def test_without_ack_timeout_an_acknowledgement_is_left_alone(make):
    svc, _, _, incident_id = acknowledged(make, "slack:U123", ACME)
    assert asked(svc, "ack_timeout") == [] and incident(svc, incident_id).ack_due_at is None
    svc.clock.advance(86400)
    assert sweep(svc)["ack_timeouts"] == 0


def test_a_lost_ack_timeout_is_fired_by_the_sweep(make):
    svc, _, _, incident_id = acknowledged(make, "slack:U123")
    take(svc)
    svc.clock.advance(1800)
    assert sweep(svc)["ack_timeouts"] == 1
    assert asked(svc, "ack_timeout") == [("ack_timeout", (incident_id,), 0)]
