"""Falling back: the rule's fallback route after FALLBACK_AFTER transient failures (or a permanent
one), and the MSP-wide default for a P1 whose every route failed."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.incidents.outcome import FALLBACK_AFTER, MAX_ATTEMPTS
from app.models import Incident
from app.paging import Delivery
from app.tickets import Ticket

from ..fakes.ports import RecordingChannel, RecordingTickets, channels
from .seen import asked, event, events, once_each, open_one, pages, run

DOWN = Delivery.transient("smtp: 451 try again later")
REFUSED = Delivery.permanent_error("smtp: 550 mailbox unavailable")
SECURITY = 1  # ACME's rule: email oncall@msp.example, fallback Slack #acme-security


def paged(make, email=(), slack=(), severity="P1", rule=SECURITY, **config):
    """An incident with its ticket filed, its first page not yet tried: (svc, email, slack, id)."""
    email_, slack_ = RecordingChannel("email", list(email)), RecordingChannel("slack", list(slack))
    svc = make(channels_=channels(email_, slack_), tickets=RecordingTickets(Ticket(number="45234")),
               **config)
    incident_id = open_one(svc, severity, rule, summary="Ransomware note on every screen")
    run(svc, "file_ticket")
    once_each(svc)
    return svc, email_, slack_, incident_id


def deliver_due(svc, rounds: int = 1) -> None:
    """`rounds` times: move the clock to the next page job that is due, and run every page job."""
    for _ in range(rounds):
        delays = [delay for _, _, delay in asked(svc, "deliver_page")]
        svc.clock.advance(min(delays) if delays else 0)
        run(svc, "deliver_page")


def test_the_fallback_is_paged_after_the_third_transient_failure_and_the_route_keeps_retrying(make):
    svc, email, slack, incident_id = paged(make, email=[DOWN] * FALLBACK_AFTER)
    deliver_due(svc, FALLBACK_AFTER - 1)
    assert pages(svc, incident_id) == [("page", "email", "oncall@msp.example", "queued")]

    deliver_due(svc)  # the third failure: the fallback is due at once
    assert pages(svc, incident_id) == [("page", "email", "oncall@msp.example", "queued"),
                                       ("fallback", "slack", "#acme-security", "queued")]
    assert [delay for _, _, delay in asked(svc, "deliver_page")].count(0) == 1
    run(svc, "deliver_page")
    [(target, message)] = slack.sent
    assert (target, message.ticket_number, message.summary) == (
        "#acme-security", "45234", "Ransomware note on every screen")

    deliver_due(svc)  # the first route's own retry still goes, and now gets through
    assert [t for t, _ in email.sent] == ["oncall@msp.example"]
    assert len(email.attempts) == FALLBACK_AFTER + 1


def test_a_permanent_failure_pages_the_fallback_at_once(make):
    svc, _, slack, incident_id = paged(make, email=[REFUSED])
    deliver_due(svc, 2)
    assert pages(svc, incident_id) == [("page", "email", "oncall@msp.example", "failed"),
                                       ("fallback", "slack", "#acme-security", "sent")]
    assert [t for t, _ in slack.sent] == ["#acme-security"]


@pytest.mark.parametrize("config, default", [
    ({"slack_webhook": "https://hooks.slack.example/T/B/X", "alert_email": "noc@msp.example"},
     ("default:slack", "slack", "", "sent")),
    ({"alert_email": "noc@msp.example"}, ("default:email", "email", "", "sent")),
])
def test_a_p1_whose_only_route_failed_alerts_the_msp_wide_default(make, config, default):
    svc, _, _, incident_id = paged(make, slack=[Delivery.permanent_error("slack: channel_not_found")],
                                   rule=0, **config)
    deliver_due(svc, 2)
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "failed"), default]
    assert event(svc, incident_id, "default_alerted")["method"] == default[1]


def test_a_p1_whose_fallback_failed_too_alerts_the_msp_wide_default(make):
    svc, _, slack, incident_id = paged(
        make, email=[REFUSED], slack=[Delivery.permanent_error("slack: channel_not_found")],
        slack_webhook="https://hooks.slack.example/T/B/X")
    deliver_due(svc, 3)
    assert pages(svc, incident_id) == [("page", "email", "oncall@msp.example", "failed"),
                                       ("fallback", "slack", "#acme-security", "failed"),
                                       ("default:slack", "slack", "", "sent")]
    assert [t for t, _ in slack.sent] == [""]  # NIGHTDESK_SLACK_WEBHOOK


def test_a_p1_whose_first_route_fails_last_alerts_the_msp_wide_default(make):
    svc, _, _, incident_id = paged(
        make, email=[DOWN] * MAX_ATTEMPTS, slack=[Delivery.permanent_error("slack: channel_not_found")],
        slack_webhook="https://hooks.slack.example/T/B/X", p1_delivery_deadline=3600)
    # The fallback comes with the third failure and is refused; the first route retries on.
    deliver_due(svc, MAX_ATTEMPTS + 1)
    assert pages(svc, incident_id)[:2] == [("page", "email", "oncall@msp.example", "failed"),
                                           ("fallback", "slack", "#acme-security", "failed")]
    # The first route's last failure was the last of them: the MSP-wide default goes now, not
    # at the hour's delivery deadline.
    assert ("default:slack", "slack", "", "queued") in pages(svc, incident_id)
    with svc.db.session() as session:
        opened = session.get(Incident, incident_id).created_at
    assert svc.clock() - opened < timedelta(minutes=15)  # the deadline is an hour
    deliver_due(svc)
    assert ("default:slack", "slack", "", "sent") in pages(svc, incident_id)


def test_with_no_msp_default_configured_a_p1_nobody_could_be_paged_for_is_recorded(make):
    svc, _, _, incident_id = paged(make, slack=[Delivery.permanent_error("slack: channel_not_found")],
                                   rule=0)
    deliver_due(svc)
    assert pages(svc, incident_id) == [("page", "slack", "#acme-outage", "failed")]
    assert events(svc, incident_id)[-1] == "unpaged"


def test_a_p2_whose_route_failed_does_not_wake_the_msp(make):
    svc, _, _, incident_id = paged(make, slack=[Delivery.permanent_error("slack: channel_not_found")],
                                   severity="P2", rule=2, slack_webhook="https://hooks.slack.example/x")
    deliver_due(svc)
    assert pages(svc, incident_id) == [("page", "slack", "#acme", "failed")]


def test_a_p1_still_undelivered_at_its_deadline_pages_the_fallback_while_the_route_retries(make):
    svc, _, slack, incident_id = paged(make, email=[DOWN] * 2)
    deliver_due(svc)
    # The first failure of a P1 asks for a check at its deadline, 60 s after it opened.
    [(_, (same,), delay)] = asked(svc, "delivery_deadline")
    assert same == incident_id and delay == 60.0
    svc.clock.advance(delay)
    run(svc, "delivery_deadline")
    assert ("fallback", "slack", "#acme-security", "queued") in pages(svc, incident_id)
    assert event(svc, incident_id, "delivery_deadline")["paged"] == "fallback"
