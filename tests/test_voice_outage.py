"""The voice line while the database is down (a real refused connection: the app's database is
pointed at a port nobody listens on), service level: every webhook answers TwiML, the call is
kept in the spool and replayed into the normal intake exactly once when the database is back; a
call nothing could store is told so, and the MSP hears of it without the database."""
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from app.incidents import replay, sweep
from app.incidents.spool import spool_for
from app.models import Call, Database, Incident, Page, Turn, utcnow

from .conftest import TwilioCaller, drain, recording_channels
from .faults import free_port, wait_until

P1 = "Hi it's Maria at Main Street, the Dentrix server is down and nobody can see patients"
MSP_HOOK = "https://hooks.slack.com/services/T/B/msp-alert"


def twiml(response) -> ET.Element:
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/xml", (response.status, body)
    return ET.fromstring(body)


def says(root) -> str:
    return " ".join(n.text or "" for n in root.iter("Say"))


def count(app, model) -> int:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


class Outage:
    """The app's database, taken away and given back."""

    def __init__(self, app):
        self.svc = app.extensions["nightdesk"]
        self.real = self.svc.db
        self.down = Database(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/gone")

    def start(self):
        self.svc.db = self.down

    def end(self):
        self.svc.db = self.real


@pytest.fixture
def setup(make_app):
    registry, slack = recording_channels()
    app = make_app({"slack_webhook": MSP_HOOK, "msp_phone": "+15555550199"}, channels=registry,
                   clock=utcnow)
    return app, slack, Outage(app)


def test_a_call_during_an_outage_is_answered_spooled_and_replayed_into_one_incident_and_page(setup):
    app, slack, outage = setup
    caller = TwilioCaller(app.test_client(), call_sid="CAspooled1")
    outage.start()
    greeting = twiml(caller.post("/voice/incoming"))
    assert "after-hours" in says(greeting).lower()
    action = caller.follow(caller.post("/voice/incoming"))
    assert "&s=" in action  # the conversation's state rides in the next URL
    answer = twiml(caller.post(action, SpeechResult=P1))
    if answer.find("Gather") is not None:  # a follow-up question, asked without the database
        answer = twiml(caller.post(caller.follow(caller.post(action, SpeechResult=P1)),
                                   SpeechResult="Everyone in the office"))
    assert "logged" in says(answer) and answer.find("Hangup") is not None, says(answer)
    assert "5 5 5, 5 5 5, 0 1 4 2" in says(answer)  # the call-back number
    twiml(caller.post("/voice/status", CallStatus="completed"))
    spool = spool_for(app.extensions["nightdesk"].config)
    assert spool.has("CAspooled1")
    assert replay.drain(outage.svc)["failed"] == 1  # still down: a failed replay stays spooled
    assert spool.has("CAspooled1")

    outage.end()
    found = sweep(outage.svc)
    assert found["spooled"] == 1 and not spool.has("CAspooled1")
    drain(app)
    with outage.svc.db.session() as s:
        incident = s.scalar(select(Incident))
        call = s.scalar(select(Call))
        assert incident.severity == "P1" and incident.ticket_status == "created"
        assert "Dentrix" in incident.transcript and call.status == "completed"
        assert "kept on disk" in incident.triage["reason"]
        assert [p.status for p in s.scalars(select(Page))] == ["sent"]
    pages = [m for _, m in slack.sent if m.customer != "NightDesk"]
    assert len(pages) == 1 and pages[0].severity == "P1"
    # Replaying again (a second worker, a retried webhook) adds nothing.
    replay.replay(outage.svc, "CAspooled1", {"from": caller.params["From"], "to": caller.params["To"],
                                             "turns": [], "final": True, "ended": "completed",
                                             "parts": []})
    drain(app)
    assert count(app, Incident) == 1 and count(app, Call) == 1 and count(app, Page) == 1


def test_the_msp_is_alerted_without_the_database_once_for_a_burst_of_spooled_p1_calls(setup):
    app, slack, outage = setup
    outage.start()
    for n in range(3):
        caller = TwilioCaller(app.test_client(), call_sid=f"CAburst{n}")
        action = caller.follow(caller.post("/voice/incoming"))
        twiml(caller.post(action, SpeechResult=P1))
    alerts = wait_until(lambda: [m for _, m in slack.sent if m.customer == "NightDesk"], timeout=5)
    assert len(alerts) == 1 and "database down" in alerts[0].summary
    assert "kept on disk" in alerts[0].summary


def test_a_call_nothing_can_store_hears_so_and_the_msp_gets_the_caller(make_app, tmp_path):
    registry, slack = recording_channels()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")  # the spool can't be created under a file
    app = make_app({"slack_webhook": MSP_HOOK, "msp_phone": "+15555550199",
                    "spool_dir": blocked / "spool"}, channels=registry, clock=utcnow)
    outage = Outage(app)
    outage.start()
    caller = TwilioCaller(app.test_client(), call_sid="CAlost1")
    answer = twiml(caller.post("/voice/incoming"))
    assert "could not log your call" in says(answer) and "5 5 5, 5 5 5, 0 1 9 9" in says(answer)
    assert answer.find("Hangup") is not None
    alerts = wait_until(lambda: [m for _, m in slack.sent if m.customer == "NightDesk"], timeout=5)
    assert alerts and "could not store" in alerts[0].summary and "+15555550142" in alerts[0].summary
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert any(r.startswith("spool cannot accept a write") for r in health.get_json()["reasons"])


def test_the_database_failing_mid_call_holds_the_caller_then_promises_a_call_back(setup):
    app, slack, outage = setup
    caller = TwilioCaller(app.test_client(), call_sid="CAmidcall")
    caller.post("/voice/incoming")
    twiml(caller.post("/voice/gather?turn=1", SpeechResult=P1))  # stored in the database
    outage.start()
    held = twiml(caller.post("/voice/next?turn=1"))
    assert held.find("Redirect") is not None and "down=" in held.find("Redirect").text
    gave_up = twiml(caller.post("/voice/next?turn=1&down=1"))  # waited long ago
    assert "call you back" in says(gave_up) and gave_up.find("Hangup") is not None
    twiml(caller.post("/voice/status", CallStatus="completed"))  # kept in the spool
    outage.end()
    sweep(outage.svc)
    drain(app)
    with outage.svc.db.session() as s:
        assert s.scalar(select(Call)).status == "completed"
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
        assert s.scalar(select(func.count()).select_from(Turn)) == 1


def test_a_state_signed_with_another_key_is_not_trusted_but_the_caller_is_still_answered(setup):
    from itsdangerous import URLSafeSerializer
    app, slack, outage = setup
    caller = TwilioCaller(app.test_client(), call_sid="CAtamper")
    forged = URLSafeSerializer("not-the-service-key", salt="nightdesk-voice-spool").dumps(
        {"t": [["Forged question", "forged earlier turn"]], "r": 0, "q": "Forged prompt"})
    outage.start()
    answer = twiml(caller.post(f"/voice/gather?turn=2&s={forged}", SpeechResult=P1))
    assert says(answer)  # a question or the goodbye, never Twilio's error message
    twiml(caller.post("/voice/status", CallStatus="completed"))
    outage.end()
    assert sweep(outage.svc)["spooled"] == 1
    with outage.svc.db.session() as s:
        turns = list(s.scalars(select(Turn)))
        incident = s.scalar(select(Incident))
    assert [(t.seq, t.prompt) for t in turns] == [(2, "")]  # nothing of the forged state kept
    assert "forged" not in incident.transcript.lower()


def test_a_spooled_call_still_going_waits_and_one_gone_quiet_is_replayed(setup):
    import time
    app, slack, outage = setup
    caller = TwilioCaller(app.test_client(), call_sid="CAquiet")
    outage.start()
    action = caller.follow(caller.post("/voice/incoming"))
    twiml(caller.post(action, SpeechResult="hello"))  # a question: the call goes on
    outage.end()
    assert replay.drain(outage.svc) == {"replayed": 0, "failed": 0, "waiting": 1}
    assert count(app, Call) == 0  # not half a call in the database while the caller talks
    done = replay.drain(outage.svc, now=time.time() + replay.QUIET_S + 1)  # no news since
    assert done["replayed"] == 1
    drain(app)
    with outage.svc.db.session() as s:
        assert s.scalar(select(Call)).status == "completed"
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
