"""Signed but malformed requests get a 4xx or a polite answer, never a 500."""
import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from .conftest import TwilioCaller

SECRET = "malformed-test-signing-secret"


@pytest.fixture
def app(make_app):
    return make_app({"slack_signing_secret": SECRET, "slack_bot_token": "xoxb-x",
                     "slack_api_url": "http://127.0.0.1:9/api/"})


@pytest.mark.parametrize("path, extra", [
    ("/voice/gather?turn=1", {"SpeechResult": "x" * 20000, "Confidence": "very"}),
    ("/voice/gather?turn=0", {"SpeechResult": "hello"}),
    ("/voice/gather?turn=99", {"SpeechResult": "hello"}),
    ("/voice/gather", {"SpeechResult": "hello"}),
    ("/voice/next?turn=1", {}),
    ("/voice/next?turn=-3", {}),
    ("/voice/next?turn=99999999999999", {}),
    ("/voice/gather?turn=99999999999999", {"SpeechResult": "hello"}),
    ("/voice/status", {"CallStatus": "🤷"}),
    ("/voice/incoming", {"From": "anonymous", "To": "client:alice"}),
])
def test_signed_but_odd_twilio_requests_never_500(app, path, extra):
    caller = TwilioCaller(app.test_client())
    response = caller.post(path, **extra)
    assert response.status_code < 500, response.get_data(as_text=True)[:200]


def signed(app, path, body):
    ts = str(int(time.time()))
    sig = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    return app.test_client().post(path, data=body, content_type="application/x-www-form-urlencoded",
                                  headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nightdesk_ack", "value": "abc"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nightdesk_ack", "value": "424242"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nightdesk_ack",
                                                                 "value": "99999999999999"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nightdesk_snooze",
                                                                 "selected_option": {"value": "1:7"}}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nightdesk_resolve", "value": "1"}]},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "nightdesk_resolve",
                                                              "private_metadata": "x"}},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "nightdesk_resolve",
                                                              "private_metadata": "424242"}},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "nightdesk_resolve",
                                                              "private_metadata": "99999999999999"}},
    {"type": "shortcut", "user": {"id": "U1"}},
    {"type": "block_actions"},
    ["not", "an", "object"],
])
def test_signed_but_odd_slack_interactions_never_500(app, payload):
    response = signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code < 500, response.get_data(as_text=True)[:200]


@pytest.mark.parametrize("text", ["ack", "ack nonsense", "resolve", "resolve ND-", "incidents extra",
                                  "oncall now", "status please", "x" * 5000, "ack ND-99999999999"])
def test_signed_but_odd_commands_answer_politely(app, text):
    response = signed(app, "/slack/commands", urlencode({"text": text, "user_id": "U1"}))
    assert response.status_code == 200 and response.get_json()["text"]


# --- Every input is bounded (issue 10, point 7) -------------------------------------------------

def _call(app, sid):
    from app.models import Call
    from sqlalchemy import select
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(Call).where(Call.call_sid == sid))


def _turns(app, sid):
    from app.models import Call, Turn
    from sqlalchemy import select
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalars(select(Turn).join(Call).where(Call.call_sid == sid)).all()


def test_a_5_mb_speech_field_is_refused_with_413_at_once(app):
    caller = TwilioCaller(app.test_client())
    started = time.monotonic()
    response = caller.post("/voice/gather?turn=1", SpeechResult="my server is down " * 300_000)
    assert response.status_code == 413
    assert time.monotonic() - started < 5
    assert _call(app, caller.params["CallSid"]) is None  # nothing half-stored


def test_a_large_slack_payload_is_refused_with_413(app):
    payload = {"type": "block_actions", "user": {"id": "U1"}, "padding": "x" * 100_000}
    assert signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)})).status_code == 413


