"""A page never waits behind anything else: one slow or hanging vendor slows only its own kind of
work. Real processes as the Procfile runs them (gunicorn wsgi:app and `python -m app.worker`),
real signed voice webhooks followed as Twilio follows them, and loopback fakes for ConnectWise,
Slack and the LLM. On the PostgreSQL leg the queue is a redis-server of the test's own."""
from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import pytest
from sqlalchemy import select

from app.models import Database, Event, Incident, Page, Turn

from .conftest import TWILIO_TOKEN
from .fakes.connectwise import FakeConnectWise
from .fakes.http import FakeServer, Reply
from .fakes.openai import FakeOpenAI
from .faults import (PhoneCall, RedisServer, SlowSlack, WebProcess, WorkerProcess, free_port,
                     wait_until, worker_env, write_runbook)

pytestmark = [pytest.mark.fault, pytest.mark.timeout(150)]
NUMBER, OTHER = "+15555550480", "+15555550481"
HOOK, OTHER_HOOK, MSP_HOOK = "/services/acme/hook", "/services/other/hook", "/services/msp/alert"
SAID = "Hi it's Maria, the Dentrix server is down and nobody can see patients"
PAGE_WITHIN_S = 6.0


@pytest.fixture
def stack(config, runbooks_dir, tmp_path):
    """start(**env) → (the web server's address, worker, db) on this leg's database, and a queue of the test's own."""
    started, redis = [], None

    def start(**extra):
        nonlocal redis
        if os.environ.get("NIGHTDESK_TEST_QUEUE_URL"):
            redis = RedisServer(tmp_path)
            queue = redis.url
        else:
            queue = f"sqlite:///{tmp_path / 'queue.db'}"
        env = worker_env(config.replace(queue_url=queue), TWILIO_AUTH_TOKEN=TWILIO_TOKEN, **extra)
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            if name not in extra:
                env.pop(name, None)
        port = free_port()
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"  # Twilio signs the address it posts to
        started.append(WorkerProcess(env, tmp_path / "worker.log"))
        started.append(WebProcess(env, tmp_path / "web.log", port))
        return env["PUBLIC_BASE_URL"], started[-2], Database(config.database_url)

    yield start
    for process in reversed(started):
        process.close()
    if redis is not None:
        redis.close()


def rows(db: Database, model, *where):
    with db.session() as s:
        return list(s.scalars(select(model).where(*where).order_by(model.id)))


def posts(slack, path: str) -> list:
    return [r for r in slack.requests if r.path == path]


def test_a_connectwise_answering_after_8_s_holds_no_page_and_its_ticket_follows_once(
        stack, runbooks_dir, slack):
    cw = FakeConnectWise(delay=8.0)
    try:
        write_runbook(runbooks_dir, "acme", NUMBER, slack.url + HOOK)
        web, worker, db = stack(**cw.settings())
        said, _, spoke = PhoneCall(web, TWILIO_TOKEN, NUMBER, "CAslowcw").says(SAID)
        assert wait_until(lambda: posts(slack, HOOK), timeout=PAGE_WITHIN_S + 2), worker.output()
        paged = posts(slack, HOOK)[0].at - spoke
        print(f"ConnectWise answering after 8 s: paged {paged:.1f} s after the caller's last words")
        assert paged <= PAGE_WITHIN_S, f"the page reached Slack {paged:.1f} s after the call"
        assert "Ticket pending" in posts(slack, HOOK)[0].json()["text"]
        assert "being paged" in said  # the caller heard our reference, not dead air
        # The first attempt timed out (5 s); the retry finds the ticket that attempt left behind.
        follow = wait_until(lambda: len(posts(slack, HOOK)) >= 2, timeout=40)
        assert follow, worker.output()
        [incident] = rows(db, Incident)
        assert incident.ticket_status == "created" and len(cw.posts()) == 1 and \
            incident.ticket_number == str(next(iter(cw.tickets)))
        assert f"Ticket {incident.ticket_number}" in posts(slack, HOOK)[1].json()["text"]
        time.sleep(1)
        assert len(posts(slack, HOOK)) == 2  # the page and its ticket number, nothing twice
    finally:
        cw.close()


