"""A Redis outage costs seconds, not a minute: with a redis-server of the test's own (killed and
started again on the same port) and a real `python -m app.worker`, every webhook still answers
TwiML, and the work committed meanwhile becomes incidents and pages within ~10 s of Redis's
return, logged once rather than in a flood."""
import logging
import time

import pytest
from sqlalchemy import select

from app.jobs import make_huey
from app.models import Call, Incident, utcnow

from .conftest import TwilioCaller
from .faults import RedisServer, WorkerProcess, wait_until, worker_env, write_runbook

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]
NUMBER = "+15555550460"
HOOK = "/services/outage/hook"
SAID = "Hi it's Maria, the Dentrix server is down and nobody can see patients"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.close()


def twiml(response) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/xml", (response.status, body)
    assert body.startswith("<?xml") and "<Response" in body, body
    return body


def test_calls_through_a_redis_outage_are_answered_and_paged_within_10_s_of_its_return(
        redis_server, make_app, config, runbooks_dir, slack, tmp_path, caplog):
    write_runbook(runbooks_dir, "outage", NUMBER, slack.url + HOOK)
    settings = {"queue_url": redis_server.url, "slack_webhook_hosts": ("127.0.0.1",)}
    app = make_app(settings, clock=utcnow, huey=make_huey(redis_server.url))
    worker = WorkerProcess(worker_env(config.replace(queue_url=redis_server.url)),
                           tmp_path / "worker.log")
    try:
        callers = [TwilioCaller(app.test_client(), to=NUMBER, call_sid=f"CAoutage{n}")
                   for n in range(4)]
        for caller in callers[:3]:  # on the line when Redis goes away
            twiml(caller.post("/voice/incoming"))
        redis_server.kill()
        caplog.set_level(logging.INFO, logger="app.jobs")
        twiml(callers[3].post("/voice/incoming"))  # rings during the outage
        for caller in callers:
            held = twiml(caller.post("/voice/gather?turn=1", SpeechResult=SAID))
            assert "One moment" in held
            twiml(caller.post("/voice/next?turn=1"))
            twiml(caller.post("/voice/status", CallStatus="completed"))  # and hangs up
        time.sleep(2)
        with app.extensions["nightdesk"].db.session() as s:  # every turn kept meanwhile
            assert len(list(s.scalars(select(Call)))) == 4
            assert all(c.turns and c.status == "completed" for c in s.scalars(select(Call)))
        redis_server.start()
        back = time.monotonic()
        paged = wait_until(lambda: len([r for r in slack.requests if r.path == HOOK]) >= 4,
                           timeout=20)
        took = time.monotonic() - back
        first = min(r.at for r in slack.requests if r.path == HOOK) - back
        print(f"first page {first:.1f} s, all 4 (1/s into one webhook) {took:.1f} s after Redis came back")
        assert paged, worker.output()
        assert took <= 10, f"pages arrived {took:.1f} s after Redis came back"
        with app.extensions["nightdesk"].db.session() as s:
            incidents = list(s.scalars(select(Incident)))
        assert len(incidents) == 4 and {i.severity for i in incidents} <= {"P1", "P2"}
        time.sleep(1)
        assert len([r for r in slack.requests if r.path == HOOK]) == 4  # one page each
        log = worker.output(tail=10 ** 7)
        assert log.count("queue unreachable") == 1 and "Traceback" not in log, log[-4000:]
        assert "queue reachable again" in log
        web = [r.getMessage() for r in caplog.records if "queue unreachable" in r.getMessage()]
        assert len(web) == 1, web  # the web side says it once, not once per failed enqueue
    finally:
        worker.close()