def test_the_size_limit_is_a_setting(make_app):
    app = make_app({"max_request_bytes": 200 * 1024})
    caller = TwilioCaller(app.test_client())
    response = caller.post("/voice/gather?turn=1", SpeechResult="server down " * 8000)  # ~96 KB
    assert response.status_code == 200 and "<Redirect" in response.get_data(as_text=True)


@pytest.mark.parametrize("field, value", [
    ("CallSid", "CA" + "f" * 70),            # over the 64-character column
    ("CallSid", "CA12\x0034"),               # a NUL
    ("CallSid", "CA 1234; DROP"),
    ("AccountSid", "AC" + "1" * 80),
    ("AccountSid", "AC\x00"),
])
@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/gather?turn=1", "/voice/status"])
def test_a_malformed_twilio_id_is_refused_with_400(app, path, field, value):
    caller = TwilioCaller(app.test_client())
    response = caller.post(path, **{field: value, "SpeechResult": "server down",
                                    "CallStatus": "completed"})
    assert response.status_code == 400, response.get_data(as_text=True)[:200]


@pytest.mark.parametrize("number", ["+1" + "5" * 80, "+1555\x00555", "\x00"])
def test_a_caller_number_that_cannot_be_one_is_treated_as_withheld(app, number):
    caller = TwilioCaller(app.test_client(), from_=number)
    response = caller.post("/voice/incoming")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<Gather" in body  # the caller is greeted
    response = caller.post("/voice/gather?turn=1", SpeechResult="Our server is down")
    assert response.status_code == 200 and "<Redirect" in response.get_data(as_text=True)
    assert _call(app, caller.params["CallSid"]).from_number == ""


def test_an_unknown_to_number_that_cannot_be_one_still_answers(app):
    caller = TwilioCaller(app.test_client(), to="+1" + "5" * 100)
    response = caller.post("/voice/incoming")
    assert response.status_code == 200 and "<Response>" in response.get_data(as_text=True)


def test_a_nul_in_speech_keeps_the_turn_without_it(app):
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    response = caller.post("/voice/gather?turn=1", SpeechResult="our email\x00 server is down\x00")
    assert response.status_code == 200 and "<Redirect" in response.get_data(as_text=True)
    [turn] = _turns(app, caller.params["CallSid"])
    assert turn.speech == "our email server is down"


def test_long_speech_is_kept_capped(app):
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    response = caller.post("/voice/gather?turn=1", SpeechResult="the server is down " * 1000)
    assert response.status_code == 200
    [turn] = _turns(app, caller.params["CallSid"])
    assert turn.speech.startswith("the server is down") and len(turn.speech) == 2000


@pytest.mark.parametrize("confidence", ["nan", "inf", "-1", "1e308"])
def test_an_impossible_confidence_is_dropped(app, confidence):
    caller = TwilioCaller(app.test_client())
    response = caller.post("/voice/gather?turn=1", SpeechResult="server down", Confidence=confidence)
    assert response.status_code == 200
    [turn] = _turns(app, caller.params["CallSid"])
    assert turn.confidence is None


@pytest.mark.parametrize("status", ["x" * 100, "completed\x00", "🤷"])
def test_an_unknown_call_status_is_refused(app, status):
    response = TwilioCaller(app.test_client()).post("/voice/status", CallStatus=status)
    assert response.status_code == 400


def _open_incident(app) -> int:
    from app.models import Incident
    with app.extensions["nightdesk"].db.session() as s:
        incident = Incident(customer="Acme", severity="P1", summary="Server down")
        s.add(incident)
        s.flush()
        return incident.id


