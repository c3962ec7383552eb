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
