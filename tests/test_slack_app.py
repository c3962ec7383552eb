"""The Slack app end to end: signed interactions and commands, the live message and its thread,
ConnectWise notes, escalation with a controllable clock, and installation."""
import json
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import responses
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from app import incidents
from app.models import Event, Incident, LiveMessageRef, Page
from app.triage import Decision

from .conftest import SAMPLES, drain, next_incident_id

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CW = "https://cw.example/v4_6_release/apis/3.0"
RUNBOOK = """name: Globex
match:
  numbers: ["+15555550303"]
connectwise:
  company: Globex
  statuses: {acknowledged: Assigned, resolved: ">Closed"}
slack:
  channel: "#globex-alerts"
  events: [triggered, acknowledged, resolved, snoozed, escalated, ticket]
escalation_rules:
  - trigger: "anything urgent"
    page: ""
    method: slack
escalation:
  steps:
    - after: 5
      page:
        - {method: sms, page: "{oncall}"}
    - after: 10
      page:
        - {method: slack, page: "#managers"}
oncall:
  rotation: weekly
  handoff: "2026-01-05T09:00:00+00:00"
  people:
    - {name: Jane Doe, sms: "+15555550111", email: jane@msp.example, slack: U0JANE}
    - {name: Bob Roe, sms: "+15555550112", email: bob@msp.example, slack: U0BOB}
"""


@pytest.fixture
def slack(slack):
    slack.emails = {"W111": "jane@msp.example", "W222": "bob@msp.example"}
    return slack


@pytest.fixture
def cw():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        mock.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
        mock.post(f"{CW}/service/tickets/45234/notes", json={"id": 1}, status=201)
        mock.patch(f"{CW}/service/tickets/45234", json={"id": 45234})
        mock.get(f"{CW}/system/members", json=[{"identifier": "jdoe"}])
        mock.post("https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/Messages.json",
                  json={"sid": "SM1", "status": "queued"}, status=201)
        yield mock


@pytest.fixture
def app(make_app, runbooks_dir, slack, cw):
    return globex_app(make_app, runbooks_dir, slack)


def globex_app(make_app, runbooks_dir, slack, **changes):
    (runbooks_dir / "globex.yaml").write_text(RUNBOOK)
    return make_app({**changes,
        "slack_bot_token": "xoxb-test", "slack_api_url": slack.url + "/api/",
        "slack_signing_secret": SECRET, "slack_webhook_hosts": ("127.0.0.1",),
        "connectwise_base_url": CW, "connectwise_company": "msp", "connectwise_public_key": "p",
        "connectwise_private_key": "k", "connectwise_client_id": "c",
        "twilio_account_sid": "AC" + "a" * 32, "twilio_from_number": "+15555550999"})


def open_incident(app, summary="Server down for everyone") -> int:
    svc = app.extensions["nightdesk"]
    if hasattr(svc.clock, "advance"):
        svc.clock.advance(1.1)  # the channel's next send slot (one message a second)
    call, _ = incidents.start_call(svc, f"CA{time.time_ns()}", "+15555550142", "+15555550303")
    inc = incidents.open_incident(svc, call.id, Decision(
        action="final", severity="P1", summary=summary, rule=0, path="fallback", reason="test"))
    drain(app)
    return inc.id


def signed(app, path, body: str, ts: int | None = None, secret: str = SECRET, **headers):
    """Signed as Slack signs, at the app's "now" (the test clock may have moved on)."""
    from datetime import timezone
    now = app.extensions["nightdesk"].clock().replace(tzinfo=timezone.utc).timestamp()
    ts = int(now) if ts is None else ts
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body)
    return app.test_client().post(path, data=body, content_type="application/x-www-form-urlencoded",
                                  headers={"X-Slack-Request-Timestamp": str(ts),
                                           "X-Slack-Signature": signature, **headers})


def block_action(app, slack, action_id, value, user="W111", selected=None):
    """The Bolt fixture's real block_actions shape, with our action in it."""
    payload = json.loads((SAMPLES / "slack" / "block_actions_bolt_fixture.json").read_text())
    payload["user"]["id"] = user
    payload["response_url"] = slack.url + f"/actions/T111/{user}/respond"
    action = {**payload["actions"][0], "action_id": action_id, "value": value}
    if selected:
        action = {"action_id": action_id, "type": "static_select", "selected_option": {"value": selected}}
    payload["actions"] = [action]
    return signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))


