"""Technicians answer SMS pages by SMS: POST /sms/incoming (Twilio's messaging webhook), signed as
Twilio signs it, answered with TwiML <Message>. Inbound parameters as VENDORS.md §8 lists them
(no captured inbound-SMS request exists in the samples; this is the documented shape)."""
import threading
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import func, select

from app.models import Event, Incident

from .conftest import drain, sign
from .test_channels import ACCOUNT, MESSAGES_URL
from .test_paging import open_p1

BASE = "https://nightdesk.example"
TECH, OTHER_TECH, STRANGER = "+15555550199", "+15555550188", "+15555550177"


def runbook(directory, customer: str, dialled: str, tech: str):
    (directory / f"{customer}.yaml").write_text(f"""name: {customer.title()}
match:
  numbers: ["{dialled}"]
escalation_rules:
  - trigger: "anything urgent"
    page: "{tech}"
    method: sms
oncall:
  rotation: weekly
  handoff: "2026-01-05T09:00:00+00:00"
  people:
    - {{name: Jane Doe, sms: "{tech}", slack: U0JANE}}
""")


@pytest.fixture
def app(make_app, runbooks_dir):
    runbook(runbooks_dir, "globex", "+15555550303", TECH)
    runbook(runbooks_dir, "initech", "+15555550404", OTHER_TECH)
    return make_app({"twilio_account_sid": ACCOUNT, "twilio_from_number": "+14155552345"})


@pytest.fixture
def twilio():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        mock.post(MESSAGES_URL, json={"sid": "SM" + "a" * 32, "status": "queued"}, status=201)
        yield mock


def paged(app, customer_number="+15555550303") -> int:
    """An incident whose SMS page Twilio accepted."""
    incident_id = open_p1(app, customer_number)
    drain(app)
    return incident_id


def text(app, body, from_=TECH, sid=None, signature=None, **extra):
    sid = sid or "SM" + uuid.uuid4().hex
    params = {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
              "SmsStatus": "received", "Body": body, "To": "+14155552345", "NumSegments": "1",
              "MessageSid": sid, "AccountSid": ACCOUNT, "From": from_, "ApiVersion": "2010-04-01",
              **extra}
    params = {k: v for k, v in params.items() if v is not None}
    headers = {"X-Twilio-Signature": sign(BASE + "/sms/incoming", params) if signature is None else signature}
    return app.test_client().post("/sms/incoming", data=params, headers=headers, base_url=BASE)


def answer(response) -> str | None:
    """The one line texted back, or None for an empty <Response/>."""
    assert response.status_code == 200 and response.mimetype == "text/xml"
    message = ET.fromstring(response.get_data(as_text=True)).find("Message")
    return None if message is None else message.text


def incident(app, incident_id) -> Incident:
    with app.extensions["nightdesk"].db.session() as s:
        return s.get(Incident, incident_id)


