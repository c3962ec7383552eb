"""Someone owns the incident: its phone-call pages still ringing are cancelled, once, whoever
acknowledged or resolved and from wherever; a call that could not be cancelled keeps its row."""
from __future__ import annotations

import logging

from app.incidents import ownership
from app.incidents.ringing import cancel_ringing
from app.paging import Delivery

from ..fakes.ports import RecordingChannel, channels, runbook
from .seen import asked, event, events, open_one, pages, run

PHONE = "+15555550123"
CALLING = f"""
customer: acme
escalation_rules:
  - trigger: site-wide outage
    method: call
    page: "{PHONE}"
"""


class Calls:
    """The LiveCall port, answering cancels from a script (then "cancelled")."""

    def __init__(self, *script: Delivery):
        self.script, self.cancelled = list(script), []

    def say_and_hang_up(self, call_sid: str, text: str) -> Delivery:
        return Delivery.ok(sid=call_sid)

    def cancel(self, call_sid: str) -> Delivery:
        self.cancelled.append(call_sid)
        return self.script.pop(0) if self.script else Delivery.ok(sid=call_sid)


def ringing(make, *script: Delivery):
    registry = channels(RecordingChannel("call", [Delivery.ok(sid="CA1")]))
    registry.calls = Calls(*script)
    svc = make(runbook(CALLING), channels_=registry)
    incident_id = open_one(svc)
    run(svc, "file_ticket", "deliver_page")
    assert [p[3] for p in pages(svc, incident_id)] == ["sent"]
    return svc, registry.calls, incident_id


def test_resolving_elsewhere_cancels_the_ringing_call_once(make):
    svc, calls, incident_id = ringing(make)
    ownership.resolve(svc, incident_id, "slack:U1")
    assert len(asked(svc, "cancel_calls")) == 1
    run(svc, "cancel_calls")
    assert calls.cancelled == ["CA1"] and [p[3] for p in pages(svc, incident_id)] == ["cancelled"]
    assert event(svc, incident_id, "call_cancelled")["incident"] == "resolved"
    assert cancel_ringing(svc, incident_id) == 0  # a retried job: nothing left to cancel
    assert calls.cancelled == ["CA1"] and events(svc, incident_id).count("call_cancelled") == 1


def test_a_snooze_rings_on(make):
    svc, calls, incident_id = ringing(make)
    ownership.snooze(svc, incident_id, "slack:U1", 30)
    assert asked(svc, "cancel_calls") == []


def test_twilio_unreachable_is_logged_and_the_row_still_says_sent(make, caplog):
    svc, calls, incident_id = ringing(make, Delivery.transient("call: Twilio unreachable (ConnectError)"))
    ownership.acknowledge(svc, incident_id, "sms:+15555550111")
    with caplog.at_level(logging.WARNING):
        run(svc, "cancel_calls")
    assert calls.cancelled == ["CA1"] and [p[3] for p in pages(svc, incident_id)] == ["sent"]
    assert "call_cancelled" not in events(svc, incident_id)
    assert "could not be cancelled: call: Twilio unreachable" in caplog.text
