"""PostgreSQL down for 5 s in the middle of 16 P1 calls, with real processes: a PostgreSQL cluster
of the test's own (initdb + pg_ctl on a free port), gunicorn as the Procfile runs it, and
`python -m app.worker`. Every webhook answers TwiML; every call becomes exactly one incident, one
ticket and one Slack page once the database is back.

It runs whenever PostgreSQL's server binaries are installed, on both legs of `make test`: it
needs its own cluster (it stops it), never the shared server, so the leg's database doesn't
matter, and the SQLite leg is the one a developer runs most."""
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select

from app import migrate
from app.models import Call, Incident, Page

from .conftest import TWILIO_TOKEN
from .faults import (HttpCaller, PostgresCluster, WebProcess, WorkerProcess, free_port,
                     postgres_bin, wait_until, worker_env, write_runbook)

pytestmark = [pytest.mark.fault, pytest.mark.timeout(150)]
CALLS, CUSTOMERS = 16, 4
SAID = "Hi it's Maria, our main server is down and nobody in the office can work"
MSP_HOOK = "/services/msp/alert"
OUTAGE_S = 5.0
# Stated bound: from the database's return to the last of the 16 pages at Slack. Slack takes one
# message a second per webhook (4 webhooks, 4 calls each) and the worker sweeps every 5 s.
PAGED_WITHIN_S = 30.0


@pytest.fixture
def cluster():
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed: this test starts (and stops) "
                    "a cluster of its own")
    server = PostgresCluster(bindir)
    yield server
    server.close()


def test_sixteen_p1_calls_through_a_5_s_postgresql_outage_each_become_one_incident_ticket_and_page(
        cluster, config, runbooks_dir, slack, tmp_path):
    migrate.upgrade(cluster.url)
    hooks = [f"/services/c{n}/hook" for n in range(CUSTOMERS)]
    for n, hook in enumerate(hooks):
        write_runbook(runbooks_dir, f"cust{n}", f"+1555555047{n}", slack.url + hook)
    port = free_port()
    env = worker_env(config.replace(database_url=cluster.url,
                                    queue_url=f"sqlite:///{tmp_path / 'queue.db'}"),
                     TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
                     NIGHTDESK_SLACK_WEBHOOK=slack.url + MSP_HOOK,
                     NIGHTDESK_SECRET_KEY="fault-test-secret-key-0123456789")
    web = WebProcess(env, tmp_path / "web.log", port)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    callers = [HttpCaller(f"http://127.0.0.1:{port}", TWILIO_TOKEN, f"CApgdown{n:02d}",
                          to=f"+1555555047{n % CUSTOMERS}") for n in range(CALLS)]
    last_words: dict[int, str] = {}
    try:
        def ring(n):
            last_words[n] = callers[n].call(SAID)

        threads = []
        started = time.monotonic()
        for n in range(CALLS):  # one call every 0.4 s: before, during and after the outage
            threads.append(threading.Thread(target=ring, args=(n,), daemon=True))
            threads[-1].start()
            if n == 3:
                time.sleep(0.5)
                cluster.stop()
                down = time.monotonic()
            time.sleep(0.4)
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down)))
        cluster.start()
        back = time.monotonic()
        print(f"PostgreSQL down for {back - down:.1f} s, from {down - started:.1f} s into the calls")
        for thread in threads:
            thread.join(60)

        answers = [a for c in callers for a in c.answers]
        bad = [(path, status, body[:200]) for path, status, body in answers
               if status != 200 or not body.startswith("<?xml") or "<Response" not in body]
        assert not bad, bad
        assert len(last_words) == CALLS
        assert all("Goodbye" in said for said in last_words.values()), last_words
        spooled = sum(1 for c in callers if any("&amp;s=" in body for _, _, body in c.answers))
        print(f"{len(answers)} webhooks answered 200 with TwiML; {spooled} calls went to the spool")
        assert spooled >= 1  # the outage did reach callers

        def paged():
            return [r for r in slack.requests if r.path in hooks]
        assert wait_until(lambda: len(paged()) >= CALLS, timeout=PAGED_WITHIN_S + 20), \
            (len(paged()), worker.output())
        took = max(r.at for r in paged()) - back
        print(f"all {CALLS} P1 pages at Slack {took:.1f} s after PostgreSQL came back")
        assert took <= PAGED_WITHIN_S
        time.sleep(2)  # nothing more may come
        assert len(paged()) == CALLS

        engine = create_engine(cluster.url)
        try:
            with engine.connect() as db:
                calls = db.execute(select(Call.call_sid, Call.status)).all()
                incidents = db.execute(select(Incident.call_id, Incident.severity,
                                              Incident.ticket_status, Incident.id)).all()
                pages = db.execute(select(Page.incident_id, Page.status, Page.kind)).all()
                per_call = db.execute(select(Incident.call_id, func.count())
                                      .group_by(Incident.call_id)).all()
        finally:
            engine.dispose()
        assert sorted(sid for sid, _ in calls) == sorted(c.params["CallSid"] for c in callers)
        assert len(incidents) == CALLS and all(n == 1 for _, n in per_call)
        assert {i.severity for i in incidents} == {"P1"}
        assert {i.ticket_status for i in incidents} == {"created"}  # local tickets
        assert sorted(p.incident_id for p in pages if p.kind == "page") == \
            sorted(i.id for i in incidents)
        assert {p.status for p in pages} == {"sent"}
        texts = [r.json()["text"] for r in paged()]
        assert len(set(texts)) == CALLS  # one page per incident, no repeats
        alerts = [r for r in slack.requests if r.path == MSP_HOOK]
        assert len(alerts) == 1, [r.json()["text"] for r in alerts]  # once a minute, not per call
        assert "database down" in alerts[0].json()["text"]
    finally:
        web.close()
        worker.close()
