"""Twilio's voice webhooks: signatures, idempotency, the hold-and-redirect conversation."""
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from app.models import Call, Event, Incident, Turn

from .conftest import TwilioCaller, drain


def says(response) -> str:
    return " ".join(n.text or "" for n in ET.fromstring(response.get_data(as_text=True)).iter("Say"))


def count(app, model) -> int:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def caller(app):
    return TwilioCaller(app.test_client())


@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/gather?turn=1", "/voice/next?turn=1",
                                  "/voice/status"])
def test_forged_signature_is_refused_with_403_and_writes_nothing(app, caller, path):
    response = caller.post(path, signature="bm90IGEgc2lnbmF0dXJl", SpeechResult="server down")
    assert response.status_code == 403
    assert count(app, Call) == 0 and count(app, Turn) == 0


def test_missing_signature_is_refused(app, caller):
    assert caller.post("/voice/incoming", signature="").status_code == 403
    assert count(app, Call) == 0


def test_a_signature_for_another_url_is_refused(app, caller):
    from .conftest import sign
    signature = sign("https://nightdesk.example/voice/status", caller.params)
    assert caller.post("/voice/incoming", signature=signature).status_code == 403


def test_a_signature_made_with_another_token_is_refused(app, caller):
    from .conftest import sign
    signature = sign("https://nightdesk.example/voice/incoming", caller.params, token="other")
    assert caller.post("/voice/incoming", signature=signature).status_code == 403


def test_the_twilio_sample_vectors_validate_with_the_library_we_use():
    import json
    from twilio.request_validator import RequestValidator
    from .conftest import SAMPLES
    data = json.loads((SAMPLES / "twilio" / "request_validator_vectors.json").read_text())
    assert "RSOYDt4T1cUTdK1PDd93/VVr8B8=" in json.dumps(data)
    validator = RequestValidator("12345")
    params = {"CallSid": "CA1234567890ABCDE", "Digits": "1234", "From": "+14158675309",
              "To": "+18005551212", "Caller": "+14158675309"}
    assert validator.validate("https://mycompany.com/myapp.php?foo=1&bar=2", params,
                              "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


def test_behind_a_proxy_the_forwarded_url_is_what_twilio_signed(make_app):
    app = make_app({"public_base_url": ""})
    caller = TwilioCaller(app.test_client(), base="https://public.example")
    url = "https://public.example/voice/incoming"
    from .conftest import sign
    response = app.test_client().post(
        "/voice/incoming", data=caller.params, base_url="http://10.0.0.5:8000",
        headers={"X-Twilio-Signature": sign(url, caller.params), "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "public.example", "X-Forwarded-Port": "443"})
    assert response.status_code == 200


def test_a_signed_request_without_callsid_is_a_400_not_a_500(app, caller):
    del caller.params["CallSid"]
    response = caller.post("/voice/incoming")
    assert response.status_code == 400


def test_a_bad_turn_number_is_a_400(app, caller):
    assert caller.post("/voice/gather?turn=abc", SpeechResult="hi").status_code == 400
    assert caller.post("/voice/next?turn=7").status_code == 400


def test_incoming_greets_and_gathers_speech_with_runbook_hints(app, caller):
    response = caller.post("/voice/incoming")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data(as_text=True))
    gather = root.find("Gather")
    assert gather.get("input") == "speech"
    # Twilio refuses speechTimeout="auto" once speechModel is set (warning 13335): whole seconds.
    assert gather.get("speechModel") == "phone_call"
    assert gather.get("speechTimeout").isdigit() and int(gather.get("speechTimeout")) >= 1
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("action") == "https://nightdesk.example/voice/gather?turn=1"
    assert "Dentrix" in gather.get("hints")
    assert "Acme Dental" in gather.find("Say").text


def test_hints_fit_twilio_limits_and_a_long_runbook_list_never_drops_the_built_ins(
        make_app, runbooks_dir):
    from app.voice.twiml import BASE_HINTS
    many = [f"Line of business application number {i:02d}" for i in range(60)]  # ~2,400 chars
    too_long = "x" * 101
    (runbooks_dir / "hinty.yaml").write_text(
        "customer: hinty\nname: Hinty Clinic\nmatch: {numbers: ['+15555550303']}\n"
        f"hints: {[too_long, 'PACS, Eaglesoft', *many]!r}\n"
        "escalation_rules:\n  - {trigger: 'anything', page: '', method: slack}\n")
    app = make_app()
    response = TwilioCaller(app.test_client(), to="+15555550303").post("/voice/incoming")
    raw = ET.fromstring(response.get_data(as_text=True)).find("Gather").get("hints")
    hints = raw.split(", ")
    assert len(raw) <= 1000
    assert all(len(h) <= 100 for h in hints)
    assert hints[:len(BASE_HINTS)] == list(BASE_HINTS)  # the built-ins survive the clip, first
    assert too_long not in hints
    assert {"Hinty Clinic", "PACS", "Eaglesoft", many[0]} <= set(hints)
    assert many[-1] not in hints  # the runbook's own tail is what gets clipped


def test_the_same_incoming_webhook_twice_makes_one_call(app, caller):
    assert caller.post("/voice/incoming").status_code == 200
    assert caller.post("/voice/incoming").status_code == 200
    assert count(app, Call) == 1


def test_gather_stores_the_turn_queues_triage_and_answers_at_once(app, caller):
    caller.post("/voice/incoming")
    response = caller.post("/voice/gather?turn=1", SpeechResult="Our server is down for everyone",
                           Confidence="0.88")
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.find("Redirect").text == "https://nightdesk.example/voice/next?turn=1"
    assert says(response) == "Thanks. One moment."
    with app.extensions["nightdesk"].db.session() as s:
        turn = s.scalar(select(Turn))
        assert (turn.speech, turn.confidence, turn.decision) == ("Our server is down for everyone", 0.88, None)
    assert app.extensions["huey"].pending_count() == 1


def test_a_retried_gather_stores_one_turn_and_queues_once(app, caller):
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="printer jam")
    caller.post("/voice/gather?turn=1", SpeechResult="printer jam")
    assert count(app, Turn) == 1
    assert app.extensions["huey"].pending_count() == 1


def test_next_holds_while_triage_runs_then_gives_the_ticket_number(make_app, clock):
    from .conftest import recording_channels
    app = make_app(channels=recording_channels()[0])  # a route that delivers: a real page
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Ransomware note on every screen in the office")
    held = caller.post("/voice/next?turn=1")
    root = ET.fromstring(held.get_data(as_text=True))
    assert root.find("Pause") is not None and root.find("Redirect") is not None
    drain(app)
    final = caller.post("/voice/next?turn=1")
    text = says(final)
    assert "Your ticket number is N D, 1, 0, 0, 1" in text
    assert "paged" in text and "call you back on 5 5 5, 5 5 5, 0 1 4 2" in text
    assert ET.fromstring(final.get_data(as_text=True)).find("Hangup") is not None


def test_after_the_wait_the_fallback_decides_without_the_worker(app, caller, clock):
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="The whole office has no internet")
    clock.advance(7.5)
    held = caller.post("/voice/next?turn=1")
    assert "Redirect" in held.get_data(as_text=True)  # still on hold, a filler at most
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(Incident)) is None
    clock.advance(1)  # 8.5 s: a caller on hold longer than ~8 s hears the fallback's decision
    response = caller.post("/voice/next?turn=1")  # no job has run: the queue is stuck
    with app.extensions["nightdesk"].db.session() as s:
        turn = s.scalar(select(Turn))
        assert turn.decision["path"] == "fallback"
        assert "no answer within 8s" in turn.decision["reason"]
        assert s.scalar(select(Incident)).severity == "P1"
    assert "Redirect" in response.get_data(as_text=True)  # waiting for the ticket now
    drain(app)  # the late triage job finds the turn decided and changes nothing
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 1


