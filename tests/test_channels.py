"""Email (a real SMTP server, aiosmtpd), SMS (Twilio REST via `responses`) and Teams (a loopback
fake of a Workflows webhook), each through its real channel module."""
import email
import json
import socket
from email import policy

import pytest
import responses
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.paging import PageMessage
from app.paging.email import EmailChannel
from app.paging.sms import SEGMENT, SmsChannel, septets
from app.paging.teams import TeamsChannel

from .conftest import SAMPLES
from .fakes.http import FakeServer, Reply

MESSAGE = PageMessage(severity="P1", customer="Acme Dental", summary="Dentrix server down",
                      callback_number="+15555550142", ticket_number="45234", reference="ND-1001",
                      details="Nobody can see patients at any clinic.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self, refuse: str = ""):
        self.messages = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    inbox = Inbox(refuse="nobody@msp.example")
    port = free_port()

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"nightdesk" and auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)  # let the server answer 535

    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check,
                            auth_require_tls=False)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def mailer(smtp, **kw) -> EmailChannel:
    options = {"host": "127.0.0.1", "port": smtp.port, "starttls": False,
               "sender": "nightdesk@msp.example", "username": "nightdesk", "password": "right", **kw}
    return EmailChannel(**options)


def test_email_arrives_with_subject_both_parts_and_threading_headers(smtp):
    channel = mailer(smtp)
    assert channel.send("oncall@msp.example", MESSAGE).sent
    assert channel.send("oncall@msp.example", MESSAGE).sent
    (to, first), (_, second) = smtp.messages
    assert to == ["oncall@msp.example"]
    assert first["Subject"] == "[P1] Acme Dental — Dentrix server down"
    assert first.get_body(("plain",)).get_content().splitlines()[:2] == [
        "P1 · Acme Dental · Dentrix server down", "Callback +15555550142 · Ticket 45234 · Ref ND-1001"]
    assert "<b>P1 · Acme Dental · Dentrix server down</b>" in first.get_body(("html",)).get_content()
    assert first["Message-ID"] != second["Message-ID"]
    assert first["In-Reply-To"] == second["In-Reply-To"] == "<nd-1001@msp.example>"


def test_email_html_escapes_caller_words(smtp):
    evil = PageMessage(severity="P1", customer="Acme", summary="<script>alert(1)</script>")
    mailer(smtp).send("oncall@msp.example", evil)
    html = smtp.messages[0][1].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_email_without_a_page_goes_to_the_msp_alert_address(smtp):
    assert mailer(smtp, default_to="alerts@msp.example").send("", MESSAGE).sent
    assert smtp.messages[0][0] == ["alerts@msp.example"]


def test_smtp_auth_failure_is_permanent_and_says_so(smtp):
    result = mailer(smtp, password="wrong").send("oncall@msp.example", MESSAGE)
    assert result.permanent and "SMTP auth failed" in result.error
    assert "wrong" not in result.error


def test_a_refused_recipient_is_permanent(smtp):
    result = mailer(smtp).send("nobody@msp.example", MESSAGE)
    assert result.permanent and "550" in result.error


def test_starttls_is_on_by_default_and_a_server_without_it_is_reported(smtp):
    result = mailer(smtp, starttls=True).send("oncall@msp.example", MESSAGE)
    assert result.permanent and "STARTTLS" in result.error
    assert smtp.messages == []


def test_an_unreachable_smtp_server_is_transient():
    result = EmailChannel(host="127.0.0.1", port=free_port(), timeout=2).send("a@b.example", MESSAGE)
    assert not result.sent and not result.permanent


ACCOUNT = "AC" + "a" * 32
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


def sms(**kw) -> SmsChannel:
    return SmsChannel(account_sid=ACCOUNT, auth_token="tok", from_number="+14155552345", **kw)


@responses.activate
def test_sms_goes_through_the_messages_api_and_fits_two_segments():
    sample = json.loads((SAMPLES / "twilio" / "message_create_201.json").read_text())
    responses.post(MESSAGES_URL, json=sample, status=201)
    long = PageMessage(severity="P1", customer="Acme Dental", summary="S" * 100,
                       callback_number="+15555550142", ticket_number="45234", reference="ND-1001")
    result = sms().send("+15555550199", long)
    assert result.sent and result.receipt["sid"] == sample["sid"]
    [call] = responses.calls
    form = dict(x.split("=", 1) for x in call.request.body.split("&"))
    assert form["To"] == "%2B15555550199" and form["From"] == "%2B14155552345"
    body = responses.calls[0].request.body
    from urllib.parse import parse_qs
    text = parse_qs(body)["Body"][0]
    assert septets(text) <= SEGMENT
    assert text.startswith("P1 Acme Dental: ") and "Callback +15555550142" in text


@responses.activate
def test_sms_honours_twilio_api_url():
    responses.post(f"https://twilio-proxy.example/2010-04-01/Accounts/{ACCOUNT}/Messages.json",
                   json={"sid": "SM1", "status": "queued"}, status=201)
    assert sms(api_url="https://twilio-proxy.example").send("+15555550199", MESSAGE).sent


@responses.activate
def test_an_invalid_number_is_permanent():
    responses.post(MESSAGES_URL, status=400, json={
        "code": 21211, "message": "The 'To' number +1555 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
    result = sms().send("+15555550199", MESSAGE)
    assert result.permanent and "21211" in result.error


@responses.activate
def test_a_twilio_5xx_is_transient():
    sample = json.loads((SAMPLES / "twilio" / "rest_error_400_20001.json").read_text())
    responses.post(MESSAGES_URL, status=503, json={**sample, "status": 503, "code": 20503})
    result = sms().send("+15555550199", MESSAGE)
    assert not result.sent and not result.permanent


def test_sms_targets_are_checked_at_load_time():
    assert sms().check_target("+15555550199") is None
    assert "E.164" in sms().check_target("555-0199")


def test_teams_gets_a_message_with_an_adaptive_card(teams):
    result = TeamsChannel().send(teams.url + "/workflows/abc/triggers/manual/paths/invoke",
                                 PageMessage(**{**MESSAGE.__dict__, "ticket_url": "https://cw.example/t/45234"}))
    assert result.sent
    body = teams.requests[0].json()
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["body"][0]["color"] == "attention"
    assert card["body"][0]["text"] == "P1 · Acme Dental · Dentrix server down"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts == {"Callback": "+15555550142", "Ticket": "45234", "Ref": "ND-1001",
                     "Status": "Open"}
    assert card["actions"][0] == {"type": "Action.OpenUrl", "title": "Open ticket",
                                  "url": "https://cw.example/t/45234"}


@pytest.mark.parametrize("status, permanent", [(400, True), (404, True), (429, False), (502, False)])
def test_teams_errors_are_typed(status, permanent):
    fake = FakeServer(lambda request: Reply(status, "nope"))
    try:
        result = TeamsChannel(default_webhook=fake.url + "/wf").send("", MESSAGE)
    finally:
        fake.close()
    assert not result.sent and result.permanent is permanent
