"""Escalation: each step after its delay while nobody acknowledges, and nothing once someone does."""
from __future__ import annotations

from app.incidents import ownership
from app.incidents.escalation import escalate

from ..fakes.ports import RecordingChannel, channels, runbook
from .conftest import ACME
from .seen import asked, event, incident, open_one, pages, run, take


def opened(make, book=None):
    sms, email = RecordingChannel("sms"), RecordingChannel("email")
    svc = make(*([book] if book else []), channels_=channels(sms, email))
    incident_id = open_one(svc)
    return svc, sms, email, incident_id


def test_each_step_pages_its_targets_after_its_delay_until_the_chain_ends(make):
    svc, sms, email, incident_id = opened(make)
    [(_, (same,), delay)] = asked(svc, "escalate")
    assert (same, delay) == (incident_id, 600)  # step 1: 10 minutes

    svc.clock.advance(600)
    run(svc, "escalate")
    assert pages(svc, incident_id)[1:] == [("chain:0", "sms", "+15555550111", "queued")]
    assert event(svc, incident_id, "escalated") == {"step": 1, "targets": 1}
    assert asked(svc, "escalate") == [("escalate", (incident_id,), 900)]  # step 2: 15 minutes
    # The live Slack message says "escalated to step 2" (the first page was step 1).
    assert ("incident_changed", (incident_id, "escalated", "", "2"), 0) in svc.work.asked
    run(svc, "deliver_page")
    assert [t for t, _ in sms.sent] == ["+15555550111"]

    svc.clock.advance(900)
    run(svc, "escalate")
    assert pages(svc, incident_id)[2:] == [("chain:0", "email", "manager@msp.example", "queued")]
    assert asked(svc, "escalate") == []  # the chain has ended: no more timers
    assert incident(svc, incident_id).next_escalation_at is None


def test_a_step_woken_before_its_delay_sleeps_on(make):
    svc, _, _, incident_id = opened(make)
    take(svc)
    svc.clock.advance(60)
    escalate(svc, incident_id)  # a duplicate job, or the clock of another host
    assert len(pages(svc, incident_id)) == 1
    assert asked(svc, "escalate") == [("escalate", (incident_id,), 540)]


def test_nobody_more_is_paged_once_someone_acknowledges(make):
    svc, sms, _, incident_id = opened(make)
    svc.clock.advance(120)
    ownership.acknowledge(svc, incident_id, "slack:U123")
    svc.clock.advance(480)
    run(svc, "escalate")
    assert len(pages(svc, incident_id)) == 1
    assert asked(svc, "escalate") == [] and sms.attempts == []


def test_an_acknowledgement_between_steps_stops_the_rest_of_the_chain(make):
    svc, _, _, incident_id = opened(make)
    svc.clock.advance(600)
    run(svc, "escalate")
    ownership.acknowledge(svc, incident_id, "Jane")
    svc.clock.advance(900)
    run(svc, "escalate")
    assert [p[0] for p in pages(svc, incident_id)] == ["page", "chain:0"]


def test_repeat_runs_the_steps_again_while_nobody_answers(make):
    svc, _, _, incident_id = opened(make, runbook(ACME + "  repeat: 1\n"))
    for delay in (600, 900, 600, 900):
        [(_, _, asked_delay)] = asked(svc, "escalate")
        assert asked_delay == delay
        svc.clock.advance(delay)
        run(svc, "escalate")
    assert [(p[1], p[2]) for p in pages(svc, incident_id)[1:]] == [
        ("sms", "+15555550111"), ("email", "manager@msp.example"),
        ("sms", "+15555550111"), ("email", "manager@msp.example")]
    assert asked(svc, "escalate") == []
