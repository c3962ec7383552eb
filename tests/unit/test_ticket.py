"""Filing the ticket: created, retried with backoff after a transient failure, refused for good."""
from __future__ import annotations

from app.incidents.opening import file_ticket
from app.tickets import Ticket, TicketError

from ..fakes.ports import RecordingChannel, RecordingTickets, channels
from .seen import asked, event, events, incident, open_one, pages, run, take


def test_the_ticket_is_filed_with_the_runbooks_company_board_and_priority(make):
    tickets = RecordingTickets(Ticket(number="45234"))
    svc = make(tickets=tickets)
    incident_id = open_one(svc, "P1", 0, summary="Dentrix server down", caller_name="Dana")
    run(svc, "file_ticket")

    [request] = tickets.requests
    assert (request.reference, request.company, request.board, request.summary) == (
        f"ND-{1000 + incident_id}", "AcmeDental", "After Hours", "Dentrix server down")
    assert request.priority == "Priority 1 - Emergency Response"
    assert (request.contact_name, request.contact_phone) == ("Dana", "+15555550142")
    assert "Callback +15555550142" in request.description.replace("callback", "Callback")
    # What the caller said comes once, as the transcript note (the call has ended).
    assert "nobody can work" not in request.description
    run(svc, "ticket_note")
    [(number, note)] = tickets.notes
    assert number == "45234" and "Caller: The server is down and nobody can work" in note
    assert tickets.retrying == [False]
    row = incident(svc, incident_id)
    assert (row.ticket_status, row.ticket_number, row.ticket_error) == ("created", "45234", "")
    assert event(svc, incident_id, "ticket_created") == {"number": "45234", "system": "recording"}


def test_the_page_sent_after_the_ticket_carries_its_number(make):
    slack = RecordingChannel("slack")
    svc = make(channels_=channels(slack), tickets=RecordingTickets(Ticket(number="45234")))
    open_one(svc)
    run(svc, "file_ticket")
    run(svc, "deliver_page")

    [(target, message)] = slack.sent
    assert (target, message.ticket_number, message.kind) == ("#acme-outage", "45234", "page")


def test_a_page_that_went_out_before_the_ticket_is_followed_by_one_message_with_the_number(make):
    slack = RecordingChannel("slack")
    svc = make(channels_=channels(slack), tickets=RecordingTickets(Ticket(number="45234")))
    incident_id = open_one(svc)
    run(svc, "deliver_page")  # the ticket job beside it gets 2 s to bring the number
    [(_, (page_id, first_seen), delay)] = asked(svc, "deliver_page")
    assert delay == 2.0 and slack.sent == []
    svc.clock.advance(2.0)
    run(svc, "deliver_page")  # the ticket system is slow: the page goes without a number
    assert slack.sent[0][1].ticket_number == ""

    run(svc, "file_ticket")
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "sent"),
                                       ("ticket", "slack", "#acme-outage", "queued")]
    run(svc, "deliver_page")
    [(target, follow_up)] = slack.sent[1:]
    assert (target, follow_up.kind, follow_up.ticket_number) == ("#acme-outage", "ticket", "45234")


def test_a_transient_failure_schedules_a_retry_with_backoff_and_the_retry_files_it(make):
    tickets = RecordingTickets(TicketError("ConnectWise answered 503"), Ticket(number="45300"))
    svc = make(tickets=tickets)
    incident_id = open_one(svc)
    run(svc, "file_ticket")

    row = incident(svc, incident_id)
    assert (row.ticket_status, row.ticket_error) == ("pending", "ConnectWise answered 503")
    [(_, args, delay)] = asked(svc, "file_ticket")
    assert args == (incident_id,) and 4.0 <= delay <= 6.0  # 5 s ± 20% after the first attempt
    assert event(svc, incident_id, "ticket_delayed")["error"] == "ConnectWise answered 503"

    svc.clock.advance(delay)
    run(svc, "file_ticket")
    assert tickets.retrying == [False, True]  # the retry looks for a ticket the first one made
    assert (incident(svc, incident_id).ticket_status, incident(svc, incident_id).ticket_number) == \
        ("created", "45300")
    assert asked(svc, "file_ticket") == []


def test_the_backoff_grows_with_each_attempt_and_never_undercuts_retry_after(make):
    tickets = RecordingTickets(TicketError("503"), TicketError("503"),
                               TicketError("429", retry_after=90.0))
    svc = make(tickets=tickets)
    incident_id = open_one(svc)
    delays = []
    for _ in range(3):
        run(svc, "file_ticket")
        [(_, _, delay)] = asked(svc, "file_ticket")
        delays.append(delay)
        svc.clock.advance(delay)
    assert 4.0 <= delays[0] <= 6.0 and 8.0 <= delays[1] <= 12.0
    assert delays[2] >= 90.0
    assert incident(svc, incident_id).ticket_attempts == 3


def test_a_retry_woken_before_its_time_sleeps_on_without_calling_the_ticket_system(make):
    tickets = RecordingTickets(TicketError("503"))
    svc = make(tickets=tickets)
    incident_id = open_one(svc)
    run(svc, "file_ticket")
    [(_, _, delay)] = asked(svc, "file_ticket")
    take(svc)

    svc.clock.advance(1.0)
    file_ticket(svc, incident_id)  # a duplicate job, or the sweep
    assert len(tickets.requests) == 1
    [(_, _, left)] = asked(svc, "file_ticket")
    assert abs(left - (delay - 1.0)) < 0.01


def test_a_refused_ticket_is_failed_for_good_and_the_page_still_goes(make):
    slack = RecordingChannel("slack")
    tickets = RecordingTickets(TicketError("board 'After Hours' not found", permanent=True))
    svc = make(channels_=channels(slack), tickets=tickets)
    incident_id = open_one(svc)
    run(svc, "file_ticket")

    row = incident(svc, incident_id)
    assert (row.ticket_status, row.ticket_number) == ("failed", None)
    assert "ticket_refused" in events(svc, incident_id)
    assert asked(svc, "file_ticket") == []  # retrying the same request cannot help
    run(svc, "deliver_page")  # no grace to wait out: the ticket has failed
    [(target, message)] = slack.sent
    assert (target, message.ticket_number) == ("#acme-outage", "")

    file_ticket(svc, incident_id)  # the sweep or a duplicate job: never asked again
    assert len(tickets.requests) == 1
