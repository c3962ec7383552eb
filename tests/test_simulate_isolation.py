"""simulate-call next to a running service: the simulation's settings decide every job of its
call, whichever other consumers share the service's database and queue."""
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.jobs import make_huey, running_consumer
from app.models import Call, Incident, utcnow

from .fakes.openai import FakeOpenAI


@pytest.fixture
def llm():
    fake = FakeOpenAI()
    yield fake
    fake.close()


def simulate(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["simulate-call", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def rows(app, model) -> int:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_simulation_leaves_nothing_in_the_services_database_or_queue(make_app, queue_url):
    shared = make_huey(queue_url, name=f"nightdesk-shared-{uuid.uuid4().hex[:8]}")
    app = make_app(clock=utcnow, huey=shared)
    out = simulate(app, "--to", "+15555550101", "Dentrix server down at every clinic")
    assert "Ticket:   ND-901001 (local)" in out
    # Nothing a `make run` worker (or its sweep) could later pick up and run with its settings.
    assert rows(app, Call) == 0 and rows(app, Incident) == 0
    assert shared.pending_count() == 0 and shared.scheduled_count() == 0


def test_the_simulate_shells_settings_decide_every_job_with_a_worker_on_the_same_queue(
        make_app, queue_url, slack, llm):
    """A `make run` worker (no LLM, its own Slack webhook) consumes the service's queue while
    simulate-call runs with an LLM key and another webhook: every triage must be the LLM's and
    every page must reach the simulation's webhook."""
    shared_name = f"nightdesk-shared-{uuid.uuid4().hex[:8]}"
    hosts = ("127.0.0.1",)
    worker = make_app({"slack_webhook": slack.url + "/services/T0/B0/worker",
                       "slack_webhook_hosts": hosts},
                      clock=utcnow, huey=make_huey(queue_url, name=shared_name))
    shell = make_app({"slack_webhook": slack.url + "/services/T0/B0/simulate",
                      "slack_webhook_hosts": hosts, "openai_api_key": "sk-test",
                      "openai_base_url": llm.base_url, "triage_timeout": 2.0},
                     clock=utcnow, huey=make_huey(queue_url, name=shared_name))
    calls = 3
    for _ in range(calls):
        llm.answer(action="final", severity="P1", rule=0, summary="Dentrix down at every clinic",
                   caller_name="Maria", reason="Practice-wide outage.")
    with running_consumer(worker.extensions["huey"]):
        outputs = [simulate(shell, "--to", "+15555550101", "Hi it's Maria, Dentrix is down everywhere")
                   for _ in range(calls)]
    for out in outputs:
        assert re.search(r"Triage:\s+P1 by llm", out), out
        assert "Page:     page via slack to (channel default): sent" in out, out
    paths = [r.path for r in slack.requests if r.path.startswith("/services/")]
    assert paths == ["/services/T0/B0/simulate"] * calls  # none to the worker's webhook
