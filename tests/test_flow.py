"""Call → triage → ticket → page, with the real queue and real adapters against vendor fakes."""
import requests
import responses
from sqlalchemy import func, select

from app.models import Event, Incident, Page
from app.paging import ChannelRegistry, Delivery
from app.paging.recording import RecordingChannel

from .conftest import TwilioCaller, drain, recording_channels
from .fakes.http import Reply

CW = "https://cw.example/v4_6_release/apis/3.0"
CW_SETTINGS = {"connectwise_base_url": CW, "connectwise_company": "msp",
               "connectwise_public_key": "pub", "connectwise_private_key": "priv",
               "connectwise_client_id": "guid", "connectwise_timeout": 1.0}


def slack_settings(slack) -> dict:
    return {"slack_webhook": slack.url + "/services/T0/B0/default",
            "slack_webhook_hosts": ("127.0.0.1",)}


def call(app, *speech, hang_up=True, to="+15555550101"):
    caller = TwilioCaller(app.test_client(), to=to)
    caller.post("/voice/incoming")
    for seq, said in enumerate(speech, start=1):
        caller.post(f"/voice/gather?turn={seq}", SpeechResult=said)
        drain(app)
    if hang_up:
        caller.post("/voice/status", CallStatus="completed")
    drain(app)
    return caller


def incident(app) -> Incident:
    with app.extensions["nightdesk"].db.session() as s:
        row = s.scalar(select(Incident))
        row.pages  # load while the session is open
        return row


def events(app) -> list[str]:
    with app.extensions["nightdesk"].db.session() as s:
        return [e.kind for e in s.scalars(select(Event).order_by(Event.id))]


@responses.activate
def test_a_p1_call_opens_a_connectwise_ticket_and_pages_slack_with_the_number(make_app, slack):
    responses.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
    app = make_app({**CW_SETTINGS, **slack_settings(slack)})
    call(app, "Hi it's Maria, the Dentrix server is down and nobody can see patients")
    inc = incident(app)
    assert (inc.severity, inc.ticket_number, inc.ticket_status) == ("P1", "45234", "created")
    [post] = slack.webhook_posts()
    assert post["text"].splitlines()[0] == f"P1 · Acme Dental · {inc.summary}"
    assert "Ticket 45234" in post["text"].splitlines()[1]
    assert "Callback +15555550142" in post["text"]
    assert [p.status for p in inc.pages] == ["sent"]


@responses.activate
def test_connectwise_down_does_not_hold_the_page_and_the_ticket_comes_later_exactly_once(
        make_app, slack, clock):
    responses.post(f"{CW}/service/tickets", status=503, body="Service Unavailable")
    responses.get(f"{CW}/service/tickets", json=[])
    app = make_app({**CW_SETTINGS, **slack_settings(slack)})
    call(app, "The Dentrix server is down at every clinic")
    inc = incident(app)
    assert inc.ticket_status == "pending" and "503" in inc.ticket_error
    [first] = slack.webhook_posts()
    assert "Ticket pending" in first["text"]  # paged without the number

    responses.replace(responses.POST, f"{CW}/service/tickets", json={"id": 5150}, status=201)
    clock.advance(600)
    drain(app, scheduled=True)
    app.extensions["nightdesk"].work.later("file_ticket", inc.id)  # a duplicate message, too
    drain(app, scheduled=True)
    inc = incident(app)
    assert inc.ticket_number == "5150"
    posts = [c for c in responses.calls if c.request.method == "POST"
             and c.request.url == f"{CW}/service/tickets"]
    assert len(posts) == 2  # the refused one and the one that created the ticket
    follow_up = slack.webhook_posts()[1]
    assert "Ticket 5150" in follow_up["text"]
    assert len(slack.webhook_posts()) == 2
    assert events(app).count("ticket_created") == 1


@responses.activate
def test_a_connectwise_timeout_is_retried_without_a_second_ticket(make_app, slack, clock):
    responses.post(f"{CW}/service/tickets", body=requests.exceptions.ReadTimeout())
    app = make_app({**CW_SETTINGS, **slack_settings(slack)})
    call(app, "The whole office has no internet")
    # The timed-out POST did reach ConnectWise: the retry must find that ticket, not make another.
    responses.get(f"{CW}/service/tickets", json=[{"id": 9001}])
    clock.advance(600)
    drain(app, scheduled=True)
    assert incident(app).ticket_number == "9001"
    assert sum(1 for c in responses.calls
               if c.request.method == "POST" and c.request.url == f"{CW}/service/tickets") == 1


