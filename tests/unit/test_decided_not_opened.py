"""A triage job that stored its final decision and died before opening the incident: the caller
is not left on hold until they hang up, and the incident is opened once."""
from __future__ import annotations

from sqlalchemy import select, update

from app.incidents import conversation, intake
from app.incidents.sweep import STALE_S, sweep
from app.models import Call, Incident, Turn

from ..fakes.ports import a_call
from .seen import asked, decision, run, take


def decided_then_died(svc, severity: str = "P1") -> tuple[int, str]:
    """A call in progress whose one turn has a final decision stored and no incident."""
    call_id = a_call(svc)
    with svc.db.session() as s:
        s.execute(update(Call).where(Call.id == call_id).values(status="in-progress"))
        s.execute(update(Turn).where(Turn.call_id == call_id).values(
            decision=decision(severity).as_dict(), decided_at=svc.clock()))
        return call_id, s.get(Call, call_id).call_sid


def incidents(svc) -> list[Incident]:
    with svc.db.session() as s:
        return list(s.scalars(select(Incident)))


def test_the_callers_next_poll_opens_it_once_the_job_has_had_its_moment(make):
    svc = make()
    call_id, sid = decided_then_died(svc)
    svc.clock.advance(intake.OPEN_WAIT_S - 1)
    assert conversation.next_step(svc, sid, 1).action == "hold" and incidents(svc) == []

    svc.clock.advance(2)
    conversation.next_step(svc, sid, 1)
    [incident] = incidents(svc)
    assert (incident.call_id, incident.severity) == (call_id, "P1")
    assert [job for job, _, _ in asked(svc) if job == "deliver_page"] == ["deliver_page"]
    conversation.next_step(svc, sid, 1)  # polled again: still the one incident
    assert len(incidents(svc)) == 1


def test_the_sweep_asks_for_the_turn_again_and_its_job_opens_the_incident_once(make):
    svc = make()
    call_id, _ = decided_then_died(svc)
    svc.clock.advance(STALE_S - 1)
    assert sweep(svc)["turns"] == 0
    svc.clock.advance(2)
    assert sweep(svc)["turns"] == 1
    turn_job = [a for a in asked(svc) if a[0] == "triage_turn"]
    take(svc)
    svc.work.asked[:] = turn_job * 2  # a retried job too
    run(svc, "triage_turn")
    [incident] = incidents(svc)
    assert incident.call_id == call_id
    assert [job for job, _, _ in asked(svc) if job == "deliver_page"] == ["deliver_page"]
    take(svc)
    assert sweep(svc)["turns"] == 0  # found no more


def test_a_turn_decided_long_ago_is_left_to_a_human_not_paged_by_the_sweep(make):
    svc = make()
    decided_then_died(svc)
    svc.clock.advance(2 * 3600)
    assert sweep(svc)["turns"] == 0 and incidents(svc) == []


def test_a_hang_up_after_the_decision_opens_the_incident_with_that_decision(make):
    """finish_call (the caller hung up) uses the decision already stored rather than deciding
    again: here a P2 the fallback, reading the same words, would have called P1."""
    svc = make()
    call_id, _ = decided_then_died(svc, severity="P2")
    intake.finish_call(svc, call_id)
    [incident] = incidents(svc)
    assert (incident.call_id, incident.severity) == (call_id, "P2")
    assert incident.triage["reason"] == "caller hung up; keywords"  # why, and from what