def test_a_hanging_slack_webhook_holds_neither_another_customers_page_nor_any_ticket(
        stack, runbooks_dir, slack):
    hanging, cw = SlowSlack(delay=30.0), FakeConnectWise()
    cw.clock = time.time  # its times compared with the incidents' (UTC wall clock)
    try:
        write_runbook(runbooks_dir, "other", OTHER, hanging.url + OTHER_HOOK)
        write_runbook(runbooks_dir, "acme", NUMBER, slack.url + HOOK)
        web, worker, db = stack(**cw.settings())
        for n in range(4):  # as many calls as there are page threads, each paging the hung hook
            caller = PhoneCall(web, TWILIO_TOKEN, OTHER, f"CAhung{n}", from_=f"+1555555019{n}")
            caller.post("/voice/incoming")
            caller.post("/voice/gather?turn=1", SpeechResult=SAID)
            caller.post("/voice/status", CallStatus="completed")  # and hangs up
        assert wait_until(lambda: hanging.posts(OTHER_HOOK), timeout=10), worker.output()
        _, _, spoke = PhoneCall(web, TWILIO_TOKEN, NUMBER, "CAacme").says(SAID)
        assert wait_until(lambda: posts(slack, HOOK), timeout=PAGE_WITHIN_S + 2), worker.output()
        paged = posts(slack, HOOK)[0].at - spoke
        assert wait_until(lambda: len(cw.posts()) == 5, timeout=10), worker.output()
        incidents = wait_until(lambda: [i for i in rows(db, Incident) if i.ticket_number], 5)
        late = [cw.created_at[int(i.ticket_number)] - i.created_at.replace(tzinfo=timezone.utc)
                .timestamp() for i in incidents]
        print(f"Slack hanging 30 s for another customer: paged {paged:.1f} s after the caller's "
              f"last words; tickets filed {max(late):.1f} s after their incident at worst")
        assert paged <= PAGE_WITHIN_S, f"the page reached Slack {paged:.1f} s after the call"
        assert max(late) <= 2.5, late  # ticket threads are not page threads
        assert len(incidents) == 5 and len(cw.posts()) == 5  # one ticket per incident
        assert "Worker threads per lane: triage 64, tickets 16, pages 16, other 4, sweep 1" in \
            worker.output(10 ** 6)
        # The hung hook holds one page thread at a time, not one per page queued to it.
        assert len(hanging.posts(OTHER_HOOK)) <= 2, len(hanging.posts(OTHER_HOOK))
    finally:
        hanging.close()
        cw.close()


