"""Phone-call pages (method: call) at Twilio's boundary: the Calls API faked with `responses`
from Twilio's own sample, and the call's webhooks signed as Twilio signs them (forged: 403)."""
import dataclasses
import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import select

from app.models import Event, Page
from app.paging.call import CallChannel

from .conftest import SAMPLES, drain, sign
from .test_channels import ACCOUNT, MESSAGE
from .test_paging import open_p1

BASE = "https://nightdesk.example"
CALLS_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
SID = "CA" + "b" * 32
TECH, LINE, FROM = "+15555550199", "+15555550303", "+14155552345"
# Every AnsweredBy value Twilio sends that is no person.
MACHINES = [value for value in json.loads(
    (SAMPLES / "twilio" / "call_amd_and_event_enums.json").read_text())["answered_by"]
    if value not in ("human", "unknown")]


def call_created(sid: str = SID) -> dict:
    """Twilio's 201 for a new call (the spec's example, as a fresh POST returns it)."""
    sample = json.loads((SAMPLES / "twilio" / "call_create_201.json").read_text())
    return {**sample, "sid": sid, "status": "queued", "direction": "outbound-api", "to": TECH,
            "from": FROM, "answered_by": None, "duration": None}


@pytest.fixture
def app(make_app, runbooks_dir, slack):
    (runbooks_dir / "globex.yaml").write_text(f"""name: Globex
match:
  numbers: ["{LINE}"]
escalation_rules:
  - trigger: "anything urgent"
    page: "{TECH}"
    method: call
    fallback: {{page: "{slack.url}/services/globex/backup", method: slack}}
""")
    return make_app({"twilio_account_sid": ACCOUNT, "twilio_from_number": FROM,
                     "slack_webhook_hosts": ("127.0.0.1",)})


def pages(app) -> list[Page]:
    with app.extensions["nightdesk"].db.session() as s:
        return list(s.scalars(select(Page).order_by(Page.id)))


def events(app, kind: str) -> list[dict]:
    with app.extensions["nightdesk"].db.session() as s:
        return [e.detail for e in s.scalars(select(Event).where(Event.kind == kind))]


def webhook(app, path: str, signature: str | None = None, **fields):
    """Twilio's request for the technician's leg of the call (an outbound-api call)."""
    params = {"CallSid": SID, "AccountSid": ACCOUNT, "From": FROM, "To": TECH,
              "CallStatus": "in-progress", "Direction": "outbound-api", "ApiVersion": "2010-04-01",
              **fields}
    headers = {"X-Twilio-Signature": sign(BASE + path, params) if signature is None else signature}
    return app.test_client().post(path, data=params, headers=headers, base_url=BASE)


def twiml(response) -> ET.Element:
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ET.fromstring(response.get_data(as_text=True))


def spoken(root: ET.Element) -> str:
    return " ".join(node.text or "" for node in root.iter("Say"))


@pytest.fixture
def called(app):
    """One P1 paged by phone; Twilio accepted the call (201 queued)."""
    with responses.RequestsMock() as twilio:
        twilio.post(CALLS_URL, json=call_created(), status=201)
        incident_id = open_p1(app, LINE, summary="Server down for everyone")
        drain(app)
        form = parse_qs(twilio.calls[0].request.body)
    [page] = pages(app)
    assert (page.method, page.status, page.receipt["sid"]) == ("call", "sent", SID)
    return page, form, incident_id


def test_the_call_is_created_with_our_webhooks_and_asynchronous_machine_detection(called):
    page, form, _ = called
    q = f"?page={page.id}"
    assert form["To"] == [TECH] and form["From"] == [FROM]
    assert form["Url"] == [f"{BASE}/voice/page/answer{q}"] and form["Method"] == ["POST"]
    assert form["StatusCallback"] == [f"{BASE}/voice/page/status{q}"]
    assert form["StatusCallbackEvent"] == ["completed"]
    assert form["MachineDetection"] == ["DetectMessageEnd"] and form["AsyncAmd"] == ["true"]
    assert form["AsyncAmdStatusCallback"] == [f"{BASE}/voice/page/amd{q}"]
    assert "Twiml" not in form and "test-twilio-auth-token" not in json.dumps(form)


