"""simulate-call end to end: signed webhooks, a real queue consumer, every real adapter against
vendor fakes (Slack and OpenAI on loopback, ConnectWise through `responses`)."""
import re

import pytest
import responses
from sqlalchemy import select

from app.models import Incident

from .fakes.http import Reply
from .fakes.openai import completion, decision

CW = "https://cw.example/v4_6_release/apis/3.0"


@pytest.fixture
def llm(llm_server):
    return llm_server


@pytest.fixture
def make_app(make_app):
    """Real time here: the consumer's threads and the caller's waits run on the wall clock."""
    from app.models import utcnow
    return lambda changes=None, **services: make_app(changes, **{"clock": utcnow, **services})


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["simulate-call", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def real_settings(slack, llm=None, **more):
    settings = {"slack_webhook": slack.url + "/services/T0/B0/default",
                "slack_webhook_hosts": ("127.0.0.1",),
                "connectwise_base_url": CW, "connectwise_company": "msp",
                "connectwise_public_key": "pub", "connectwise_private_key": "priv",
                "connectwise_client_id": "guid", "connectwise_timeout": 2.0, **more}
    if llm:
        settings.update(openai_api_key="sk-test", openai_base_url=llm.base_url, triage_timeout=1.0)
    return settings


def test_simulate_call_works_with_no_credentials_at_all(make_app):
    out = run(make_app(), "--to", "+15555550101",
              "Hi it's Maria, the Dentrix server is down and nobody can see patients")
    assert "Caller:    Hi it's Maria" in out
    assert "Your ticket number is N D, 9, 0, 1, 0, 0, 1" in out  # simulated: numbered apart
    assert re.search(r"Triage:\s+P1 by fallback", out)
    assert "Ticket:   ND-901001 (local)" in out
    assert "NIGHTDESK_SLACK_WEBHOOK is not set" in out  # says what to set, loses nothing


@responses.activate
def test_llm_asks_a_question_then_ticket_and_slack_page_go_out(make_app, slack, llm):
    responses.add_passthru("http://127.0.0.1")
    responses.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
    llm.answer(action="ask", question="Is it just you, or everyone at the warehouse?", severity="P2",
               summary="Scanners not working")
    llm.answer(action="final", severity="P1", rule=0, summary="Warehouse scanners down, trucks can't load",
               caller_name="Dave", reason="The floor cannot ship.")
    app = make_app(real_settings(slack, llm))
    out = run(app, "--to", "+15555550202", "--from", "+15555550250",
              "This is Dave, the scanners stopped working", "Everyone, none of the trucks can load")
    assert "NightDesk: Is it just you, or everyone at the warehouse?" in out
    assert "Your ticket number is 4, 5, 2, 3, 4" in out
    assert "Page:     page via slack to (channel default): sent" in out
    [post] = slack.webhook_posts()
    assert post["text"].splitlines()[:2] == [
        "P1 · Northwind Logistics · Warehouse scanners down, trucks can't load",
        "Callback +15555550250 · Ticket 45234 · Ref ND-901001"]
    assert post["text"].splitlines()[2].startswith("Triggered ")


@responses.activate
@pytest.mark.parametrize("failure", ["down", "nonsense"])
def test_llm_down_or_nonsense_the_fallback_decides_and_the_page_still_goes(make_app, slack, llm, failure):
    responses.add_passthru("http://127.0.0.1")
    responses.post(f"{CW}/service/tickets", json={"id": 7}, status=201)
    if failure == "nonsense":
        llm.reply(*[Reply(200, completion({"severity": "urgent!!"}))] * 4)
    app = make_app(real_settings(slack, llm))
    out = run(app, "--to", "+15555550101", "Ransomware note on every screen, files are encrypted")
    assert re.search(r"Triage:\s+P1 by fallback", out)
    assert "sent" in out and len(slack.webhook_posts()) >= 1


@responses.activate
def test_llm_slow_the_fallback_decides_and_the_page_still_goes(make_app, slack, llm):
    responses.add_passthru("http://127.0.0.1")
    responses.post(f"{CW}/service/tickets", json={"id": 8}, status=201)
    slow = Reply(200, completion(decision(severity="P4")), delay=2.5)
    llm.reply(slow, slow)
    app = make_app(real_settings(slack, llm))
    out = run(app, "--to", "+15555550101", "The whole office has no internet")
    assert re.search(r"Triage:\s+P1 by fallback — LLM unavailable: APITimeoutError", out)
    assert len(slack.webhook_posts()) == 1


@responses.activate
def test_connectwise_down_the_page_goes_without_the_number(make_app, slack):
    responses.add_passthru("http://127.0.0.1")
    responses.post(f"{CW}/service/tickets", status=502, body="Bad Gateway")
    responses.get(f"{CW}/service/tickets", json=[])
    app = make_app(real_settings(slack))
    out = run(app, "--to", "+15555550101", "--timeout", "3", "Dentrix server down at all clinics")
    assert "Your ticket number is N D, 9, 0, 1, 0, 0, 1" in out  # our reference while CW is down
    assert "Ticket:   pending ConnectWise HTTP 502" in out
    [post] = slack.webhook_posts()
    assert "Ticket pending" in post["text"]
    with app.extensions["nightdesk"].db.session() as s:
        # The run's retry died with its private queue: the service's own database never saw it.
        assert s.scalar(select(Incident)) is None
