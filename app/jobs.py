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
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer, Scheduler
from huey.storage import RedisStorage
from redis.exceptions import ConnectionError as RedisDown, TimeoutError as RedisSlow
from sqlalchemy.exc import SQLAlchemyError

from app import incidents
from app.incidents.deadline import check_delivery
from app.lanes import laned

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
        huey = laned(_WatchedRedisHuey)(name, url=queue_url, results=False, blocking=True,
                                        read_timeout=1)
        watch = QueueWatch(_without_password(queue_url))
        for storage in huey.lanes.values():
            storage.watch = watch
        return huey
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return laned(SqliteHuey)(name, filename=str(path), results=False)


class QueueWatch:
    """An unreachable queue (or database) is said once, then reminded every `remind_s`, and its
    return is said once: instead of a traceback from every worker thread on every poll."""

    def __init__(self, where: str, remind_s: float = 60.0, clock=time.monotonic, what: str = "queue",
                 waiting: str = "jobs wait until it is back, retrying every second"):
        self.where, self.remind_s, self.clock = where, remind_s, clock
        self.what, self.waiting = what, waiting
        self.on_back: Callable[[], None] | None = None  # the worker sweeps at once
        self.down_since: float | None = None
        self.reminded = 0.0
        self.lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
        with self.lock:
            now = self.clock()
            if self.down_since is None:
                self.down_since = self.reminded = now
                log.error("%s unreachable at %s (%s); %s", self.what, self.where, reason,
                          self.waiting)
            elif now - self.reminded >= self.remind_s:
                self.reminded = now
                log.error("%s still unreachable at %s after %.0f s (%s)", self.what, self.where,
                          now - self.down_since, reason)

    def ok(self) -> None:
        if self.down_since is None:  # the usual case: no lock taken
            return
        with self.lock:
            if self.down_since is None:
                return
            log.warning("%s reachable again at %s after %.0f s", self.what, self.where,
                        self.clock() - self.down_since)
            self.down_since = None
        if self.on_back is not None:
            self.on_back()

    @property
    def down(self) -> bool:
        return self.down_since is not None


class _WatchedRedisStorage(RedisStorage):
    """Huey's Redis storage, with outages reported to a QueueWatch instead of huey's per-poll
    tracebacks (a refused connection fails at once, so the poll loop would spin)."""
    watch: QueueWatch | None = None

    def dequeue(self):
        try:
            data = super().dequeue()
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            time.sleep(1.0)
            return None
        self.watch.ok()
        return data

    def dequeue_any(self, keys: list[str]):
        """The first job in any of these queues, in their order (one BRPOP: how a consumer that
        serves every lane blocks on all of them)."""
        try:
            found = self.conn.brpop(keys, timeout=self.read_timeout)
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            time.sleep(1.0)
            return None
        self.watch.ok()
        return found[1] if found else None

    def read_schedule(self, ts):
        try:
            tasks = super().read_schedule(ts)
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            return []
        self.watch.ok()
        return tasks


class _WatchedRedisHuey(RedisHuey):
    storage_class = _WatchedRedisStorage


class _SaidAlready(logging.Filter):
    """Drops huey's tracebacks for a Redis outage the QueueWatch has reported (the scheduler's
    minutely periodic enqueue)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], (RedisDown, RedisSlow)))


for _name in ("huey.consumer.Scheduler", "huey.consumer.Worker"):
    logging.getLogger(_name).addFilter(_SaidAlready())


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


class HueyWork:
    """The Work port on Huey: `later("deliver_page", 7, delay=30)`.

    A job the queue cannot take is not the caller's problem: its row is already committed, and
    the sweep queues it again once the queue is back. The outage is logged once, then reminded."""

    def __init__(self, huey: Huey):
        self.huey = huey
        self.tasks: dict[str, object] = {}
        self.watch = getattr(huey.storage, "watch", None) or QueueWatch(
            getattr(huey.storage, "filename", huey.name))

    def later(self, job: str, *args, delay: float = 0) -> None:
        task = self.tasks[job]
        try:
            if delay > 0:
                task.schedule(args=args, delay=delay)
            else:
                task(*args)
        except QUEUE_ERRORS as exc:
            self.watch.failed(exc)
            return
        self.watch.ok()


def register(huey: Huey, services: Callable[[], incidents.Services]) -> HueyWork:
    work = HueyWork(huey)

    def job(name: str, func):
        def run(*ids):
            func(services(), *ids)
        run.__name__ = name
        work.tasks[name] = huey.task(name=name)(run)

    job("triage_turn", incidents.triage_turn)
    job("finish_call", incidents.finish_call)
    job("file_ticket", incidents.file_ticket)
    job("plan_pages", incidents.plan_pages)
    job("deliver_page", incidents.deliver_page)
    job("delivery_report", incidents.delivery_report)
    job("escalate", incidents.escalate)
    job("wake", incidents.renotify)
    job("incident_changed", incidents.incident_changed)
    job("delivery_deadline", check_delivery)

    @huey.task(name="slack_respond")
    def slack_respond(response_url, text):
        slack = services().channels.get("slack")
        if slack is not None:
            slack.respond(response_url, text)

    work.tasks["slack_respond"] = slack_respond

    database = QueueWatch("", what="database", waiting="the sweep retries every few seconds")

    @huey.task(name="sweep")
    def sweep(grace=None):
        svc = services()
        try:
            found = incidents.sweep(svc, grace=grace)
        except SQLAlchemyError as exc:  # an outage is a line, not a traceback every 5 s
            database.where = database.where or _without_password(svc.db.url)
            database.failed(exc.orig if getattr(exc, "orig", None) else exc)
            return
        database.ok()
        if any(found.values()):
            log.warning("sweep re-queued lost work: %s", found)

    work.tasks["sweep"] = sweep
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