def test_the_answer_speaks_the_page_and_gathers_one_key(app, called):
    page, _, _ = called
    root = twiml(webhook(app, f"/voice/page/answer?page={page.id}"))
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("input") == "dtmf"
    assert gather.get("action") == f"{BASE}/voice/page/key?page={page.id}"
    said = spoken(gather)
    for words in ("Customer: Globex.", "Severity: P1.", "The problem: Server down for everyone.",
                  "Press 1 to acknowledge", "Press 0 to connect to the caller now"):
        assert words in said
    assert "5 5 5, 5 5 5, 0 1 4 2" in said  # the callback number, digit by digit
    assert len(gather.findall("Pause")) >= 5  # read slowly: a pause after every sentence
    # No key: read again, then goodbye after the last round.
    assert root.find("Redirect").text.endswith(f"/voice/page/answer?page={page.id}&round=2")
    last = twiml(webhook(app, f"/voice/page/answer?page={page.id}&round=3"))
    assert last.find("Redirect") is None and last.find("Hangup") is not None


def test_a_person_who_answers_is_recorded_and_the_page_stays_sent(app, called):
    page, _, _ = called
    assert webhook(app, f"/voice/page/amd?page={page.id}", AnsweredBy="human").status_code == 204
    assert pages(app)[0].status == "sent"
    assert events(app, "call_answered") == [{"page": page.id, "answered_by": "human"}]


@pytest.mark.parametrize("answered_by", MACHINES)
def test_a_machine_gets_a_short_message_and_escalation_continues(app, called, clock, answered_by):
    page, _, _ = called
    response = webhook(app, f"/voice/page/amd?page={page.id}", AnsweredBy=answered_by)
    assert response.status_code == 204
    [row] = pages(app)
    assert row.status == "queued" and f"answered by {answered_by.replace('_', ' ')}" in row.last_error
    with responses.RequestsMock() as twilio:
        update = twilio.post(CALLS_URL.replace(".json", f"/{SID}.json"), json=call_created(), status=200)
        again = twilio.post(CALLS_URL, json=call_created("CA" + "c" * 32), status=201)
        drain(app)  # the voicemail job: the live call says a short message and hangs up
        assert update.call_count == 1 and again.call_count == 0
        left = ET.fromstring(parse_qs(twilio.calls[0].request.body)["Twiml"][0])
        assert "urgent P1 page for Globex" in spoken(left) and left.find("Hangup") is not None
        assert "Server down" not in spoken(left)  # no caller's details on a voicemail
        clock.advance(120)
        drain(app, scheduled=True)  # not acknowledged: the technician is rung again
        assert again.call_count == 1
    assert pages(app)[0].attempts == 2 and events(app, "acknowledged") == []


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_no_answer_busy_and_failed_are_failed_deliveries(app, called, status):
    page, _, _ = called
    assert webhook(app, f"/voice/page/status?page={page.id}", CallStatus=status).status_code == 204
    [row] = pages(app)
    assert row.status == "queued" and row.last_error == f"call: {status}"
    assert events(app, "page_undelivered")[0]["error"] == f"call: {status}"


def test_a_completed_call_and_a_report_about_an_older_call_change_nothing(app, called):
    page, _, _ = called
    assert webhook(app, f"/voice/page/status?page={page.id}", CallStatus="completed").status_code == 204
    stale = webhook(app, f"/voice/page/status?page={page.id}", CallSid="CA" + "d" * 32,
                    CallStatus="busy")
    assert stale.status_code == 204 and pages(app)[0].status == "sent"


