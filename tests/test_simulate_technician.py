"""simulate-call --tech-press / --tech-sms: the page goes to a simulated technician by call or SMS
with no Twilio account, the technician answers it through the real webhooks, and the output
says what they heard and what changed. Nothing reaches Twilio or the service's database."""
import pytest
from sqlalchemy import func, select

from app.models import Incident, Page, utcnow

from .fakes.http import FakeServer, Reply

OUTAGE = "Hi it's Maria, the Dentrix server is down and nobody can see patients"


@pytest.fixture
def make_app(make_app):
    """Real time: the simulation's consumer and waits run on the wall clock."""
    return lambda changes=None, **services: make_app(changes, **{"clock": utcnow, **services})


def simulate(app, *args, code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=["simulate-call", "--to", "+15555550101", *args])
    assert result.exit_code == code, result.output + repr(result.exception)
    return result.output


def rows(app, model) -> int:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_technician_answers_the_page_call_and_presses_1(make_app):
    app = make_app()
    out = simulate(app, "--tech-press", "1", OUTAGE)
    assert "Page:     page via call to +15555550111: sent" in out
    assert "Technician: +15555550111 rings, a call from +15555550100" in out
    # The page as the call reads it, then the keys, then the key's answer.
    for heard in ("Customer: Acme Dental.", "Severity: P1.", "Ticket number: N D, 9, 0, 1, 0, 0, 1.",
                  "Press 1 to acknowledge.", "Acknowledged. Thank you."):
        assert f"NightDesk: {heard}" in out, out
    assert out.index("Tech:      presses 1") < out.index("NightDesk: Acknowledged. Thank you.")
    assert "Now:      ND-901001 acknowledged by phone:+15555550111" in out
    assert "Event:    acknowledged (by phone:+15555550111, via phone)" in out
    assert rows(app, Incident) == 0 and rows(app, Page) == 0  # the run was private


@pytest.mark.parametrize("key, heard, now", [
    ("2", ["NightDesk: Resolved. Thank you."], "resolved by phone:+15555550111"),
    ("3", ["NightDesk: Snoozed for 30 minutes. Thank you."], "open, snoozed until "),
    ("0", ["NightDesk: Connecting you to the caller.",
           "(Twilio dials the caller at +15555550123 from +15555550101)",
           "Caller hears: This is your IT provider's on-call technician about your call at "],
     "acknowledged by phone:+15555550111"),
])
def test_each_key_of_the_page_call(make_app, key, heard, now):
    out = simulate(make_app(), "--tech-press", key, OUTAGE)
    for line in heard:
        assert line in out, out
    assert f"Now:      ND-901001 {now}" in out, out


def test_the_technician_replies_ack_to_the_sms_page(make_app):
    out = simulate(make_app(), "--tech-sms", "ack", OUTAGE)
    assert "Page:     page via sms to +15555550111: sent" in out
    assert "Technician: +15555550111 gets a text from +15555550100" in out
    assert "  | P1 Acme Dental: The Dentrix server is down" in out  # the SMS page as sent
    assert "#901001: 1=ack 2=resolve 3=snooze" in out
    assert "NightDesk: ND-901001 acknowledged by you. Paging stopped." in out
    assert "Now:      ND-901001 acknowledged by sms:+15555550111" in out
    assert "Event:    sms_reply (asked ack, outcome changed)" in out


def test_a_reply_that_is_no_command_gets_the_help_line(make_app):
    out = simulate(make_app(), "--tech-sms", "on my way", OUTAGE)
    assert "NightDesk: Reply 1 (ack), 2 (resolve) or 3 (snooze" in out
    assert "Now:      ND-901001 open" in out


def test_configured_twilio_and_slack_are_never_called(make_app, slack):
    """A shell with a real Twilio account and Slack webhook: the technician's page is simulated,
    so neither vendor hears of it."""
    twilio = FakeServer(lambda request: Reply(500, {"code": 20500, "message": "must not be called"}))
    try:
        app = make_app({"twilio_account_sid": "AC" + "1" * 32, "twilio_from_number": "+15555550199",
                        "twilio_api_url": twilio.url, "slack_webhook_hosts": ("127.0.0.1",),
                        "slack_webhook": slack.url + "/services/T0/B0/x"})
        out = simulate(app, "--tech-sms", "resolve rebooted the server", OUTAGE)
    finally:
        twilio.close()
    assert "gets a text from +15555550199" in out  # the shell's number, as a real page would be
    assert "Now:      ND-901001 resolved by sms:+15555550111" in out
    assert twilio.requests == []
    assert [r for r in slack.requests if r.path.startswith("/services/")] == []


def test_one_technician_option_at_a_time(make_app):
    out = simulate(make_app(), "--tech-press", "1", "--tech-sms", "ack", OUTAGE, code=2)
    assert "use one of --tech-press and --tech-sms" in out