@responses.activate
def test_a_connectwise_4xx_is_recorded_and_the_page_still_goes(make_app, slack):
    responses.post(f"{CW}/service/tickets", status=400, json={
        "code": "InvalidObject", "message": "ticket object is invalid",
        "errors": [{"code": "InvalidField", "message": "Board not found", "field": "board"}]})
    app = make_app({**CW_SETTINGS, **slack_settings(slack)})
    call(app, "The Dentrix server is down for all clinics")
    inc = incident(app)
    assert inc.ticket_status == "failed" and "Board not found" in inc.ticket_error
    assert len(slack.webhook_posts()) == 1
    assert "ticket_refused" in events(app)


def test_the_same_webhooks_twice_make_one_call_one_incident_one_ticket_one_page(make_app):
    registry, slack_channel = recording_channels()
    app = make_app(channels=registry)
    caller = TwilioCaller(app.test_client())
    for _ in range(2):
        caller.post("/voice/incoming")
    for _ in range(2):
        caller.post("/voice/gather?turn=1", SpeechResult="server down for everyone")
    drain(app)
    for _ in range(2):
        caller.post("/voice/next?turn=1")
        caller.post("/voice/status", CallStatus="completed")
    drain(app)
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
        assert s.scalar(select(func.count()).select_from(Page)) == 1
    assert len(slack_channel.sent) == 1


def test_a_transient_slack_failure_is_retried_and_delivered(make_app, slack, clock):
    slack.fail_next(Reply(500, "rollup_error"), Reply(429, "rate_limited", {"Retry-After": "1"}))
    app = make_app(slack_settings(slack))
    call(app, "The whole office has no internet")
    assert incident(app).pages[0].status == "queued"
    clock.advance(60)
    drain(app, scheduled=True)
    clock.advance(60)
    drain(app, scheduled=True)
    page = incident(app).pages[0]
    assert (page.status, page.attempts) == ("sent", 3)
    assert events(app).count("page_retry") == 2


def test_a_permanent_failure_goes_to_the_rules_fallback_at_once(make_app, slack):
    email = RecordingChannel("email", [Delivery.permanent_error("email: recipient refused (550)")])
    slack_channel = RecordingChannel("slack")
    app = make_app(channels=ChannelRegistry([slack_channel, email]))
    call(app, "I clicked a phishing link and now my files are encrypted")
    inc = incident(app)
    assert [(p.kind, p.method, p.status) for p in inc.pages] == [
        ("page", "email", "failed"), ("fallback", "slack", "sent")]
    assert "550" in inc.pages[0].last_error
    assert len(slack_channel.sent) == 1


def test_a_p1_whose_routes_all_fail_alerts_the_msp_default(make_app):
    email = RecordingChannel("email", [Delivery.permanent_error("email: auth failed")])
    slack_channel = RecordingChannel("slack", [Delivery.permanent_error("slack: no_service")])
    app = make_app(channels=ChannelRegistry([slack_channel, email]))
    call(app, "Ransomware on the server, everything is encrypted")
    kinds = [(p.kind, p.method, p.target, p.status) for p in incident(app).pages]
    assert kinds == [("page", "email", "oncall@msp.example", "failed"),
                     ("fallback", "slack", "", "failed")]
    # The rule's fallback was the MSP default already; nothing more to try, and it is recorded.
    assert "page_failed" in events(app)


def test_a_p3_is_logged_for_the_morning_not_paged(make_app):
    registry, slack_channel = recording_channels()
    app = make_app(channels=registry)
    call(app, "My printer has a paper jam, no rush")
    inc = incident(app)
    assert inc.severity in ("P3", "P4") and inc.pages == [] and slack_channel.sent == []
    assert "not_paged" in events(app)


def test_the_sweep_finds_work_a_lost_queue_message_left_behind(make_app, clock):
    from app.incidents import sweep
    registry, slack_channel = recording_channels()
    app = make_app(channels=registry)
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="server down for everyone")
    app.extensions["huey"].flush()  # the queue loses the triage job
    svc = app.extensions["nightdesk"]
    assert sweep(svc)["turns"] == 0  # not overdue yet
    clock.advance(45)
    assert sweep(svc)["turns"] == 1
    drain(app)
    assert len(slack_channel.sent) == 1


def test_a_worker_killed_mid_send_is_delivered_after_restart(make_app, clock):
    from app.incidents import sweep
    registry, slack_channel = recording_channels()
    app = make_app(channels=registry)
    svc = app.extensions["nightdesk"]
    call(app, "server down for everyone")
    with svc.db.session() as s:  # as if a worker claimed the page and died before sending
        page = s.scalar(select(Page))
        page.status, page.claimed_at, page.sent_at = "sending", clock(), None
    slack_channel.sent.clear()
    clock.advance(180)
    assert sweep(svc)["pages"] == 1
    drain(app)
    assert incident(app).pages[0].status == "sent" and len(slack_channel.sent) == 1