def view_submission(app, incident_id, note, user="W111"):
    payload = json.loads((SAMPLES / "slack" / "view_submission_bolt_fixture.json").read_text())
    payload["user"]["id"] = user
    payload["view"].update(callback_id="nightdesk_resolve", private_metadata=str(incident_id),
                           state={"values": {"note": {"note": {"type": "plain_text_input", "value": note}}}})
    return signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)}))


def command(app, text, user="W111", channel="C0123TEAM9"):
    body = (SAMPLES / "slack" / "slash_command_signed_body.txt").read_text().strip()
    form = {k: v[0] for k, v in parse_qs(body).items()}
    form.update(command="/nightdesk", text=text, user_id=user, channel_id=channel, team_id="T111")
    return signed(app, "/slack/commands", urlencode(form))


def live_of(app, incident_id) -> dict:
    """The incident's live Slack message as stored: {"team", "channel", "ts"} ({} before one)."""
    with app.extensions["nightdesk"].db.session() as s:
        row = s.scalar(select(LiveMessageRef).where(LiveMessageRef.incident_id == incident_id,
                                                    LiveMessageRef.method == "slack"))
        return dict(row.ref) if row else {}


def incident(app, incident_id) -> Incident:
    with app.extensions["nightdesk"].db.session() as s:
        return s.get(Incident, incident_id)


def actions_of(blocks) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def events(app, kind) -> int:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


# --- signatures --------------------------------------------------------------------------------
def test_the_documented_slack_signature_vector_verifies():
    vector = json.loads((SAMPLES / "slack" / "signature_vector.json").read_text())
    verifier = SignatureVerifier(vector["signing_secret"])
    assert verifier.generate_signature(timestamp=vector["timestamp"], body=vector["body"]) == \
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_forged_stale_replayed_and_unsigned_requests_get_403_and_change_nothing(app, slack):
    inc = open_incident(app)
    payload = urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "W1"},
                                                "actions": [{"action_id": "nightdesk_ack", "value": str(inc)}]})})
    forged = signed(app, "/slack/actions", payload, secret="not-the-secret")
    stale = signed(app, "/slack/actions", payload, ts=int(time.time()) - 600)  # clock: real now
    unsigned = app.test_client().post("/slack/actions", data=payload,
                                      content_type="application/x-www-form-urlencoded")
    assert [r.status_code for r in (forged, stale, unsigned)] == [403, 403, 403]
    assert incident(app, inc).status == "open"
    ts = int(time.time())
    first = signed(app, "/slack/commands", "text=help&user_id=W1", ts=ts)
    replay = signed(app, "/slack/commands", "text=help&user_id=W1", ts=ts)
    assert (first.status_code, replay.status_code) == (200, 403)


def test_without_a_signing_secret_nothing_is_accepted(make_app):
    response = make_app().test_client().post("/slack/commands", data={"text": "help"})
    assert response.status_code == 403


def test_a_malformed_interaction_is_a_400(app):
    assert signed(app, "/slack/actions", "payload=not-json").status_code == 400


def test_an_unsigned_malformed_interaction_is_refused_for_its_signature_first(app):
    unsigned = app.test_client().post("/slack/actions", data="payload=not-json",
                                      content_type="application/x-www-form-urlencoded")
    assert unsigned.status_code == 403


def test_shortcuts_closed_forms_and_other_buttons_get_slacks_200(app, slack):
    inc = open_incident(app)
    for payload in ({"type": "shortcut", "callback_id": "x", "user": {"id": "W1"}},
                    {"type": "view_closed", "user": {"id": "W1"}, "view": {"callback_id": "nightdesk_resolve"}},
                    {"type": "block_actions", "user": {"id": "W1"}, "actions": []}):
        assert signed(app, "/slack/actions", urlencode({"payload": json.dumps(payload)})).status_code == 200
    assert block_action(app, slack, "nightdesk_open_ticket", str(inc)).status_code == 200
    assert incident(app, inc).status == "open"


# --- the live message ------------------------------------------------------------------------
def test_the_page_is_a_live_message_in_the_customers_channel_with_buttons(app, slack):
    inc = open_incident(app)
    [post] = [c for c in slack.calls("chat.postMessage") if not c.get("thread_ts")]
    assert post["channel"] == "#globex-alerts"
    lines = post["text"].splitlines()
    assert lines[0] == "P1 · Globex · Server down for everyone"
    assert lines[1].startswith("Callback +15555550142 · Ticket 45234")
    assert lines[2].startswith("Triggered ") and lines[2].endswith("· Open")
    assert actions_of(post["blocks"]) == ["nightdesk_ack", "nightdesk_resolve", "nightdesk_snooze",
                                          "nightdesk_open_ticket"]
    live = live_of(app, inc)
    assert live["channel"] == "#globex-alerts" and live["ts"] and live["team"] == ""