def events(app, kind) -> list[Event]:
    with app.extensions["nightdesk"].db.session() as s:
        return list(s.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def ref(incident_id: int) -> str:
    return str(1000 + incident_id)


# --- the page ---------------------------------------------------------------------------------
def test_an_sms_page_ends_with_the_incidents_code_and_how_to_reply(app, twilio):
    inc = paged(app)
    body = parse_qs(twilio.calls[-1].request.body)["Body"][0]
    assert body.splitlines()[-1].endswith(f"#{ref(inc)}: 1=ack 2=resolve 3=snooze")


# --- replies that change the incident --------------------------------------------------------
def test_1_acknowledges_the_latest_page_and_stops_paging(app, twilio):
    inc = paged(app)
    assert answer(text(app, "1")) == f"ND-{ref(inc)} acknowledged by you. Paging stopped."
    row = incident(app, inc)
    assert (row.status, row.acknowledged_by, row.next_escalation_at) == ("acknowledged", f"sms:{TECH}", None)
    [event] = events(app, "acknowledged")
    assert event.detail["by"] == f"sms:{TECH}" and event.detail["via"] == "sms"


@pytest.mark.parametrize("reply", ["ack {code}", "1 #{code}", "{code} ack", "ACK ND-{code}.", "Acknowledge {code}"])
def test_a_code_picks_the_incident_whichever_way_it_is_typed(app, twilio, reply):
    first, latest = paged(app), paged(app)
    assert answer(text(app, reply.format(code=ref(first)))) == f"ND-{ref(first)} acknowledged by you. Paging stopped."
    assert (incident(app, first).status, incident(app, latest).status) == ("acknowledged", "open")


def test_resolve_takes_a_note_and_snooze_a_length(app, twilio, clock):
    inc = paged(app)
    assert answer(text(app, f"snooze 60 {ref(inc)}")).startswith(f"ND-{ref(inc)} snoozed until ")
    assert incident(app, inc).snoozed_until == clock() + timedelta(minutes=60)
    assert answer(text(app, "3")).startswith(f"ND-{ref(inc)} snoozed until ")
    assert incident(app, inc).snoozed_until == clock() + timedelta(minutes=30)
    assert answer(text(app, "2 rebooted the switch")) == f"ND-{ref(inc)} resolved by you."
    row = incident(app, inc)
    assert (row.status, row.resolved_by, row.resolution_note) == ("resolved", f"sms:{TECH}", "rebooted the switch")
    assert [e.detail["via"] for e in events(app, "snoozed") + events(app, "resolved")] == ["sms"] * 3


def test_without_a_code_the_most_recent_open_incident_is_answered_and_named(app, twilio):
    older, newer = paged(app), paged(app)
    assert answer(text(app, f"2 {ref(newer)}")) == f"ND-{ref(newer)} resolved by you."
    # The newest is resolved: the reply goes to the most recent one still open, by its number.
    assert answer(text(app, "1")) == f"ND-{ref(older)} acknowledged by you. Paging stopped."
    assert incident(app, older).status == "acknowledged"
    assert answer(text(app, f"2 {ref(older)}")) == f"ND-{ref(older)} resolved by you."
    # None open: the latest page's incident, said to be resolved already; nothing changes.
    said = answer(text(app, "1"))
    assert said.startswith(f"ND-{ref(newer)} was already resolved by you at ")


# --- refused ----------------------------------------------------------------------------------
def test_a_number_that_was_not_paged_for_the_incident_changes_nothing(app, twilio):
    ours, theirs = paged(app), paged(app, "+15555550404")  # initech pages OTHER_TECH
    assert answer(text(app, f"1 {ref(theirs)}")) == "Not changed: this number was not paged for that incident."
    assert answer(text(app, f"1 {ref(ours)}", from_=STRANGER)) == \
        "Not changed: this number was not paged for that incident."
    assert answer(text(app, "1", from_=STRANGER)) == "Not changed: no SMS page was sent to this number."
    assert answer(text(app, "1 999999")) == "Not changed: this number was not paged for that incident."
    assert [incident(app, i).status for i in (ours, theirs)] == ["open", "open"]
    assert events(app, "acknowledged") == []


def test_a_forged_or_tampered_reply_is_refused_with_403_and_changes_nothing(app, twilio):
    inc = paged(app)
    assert text(app, "1", signature="forged").status_code == 403
    assert text(app, "1", signature="").status_code == 403
    sid = "SM" + "c" * 32
    params = {"MessageSid": sid, "From": TECH, "Body": "resolve", "AccountSid": ACCOUNT}
    signed_for_ack = sign(BASE + "/sms/incoming", {**params, "Body": "ack"})
    tampered = app.test_client().post("/sms/incoming", data=params, base_url=BASE,
                                      headers={"X-Twilio-Signature": signed_for_ack})
    assert tampered.status_code == 403
    assert incident(app, inc).status == "open" and events(app, "sms_reply") == []


def test_a_replayed_reply_changes_nothing_again_and_says_how_it_stands(app, twilio, clock):
    inc = paged(app)
    sid = "SM" + "d" * 32
    first = answer(text(app, "3", sid=sid))
    until = incident(app, inc).snoozed_until
    clock.advance(600)
    again = answer(text(app, "3", sid=sid))
    assert first.startswith(f"ND-{ref(inc)} snoozed until ") and again.startswith(f"ND-{ref(inc)} is snoozed until ")
    assert incident(app, inc).snoozed_until == until and len(events(app, "snoozed")) == 1


# --- everything else --------------------------------------------------------------------------
@pytest.mark.parametrize("body", ["hello?", "snooze 45", "ack ack", "1042", "", "ack 1001 please"])
def test_unknown_text_gets_one_line_of_help(app, twilio, body):
    inc = paged(app)
    said = answer(text(app, body))
    assert said.startswith("Reply 1 (ack), 2 (resolve) or 3 (snooze") and "\n" not in said
    assert incident(app, inc).status == "open"


@pytest.mark.parametrize("body, extra", [("STOP", {}), ("stop", {}), ("Cancel", {}), ("START", {}),
                                         ("HELP", {}), ("info.", {}), ("Stop", {"OptOutType": "STOP"})])
def test_twilios_own_keywords_are_left_to_twilio(app, twilio, body, extra, caplog):
    inc = paged(app)
    assert answer(text(app, body, **extra)) is None  # empty <Response/>: Twilio's own reply stands
    assert incident(app, inc).status == "open" and events(app, "sms_reply") == []
    if body.lower() in ("stop", "cancel"):
        assert f"{TECH} texted an opt-out keyword" in caplog.text


@pytest.mark.parametrize("changes", [{"MessageSid": None}, {"MessageSid": "not-a-sid"}, {"From": None},
                                     {"From": "555-0199"}, {"Body": None}, {"Body": "1" * 1601}])
def test_a_malformed_reply_is_a_400(app, twilio, changes):
    inc = paged(app)
    assert text(app, "1", **changes).status_code == 400
    assert incident(app, inc).status == "open"


def test_control_characters_in_a_note_never_reach_the_database(app, twilio):
    inc = paged(app)
    assert answer(text(app, "resolve\x00 fixed\x07 it")) == f"ND-{ref(inc)} resolved by you."
    assert incident(app, inc).resolution_note == "fixed it"


# --- with the Slack side ----------------------------------------------------------------------
def sms_paged(app, clock) -> tuple[int, str]:
    """test_slack_app's Globex: a live Slack message, then the on-call tech by SMS at step 1."""
    from app.incidents import sweep
    from .test_slack_app import open_incident
    inc = open_incident(app)
    clock.advance(5 * 60 + 1)
    sweep(app.extensions["nightdesk"])
    drain(app)
    on_call = app.extensions["nightdesk"].runbooks.get("globex").oncall.on_call(clock())
    return inc, on_call.sms


@pytest.fixture
def cw_fake():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        from .test_slack_app import CW
        mock.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
        mock.post(f"{CW}/service/tickets/45234/notes", json={"id": 1}, status=201)
        mock.patch(f"{CW}/service/tickets/45234", json={"id": 45234})
        mock.get(f"{CW}/system/members", json=[])
        mock.post(MESSAGES_URL, json={"sid": "SM" + "a" * 32, "status": "queued"}, status=201)
        yield mock


def test_an_sms_ack_after_a_slack_ack_says_who_got_there_first(make_app, runbooks_dir, slack, cw_fake, clock):
    from .test_slack_app import block_action, globex_app
    app = globex_app(make_app, runbooks_dir, slack)
    inc, tech = sms_paged(app, clock)
    block_action(app, slack, "nightdesk_ack", str(inc), user="U0JANE")
    said = answer(text(app, "1", from_=tech))
    assert said.startswith(f"ND-{ref(inc)} was already acknowledged by Jane Doe via Slack at ")
    assert incident(app, inc).acknowledged_by == "slack:U0JANE" and len(events(app, "acknowledged")) == 1


def test_an_sms_ack_updates_the_live_slack_message_and_its_thread(make_app, runbooks_dir, slack, cw_fake, clock):
    from .test_slack_app import actions_of, globex_app, live_of
    app = globex_app(make_app, runbooks_dir, slack)
    inc, tech = sms_paged(app, clock)
    assert answer(text(app, f"ack {ref(inc)}", from_=tech)).endswith("acknowledged by you. Paging stopped.")
    drain(app)
    update = slack.calls("chat.update")[-1]
    assert update["ts"] == live_of(app, inc)["ts"] and f"Acknowledged by sms:{tech}" in update["text"]
    assert actions_of(update["blocks"]) == ["nightdesk_acked", "nightdesk_resolve", "nightdesk_open_ticket"]
    thread = [c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts") == live_of(app, inc)["ts"]]
    assert any(f"Acknowledged by sms:{tech}" in t for t in thread)


def test_an_sms_and_a_slack_ack_at_once_one_wins_and_the_other_is_told(make_app, runbooks_dir, slack,
                                                                      cw_fake, clock):
    import json
    from .test_slack_app import block_action, globex_app
    app = globex_app(make_app, runbooks_dir, slack)
    inc, tech = sms_paged(app, clock)
    barrier, said = threading.Barrier(2), {}

    def by_sms():
        barrier.wait()
        said["sms"] = answer(text(app, "1", from_=tech))

    def by_slack():
        barrier.wait()
        said["slack"] = block_action(app, slack, "nightdesk_ack", str(inc), user="U0JANE").status_code

    threads = [threading.Thread(target=f) for f in (by_sms, by_slack)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(events(app, "acknowledged")) == 1
    drain(app)
    if incident(app, inc).acknowledged_by == "slack:U0JANE":
        assert said["sms"].startswith(f"ND-{ref(inc)} was already acknowledged by Jane Doe via Slack")
    else:
        assert said["sms"].endswith("acknowledged by you. Paging stopped.")
        [told] = [r for r in slack.requests if r.path.startswith("/actions/")]
        assert f"already acknowledged by sms:{tech}" in json.loads(told.body)["text"]
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "sms_reply")) == 1