def test_forged_and_malformed_webhooks_change_nothing(app, called):
    page, _, _ = called
    path = f"/voice/page/amd?page={page.id}"
    assert webhook(app, path, signature="forged", AnsweredBy="machine_start").status_code == 403
    assert webhook(app, path, signature="", AnsweredBy="machine_start").status_code == 403
    other = sign(f"{BASE}/voice/page/amd?page={page.id + 1}", {"AnsweredBy": "machine_start"})
    assert webhook(app, path, signature=other, AnsweredBy="machine_start").status_code == 403
    assert webhook(app, f"/voice/page/key?page={page.id}", signature="forged",
                   Digits="1").status_code == 403
    assert webhook(app, path, AnsweredBy="robot").status_code == 400
    assert webhook(app, "/voice/page/amd?page=abc", AnsweredBy="human").status_code == 400
    assert webhook(app, "/voice/page/amd?page=424242", AnsweredBy="human").status_code == 404
    assert webhook(app, f"/voice/page/key?page={page.id}", Digits="x").status_code == 400
    assert pages(app)[0].status == "sent" and events(app, "acknowledged") == []


def test_keys_2_3_and_9_resolve_snooze_once_and_repeat(app, called):
    page, _, incident_id = called
    key = f"/voice/page/key?page={page.id}"
    repeat = twiml(webhook(app, key, Digits="9"))
    assert "Customer: Globex." in spoken(repeat) and events(app, "snoozed") == []
    first, retried = twiml(webhook(app, key, Digits="3")), twiml(webhook(app, key, Digits="3"))
    assert spoken(first).startswith("Snoozed for 30 minutes. Thank you.")
    assert spoken(retried).startswith("Snoozed until ")
    assert len(events(app, "snoozed")) == 1
    resolved = twiml(webhook(app, key, Digits="2"))
    assert spoken(resolved).startswith("Resolved. Thank you.")
    assert [e["by"] for e in events(app, "resolved")] == [f"phone:{TECH}"]
    assert "It is already resolved by the phone ending 0 1 9 9." in spoken(resolved)


def test_0_puts_the_technician_through_to_the_caller_from_the_after_hours_line(app, called):
    page, _, _ = called
    root = twiml(webhook(app, f"/voice/page/key?page={page.id}", Digits="0"))
    dial = root.find("Dial")
    assert dial.get("callerId") == LINE
    number = dial.find("Number")
    assert number.text == "+15555550142"  # the caller's callback number
    assert number.get("url") == f"{BASE}/voice/page/whisper?page={page.id}"
    assert [e["by"] for e in events(app, "acknowledged")] == [f"phone:{TECH}"]
    whisper = twiml(webhook(app, f"/voice/page/whisper?page={page.id}", To="+15555550142"))
    said = spoken(whisper)
    assert said.startswith("This is your IT provider's on-call technician about your call at ")
    assert said.rstrip(".").endswith(("AM", "PM"))


def channel(**kw) -> CallChannel:
    return CallChannel(account_sid=ACCOUNT, auth_token="tok", from_number=FROM, **kw)


@responses.activate
def test_twilio_api_url_is_honoured_and_a_rehearsal_speaks_inline():
    proxy = f"https://twilio-proxy.example/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    responses.post(proxy, json=call_created(), status=201)
    sent = channel(api_url="https://twilio-proxy.example", webhook_base=BASE + "/voice/page") \
        .send(TECH, MESSAGE)  # no page row (runbooks test-page): nothing for webhooks to find
    assert sent.sent and sent.receipt == {"sid": SID}
    form = parse_qs(responses.calls[0].request.body)
    assert "Url" not in form and "MachineDetection" not in form
    said = spoken(ET.fromstring(form["Twiml"][0]))
    assert "Customer: Acme Dental." in said and said.endswith("This was a test. Goodbye.")


@responses.activate
def test_a_refused_number_is_permanent_and_missing_settings_are_named():
    responses.post(CALLS_URL, status=400, json={
        "code": 21211, "message": "The 'To' number +1555 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
    refused = channel(webhook_base=BASE).send(TECH, MESSAGE)
    assert refused.permanent and "21211" in refused.error
    paged = dataclasses.replace(MESSAGE, page_id=7)
    assert "PUBLIC_BASE_URL" in channel().send(TECH, paged).error
    assert "TWILIO_FROM_NUMBER" in CallChannel().send(TECH, paged).error


def test_a_call_page_is_an_e164_number_or_the_default():
    assert channel().check_target(TECH) is None and channel().check_target("") is None
    assert "E.164" in channel().check_target("555-0199")
