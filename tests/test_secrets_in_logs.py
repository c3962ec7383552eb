"""No secret setting reaches a log line (at DEBUG, every library's included), /healthz or
/metrics: a whole call runs with every secret set, through the LLM, ConnectWise and Slack fakes,
with a button click and a queue outage on top."""
import base64
import json
import logging
import socket
import time
from urllib.parse import urlencode

import pytest
import responses
from slack_sdk.signature import SignatureVerifier

from app.jobs import make_huey
from app.models import Incident

from .conftest import TWILIO_TOKEN, TwilioCaller, drain
from .test_flow import CW

SECRETS = {
    "twilio_auth_token": TWILIO_TOKEN,  # the token the signed test requests use
    "openai_api_key": "sk-SECRET-openai-7c1e9b",
    "connectwise_public_key": "SECRETpub4d2a",
    "connectwise_private_key": "SECRET-cw-private-91fe03",
    "slack_bot_token": "xoxb-SECRET-bot-5a7c11",
    "slack_signing_secret": "SECRET-signing-0b3d77",
    "slack_client_secret": "SECRET-client-8e6f21",
    "smtp_password": "SECRET-smtp-2c9d40",
    "secret_key": "SECRET-nightdesk-key-64af0e",
}
REDIS_PASSWORD = "SECRET-redis-3f8a52"


def forbidden() -> list[str]:
    basic = base64.b64encode(f"msp+{SECRETS['connectwise_public_key']}:"
                             f"{SECRETS['connectwise_private_key']}".encode()).decode()
    return [*SECRETS.values(), basic, REDIS_PASSWORD]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@responses.activate
def test_no_secret_reaches_logs_healthz_or_metrics(make_app, slack, llm_server, caplog):
    caplog.set_level(logging.DEBUG)
    responses.add_passthru("http://127.0.0.1")
    responses.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
    llm_server.answer(action="final", severity="P1", rule=0, summary="Dentrix server down",
                      caller_name="Maria", reason="Nobody can see patients.")
    app = make_app({**SECRETS, "openai_base_url": llm_server.base_url, "triage_timeout": 2.0,
                    "connectwise_base_url": CW, "connectwise_company": "msp",
                    "connectwise_client_id": "guid", "slack_api_url": slack.url + "/api/",
                    "slack_webhook": slack.url + "/services/T0/B0/default",
                    "slack_webhook_hosts": ("127.0.0.1",), "smtp_host": "127.0.0.1",
                    "smtp_port": _closed_port(), "smtp_username": "nightdesk",
                    "alert_email": "noc@msp.example", "email_from": "nightdesk@msp.example"})
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Hi it's Maria, the Dentrix server is down "
                                                      "and nobody can see patients")
    drain(app)
    caller.post("/voice/next?turn=1")
    caller.post("/voice/status", CallStatus="completed")
    drain(app)
    with app.extensions["nightdesk"].db.session() as s:  # the vendors were really called
        incident = s.get(Incident, 1)
        assert (incident.triage["path"], incident.ticket_number) == ("llm", "45234")
        assert [p.status for p in incident.pages] == ["sent"]
    click = json.dumps({"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
                        "actions": [{"action_id": "nightdesk_ack", "value": "1"}]})
    body = urlencode({"payload": click})
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRETS["slack_signing_secret"]).generate_signature(timestamp=ts, body=body)
    assert app.test_client().post("/slack/actions", data=body, content_type="application/x-www-form-urlencoded",
                                  headers={"X-Slack-Request-Timestamp": ts,
                                           "X-Slack-Signature": signature}).status_code == 200
    drain(app)
    answers = [app.test_client().get("/healthz").get_data(as_text=True),
               app.test_client().get("/metrics").get_data(as_text=True)]
    reachable = app.extensions["huey"]
    app.extensions["huey"] = make_huey(f"redis://:{REDIS_PASSWORD}@127.0.0.1:{_closed_port()}/0",
                                       name="secrets-test")
    try:
        down = app.test_client().get("/healthz")
        assert down.status_code == 503
        answers += [down.get_data(as_text=True), app.test_client().get("/metrics").get_data(as_text=True)]
    finally:
        app.extensions["huey"] = reachable
    logged = caplog.text + "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in caplog.records)
    assert len(caplog.records) > 10  # DEBUG really was captured
    for secret in forbidden():
        assert secret not in logged, f"{secret!r} logged"
        for answer in answers:
            assert secret not in answer, f"{secret!r} in a health or metrics answer"