def test_a_hanging_llm_holds_the_first_callers_no_longer_than_the_fallback_allows_and_the_next_not_at_all(
        stack, runbooks_dir, slack):
    llm = FakeOpenAI()
    llm.reply(*[Reply(200, {}, delay=30.0)] * 12)  # every triage call hangs
    try:
        write_runbook(runbooks_dir, "acme", NUMBER, slack.url + HOOK)
        web, worker, db = stack(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=llm.base_url,
                                NIGHTDESK_LLM_BREAKER_FAILURES="3")
        first = [PhoneCall(web, TWILIO_TOKEN, NUMBER, f"CAhungllm{n}", from_=f"+1555555014{n}")
                 for n in range(3)]
        with ThreadPoolExecutor(3) as pool:
            heard = list(pool.map(lambda caller: caller.says(SAID), first))
        turns = rows(db, Turn)
        decided = [(t.decided_at - t.created_at).total_seconds() for t in turns]
        print(f"LLM hanging: 3 callers decided by the fallback after "
              f"{', '.join(f'{d:.1f}' for d in decided)} s; heard the outcome after "
              f"{', '.join(f'{h:.1f}' for _, h, _ in heard)} s")
        assert len(llm.requests) >= 3, "the LLM was never asked"
        assert [t.decision["path"] for t in turns] == ["fallback"] * 3
        assert max(decided) <= 9.2, decided  # 8 s + one poll
        # Then the page's first answer and one more poll: three at once on a loaded machine.
        assert all("being paged" in said and held <= 12.5 for said, held, _ in heard), \
            [held for _, held, _ in heard]
        # Three failures in a row: the worker's triage stops waiting on the LLM for a while.
        assert wait_until(lambda: "LLM failures in a row: 3" in worker.output(10**6), timeout=12), \
            worker.output()
        asked = len(llm.requests)
        said, held, _ = PhoneCall(web, TWILIO_TOKEN, NUMBER, "CAhungllm9", from_="+15555550149").says(SAID)
        turn = rows(db, Turn)[-1]  # the fourth caller's
        print(f"the next caller, LLM skipped: heard the outcome after {held:.1f} s")
        assert "being paged" in said and held <= 3.5, held
        assert turn.decision["path"] == "fallback" and "skipped after 3 LLM failures" in \
            turn.decision["reason"]
        assert len(llm.requests) == asked  # nobody waited on the LLM while it was known down
        assert wait_until(lambda: len(posts(slack, HOOK)) == 4, timeout=10), worker.output()
    finally:
        llm.close()


def test_slack_failing_for_45_s_alerts_the_msp_at_the_deadline_and_the_page_still_lands(
        stack, runbooks_dir):
    failing_until = [float("inf")]
    slack = FakeServer(lambda r: Reply(200, "ok") if r.path == MSP_HOOK or r.at >= failing_until[0]
                       else Reply(500, "rollup_error"))
    try:
        write_runbook(runbooks_dir, "acme", NUMBER, slack.url + HOOK)  # no fallback route
        web, worker, db = stack(NIGHTDESK_P1_DELIVERY_DEADLINE_S="5",
                                NIGHTDESK_SLACK_WEBHOOK=slack.url + MSP_HOOK)
        failing_until[0] = time.monotonic() + 45
        _, _, spoke = PhoneCall(web, TWILIO_TOKEN, NUMBER, "CAslack500").says(SAID)
        assert wait_until(lambda: posts(slack, MSP_HOOK), timeout=15), worker.output()
        alerted = posts(slack, MSP_HOOK)[0].at - spoke
        # Retries back off 2, 4, 8, 16, 32 s (±20%): the first after Slack's recovery lands
        # 50-75 s after the call.
        assert wait_until(lambda: any(r.at >= failing_until[0] for r in posts(slack, HOOK)),
                          timeout=80 - (time.monotonic() - spoke)), worker.output()
        [page] = wait_until(lambda: rows(db, Page, Page.kind == "page", Page.status == "sent"),
                            timeout=5)
        tries = [r.at - spoke for r in posts(slack, HOOK)]
        print(f"Slack 500 for 45 s: MSP alerted {alerted:.1f} s after the call; page attempts at "
              f"{', '.join(f'{t:.0f}' for t in tries)} s, delivered on attempt {page.attempts}")
        assert alerted <= 5 + 4, f"the MSP alert came {alerted:.1f} s after the call"
        assert any(t > alerted for t in tries[:-1]), tries  # retries went on after the alert
        assert len(posts(slack, MSP_HOOK)) == 1  # the MSP is alerted once
        assert page.attempts == len(tries)  # every attempt recorded; delivered once
        events = [e.kind for e in rows(db, Event, Event.kind.in_(["delivery_deadline",
                                                                   "default_alerted"]))]
        assert events.count("default_alerted") == 1 and "delivery_deadline" in events
        assert re.search(r"P1 .* undelivered after \d+ s: paging default:slack", worker.output(10**6))
    finally:
        slack.close()
