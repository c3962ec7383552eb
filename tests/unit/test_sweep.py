"""The sweep: work the queue lost is found in the database and asked for again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.incidents import ownership
from app.incidents.sweep import OVERDUE_S, SENDING_LEASE_S, STALE_S, sweep
from app.models import Incident, Page
from app.tickets import Ticket, TicketError

from ..fakes.ports import RecordingChannel, RecordingTickets, channels
from .seen import asked, open_one, page, run, take


def set_page(svc, page_id: int, **values) -> None:
    with svc.db.session() as s:
        s.execute(update(Page).where(Page.id == page_id).values(**values))


def lost_all_jobs(svc) -> int:
    """The ticket filed, then every job asked for so far lost; the first page's id."""
    run(svc, "file_ticket")
    [page_id] = {args[0] for _, args, _ in asked(svc, "deliver_page")}
    take(svc)
    return page_id


def test_a_page_whose_worker_died_mid_send_is_queued_again_and_sent_once(make):
    slack = RecordingChannel("slack")
    svc = make(channels_=channels(slack))
    incident_id = open_one(svc)
    page_id = lost_all_jobs(svc)
    set_page(svc, page_id, status="sending", claimed_at=svc.clock(), attempts=1)

    svc.clock.advance(SENDING_LEASE_S - 1)
    sweep(svc)
    assert asked(svc, "deliver_page") == []  # its lease is still held: the send may be alive

    svc.clock.advance(2)
    found = sweep(svc)
    assert found["pages"] == 1 and page(svc, page_id).status == "queued"
    run(svc, "deliver_page")
    assert [t for t, _ in slack.sent] == ["#acme-outage"]
    assert page(svc, page_id).status == "sent"


def test_a_queued_page_whose_job_was_lost_is_asked_for_once_it_is_overdue(make):
    svc = make()
    incident_id = open_one(svc)
    page_id = lost_all_jobs(svc)
    svc.clock.advance(OVERDUE_S - 1)
    sweep(svc)
    assert asked(svc, "deliver_page") == []  # its own job may still come on time
    svc.clock.advance(2)
    sweep(svc)
    assert asked(svc, "deliver_page") == [("deliver_page", (page_id,), 0)]


def test_a_ticket_whose_retry_was_lost_is_filed(make):
    tickets = RecordingTickets(TicketError("503"), Ticket(number="45400"))
    svc = make(tickets=tickets)
    incident_id = open_one(svc)
    run(svc, "file_ticket")
    [(_, _, delay)] = asked(svc, "file_ticket")
    take(svc)  # the retry's job is lost
    svc.clock.advance(delay + OVERDUE_S + 1)
    assert sweep(svc)["tickets"] == 1
    run(svc, "file_ticket")
    assert tickets.retrying == [False, True]


def test_an_incident_opened_without_its_pages_is_planned(make):
    svc = make()
    incident_id = open_one(svc, "P3")  # not paged, and planned: nothing to find
    with svc.db.session() as s:  # an opening cut short before it planned the pages
        s.execute(update(Incident).values(pages_planned=False, ticket_status="created"))
    take(svc)
    svc.clock.advance(STALE_S + 1)
    sweep(svc)
    assert asked(svc) == [("plan_pages", (incident_id,), 0)]


def test_a_lost_escalation_and_a_lost_wake_are_asked_for_when_due(make):
    svc = make()
    first, second = open_one(svc), open_one(svc)
    ownership.snooze(svc, second, "Jane", 15)
    with svc.db.session() as s:
        s.execute(update(Incident).values(ticket_status="created"))
    take(svc)
    svc.clock.advance(599)
    sweep(svc)
    assert asked(svc, "escalate") == [] and asked(svc, "wake") == []
    svc.clock.advance(301)
    sweep(svc)
    assert asked(svc, "escalate") == [("escalate", (first,), 0)]
    assert asked(svc, "wake") == [("wake", (second,), 0)]


def test_after_a_queue_outage_everything_unfinished_is_asked_for_at_once(make):
    svc = make()
    incident_id = open_one(svc)
    [(_, (page_id,), _)] = asked(svc, "deliver_page")
    take(svc)  # the queue took the ticket and page jobs, then went down with them
    svc.clock.advance(1)
    assert sweep(svc)["pages"] == 0  # a second old: the usual sweep leaves them to their jobs
    found = sweep(svc, grace=0)  # the queue is back: it may have lost anything it was given
    assert found["tickets"] == 1 and found["pages"] == 1
    assert asked(svc) == [("file_ticket", (incident_id,), 0), ("deliver_page", (page_id,), 0)]


def test_nothing_is_asked_for_when_nothing_was_lost(make):
    svc = make()
    open_one(svc)
    run(svc, "file_ticket", "deliver_page")
    run(svc, "ticket_note")  # the ended call's transcript, asked for once the ticket was there
    take(svc)
    svc.clock.advance(STALE_S + 1)
    found = sweep(svc)
    assert not any(v for k, v in found.items() if k != "escalations")
    assert [job for job, _, _ in asked(svc)] == []  # the first step is 10 minutes away
    svc.clock.advance(timedelta(minutes=10).total_seconds())
    assert sweep(svc)["escalations"] == 1
