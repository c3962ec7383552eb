"""What the caller is promised at the end of the call: a page only when one can happen.

Each case runs the signed voice webhooks, the queued jobs and the real Slack adapter against the
loopback fake Slack, then reads the final TwiML's speech."""
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from app.models import Event, Page

from .conftest import TwilioCaller, drain
from .fakes.http import Reply

NUMBER = "+15555550404"
PROBLEM = "Hi it's Dana, the file server is down and nobody in the office can work"


def runbook(runbooks_dir, slack) -> None:
    """A customer paged on its own Slack webhook, with another webhook as the rule's fallback."""
    (runbooks_dir / "harbor.yaml").write_text(f"""
customer: harbor
name: Harbor Accounting
match: {{numbers: ["{NUMBER}"]}}
escalation_rules:
  - trigger: "office down"
    severity: P1
    keywords: ["server", "nobody"]
    page: "{slack.url}/services/T0/B0/harbor"
    method: slack
    fallback: {{page: "{slack.url}/services/T0/B0/harbor-backup", method: slack}}
""")


def final_words(app) -> str:
    caller = TwilioCaller(app.test_client(), to=NUMBER, from_="+15555550142")
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult=PROBLEM)
    drain(app)
    response = caller.post("/voice/next?turn=1")
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.find("Hangup") is not None, response.get_data(as_text=True)
    return " ".join(n.text or "" for n in root.iter("Say"))


def page_rows(app) -> list[tuple[str, str]]:
    with app.extensions["nightdesk"].db.session() as s:
        return [(p.kind, p.status) for p in s.scalars(select(Page).order_by(Page.id))]


def assert_told_the_truth(said: str) -> None:
    assert "being paged" not in said and "paged" not in said
    assert "Your problem is logged" in said
    assert "Someone will call you back on 5 5 5, 5 5 5, 0 1 4 2" in said
    assert "N D, 1, 0, 0, 1" in said


def test_no_route_configured_the_caller_hears_logged_and_a_call_back(make_app):
    # acme-dental pages Slack with page "", and NIGHTDESK_SLACK_WEBHOOK is not set.
    app = make_app()
    caller = TwilioCaller(app.test_client(), to="+15555550101", from_="+15555550142")
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult=PROBLEM)
    drain(app)
    said = " ".join(n.text or "" for n in ET.fromstring(
        caller.post("/voice/next?turn=1").get_data(as_text=True)).iter("Say"))
    assert_told_the_truth(said)
    assert page_rows(app) == [("page", "failed")]


def test_every_route_failing_at_once_the_caller_hears_the_truth_and_the_msp_is_alerted(
        make_app, runbooks_dir, slack):
    runbook(runbooks_dir, slack)
    slack.fail_next(Reply(404, "no_service"), Reply(404, "no_service"))  # the rule, its fallback
    app = make_app({"slack_webhook": slack.url + "/services/T0/B0/msp",
                    "slack_webhook_hosts": ("127.0.0.1",)})
    said = final_words(app)
    assert_told_the_truth(said)
    assert page_rows(app) == [("page", "failed"), ("fallback", "failed"), ("default:slack", "sent")]
    [alert] = [r.json() for r in slack.requests if r.path == "/services/T0/B0/msp"]
    assert "Harbor Accounting" in str(alert)
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(Event.kind).where(Event.kind == "default_alerted")) == "default_alerted"


def test_a_working_route_is_still_promised_a_page(make_app, runbooks_dir, slack):
    runbook(runbooks_dir, slack)
    app = make_app({"slack_webhook_hosts": ("127.0.0.1",)})
    said = final_words(app)
    assert "The on-call technician is being paged and will call you back on 5 5 5, 5 5 5, 0 1 4 2" in said
    assert page_rows(app) == [("page", "sent")]


def test_the_caller_holds_while_the_first_page_has_no_answer_yet(make_app, runbooks_dir, slack, clock):
    runbook(runbooks_dir, slack)
    app = make_app({"slack_webhook_hosts": ("127.0.0.1",)})
    caller = TwilioCaller(app.test_client(), to=NUMBER, from_="+15555550142")
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult=PROBLEM)
    huey = app.extensions["huey"]
    # Triage only: it opens the incident (its own ticket, numbered at once) and plans the page,
    # which is not sent yet.
    huey.execute(huey.dequeue())
    held = ET.fromstring(caller.post("/voice/next?turn=1").get_data(as_text=True))
    assert held.find("Redirect") is not None and held.find("Hangup") is None
    clock.advance(11)  # nothing answered in time: the page is still queued, so it is promised
    said = " ".join(n.text or "" for n in ET.fromstring(
        caller.post("/voice/next?turn=1").get_data(as_text=True)).iter("Say"))
    assert "being paged" in said
