"""Graceful shutdown and lost sends, with real `python -m app.worker` processes and a loopback
Slack that takes 3 s to answer: a deploy (SIGTERM) finishes what is in flight and duplicates
nothing; a worker killed mid-send (SIGKILL) has its page re-sent within 30 s, once."""
import signal
import threading
import time

import pytest

from app.jobs import make_huey
from app.models import utcnow

from .conftest import drain
from .faults import SlowSlack, WorkerProcess, wait_until, worker_env, write_runbook
from .test_paging import open_p1, pages

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]


@pytest.fixture
def slack():
    fake = SlowSlack(delay=3.0)
    yield fake
    fake.close()


@pytest.fixture
def setup(make_app, config, runbooks_dir, slack, tmp_path):
    """The test's app (to open incidents) and the worker's environment, on one database and one
    SQLite queue."""
    for n in range(4):
        write_runbook(runbooks_dir, f"c{n}", f"+1555555040{n}", f"{slack.url}/services/c{n}/hook")
    queue = f"sqlite:///{tmp_path / 'worker-queue.db'}"
    app = make_app({"queue_url": queue, "slack_webhook_hosts": ("127.0.0.1",)}, clock=utcnow,
                   huey=make_huey(queue))
    return app, worker_env(config.replace(queue_url=queue))


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(env):
        started.append(WorkerProcess(env, tmp_path / f"worker-{len(started)}.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.close()


def test_sigterm_finishes_the_sends_in_flight_and_leaves_queued_jobs_for_the_next_worker(
        setup, slack, workers):
    app, env = setup
    worker = workers(env)
    for n in range(4):  # one per worker thread, each send taking 3 s
        open_p1(app, f"+1555555040{n}", summary=f"in flight {n}", sid=f"CAflight{n}")
    assert wait_until(lambda: len(slack.requests) == 4, timeout=15), worker.output()
    for n in range(2):  # queued behind them
        open_p1(app, f"+1555555040{n}", summary=f"queued {n}", sid=f"CAqueued{n}")
    stopped = time.monotonic()
    worker.signal(signal.SIGTERM)
    assert worker.wait(25) == 0, worker.output()
    took = time.monotonic() - stopped
    print(f"SIGTERM: the worker stopped in {took:.1f} s")
    assert took < 20, f"the worker took {took:.1f} s to stop"
    assert took > 2, "it did not wait for the sends in flight"  # each send takes 3 s
    rows = pages(app)
    assert [p.status for p in rows[:4]] == ["sent"] * 4, worker.output()
    assert len(slack.requests) == 4  # nothing new taken once SIGTERM arrived

    successor = workers(env)  # the deploy's new worker picks up what was left
    assert wait_until(lambda: [p.status for p in pages(app)] == ["sent"] * 6, timeout=20), \
        ([(p.id, p.status, p.attempts, p.due_at, p.last_error) for p in pages(app)],
         successor.output(), worker.output(8000))
    successor.signal(signal.SIGTERM)
    assert successor.wait(25) == 0
    texts = sorted(r.json()["text"].split(" · ")[2].splitlines()[0] for r in slack.requests)
    assert texts == sorted([f"in flight {n}" for n in range(4)] + ["queued 0", "queued 1"])
    assert all(p.attempts == 1 for p in pages(app))  # every page sent once, none twice


def test_a_send_lost_to_sigkill_is_sent_again_within_30_s_and_only_once_more(setup, slack, workers):
    app, env = setup
    worker = workers(env)
    open_p1(app, "+15555550400", summary="killed mid-send", sid="CAkilled")
    assert wait_until(lambda: slack.posts("/services/c0/hook"), timeout=15), worker.output()
    worker.signal(signal.SIGKILL)  # mid-send: Slack got the message, NightDesk never heard back
    killed = time.monotonic()
    worker.wait(10)
    [page] = pages(app)
    assert page.status == "sending"
    successor = workers(env)
    resent = wait_until(lambda: len(slack.posts("/services/c0/hook")) >= 2, timeout=35)
    assert resent, successor.output()
    again = slack.posts("/services/c0/hook")[1] - killed
    print(f"SIGKILL: re-sent {again:.1f} s after the kill")
    assert again <= 30, f"re-sent {again:.1f} s after the kill"
    assert wait_until(lambda: pages(app)[0].status == "sent", timeout=10)
    time.sleep(2)
    assert len(slack.posts("/services/c0/hook")) == 2  # at most once more


def test_a_slow_send_keeps_its_lease_and_is_never_sent_twice(setup, slack, monkeypatch):
    """The sweep takes a page whose lease ran out for lost; a live send renews its lease."""
    import sys
    from app.incidents import lease, sweep
    monkeypatch.setattr(lease, "HEARTBEAT_S", 0.5)
    monkeypatch.setattr(sys.modules["app.incidents.sweep"], "SENDING_LEASE_S", 1.5)
    slack.delay = 4.0
    app, _ = setup
    open_p1(app, "+15555550400", summary="slow Slack", sid="CAslow")
    sending = threading.Thread(target=drain, args=(app,))
    sending.start()
    assert wait_until(lambda: slack.posts("/services/c0/hook"), timeout=5)
    time.sleep(2.5)  # the claim is older than the lease now, the heartbeat is not
    found = sweep(app.extensions["nightdesk"])
    sending.join(10)
    assert found["pages"] == 0 and pages(app)[0].status == "sent"
    drain(app)
    assert len(slack.posts("/services/c0/hook")) == 1
