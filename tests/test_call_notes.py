"""The call on its ticket, at the vendors' HTTP boundary: signed Twilio webhooks through the real
app, the real ConnectWise adapter against `responses`. The transcript goes on the ticket once,
when the call has ended and the ticket exists, whichever comes last; with `record: true` the
caller hears that the call is recorded and Twilio's recording link follows as a second note."""
import json
import xml.etree.ElementTree as ET

import pytest
import responses
from sqlalchemy import select

from app.models import Event, Incident, TicketNote

from .conftest import TwilioCaller, drain, recording_channels
from .test_flow import CW, CW_SETTINGS

TICKETS = f"{CW}/service/tickets"
RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC" + "1" * 32 + "/Recordings/RE" + "a" * 32
SAID = "Hi it's Maria, the Dentrix server is down and nobody can see patients"


def notes(cw, number: int = 45234) -> list[dict]:
    return [json.loads(c.request.body) for c in cw.calls
            if c.request.method == "POST" and c.request.url == f"{TICKETS}/{number}/notes"
            and c.response is not None and c.response.status_code == 201]


def kinds(app) -> list[str]:
    with app.extensions["nightdesk"].db.session() as s:
        return [e.kind for e in s.scalars(select(Event).order_by(Event.id))]


def talk(app, said: str = SAID) -> TwilioCaller:
    """A caller who says one thing and hears the final message; the call is still up."""
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult=said)
    drain(app)
    caller.post("/voice/next?turn=1")
    return caller


def hang_up(app, caller: TwilioCaller) -> None:
    caller.post("/voice/status", CallStatus="completed")
    drain(app)


def recorded(caller: TwilioCaller, signature: str | None = None, **fields):
    params = {"RecordingSid": "RE" + "a" * 32, "RecordingStatus": "completed",
              "RecordingUrl": RECORDING_URL, "RecordingDuration": "42", **fields}
    return caller.post("/voice/recording", signature=signature, **params)


def with_recording(runbooks_dir) -> None:
    path = runbooks_dir / "acme-dental.yaml"
    path.write_text(path.read_text() + "\nrecord: true\n")


@pytest.fixture
def cw():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TICKETS, json={"id": 45234}, status=201)
        mock.post(f"{TICKETS}/45234/notes", json={"id": 1}, status=201)
        yield mock


def test_the_transcript_goes_on_the_ticket_once_when_the_call_ends_after_the_ticket(make_app, cw, clock):
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    caller = talk(app)
    assert notes(cw) == []  # the ticket is there, but the call isn't over
    hang_up(app, caller)
    [note] = notes(cw)
    assert note["internalAnalysisFlag"] is True and note["resolutionFlag"] is False
    assert note["text"].startswith("Call transcript (NightDesk ND-")
    assert "NightDesk: You've reached Acme Dental's after-hours IT line." in note["text"]
    assert f"Caller: {SAID}" in note["text"]
    [ticket] = [json.loads(c.request.body) for c in cw.calls if c.request.url == TICKETS]
    assert SAID not in ticket["initialDescription"]  # once, in the note, not twice

    # Twilio retries the status callback, the job runs again, the sweep looks: still one note.
    hang_up(app, caller)
    svc = app.extensions["nightdesk"]
    with svc.db.session() as s:
        note_id = s.scalar(select(TicketNote.id))
    svc.work.later("ticket_note", note_id)
    clock.advance(600)
    from app.incidents import sweep
    sweep(svc)
    drain(app, scheduled=True)
    assert len(notes(cw)) == 1 and kinds(app).count("ticket_noted") == 1


def test_the_transcript_follows_a_ticket_that_comes_after_the_call_ended(make_app, cw, clock):
    cw.replace(responses.POST, TICKETS, status=503, body="Service Unavailable")
    cw.get(TICKETS, json=[])
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    hang_up(app, talk(app))
    assert notes(cw) == [] and "ticket_delayed" in kinds(app)

    cw.replace(responses.POST, TICKETS, json={"id": 45234}, status=201)
    clock.advance(600)
    drain(app, scheduled=True)
    [note] = notes(cw)
    assert f"Caller: {SAID}" in note["text"]


def test_a_note_the_psa_refuses_for_now_is_retried_with_backoff(make_app, cw, clock):
    cw.replace(responses.POST, f"{TICKETS}/45234/notes", status=503, body="Service Unavailable")
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    hang_up(app, talk(app))
    assert notes(cw) == [] and "ticket_note_delayed" in kinds(app)

    cw.replace(responses.POST, f"{TICKETS}/45234/notes", json={"id": 1}, status=201)
    clock.advance(600)
    drain(app, scheduled=True)
    assert len(notes(cw)) == 1 and kinds(app).count("ticket_noted") == 1


