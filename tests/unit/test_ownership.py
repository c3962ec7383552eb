"""Acknowledge, resolve, snooze: of two people at once exactly one wins; a snooze wakes later."""
from __future__ import annotations

import threading

import pytest

from app.incidents import ownership

from ..fakes.ports import RecordingChannel, channels
from .seen import asked, events, incident, open_one, pages, run, take


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    gate, results = threading.Barrier(len(calls)), [None] * len(calls)

    def go(i, call):
        gate.wait()
        results[i] = call()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    return results


@pytest.mark.parametrize("change", ["acknowledge", "resolve"])
def test_of_two_people_at_once_exactly_one_wins_and_the_other_is_told_who(make, change):
    svc = make()
    incident_id = open_one(svc)
    take(svc)
    act = getattr(ownership, change)
    jane, bob = at_once(lambda: act(svc, incident_id, "Jane"), lambda: act(svc, incident_id, "Bob"))

    assert sorted([jane.changed, bob.changed]) == [False, True]
    winner, loser = (jane, bob) if jane.changed else (bob, jane)
    who = "Jane" if jane.changed else "Bob"
    assert loser.holder == who and winner.holder == who
    done = "acknowledged" if change == "acknowledge" else "resolved"
    assert incident(svc, incident_id).status == done
    assert events(svc, incident_id).count(done) == 1
    assert [args for _, args, _ in asked(svc, "incident_changed")] == [(incident_id, done, who, "")]


def test_an_acknowledged_incident_can_be_resolved_but_not_acknowledged_again(make):
    svc = make()
    incident_id = open_one(svc)
    assert ownership.acknowledge(svc, incident_id, "Jane").changed
    again = ownership.acknowledge(svc, incident_id, "Bob")
    assert (again.changed, again.holder) == (False, "Jane")

    done = ownership.resolve(svc, incident_id, "Bob", note="  Rebooted ACME-SRV01  ")
    assert done.changed and done.incident.resolution_note == "Rebooted ACME-SRV01"
    late = ownership.acknowledge(svc, incident_id, "Jane")
    assert (late.changed, late.incident.status, late.holder) == (False, "resolved", "Bob")


def test_a_snooze_stops_escalation_and_schedules_a_wake_that_pages_again(make):
    slack = RecordingChannel("slack")
    svc = make(channels_=channels(slack))
    incident_id = open_one(svc)
    take(svc)
    svc.clock.advance(120)
    outcome = ownership.snooze(svc, incident_id, "Jane", 15)

    assert outcome.changed and incident(svc, incident_id).status == "open"
    assert asked(svc, "wake") == [("wake", (incident_id,), 900)]
    svc.clock.advance(480)  # the first step's 10 minutes pass while snoozed: nobody escalated
    svc.work.later("escalate", incident_id)
    run(svc, "escalate")
    assert len(pages(svc, incident_id)) == 1

    svc.clock.advance(420)
    run(svc, "wake")
    # The snooze is over: the current step's target (still the rule's) is paged again.
    assert pages(svc, incident_id)[1:] == [("renotify:0", "slack", "#acme-outage", "queued")]
    assert "snooze_ended" in events(svc, incident_id)
    assert [d for _, _, d in asked(svc, "escalate")] == [600]  # the timer starts again


def test_a_wake_before_the_snooze_ends_sleeps_on(make):
    svc = make()
    incident_id = open_one(svc)
    ownership.snooze(svc, incident_id, "Jane", 30)
    take(svc)
    svc.clock.advance(600)
    svc.work.later("wake", incident_id)  # the sweep, or a duplicate job
    run(svc, "wake")
    assert len(pages(svc, incident_id)) == 1
    assert asked(svc, "wake") == [("wake", (incident_id,), 1200)]


def test_a_resolved_incident_is_not_woken(make):
    svc = make()
    incident_id = open_one(svc)
    ownership.snooze(svc, incident_id, "Jane", 15)
    ownership.resolve(svc, incident_id, "Jane")
    svc.clock.advance(900)
    run(svc, "wake")
    assert len(pages(svc, incident_id)) == 1


def test_only_the_offered_snooze_lengths_and_known_incidents_are_accepted(make):
    svc = make()
    incident_id = open_one(svc)
    with pytest.raises(ValueError):
        ownership.snooze(svc, incident_id, "Jane", 45)
    with pytest.raises(LookupError):
        ownership.acknowledge(svc, incident_id + 1, "Jane")
    with pytest.raises(LookupError):
        ownership.acknowledge(svc, 2**40, "Jane")  # a forged id larger than the column
