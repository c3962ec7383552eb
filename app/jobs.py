"""The Huey instance and thin tasks: each loads ids and calls app.incidents.

SQLite (the embedded default) or Redis (QUEUE_URL=redis://…, for several hosts). The database,
not the queue, is the source of truth: every row is committed before its job is queued, a job
that cannot be queued is left to the sweep (every few seconds, and at once when the queue comes
back), so tasks carry ids only and are safe to run twice.
"""
from __future__ import annotations

import logging
import signal
import sqlite3
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Callable

from huey import SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer, Scheduler
from redis.exceptions import ConnectionError as RedisDown, TimeoutError as RedisSlow
from sqlalchemy.exc import SQLAlchemyError

from app import incidents
from app.incidents.deadline import check_delivery
from app.incidents.work import Job
from app.lanes import laned
from app.outage_watch import OutageWatch, without_password
from app.queue_redis import WatchedRedisHuey

log = logging.getLogger(__name__)
# The consumer settings `make run` and the Procfile use: polling the SQLite queue every 50-100 ms
# (huey's default backs off to 10 s, which a caller on hold would hear). Redis blocks on BRPOP.
# SIGTERM (a deploy) is graceful: no new job is taken and jobs in flight get SHUTDOWN_S to finish
# (a send's own timeout is 10 s); SIGINT stops at once. A send cut off anyway is re-sent once its
# lease runs out (app/incidents/lease.py).
SHUTDOWN_S = 18
# Threads per lane (app.lanes) are Config.worker_threads; "workers" is what a consumer in one
# process's threads (running_consumer) starts, every thread taking from every lane.
CONSUMER_OPTIONS = {"workers": 4, "worker_type": "thread", "initial_delay": 0.05,
                    "backoff": 1.0, "max_delay": 0.1, "scheduler_interval": 1,
                    "graceful_signal": "TERM", "shutdown_timeout": SHUTDOWN_S}
# Pages wait for their target's send slot on the schedule, not in a sleeping thread: huey's
# one-second scheduler tick would add up to a second to each of those waits.
SCHEDULER_TICK_S = 0.05
# What a queue that cannot take a job raises: Redis down or slow, the SQLite file locked or full.
QUEUE_ERRORS = (RedisDown, RedisSlow, sqlite3.Error)


def make_huey(queue_url: str, name: str = "nightdesk") -> Huey:
    if queue_url.startswith(("redis://", "rediss://")):
        huey = laned(WatchedRedisHuey)(name, url=queue_url, results=False, blocking=True,
                                        read_timeout=1)
        watch = OutageWatch(without_password(queue_url))
        for storage in huey.lanes.values():
            storage.watch = watch
        return huey
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return laned(SqliteHuey)(name, filename=str(path), results=False)


class HueyWork:
    """The Work port on Huey: `later(Job.DELIVER_PAGE, 7, delay=30)`.

    A job the queue cannot take is not the caller's problem: its row is already committed, and
    the sweep queues it again once the queue is back. The outage is logged once, then reminded."""

    def __init__(self, huey: Huey):
        self.huey = huey
        self.tasks: dict[Job, object] = {}
        self.watch = getattr(huey.storage, "watch", None) or OutageWatch(
            getattr(huey.storage, "filename", huey.name))

    def later(self, job: Job, *args, delay: float = 0) -> None:
        task = self.tasks[job]
        # Plain values on the queue (a state's string, not its enum): a job queued now may be run
        # by the next release.
        args = tuple(arg.value if isinstance(arg, Enum) else arg for arg in args)
        started = self.watch.started()
        try:
            if delay > 0:
                task.schedule(args=args, delay=delay)
            else:
                task(*args)
        except QUEUE_ERRORS as exc:
            self.watch.failed(exc)
            return
        self.watch.ok(started)


def register(huey: Huey, services: Callable[[], incidents.Services]) -> HueyWork:
    work = HueyWork(huey)

    def job(name: Job, func):
        def run(*ids):
            func(services(), *ids)
        run.__name__ = name.value
        work.tasks[name] = huey.task(name=name.value)(run)

    job(Job.TRIAGE_TURN, incidents.triage_turn)
    job(Job.FINISH_CALL, incidents.finish_call)
    job(Job.FILE_TICKET, incidents.file_ticket)
    job(Job.PLAN_PAGES, incidents.plan_pages)
    job(Job.DELIVER_PAGE, incidents.deliver_page)
    job(Job.DELIVERY_REPORT, incidents.delivery_report)
    job(Job.ESCALATE, incidents.escalate)
    job(Job.WAKE, incidents.renotify)
    job(Job.RECALL, incidents.recall)
    job(Job.ACK_TIMEOUT, incidents.check_ack_timeout)
    job(Job.INCIDENT_CHANGED, incidents.incident_changed)
    job(Job.DELIVERY_DEADLINE, check_delivery)
    job(Job.CALL_VOICEMAIL, incidents.leave_voicemail)
    job(Job.CANCEL_CALLS, incidents.cancel_ringing)
    job(Job.TICKET_NOTE, incidents.add_ticket_note)

    @huey.task(name=Job.SLACK_RESPOND.value)
    def slack_respond(response_url, text):
        live = services().channels.live
        if live is not None:
            live.respond(response_url, text)

    work.tasks[Job.SLACK_RESPOND] = slack_respond

    database = OutageWatch("", what="database", waiting="the sweep retries every few seconds")

    @huey.task(name=Job.SWEEP.value)
    def sweep(grace=None):
        svc = services()
        started = database.started()
        try:
            found = incidents.sweep(svc, grace=grace)
        except SQLAlchemyError as exc:  # an outage is a line, not a traceback every 5 s
            database.where = database.where or without_password(svc.db.url)
            database.failed(exc.orig if getattr(exc, "orig", None) else exc)
            return
        database.ok(started)
        if any(found.values()):
            log.warning("sweep re-queued lost work: %s", found)

    work.tasks[Job.SWEEP] = sweep
    return work


class PromptScheduler(Scheduler):
    """Huey's scheduler, looking for due jobs every SCHEDULER_TICK_S instead of every second."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interval = SCHEDULER_TICK_S


class _PromptConsumer(Consumer):
    scheduler_class = PromptScheduler


@contextmanager
def running_consumer(huey: Huey, periodic: bool = False, **options):
    """A consumer in this process's threads (simulate-call, end-to-end tests, benchmarks).

    Huey's consumer installs signal handlers when it starts; they are put back when it stops so
    the caller's Ctrl-C keeps working."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = _PromptConsumer(huey, **{**CONSUMER_OPTIONS, "periodic": periodic, **options})
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for sig, handler in saved.items():
            signal.signal(sig, handler)
