"""A bounded fuzz of the voice and Slack endpoints: signed requests whose fields hold anything
(NULs, huge numbers, lists where dicts belong, ids longer than their columns) are answered with a
4xx or a normal answer, never a 5xx, on SQLite and on PostgreSQL alike."""
import json
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from slack_sdk.signature import SignatureVerifier

from .conftest import TwilioCaller

SECRET = "fuzz-test-signing-secret"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as a form can carry it: anything but lone surrogates (not UTF-8), NUL and controls included.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
long_text = st.one_of(text, st.builds(lambda s, n: s * n, text, st.integers(1, 200)))
sid = st.one_of(st.just("CA" + "0" * 32), st.just("CAfuzz0001"), text,
                st.builds(lambda n: "CA" + "f" * n, st.integers(0, 100)))
number = st.one_of(st.just("+15555550101"), st.just("+15555550142"), long_text)
big_int = st.one_of(st.integers(), st.integers(2**31 - 2, 2**31 + 2), st.integers(-10, 10))
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), big_int, st.floats(allow_nan=False), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=8)


@pytest.fixture
def app(make_app):
    return make_app({"slack_signing_secret": SECRET, "slack_bot_token": "xoxb-x",
                     "slack_api_url": "http://127.0.0.1:9/api/"})


def slack_post(client, path, body: str):
    ts = str(int(time.time()))
    sig = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded",
                       headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})


@FUZZ
@given(path=st.sampled_from(["/voice/incoming", "/voice/gather?turn=1", "/voice/gather?turn=2",
                             "/voice/next?turn=1", "/voice/status"]),
       fields=st.fixed_dictionaries({}, optional={
           "CallSid": sid, "AccountSid": st.one_of(st.just("AC" + "1" * 32), text), "From": number,
           "To": number, "Caller": number, "SpeechResult": long_text,
           "Confidence": st.one_of(text, st.floats().map(str)),
           "CallStatus": st.one_of(st.sampled_from(["completed", "in-progress", "busy"]), text)}))
def test_voice_webhooks_never_answer_5xx(app, path, fields):
    caller = TwilioCaller(app.test_client())
    caller.params = {k: v for k, v in caller.params.items() if k not in ("CallSid", "From", "To")}
    response = caller.post(path, **fields)
    assert response.status_code < 500, (path, fields, response.get_data(as_text=True)[:200])


action = st.fixed_dictionaries({}, optional={
    "action_id": st.one_of(st.sampled_from(["nightdesk_ack", "nightdesk_resolve", "nightdesk_snooze"]),
                           json_value),
    "value": st.one_of(big_int.map(str), json_value),
    "selected_option": st.one_of(st.builds(lambda a, b: {"value": f"{a}:{b}"}, big_int, big_int),
                                 json_value)})
view = st.fixed_dictionaries({}, optional={
    "callback_id": st.one_of(st.just("nightdesk_resolve"), json_value),
    "private_metadata": st.one_of(big_int.map(str), json_value),
    "state": st.one_of(st.builds(lambda v: {"values": {"note": {"note": {"value": v}}}},
                                 st.one_of(long_text, json_value)), json_value)})
interaction = st.one_of(json_value, st.fixed_dictionaries({}, optional={
    "type": st.one_of(st.sampled_from(["block_actions", "view_submission", "shortcut"]), json_value),
    "user": st.one_of(st.builds(lambda i: {"id": i}, st.one_of(st.just("U1"), text, json_value)),
                      json_value),
    "team": st.one_of(st.just({"id": "T1"}), json_value),
    "actions": st.one_of(st.lists(st.one_of(action, json_value), max_size=3), json_value),
    "view": st.one_of(view, json_value),
    "response_url": json_value, "trigger_id": json_value}))


@FUZZ
@given(payload=interaction)
def test_slack_interactions_never_answer_5xx(app, payload):
    with app.extensions["nightdesk"].db.session() as s:  # something for the buttons to act on
        from app.models import Incident
        if s.get(Incident, 1) is None:
            s.add(Incident(customer="Acme", severity="P1", summary="Server down"))
    response = slack_post(app.test_client(), "/slack/actions", urlencode({"payload": json.dumps(payload)}))
    assert response.status_code < 500, (payload, response.get_data(as_text=True)[:200])


@FUZZ
@given(form=st.fixed_dictionaries({}, optional={
    "text": st.one_of(st.builds(lambda verb, rest: f"{verb} {rest}",
                                st.sampled_from(["ack", "resolve", "incidents", "status", "test", "help"]),
                                long_text), long_text),
    "user_id": st.one_of(st.just("U1"), text), "team_id": st.one_of(st.just("T1"), text),
    "channel_id": st.one_of(st.just("C0123TEAM9"), text)}))
def test_slash_commands_never_answer_5xx(app, form):
    response = slack_post(app.test_client(), "/slack/commands", urlencode(form))
    assert response.status_code < 500, (form, response.get_data(as_text=True)[:200])