def test_a_local_ticket_gets_no_note(make_app):
    app = make_app()
    hang_up(app, talk(app))
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(Incident.ticket_status)) == "created"
        assert s.scalar(select(TicketNote.status)) == "skipped"
    assert "ticket_noted" not in kinds(app)


def test_calls_are_not_recorded_unless_the_runbook_says_so(make_app):
    app = make_app()
    answer = TwilioCaller(app.test_client()).post("/voice/incoming").get_data(as_text=True)
    root = ET.fromstring(answer)
    assert root.find("Start") is None and "Recording" not in answer
    assert "recorded" not in root.find("Gather/Say").text


def test_with_record_true_the_caller_is_told_and_the_link_goes_on_the_ticket(
        make_app, cw, clock, runbooks_dir):
    with_recording(runbooks_dir)
    cw.replace(responses.POST, TICKETS, status=503, body="Service Unavailable")
    cw.get(TICKETS, json=[])
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    caller = TwilioCaller(app.test_client())
    root = ET.fromstring(caller.post("/voice/incoming").get_data(as_text=True))
    [start] = root.findall("Start")
    assert start.find("Recording").attrib == {
        "recordingStatusCallback": "https://nightdesk.example/voice/recording",
        "recordingStatusCallbackMethod": "POST", "recordingStatusCallbackEvent": "completed absent"}
    assert list(root).index(start) < list(root).index(root.find("Gather"))  # recording first
    assert root.find("Gather/Say").text.startswith("This call is recorded. You've reached Acme")

    caller.post("/voice/gather?turn=1", SpeechResult=SAID)
    drain(app)
    hang_up(app, caller)
    # The recording is ready before the ticket (ConnectWise is down): kept on the call meanwhile.
    assert recorded(caller).status_code == 200
    assert recorded(caller).status_code == 200  # Twilio retried it
    drain(app)
    assert "call_recorded" in kinds(app) and notes(cw) == []

    cw.replace(responses.POST, TICKETS, json={"id": 45234}, status=201)
    clock.advance(600)
    drain(app, scheduled=True)
    texts = sorted(n["text"] for n in notes(cw))
    assert len(texts) == 2 and texts[0].startswith("Call recording (NightDesk ND-")
    assert texts[0].endswith(f", 42 s): {RECORDING_URL}") and texts[1].startswith("Call transcript")


def test_a_recording_reported_after_the_ticket_is_noted_at_once(make_app, cw, runbooks_dir):
    with_recording(runbooks_dir)
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    caller = talk(app)
    hang_up(app, caller)
    assert len(notes(cw)) == 1  # the transcript
    recorded(caller)
    drain(app)
    assert [n["text"] for n in notes(cw)][1].endswith(RECORDING_URL)


def test_a_forged_recording_callback_is_refused_and_writes_nothing(make_app, cw, runbooks_dir):
    with_recording(runbooks_dir)
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    caller = talk(app)
    hang_up(app, caller)
    assert recorded(caller, signature="bm90IHR3aWxpbw==").status_code == 403
    assert recorded(caller, signature="").status_code == 403
    drain(app)
    assert "call_recorded" not in kinds(app) and len(notes(cw)) == 1


@pytest.mark.parametrize("fields", [
    {"RecordingSid": ""}, {"RecordingStatus": "exploded"}, {"RecordingUrl": ""},
    {"RecordingUrl": "http://api.twilio.com/rec"},
    {"RecordingUrl": "https://user:secret@api.twilio.com/rec"}, {"RecordingDuration": "a while"},
    {"CallSid": "not a sid!"}])
def test_a_malformed_recording_callback_is_a_400(make_app, fields):
    app = make_app()
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    assert recorded(caller, **fields).status_code == 400
    assert "call_recorded" not in kinds(app)


def test_the_sweep_makes_a_transcript_note_a_stopped_process_never_made(make_app, cw, clock):
    from app.incidents import sweep
    app = make_app(CW_SETTINGS, channels=recording_channels()[0])
    talk(app).post("/voice/status", CallStatus="completed")
    svc = app.extensions["nightdesk"]
    app.extensions["huey"].flush()  # the process stopped after the call's end was committed,
    with svc.db.session() as s:     # before its note was made
        s.query(TicketNote).delete()
    clock.advance(60)
    assert sweep(svc)["notes"] == 1
    drain(app)
    assert len(notes(cw)) == 1
    clock.advance(7200)
    assert sweep(svc)["notes"] == 0
