"""Delivering one page row: sent, retried after a transient failure, failed after a permanent one."""
from __future__ import annotations

from app.incidents import ownership
from app.incidents.dispatch import deliver_page
from app.incidents.outcome import MAX_ATTEMPTS
from app.paging import Delivery
from app.tickets import Ticket

from ..fakes.ports import RecordingChannel, RecordingTickets, channels
from .seen import asked, event, events, once_each, open_one, page, pages, run, take


def ticketed(make, *results: Delivery, severity: str = "P1", rule: int = 0, **kwargs):
    """An incident whose ticket 45234 exists, its first page not yet delivered: (svc, slack, id)."""
    slack = RecordingChannel("slack", list(results))
    svc = make(channels_=channels(slack), tickets=RecordingTickets(Ticket(number="45234")), **kwargs)
    incident_id = open_one(svc, severity, rule, summary="Dentrix server down")
    run(svc, "file_ticket")
    once_each(svc)
    return svc, slack, incident_id


def test_a_delivered_page_tells_the_target_what_happened_and_how_to_call_back(make):
    svc, slack, incident_id = ticketed(make)
    run(svc, "deliver_page")

    [(target, message)] = slack.sent
    assert target == "#acme-outage"
    assert (message.severity, message.customer, message.summary) == ("P1", "Acme Dental",
                                                                      "Dentrix server down")
    assert (message.callback_number, message.ticket_number, message.reference) == (
        "+15555550142", "45234", f"ND-{1000 + incident_id}")
    assert message.rule == "site-wide outage"
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "sent")]
    assert event(svc, incident_id, "paged")["attempts"] == 1


def test_a_page_runs_once_however_many_times_its_job_does(make):
    svc, slack, _ = ticketed(make)
    [(_, (page_id,), _)] = asked(svc, "deliver_page")
    for _ in range(3):
        deliver_page(svc, page_id)
    assert len(slack.sent) == 1


def test_a_transient_failure_queues_the_page_again_with_backoff(make):
    svc, slack, incident_id = ticketed(make, Delivery.transient("slack: 503"))
    [(_, (page_id,), _)] = asked(svc, "deliver_page")
    run(svc, "deliver_page")

    row = page(svc, page_id)
    assert (row.status, row.attempts, row.last_error) == ("queued", 1, "slack: 503")
    [(_, args, delay)] = asked(svc, "deliver_page")
    assert args == (page_id,) and 1.6 <= delay <= 2.4  # 2 s ± 20% after the first attempt
    assert event(svc, incident_id, "page_retry")["error"] == "slack: 503"

    svc.clock.advance(delay)
    run(svc, "deliver_page")
    assert page(svc, page_id).status == "sent" and len(slack.attempts) == 2


def test_a_retry_waits_at_least_as_long_as_the_vendor_asked(make):
    svc, _, _ = ticketed(make, Delivery.transient("slack: 429", retry_after=30.0))
    run(svc, "deliver_page")
    [(_, _, delay)] = asked(svc, "deliver_page")
    assert delay >= 30.0


def test_a_retry_woken_early_sleeps_on_and_sends_nothing(make):
    svc, slack, _ = ticketed(make, Delivery.transient("slack: 503"))
    run(svc, "deliver_page")
    [(_, (page_id,), delay)] = asked(svc, "deliver_page")
    take(svc)
    deliver_page(svc, page_id)  # before its time (a duplicate job, a skewed clock)
    assert len(slack.attempts) == 1
    [(_, _, left)] = asked(svc, "deliver_page")
    assert abs(left - delay) < 0.01


def test_a_permanent_failure_fails_the_page_and_retries_nothing(make):
    svc, slack, incident_id = ticketed(make, Delivery.permanent_error("slack: channel_not_found"),
                                       severity="P2", rule=2)
    [(_, (page_id,), _)] = asked(svc, "deliver_page")
    run(svc, "deliver_page")

    row = page(svc, page_id)
    assert (row.status, row.last_error) == ("failed", "slack: channel_not_found")
    assert event(svc, incident_id, "page_failed") == {
        "page": page_id, "method": "slack", "error": "slack: channel_not_found"}
    assert asked(svc, "deliver_page") == []
    assert pages(svc, incident_id) == [("page", "slack", "#acme", "failed")]  # a P2: no MSP alert


def test_a_page_that_keeps_failing_gives_up_after_max_attempts(make):
    svc, slack, incident_id = ticketed(make, *[Delivery.transient("slack: 503")] * MAX_ATTEMPTS,
                                       severity="P2", rule=2)
    for _ in range(MAX_ATTEMPTS):
        for _, _, delay in asked(svc, "deliver_page"):
            svc.clock.advance(delay)
        run(svc, "deliver_page")
    assert len(slack.attempts) == MAX_ATTEMPTS
    assert pages(svc, incident_id) == [("page", "slack", "#acme", "failed")]
    assert asked(svc, "deliver_page") == []


def test_a_waiting_page_is_cancelled_once_someone_acknowledges(make):
    svc, slack, incident_id = ticketed(make, Delivery.transient("slack: 503"))
    run(svc, "deliver_page")
    ownership.acknowledge(svc, incident_id, "Jane")
    for _, _, delay in asked(svc, "deliver_page"):
        svc.clock.advance(delay)
    run(svc, "deliver_page")

    assert len(slack.attempts) == 1  # nobody is woken for an incident someone owns
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "cancelled")]
    assert events(svc, incident_id)[-1] == "page_cancelled"


def test_a_first_page_waits_at_most_two_seconds_for_its_ticket(make):
    slack = RecordingChannel("slack")
    svc = make(channels_=channels(slack))
    open_one(svc)
    [(_, (page_id,), _)] = asked(svc, "deliver_page")
    take(svc)
    deliver_page(svc, page_id)
    [(_, (same, first_seen), delay)] = take(svc)
    assert same == page_id and delay == 2.0 and slack.sent == []

    svc.clock.advance(0.5)
    deliver_page(svc, page_id, first_seen)  # woken early: only what is left of the 2 s
    [(_, _, left)] = take(svc)
    assert abs(left - 1.5) < 0.01 and slack.sent == []
