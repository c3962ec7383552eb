"""SMS pages report back: StatusCallback on every message, and POST /sms/status turning an
`undelivered`/`failed` report into a failed delivery that retries or falls back."""
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import select

from app.models import Event, Page

from .conftest import drain, sign
from .test_channels import ACCOUNT, MESSAGES_URL
from .test_paging import open_p1

BASE = "https://nightdesk.example"
SID = "SM" + "b" * 32


def sms_runbook(directory, fallback: str):
    (directory / "globex.yaml").write_text(f"""name: Globex
match:
  numbers: ["+15555550303"]
escalation_rules:
  - trigger: "anything urgent"
    page: "+15555550199"
    method: sms
    fallback: {{page: "{fallback}", method: slack}}
""")


@pytest.fixture
def app(make_app, runbooks_dir, slack):
    sms_runbook(runbooks_dir, slack.url + "/services/globex/backup")
    return make_app({"twilio_account_sid": ACCOUNT, "twilio_from_number": "+14155552345",
                     "slack_webhook_hosts": ("127.0.0.1",)})


def pages(app) -> list[Page]:
    with app.extensions["nightdesk"].db.session() as s:
        return list(s.scalars(select(Page).order_by(Page.id)))


def report(app, path: str, signature: str | None = None, **fields):
    params = {"MessageSid": SID, "MessageStatus": "undelivered", "AccountSid": ACCOUNT,
              "From": "+14155552345", "To": "+15555550199", "ApiVersion": "2010-04-01", **fields}
    params = {k: v for k, v in params.items() if v is not None}
    headers = {"X-Twilio-Signature": sign(BASE + path, params) if signature is None else signature}
    return app.test_client().post(path, data=params, headers=headers, base_url=BASE)


@pytest.fixture
def sent(app):
    """One SMS page, accepted by Twilio (201 queued): its page row is `sent`."""
    with responses.RequestsMock() as twilio:
        twilio.post(MESSAGES_URL, json={"sid": SID, "status": "queued"}, status=201)
        open_p1(app, "+15555550303")
        drain(app)
        form = parse_qs(twilio.calls[0].request.body)
    [page] = pages(app)
    assert (page.method, page.status, page.receipt["sid"]) == ("sms", "sent", SID)
    return page, form


def test_every_sms_page_asks_twilio_for_a_delivery_report(sent):
    page, form = sent
    assert form["StatusCallback"] == [f"{BASE}/sms/status?page={page.id}"]


@pytest.mark.parametrize("status, code", [("undelivered", "30005"), ("failed", "30006")])
def test_a_permanent_delivery_failure_goes_to_the_fallback(app, sent, slack, status, code):
    page, _ = sent
    response = report(app, f"/sms/status?page={page.id}", MessageStatus=status, ErrorCode=code)
    assert response.status_code == 204
    drain(app)
    assert [(p.kind, p.method, p.status) for p in pages(app)] == [
        ("page", "sms", "failed"), ("fallback", "slack", "sent")]
    assert f"Twilio reports {status} ({code})" in pages(app)[0].last_error
    assert [r.path for r in slack.requests] == ["/services/globex/backup"]
    with app.extensions["nightdesk"].db.session() as s:
        assert "page_undelivered" in [e.kind for e in s.scalars(select(Event))]


def test_a_transient_delivery_failure_is_retried(app, sent, clock):
    page, _ = sent
    assert report(app, f"/sms/status?page={page.id}", ErrorCode="30003").status_code == 204
    [row] = pages(app)
    assert row.status == "queued" and "30003" in row.last_error
    with responses.RequestsMock() as twilio:
        twilio.post(MESSAGES_URL, json={"sid": "SM" + "c" * 32, "status": "queued"}, status=201)
        drain(app)  # the retry waits for its time, as a consumer would keep it
        assert len(twilio.calls) == 0
        clock.advance(600)
        drain(app, scheduled=True)
        assert len(twilio.calls) == 1
    [row] = pages(app)
    assert row.status == "sent" and row.attempts == 2


def test_delivered_and_repeated_reports_change_nothing(app, sent):
    page, _ = sent
    assert report(app, f"/sms/status?page={page.id}", MessageStatus="delivered").status_code == 204
    assert pages(app)[0].status == "sent"
    stale = report(app, f"/sms/status?page={page.id}", MessageSid="SM" + "d" * 32, ErrorCode="30005")
    assert stale.status_code == 204 and pages(app)[0].status == "sent"


def test_a_report_arriving_while_the_database_is_down_gets_503_not_500(app, sent, caplog):
    from sqlalchemy.exc import OperationalError
    page, _ = sent
    db = app.extensions["nightdesk"].db

    def down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    real, db.session = db.session, down
    try:
        answer = report(app, f"/sms/status?page={page.id}", ErrorCode="30005")
    finally:
        db.session = real
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert "database unavailable" in caplog.text and "Traceback" not in caplog.text
    assert pages(app)[0].status == "sent"  # nothing half-done: Twilio's retry finds it as it was


def test_a_forged_report_is_refused_and_changes_nothing(app, sent):
    page, _ = sent
    path = f"/sms/status?page={page.id}"
    assert report(app, path, signature="forged").status_code == 403
    assert report(app, path, signature="").status_code == 403
    # A signature for another page's URL doesn't carry over.
    params = {"MessageSid": SID, "MessageStatus": "failed"}
    other = app.test_client().post(path, data=params, base_url=BASE, headers={
        "X-Twilio-Signature": sign(f"{BASE}/sms/status?page={page.id + 1}", params)})
    assert other.status_code == 403
    assert pages(app)[0].status == "sent"


@pytest.mark.parametrize("path, fields, status", [
    ("/sms/status", {}, 400),
    ("/sms/status?page=abc", {}, 400),
    ("/sms/status?page=99999999999999999999", {}, 400),
    ("/sms/status?page={id}", {"MessageSid": "not-a-sid"}, 400),
    ("/sms/status?page={id}", {"MessageStatus": "exploded"}, 400),
    ("/sms/status?page={id}", {"MessageStatus": None}, 400),
    ("/sms/status?page={id}", {"ErrorCode": "3000x"}, 400),
    ("/sms/status?page=424242", {}, 404),
])
def test_a_malformed_report_gets_a_4xx(app, sent, path, fields, status):
    page, _ = sent
    assert report(app, path.format(id=page.id), **fields).status_code == status
    assert pages(app)[0].status == "sent"


def test_a_report_that_beats_our_own_record_of_the_send_is_looked_at_again(app, sent, clock):
    page, _ = sent
    with app.extensions["nightdesk"].db.session() as s:
        s.get(Page, page.id).status = "sending"  # the worker has not recorded the send yet
    assert report(app, f"/sms/status?page={page.id}", ErrorCode="30005").status_code == 204
    assert pages(app)[0].status == "sending"
    with app.extensions["nightdesk"].db.session() as s:
        s.get(Page, page.id).status = "sent"
    drain(app)
    clock.advance(60)
    drain(app, scheduled=True)
    drain(app)
    assert [(p.kind, p.status) for p in pages(app)] == [("page", "failed"), ("fallback", "sent")]
