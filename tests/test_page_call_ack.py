"""Acknowledging from a phone-call page: the live Slack message and the ConnectWise ticket follow
(the same incident_changed path as a Slack button), a retried keypress acknowledges once, and of
two people acknowledging in two channels one wins and the other hears who did."""
import json
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import select

from app.incidents import sweep
from app.models import Event

from .conftest import drain
from .test_page_call import call_created, spoken, twiml, webhook
from .test_slack_app import CW, RUNBOOK, SECRET, block_action, incident, live_of, open_incident

ACCOUNT = "AC" + "a" * 32
CALLS = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
JANE = "+15555550111"
# The shipped Slack test runbook, with its first escalation step ringing whoever is on call.
CALL_RUNBOOK = RUNBOOK.replace('{method: sms, page: "{oncall}"}', '{method: call, page: "{oncall}"}') \
    .replace("slack: U0JANE", "slack: W111")


@pytest.fixture
def slack(slack):
    slack.emails = {"W111": "jane@msp.example", "W222": "bob@msp.example"}
    return slack


@pytest.fixture
def cw():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        mock.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
        mock.post(f"{CW}/service/tickets/45234/notes", json={"id": 1}, status=201)
        mock.patch(f"{CW}/service/tickets/45234", json={"id": 45234})
        mock.get(f"{CW}/system/members", json=[{"identifier": "jdoe"}])
        mock.post(CALLS, json=call_created(), status=201)
        yield mock


@pytest.fixture
def app(make_app, runbooks_dir, slack, cw):
    (runbooks_dir / "globex.yaml").write_text(CALL_RUNBOOK)
    return make_app({
        "slack_bot_token": "xoxb-test", "slack_api_url": slack.url + "/api/",
        "slack_signing_secret": SECRET, "slack_webhook_hosts": ("127.0.0.1",),
        "connectwise_base_url": CW, "connectwise_company": "msp", "connectwise_public_key": "p",
        "connectwise_private_key": "k", "connectwise_client_id": "c",
        "twilio_account_sid": ACCOUNT, "twilio_from_number": "+15555550999"})


@pytest.fixture
def rung(app, cw, clock):
    """A P1 nobody acknowledged in 5 minutes: the on-call technician's phone rings."""
    inc = open_incident(app)
    clock.advance(5 * 60 + 1)
    assert sweep(app.extensions["nightdesk"])["escalations"] == 1
    drain(app)
    [call] = [c for c in cw.calls if c.request.url == CALLS]
    assert parse_qs(call.request.body)["To"] == [JANE]
    page_id = int(parse_qs(call.request.body)["Url"][0].rsplit("=", 1)[1])
    return inc, page_id


def kinds(app, inc: int) -> list[str]:
    with app.extensions["nightdesk"].db.session() as s:
        return [e.kind for e in s.scalars(select(Event).where(Event.incident_id == inc))]


def test_pressing_1_acknowledges_once_updates_slack_and_notes_the_ticket(app, slack, cw, rung):
    inc, page_id = rung
    key = f"/voice/page/key?page={page_id}"
    first = twiml(webhook(app, key, Digits="1", To=JANE))
    retried = twiml(webhook(app, key, Digits="1", To=JANE))  # Twilio asked again
    assert spoken(first).startswith("Acknowledged. Thank you.")
    assert spoken(retried).startswith("Acknowledged. Thank you.")
    row = incident(app, inc)
    assert (row.status, row.acknowledged_by, row.next_escalation_at) == \
        ("acknowledged", f"phone:{JANE}", None)
    assert kinds(app, inc).count("acknowledged") == 1
    drain(app)
    update = slack.calls("chat.update")[-1]
    assert update["ts"] == live_of(app, inc)["ts"] and "Acknowledged by" in json.dumps(update["blocks"])
    notes = [c for c in cw.calls if c.request.url.endswith("/notes")]
    assert [n for n in notes if "Acknowledged by" in json.loads(n.request.body)["text"]]


def test_slack_first_then_the_phone_hears_who_got_there(app, slack, rung):
    inc, page_id = rung
    assert block_action(app, slack, "nightdesk_ack", str(inc), user="W111").status_code == 200
    late = twiml(webhook(app, f"/voice/page/key?page={page_id}", Digits="1", To="+15555550112"))
    assert spoken(late).startswith("Jane Doe already acknowledged it.")
    assert incident(app, inc).acknowledged_by == "slack:W111"
    assert kinds(app, inc).count("acknowledged") == 1