def test_a_follow_up_question_gathers_the_next_turn(make_app, clock):
    app = make_app()
    caller = TwilioCaller(app.test_client(), to="+15555559999", from_="+15555559998")  # unknown
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Hi, this is Sam, nobody can log in")
    drain(app)
    response = caller.post("/voice/next?turn=1")
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.find("Gather").get("action").endswith("/voice/gather?turn=2")
    assert "Which company" in says(response)
    caller.post("/voice/gather?turn=2", SpeechResult="Northwind Logistics")
    drain(app)
    final = caller.post("/voice/next?turn=2")
    assert "Your ticket number is" in says(final)
    with app.extensions["nightdesk"].db.session() as s:
        incident = s.scalar(select(Incident))
        assert incident.customer == "northwind"
        assert incident.caller_name == "Sam"
        assert "Caller: Northwind Logistics" in incident.transcript


def test_no_speech_reprompts_once_then_closes_and_opens_a_missed_call_ticket(app, caller):
    caller.post("/voice/incoming")
    first = caller.post("/voice/gather?turn=1", SpeechResult="")
    assert "didn't catch that" in says(first)
    assert ET.fromstring(first.get_data(as_text=True)).find("Gather") is not None
    second = caller.post("/voice/gather?turn=1")
    assert "logged your call" in says(second)
    assert ET.fromstring(second.get_data(as_text=True)).find("Hangup") is not None
    drain(app)
    with app.extensions["nightdesk"].db.session() as s:
        incident = s.scalar(select(Incident))
        assert incident.summary == "Missed call from +15555550142"
        assert incident.ticket_number == incident.reference
        assert incident.pages == []  # P3: logged for the morning, nobody woken


def test_a_caller_who_hangs_up_mid_triage_still_gets_an_incident_and_a_p1_page(make_app, clock):
    from .conftest import recording_channels
    registry, slack = recording_channels()
    app = make_app(channels=registry)
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Dentrix server is down at all clinics")
    caller.post("/voice/status", CallStatus="completed", CallDuration="9")
    drain(app)
    with app.extensions["nightdesk"].db.session() as s:
        incident = s.scalar(select(Incident))
        assert incident.severity == "P1"
        kinds = [e.kind for e in s.scalars(select(Event).order_by(Event.id))]
    assert "call_ended" in kinds and "incident_opened" in kinds
    assert [m.summary for _, m in slack.sent] == [incident.summary]


def test_status_callback_answers_with_empty_twiml(app, caller):
    caller.post("/voice/incoming")
    response = caller.post("/voice/status", CallStatus="completed")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip().endswith("<Response />")