def test_acknowledge_updates_the_message_threads_it_and_notes_the_ticket(app, slack, cw):
    inc = open_incident(app)
    started = time.monotonic()
    response = block_action(app, slack, "nightdesk_ack", str(inc))
    assert response.status_code == 200 and time.monotonic() - started < 3
    row = incident(app, inc)
    assert (row.status, row.acknowledged_by, row.next_escalation_at) == ("acknowledged", "slack:W111", None)
    drain(app)
    update = slack.calls("chat.update")[-1]
    assert update["ts"] == live_of(app, inc)["ts"]
    assert actions_of(update["blocks"]) == ["nightdesk_acked", "nightdesk_resolve", "nightdesk_open_ticket"]
    assert "Acknowledged by <@W111>" in json.dumps(update["blocks"])
    replies = [c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts") == live_of(app, inc)["ts"]]
    assert ":white_check_mark: Acknowledged by <@W111>" in replies
    note = next(c for c in cw.calls if c.request.url.endswith("/notes"))
    body = json.loads(note.request.body)
    assert body["member"] == {"identifier": "jdoe"} and "Acknowledged by jdoe" in body["text"]
    assert body["internalAnalysisFlag"] is True
    patch = next(c for c in cw.calls if c.request.method == "PATCH")
    assert json.loads(patch.request.body) == [{"op": "replace", "path": "status", "value": {"name": "Assigned"}}]


def test_a_double_click_and_a_second_person_see_who_got_there_first(app, slack):
    inc = open_incident(app)
    results = []
    barrier = threading.Barrier(2)

    def click(user):
        barrier.wait()
        results.append(block_action(app, slack, "nightdesk_ack", str(inc), user=user).status_code)

    threads = [threading.Thread(target=click, args=(u,)) for u in ("W111", "W222")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == [200, 200]
    assert events(app, "acknowledged") == 1
    winner = incident(app, inc).acknowledged_by
    drain(app)
    told = [r for r in slack.requests if r.path.startswith("/actions/")]
    assert len(told) == 1
    loser_text = json.loads(told[0].body)["text"]
    assert f"already acknowledged by <@{winner[6:]}>" in loser_text
    assert json.loads(told[0].body)["response_type"] == "ephemeral"


def test_resolve_opens_a_modal_and_the_note_closes_the_ticket(app, slack, cw):
    inc = open_incident(app)
    block_action(app, slack, "nightdesk_resolve", str(inc))
    [opened] = slack.calls("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert opened["trigger_id"] == "111.222.valid" and view["callback_id"] == "nightdesk_resolve"
    assert view["private_metadata"] == str(inc)
    response = view_submission(app, inc, "restarted the VPN appliance")
    assert response.status_code == 200 and response.get_data() == b""
    drain(app)
    row = incident(app, inc)
    assert (row.status, row.resolution_note) == ("resolved", "restarted the VPN appliance")
    update = slack.calls("chat.update")[-1]
    assert actions_of(update["blocks"]) == []
    replies = [c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts")]
    assert ":wrench: Resolved by <@W111> — restarted the VPN appliance" in replies
    note = [json.loads(c.request.body) for c in cw.calls if c.request.url.endswith("/notes")][-1]
    assert note["resolutionFlag"] is True and "restarted the VPN appliance" in note["text"]
    assert json.loads([c for c in cw.calls if c.request.method == "PATCH"][-1].request.body)[0]["value"] == {"name": ">Closed"}
    again = view_submission(app, inc, "again", user="W222")
    assert again.get_json()["response_action"] == "errors"
    assert "already resolved by @W111" in again.get_json()["errors"]["note"]


def test_buttons_act_on_their_own_incident_once_ids_pass_1000(app, slack, cw):
    next_incident_id(app, 42)
    small = open_incident(app, summary="Printer offline")
    next_incident_id(app, 1042)
    big = open_incident(app, summary="Server down for everyone")
    assert (small, big) == (42, 1042)
    block_action(app, slack, "nightdesk_resolve", str(big))
    [opened] = slack.calls("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["private_metadata"] == "1042" and "ND-2042" in json.dumps(view)
    view_submission(app, big, "rebooted")
    block_action(app, slack, "nightdesk_ack", str(big), user="W222")
    drain(app)
    assert (incident(app, big).status, incident(app, small).status) == ("resolved", "open")


def test_typed_references_and_ticket_numbers_never_read_as_ids(app, slack, cw):
    next_incident_id(app, 42)
    small = open_incident(app, summary="Printer offline")
    next_incident_id(app, 1042)
    big = open_incident(app, summary="Server down for everyone")
    assert "acknowledged" in command(app, "ack ND-2042").get_json()["text"]
    assert (incident(app, big).status, incident(app, small).status) == ("acknowledged", "open")
    # A bare number is a ticket number, never a reference without its prefix (nor an id).
    assert "No incident with reference or ticket number `1042`" in command(app, "ack 1042").get_json()["text"]
    assert "No incident" in command(app, "resolve 42").get_json()["text"]
    assert incident(app, small).status == "open"
    assert "acknowledged" in command(app, "ack ND-1042").get_json()["text"]  # the small one
    assert incident(app, small).status == "acknowledged"
    # Both got ticket 45234 from the fake; the ticket number names the newest incident with it.
    assert "resolved" in command(app, "resolve #45234 fixed").get_json()["text"]
    assert (incident(app, big).status, incident(app, small).status) == ("resolved", "acknowledged")


def test_replies_and_the_incident_page_tell_time_in_the_msps_zone(make_app, runbooks_dir, slack, cw):
    app = globex_app(make_app, runbooks_dir, slack, timezone="America/New_York")
    inc = open_incident(app)
    command(app, "ack ND-%d" % (1000 + inc))
    again = command(app, "ack ND-%d" % (1000 + inc), user="W222").get_json()["text"]
    assert "already acknowledged" in again and "UTC" not in again
    assert re.search(r"at \d\d:\d\d E[SD]T\.$", again)
    status = command(app, "status").get_json()["text"]
    assert "UTC" not in status
    from app.incidents.links import incident_link
    svc = app.extensions["nightdesk"]
    link = incident_link(svc.config, svc.secret_key, inc, svc.clock)
    page = app.test_client().get(link.replace("https://nightdesk.example", "")).get_data(as_text=True)
    assert re.search(r"Opened \d{4}-\d\d-\d\d \d\d:\d\d E[SD]T", page) and "UTC" not in page
    assert "Ticket 45234" in page and f"Ref ND-{1000 + inc}" in page  # the ref differs: shown


def test_snooze_pauses_escalation_and_renotifies_when_it_ends(app, slack, clock):
    from app.incidents import sweep
    inc = open_incident(app)
    block_action(app, slack, "nightdesk_snooze", "", selected=f"{inc}:30")
    row = incident(app, inc)
    assert row.snoozed_until is not None and row.next_escalation_at is None
    drain(app)
    assert any("Snoozed for 30 min by <@W111>" in c["text"] for c in slack.calls("chat.postMessage")
               if c.get("thread_ts"))
    clock.advance(20 * 60)
    assert sweep(app.extensions["nightdesk"])["escalations"] == 0  # paused
    clock.advance(11 * 60)
    assert sweep(app.extensions["nightdesk"])["wakes"] == 1
    drain(app)
    row = incident(app, inc)
    assert row.snoozed_until is None and row.next_escalation_at is not None
    with app.extensions["nightdesk"].db.session() as s:
        kinds = [p.kind for p in s.scalars(select(Page).where(Page.incident_id == inc))]
    assert "renotify:0" in kinds
    assert any("Snooze over" in c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts"))


# --- escalation --------------------------------------------------------------------------------
def test_escalation_steps_fire_on_time_to_whoever_is_on_call(app, slack, cw, clock):
    from app.incidents import sweep
    inc = open_incident(app)
    svc = app.extensions["nightdesk"]
    clock.advance(4 * 60)
    assert sweep(svc)["escalations"] == 0
    clock.advance(61)
    assert sweep(svc)["escalations"] == 1
    drain(app)
    sms = [c for c in cw.calls if "Messages.json" in c.request.url]
    on_call = svc.runbooks.get("globex").oncall.on_call(clock()).sms
    assert len(sms) == 1 and parse_qs(sms[0].request.body)["To"] == [on_call]
    assert incident(app, inc).escalation_step == 1
    assert any("Escalated to step 2" in c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts"))
    clock.advance(10 * 60 + 1)
    sweep(svc)
    drain(app)
    managers = [c for c in slack.calls("chat.postMessage") if c.get("channel") == "#managers"]
    assert len(managers) == 1
    assert incident(app, inc).next_escalation_at is None  # the chain has run out


def test_acknowledge_stops_the_chain(app, slack, clock):
    from app.incidents import sweep
    inc = open_incident(app)
    block_action(app, slack, "nightdesk_ack", str(inc))
    clock.advance(60 * 60)
    assert sweep(app.extensions["nightdesk"])["escalations"] == 0
    drain(app, scheduled=True)
    assert incident(app, inc).escalation_step == 0


def test_escalation_timers_survive_a_restart_of_every_process(app, make_app, slack, clock):
    from app.incidents import sweep
    inc = open_incident(app)
    app.extensions["huey"].flush()  # the scheduled job dies with the old processes
    restarted = make_app(app.config["NIGHTDESK"].__dict__ | {})  # a new app on the same database
    clock.advance(6 * 60)
    assert sweep(restarted.extensions["nightdesk"])["escalations"] == 1
    drain(restarted)
    assert incident(restarted, inc).escalation_step == 1


# --- /nightdesk ------------------------------------------------------------------------------
def test_help_and_unknown_commands_are_ephemeral(app):
    for text in ("help", "", "dance"):
        body = command(app, text).get_json()
        assert body["response_type"] == "ephemeral" and "/nightdesk <command>" in body["text"]


def test_incidents_ack_and_resolve_by_reference(app, slack):
    inc = open_incident(app, summary="<!channel> email down")
    listing = command(app, "incidents").get_json()
    assert listing["response_type"] == "ephemeral"
    assert "ND-1001" in listing["text"] and "&lt;!channel&gt; email down" in listing["text"]
    acked = command(app, "ack ND-1001").get_json()
    assert acked["response_type"] == "in_channel" and "acknowledged by <@W111>" in acked["text"]
    again = command(app, "ack nd1001", user="W222").get_json()
    assert again["response_type"] == "ephemeral" and "already acknowledged by <@W111>" in again["text"]
    resolved = command(app, "resolve ND-1001 replaced the switch").get_json()
    assert "resolved by <@W111> — replaced the switch" in resolved["text"]
    assert incident(app, inc).resolution_note == "replaced the switch"
    assert "No incident with reference or ticket number `ND-9999`" in command(app, "ack ND-9999").get_json()["text"]


def test_a_resolve_note_that_mentions_a_payload_is_still_a_command(app, slack):
    inc = open_incident(app)
    reply = command(app, f"resolve ND-{1000 + inc} the payload=bad webhook fixed").get_json()
    assert reply["response_type"] == "in_channel" and "resolved by <@W111>" in reply["text"]
    assert incident(app, inc).resolution_note == "the payload=bad webhook fixed"


def test_oncall_and_status(app, clock):
    open_incident(app)
    oncall = command(app, "oncall").get_json()["text"]
    who = app.extensions["nightdesk"].runbooks.get("globex").oncall.on_call(clock()).name
    assert f"*Globex*: {who} until" in oncall
    status = command(app, "status").get_json()["text"]
    assert "Open incidents: 1" in status and "Last page sent: " in status and "never" not in status


def test_test_posts_a_rehearsal_incident_to_the_channel_it_was_typed_in(app, slack):
    reply = command(app, "test", channel="C0123TEAM9").get_json()
    assert reply["response_type"] == "in_channel"
    drain(app)
    [post] = [c for c in slack.calls("chat.postMessage") if c.get("channel") == "C0123TEAM9"]
    assert post["text"].startswith("P1 · ") and "TEST" in json.dumps(post["blocks"])
    assert "nightdesk_ack" in actions_of(post["blocks"])
    assert "ND-" not in command(app, "incidents").get_json()["text"]  # rehearsals aren't incidents


def test_ssl_check_is_acknowledged(app):
    assert signed(app, "/slack/commands", "ssl_check=1&token=x").status_code == 200


# --- install -----------------------------------------------------------------------------------
INSTALLED = {"ok": True, "app_id": "A1", "access_token": "xoxb-installed", "bot_user_id": "U0BOT",
             "scope": "chat:write,commands", "team": {"id": "T0NEW", "name": "Globex IT"},
             "authed_user": {"id": "U0ADMIN"}}
ROTATING = {**INSTALLED, "access_token": "xoxe.xoxb-first", "refresh_token": "xoxe-1-first",
            "expires_in": 43200, "token_type": "bot"}


@pytest.fixture
def app_install(make_app, slack, runbooks_dir):
    (runbooks_dir / "globex.yaml").write_text(RUNBOOK.replace('channel: "#globex-alerts"',
                                                              'channel: "#globex-alerts"\n  workspace: T0NEW'))
    return make_app({"slack_client_id": "111.222", "slack_client_secret": "shh",
                     "slack_api_url": slack.url + "/api/", "slack_signing_secret": SECRET})


def begin_install(client) -> str:
    """A browser opens /slack/install: Slack's authorize URL, and the state also set as a cookie."""
    start = client.get("/slack/install")
    assert start.status_code == 302
    assert start.headers["Set-Cookie"].startswith("slack-app-oauth-state=")
    return parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]


def bearer_of_last_page(slack) -> str:
    return [r for r in slack.requests if r.path == "/api/chat.postMessage"][-1].headers["Authorization"]


def test_install_runs_oauth_with_a_state_check_and_stores_the_workspace(app_install, slack):
    slack.oauth_answer = INSTALLED
    client = app_install.test_client()
    start = client.get("/slack/install")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["client_id"] == ["111.222"] and "chat:write" in query["scope"][0]
    state = query["state"][0]
    assert client.get("/slack/oauth/callback?code=c&state=forged").status_code == 403
    done = client.get(f"/slack/oauth/callback?code=c&state={state}")
    assert done.status_code == 200 and "Globex IT" in done.get_data(as_text=True)
    assert "slack-app-oauth-state=deleted" in done.headers["Set-Cookie"]
    client.set_cookie("slack-app-oauth-state", state)  # the same state again, cookie and all
    assert client.get(f"/slack/oauth/callback?code=c&state={state}").status_code == 400  # one use
    open_incident(app_install)
    assert bearer_of_last_page(slack) == "Bearer xoxb-installed"


def test_a_callback_in_a_browser_that_did_not_start_the_install_is_refused(app_install, slack):
    slack.oauth_answer = INSTALLED
    admin, other = app_install.test_client(), app_install.test_client()
    state = begin_install(admin)
    stolen = other.get(f"/slack/oauth/callback?code=c&state={state}")  # no state cookie at all
    assert stolen.status_code == 403
    assert "not started in this browser" in stolen.get_data(as_text=True)
    begin_install(other)  # a cookie of its own, for a different state
    assert other.get(f"/slack/oauth/callback?code=c&state={state}").status_code == 403
    assert slack.calls("oauth.v2.access") == []  # the code was never exchanged
    done = admin.get(f"/slack/oauth/callback?code=c&state={state}")  # the real admin still can
    assert done.status_code == 200 and "Globex IT" in done.get_data(as_text=True)


def test_a_refused_code_exchange_says_so_and_keeps_the_code_out_of_the_log(app_install, slack, caplog):
    slack.oauth_answer = {"ok": False, "error": "invalid_code"}
    client = app_install.test_client()
    state = begin_install(client)
    with caplog.at_level("INFO"):  # the service's level
        done = client.get(f"/slack/oauth/callback?code=one-time-4711&state={state}")
    assert done.status_code == 400 and "could not be exchanged" in done.get_data(as_text=True)
    assert slack.calls("oauth.v2.access")  # it was tried
    assert "one-time-4711" not in caplog.text


def test_a_rotating_token_is_stored_with_its_refresh_token_and_renewed_before_it_expires(
        app_install, slack):
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    store = SQLAlchemyInstallationStore(client_id="111.222",
                                        engine=app_install.extensions["nightdesk"].db.engine)
    client = app_install.test_client()
    slack.oauth_answer = ROTATING  # 12 hours left: used as it is
    client.get(f"/slack/oauth/callback?code=c&state={begin_install(client)}")
    bot = store.find_bot(enterprise_id=None, team_id="T0NEW")
    assert bot.bot_refresh_token == "xoxe-1-first"
    assert abs(bot.bot_token_expires_at - (time.time() + 43200)) < 60
    open_incident(app_install)
    assert bearer_of_last_page(slack) == "Bearer xoxe.xoxb-first" and slack.refreshed == []

    slack.oauth_answer = {**ROTATING, "expires_in": 3600}  # reinstalled; an hour left: renewed
    client.get(f"/slack/oauth/callback?code=c&state={begin_install(client)}")
    open_incident(app_install, summary="Mail down")
    open_incident(app_install, summary="VPN down")
    assert slack.refreshed == ["xoxe-1-first"]  # once, then the new token serves
    assert [r.headers["Authorization"] for r in slack.requests if r.path == "/api/chat.postMessage"][-2:] == [
        "Bearer xoxe.xoxb-rotated-1"] * 2
    bot = store.find_bot(enterprise_id=None, team_id="T0NEW")
    assert (bot.bot_token, bot.bot_refresh_token) == ("xoxe.xoxb-rotated-1", "xoxe-1-refresh-1")
    assert bot.bot_token_expires_at > time.time() + 43000


def test_a_refused_rotation_is_logged_and_the_page_still_goes_with_the_token_it_has(
        app_install, slack, caplog):
    client = app_install.test_client()
    slack.oauth_answer = {**ROTATING, "expires_in": 3600}
    client.get(f"/slack/oauth/callback?code=c&state={begin_install(client)}")
    slack.oauth_answer = {**ROTATING, "refresh_token": "xoxe-1-another"}  # Slack revoked ours
    open_incident(app_install)
    assert bearer_of_last_page(slack) == "Bearer xoxe.xoxb-first"  # an hour left: still good
    assert "Slack bot token rotation failed for workspace T0NEW: invalid_refresh_token" in caplog.text
    assert "xoxe-1-first" not in caplog.text


def test_install_is_404_until_the_app_is_configured(make_app):
    assert make_app().test_client().get("/slack/install").status_code == 404


# --- routing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("customer_channel, severity_channels, default, expected", [
    ('  channel: "#globex-alerts"\n', {"P1": "#incidents-critical"}, "#nightdesk", "#globex-alerts"),
    ("", {"P1": "#incidents-critical"}, "#nightdesk", "#incidents-critical"),
    ("", {"P2": "#incidents"}, "#nightdesk", "#nightdesk"),
])
def test_bot_pages_go_to_customer_then_severity_then_default_channel(
        make_app, runbooks_dir, slack, customer_channel, severity_channels, default, expected):
    text = RUNBOOK.replace('  channel: "#globex-alerts"\n', customer_channel)
    (runbooks_dir / "globex.yaml").write_text(text)
    app = make_app({"slack_bot_token": "xoxb-test", "slack_api_url": slack.url + "/api/",
                    "slack_severity_channels": severity_channels, "slack_channel": default})
    open_incident(app)
    assert slack.calls("chat.postMessage")[0]["channel"] == expected


def test_a_runbook_chooses_which_changes_reach_the_thread(make_app, runbooks_dir, slack):
    (runbooks_dir / "globex.yaml").write_text(
        RUNBOOK.replace("events: [triggered, acknowledged, resolved, snoozed, escalated, ticket]",
                        "events: [resolved]"))
    app = make_app({"slack_bot_token": "xoxb-test", "slack_api_url": slack.url + "/api/",
                    "slack_signing_secret": SECRET})
    inc = open_incident(app)
    block_action(app, slack, "nightdesk_ack", str(inc))
    drain(app)
    command(app, "resolve ND-1001 fixed")
    drain(app)
    replies = [c["text"] for c in slack.calls("chat.postMessage") if c.get("thread_ts")]
    assert replies == [":wrench: Resolved by <@W111> — fixed"]
    assert len(slack.calls("chat.update")) == 2  # the message itself always stays current


def test_pages_still_waiting_are_cancelled_once_someone_acknowledges(app, slack, cw, clock):
    from app.incidents import sweep
    inc = open_incident(app)
    cw.replace(responses.POST, "https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/Messages.json",
               status=503, json={"code": 20503, "message": "busy", "status": 503})
    clock.advance(5 * 60 + 1)
    sweep(app.extensions["nightdesk"])
    drain(app)  # the on-call SMS fails once and waits for its retry
    assert block_action(app, slack, "nightdesk_ack", str(inc)).status_code == 200
    assert incident(app, inc).status == "acknowledged"
    clock.advance(120)
    drain(app, scheduled=True)
    with app.extensions["nightdesk"].db.session() as s:
        sms = s.scalar(select(Page).where(Page.incident_id == inc, Page.method == "sms"))
        assert (sms.status, sms.attempts) == ("cancelled", 1)