ACK, SNOOZE, RES = "nightdesk_ack", "nightdesk_snooze", "nightdesk_resolve"


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "user": {"id": "U1"}, "actions": {"action_id": ACK, "value": "1"}},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": ["nightdesk_ack"]},
    {"type": "block_actions", "user": {"id": "U1"}, "team": "T1", "actions": []},
    {"type": "block_actions", "user": "U1", "actions": []},
    {"type": "block_actions", "user": {"id": ["U1"]}, "actions": []},
    {"type": "block_actions", "user": {"id": "U" * 200}, "actions": [{"action_id": ACK, "value": "1"}]},
    {"type": "block_actions", "user": {"id": "U1\x00"}, "actions": [{"action_id": ACK, "value": "1"}]},
    {"type": "block_actions", "user": {"id": 12345}, "actions": []},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": [1]}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": 1}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": SNOOZE,
                                                                 "selected_option": "1:15"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "response_url": ["x"], "actions": []},
    {"type": "view_submission", "user": {"id": "U1"}, "view": ["nightdesk_resolve"]},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": RES, "private_metadata": 1}},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": RES, "private_metadata": "1",
                                                              "state": {"values": ["note"]}}},
    {"type": 7, "user": {"id": "U1"}},
    "a string",
    12,
])
def test_malformed_slack_interactions_are_refused_with_400(app, payload):
    _open_incident(app)
    response = signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code == 400, response.get_data(as_text=True)[:200]


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": "9" * 30}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": "2147483648"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": "-1"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": ACK, "value": "1\x00"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": SNOOZE,
                                                                 "selected_option": {"value": "1:" + "9" * 30}}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": SNOOZE,
                                                                 "selected_option": {"value": "2147483648:15"}}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": RES, "value": "9" * 30}]},
])
def test_impossible_incident_numbers_are_told_politely(app, payload):
    _open_incident(app)
    response = signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code == 200


@pytest.mark.parametrize("metadata", ["9" * 30, "2147483648", "0", "1\x00"])
def test_a_resolve_form_with_an_impossible_incident_is_refused(app, metadata):
    _open_incident(app)
    payload = {"type": "view_submission", "user": {"id": "U1"},
               "view": {"callback_id": RES, "private_metadata": metadata}}
    response = signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code == 400


def test_a_nul_in_the_resolve_note_is_taken_out(app):
    from app.models import Incident
    incident_id = _open_incident(app)
    payload = {"type": "view_submission", "user": {"id": "U1"},
               "view": {"callback_id": RES, "private_metadata": str(incident_id),
                        "state": {"values": {"note": {"note": {"value": "rebooted\x00 the switch"}}}}}}
    response = signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code == 200
    with app.extensions["nightdesk"].db.session() as s:
        incident = s.get(Incident, incident_id)
    assert (incident.status, incident.resolution_note) == ("resolved", "rebooted the switch")


@pytest.mark.parametrize("form", [
    {"text": "ack ND-1001", "user_id": "U" * 200},
    {"text": "ack ND-1001", "user_id": "U1\x00"},
    {"text": "help"},
    {"text": "test", "user_id": "U1", "channel_id": "C" * 100},
    {"text": "test", "user_id": "U1", "team_id": "T1\x00"},
])
def test_malformed_slash_commands_are_refused_with_400(app, form):
    response = signed(app, "/slack/commands", urlencode(form))
    assert response.status_code == 400


def test_a_nul_in_a_slash_command_note_is_taken_out(app):
    from app.models import Incident
    incident_id = _open_incident(app)
    response = signed(app, "/slack/commands", urlencode({
        "text": f"resolve ND-{1000 + incident_id} fixed\x00 it", "user_id": "U1"}))
    assert response.status_code == 200 and "resolved by" in response.get_json()["text"]
    with app.extensions["nightdesk"].db.session() as s:
        assert s.get(Incident, incident_id).resolution_note == "fixed it"


def test_the_size_limit_setting_is_validated():
    from app.config import Config, ConfigError
    assert Config.from_env({"NIGHTDESK_MAX_REQUEST_BYTES": "131072"}).max_request_bytes == 131072
    assert Config.from_env({}).max_request_bytes == 65536
    with pytest.raises(ConfigError, match="NIGHTDESK_MAX_REQUEST_BYTES: expected a number of bytes"):
        Config.from_env({"NIGHTDESK_MAX_REQUEST_BYTES": "lots"})
