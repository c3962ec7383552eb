"""SQLite on a full disk, with real processes (gunicorn as the Procfile runs it and
`python -m app.worker`) on small tmpfs mounts of the test's own: one for the instance (database
and queue), one for the call spool, each filled to the last byte.

Both full: every caller hears that their call could not be logged, the MSP alert reaches its
Slack webhook (straight from the web process) and /healthz answers 503 with the reason. Spool
freed, database still full: callers are kept in the spool and told someone will call back. Space
back for the database: those spooled calls become incidents and pages.

Mounting needs root; elsewhere the test is skipped with that reason."""
import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select

from app import migrate
from app.models import Incident

from .conftest import TWILIO_TOKEN
from .faults import HttpCaller, WebProcess, WorkerProcess, free_port, wait_until, worker_env, \
    write_runbook

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]
NUMBER = "+15555550480"
HOOK = "/services/full/hook"
MSP_HOOK = "/services/msp/alert"
SAID = "Hi it's Maria, our main server is down and nobody in the office can work"


class Tmpfs:
    def __init__(self, size: str):
        self.path = Path(tempfile.mkdtemp(prefix="nightdesk-full-"))
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(self.path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            os.rmdir(self.path)
            pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'}): "
                        "this test needs a filesystem it can fill")
        self.filler = self.path / "filler"

    def fill(self) -> None:
        """Write until the filesystem refuses another byte."""
        with open(self.filler, "ab", buffering=0) as out:
            for chunk in (1 << 16, 4096, 512, 1):
                try:
                    while True:
                        out.write(b"\0" * chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc

    def free(self) -> None:
        self.filler.unlink()

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
        shutil.rmtree(self.path, ignore_errors=True)


@pytest.fixture
def disks():
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root: this test needs a filesystem it can fill")
    made = []
    try:
        made.append(Tmpfs("8m"))
        made.append(Tmpfs("1m"))
        yield made
    finally:
        for disk in made:
            disk.close()


def test_full_disk_callers_hear_a_clear_message_the_msp_is_alerted_and_spooled_calls_arrive_later(
        disks, config, runbooks_dir, slack, tmp_path):
    instance, spool_disk = disks
    database = f"sqlite:///{instance.path / 'nightdesk.db'}"
    migrate.upgrade(database)
    write_runbook(runbooks_dir, "full", NUMBER, slack.url + HOOK)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = worker_env(config.replace(database_url=database, instance_path=instance.path,
                                    queue_url=f"sqlite:///{instance.path / 'queue.db'}"),
                     TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=base,
                     NIGHTDESK_SLACK_WEBHOOK=slack.url + MSP_HOOK,
                     NIGHTDESK_SPOOL_DIR=str(spool_disk.path / "spool"),
                     NIGHTDESK_MSP_PHONE="+15555550199",
                     NIGHTDESK_SECRET_KEY="fault-test-secret-key-0123456789")
    web = WebProcess(env, tmp_path / "web.log", port)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        with sqlite3.connect(instance.path / "nightdesk.db") as db:  # no WAL room left to reuse
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        instance.fill()
        spool_disk.fill()

        lost = [HttpCaller(base, TWILIO_TOKEN, f"CAlost{n}", to=NUMBER, from_=f"+1555555016{n}")
                for n in range(4)]
        heard = [caller.call(SAID) for caller in lost]
        assert all("could not log your call" in said and "5 5 5, 5 5 5, 0 1 9 9" in said
                   for said in heard), heard
        assert all(status == 200 and body.startswith("<?xml")
                   for c in lost for _, status, body in c.answers), [c.answers for c in lost]
        health = requests.get(base + "/healthz", timeout=10)
        print("healthz on a full disk:", health.status_code, health.json()["reasons"])
        assert health.status_code == 503
        assert any("database cannot accept a write" in r and "full" in r
                   for r in health.json()["reasons"])
        alerts = wait_until(lambda: [r for r in slack.requests if r.path == MSP_HOOK], timeout=10)
        assert len(alerts) == 1, web.output()
        text = alerts[0].json()["text"]
        assert "could not store" in text and "+15555550160" in text

        spool_disk.free()  # room for the spool, none for the database
        kept = [HttpCaller(base, TWILIO_TOKEN, f"CAkept{n}", to=NUMBER, from_=f"+1555555017{n}")
                for n in range(3)]
        heard = [caller.call(SAID) for caller in kept]
        assert all("logged" in said and "call you back" in said for said in heard), heard
        assert requests.get(base + "/healthz", timeout=10).status_code == 503

        instance.free()
        back = time.monotonic()
        assert wait_until(lambda: len([r for r in slack.requests if r.path == HOOK]) >= 3,
                          timeout=30), worker.output()
        print(f"3 spooled calls paged {time.monotonic() - back:.1f} s after the space came back")
        time.sleep(1.5)
        assert len([r for r in slack.requests if r.path == HOOK]) == 3
        engine = create_engine(database)
        with engine.connect() as db:
            incidents = db.execute(select(Incident.callback_number)).all()
        engine.dispose()
        assert sorted(i.callback_number for i in incidents) == [f"+1555555017{n}" for n in range(3)]
        assert wait_until(lambda: requests.get(base + "/healthz", timeout=10).status_code == 200,
                          timeout=10)
    finally:
        web.close()
        worker.close()
