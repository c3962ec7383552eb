"""Start-up and outage messages, seen as an operator sees them: real processes, real log lines.
A database that is down at start-up is one line and an exit; a queue that goes away is said once,
reminded every minute, and its return is said once."""
import logging
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from app import migrate
from app.config import PROJECT_ROOT


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(tmp_path, **settings) -> dict:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NIGHTDESK_INSTANCE_PATH": str(tmp_path),
            **settings}


def test_the_worker_with_the_database_down_says_one_line(tmp_path):
    port = closed_port()
    url = f"postgresql://nightdesk:hunter2@127.0.0.1:{port}/nightdesk"
    result = subprocess.run([sys.executable, "-m", "app.worker"], cwd=PROJECT_ROOT, timeout=60,
                            env=env(tmp_path, DATABASE_URL=url), capture_output=True, text=True)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("nightdesk: database unreachable: DATABASE_URL postgresql+psycopg://"
                           f"nightdesk:***@127.0.0.1:{port}/nightdesk: ")
    assert "Connection refused" in line and "hunter2" not in line
    assert "Traceback" not in result.stdout + result.stderr


def test_the_web_server_with_the_database_down_says_one_line_and_stops(tmp_path):
    url = f"sqlite:///{tmp_path}/no/such/dir/nightdesk.db"
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{closed_port()}", "--workers", "1",
         "wsgi:app"], cwd=PROJECT_ROOT, env=env(tmp_path, DATABASE_URL=url), timeout=60,
        capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 3  # gunicorn stopped instead of booting workers in a loop
    ours = [line for line in output.splitlines() if line.startswith("nightdesk:")]
    assert ours == [f"nightdesk: database unreachable: DATABASE_URL {url}: unable to open database file"]
    assert "Traceback" not in output


@pytest.mark.skipif(not shutil.which("redis-server"), reason="starts a Redis of its own")
def test_the_worker_says_once_that_redis_is_down_and_once_that_it_is_back(tmp_path):
    """Today: about 70 tracebacks a second. Now: one line; and one when Redis answers again."""
    port = closed_port()
    database = f"sqlite:///{tmp_path}/nightdesk.db"
    migrate.upgrade(database)
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=PROJECT_ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, env=env(
                                      tmp_path, DATABASE_URL=database,
                                      QUEUE_URL=f"redis://127.0.0.1:{port}/0"))
    redis = None
    try:
        time.sleep(4)
        lines = log.read_text().splitlines()
        down = [line for line in lines if "queue unreachable" in line]
        assert len(down) == 1 and f"redis://127.0.0.1:{port}/0" in down[0]
        assert "Traceback" not in log.read_text() and len(lines) < 30
        redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "queue reachable again" not in log.read_text():
            time.sleep(0.2)
        text = log.read_text()
        assert text.count("queue reachable again") == 1
        assert text.count("queue unreachable") == 1 and "Traceback" not in text
    finally:
        worker.terminate()
        worker.wait(15)
        if redis is not None:
            redis.terminate()
            redis.wait(15)


def test_an_outage_is_reminded_every_minute_and_its_end_said_once(caplog):
    from app.outage_watch import OutageWatch as QueueWatch
    now = [0.0]
    watch = QueueWatch("redis://queue.example:6379/0", clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="app.jobs")
    for t in (0, 1, 30, 59.9, 60, 61, 119, 120.5):
        now[0] = t
        watch.failed(ConnectionError("Error 111 connecting. Connection refused."))
    now[0] = 130
    watch.ok()
    watch.ok()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "queue unreachable at redis://queue.example:6379/0 (Error 111 connecting. Connection "
        "refused); jobs wait until it is back, retrying every second",
        "queue still unreachable at redis://queue.example:6379/0 after 60 s (Error 111 connecting. "
        "Connection refused)",
        "queue still unreachable at redis://queue.example:6379/0 after 120 s (Error 111 connecting. "
        "Connection refused)",
        "queue reachable again at redis://queue.example:6379/0 after 130 s"]


def test_a_poll_that_began_before_the_outage_and_ends_after_it_does_not_end_it(caplog):
    """Many worker threads poll at once: one that was already waiting when the server went away
    may finish after another thread's failure. The outage stays one line, not a flap each time."""
    from app.outage_watch import OutageWatch
    now = [10.0]
    watch = OutageWatch("redis://queue.example:6379/0", clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="app.jobs")
    early = watch.started()           # a poll begins
    now[0] = 10.5
    watch.failed(ConnectionError("Connection refused"))  # another thread sees the outage
    now[0] = 10.6
    watch.ok(early)                   # the early poll finishes: says nothing about now
    watch.failed(ConnectionError("Connection refused"))
    assert watch.down
    now[0] = 20.0
    watch.ok(watch.started())         # one that began during the outage: it is over
    assert not watch.down
    assert [r.getMessage() for r in caplog.records] == [
        "queue unreachable at redis://queue.example:6379/0 (Connection refused); jobs wait until "
        "it is back, retrying every second",
        "queue reachable again at redis://queue.example:6379/0 after 10 s"]


def test_the_sweep_says_a_database_outage_once_instead_of_a_traceback_every_5_s(make_app, caplog):
    from app.models import Database
    from tests.faults import free_port
    app = make_app()
    svc = app.extensions["nightdesk"]
    real = svc.db
    sweep = svc.work.tasks["sweep"]
    caplog.set_level(logging.INFO)
    svc.db = Database(f"postgresql+psycopg://nobody:s3cret@127.0.0.1:{free_port()}/gone")
    for _ in range(3):
        sweep.call_local()  # raises nothing: the worker thread must not log a traceback
    svc.db = real
    sweep.call_local()
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len([m for m in said if "database unreachable" in m]) == 1, said
    assert len([m for m in said if "database reachable again" in m]) == 1, said
    assert not any("s3cret" in m for m in said) and not any(r.exc_info for r in caplog.records)


def test_the_worker_log_leaves_out_the_sweeps_every_5_s_but_not_its_warnings():
    from app.worker import _QuietSweep
    quiet = _QuietSweep()

    def record(level, message):
        return logging.LogRecord("huey", level, __file__, 1, message, None, None)
    assert not quiet.filter(record(logging.INFO, "Executing app.jobs.sweep: 2c88e636"))
    assert not quiet.filter(record(logging.INFO, "app.jobs.sweep: 2c88e636 executed in 0.006s"))
    assert quiet.filter(record(logging.INFO, "Executing app.jobs.deliver_page: 7fe2eedd"))
    assert quiet.filter(record(logging.ERROR, "Unhandled error during execution of app.jobs.sweep: 1"))
