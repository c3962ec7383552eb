"""The Huey instance and thin tasks: each loads ids and calls app.incidents.

SQLite (the embedded default) or Redis (QUEUE_URL=redis://…, for several hosts). The database,
not the queue, is the source of truth: the minutely sweep re-queues anything a lost message left
behind, so tasks carry ids only and are safe to run twice.
"""
from __future__ import annotations

import logging
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey

from app import incidents

log = logging.getLogger(__name__)
# The consumer settings `make run` and the Procfile use: polling the SQLite queue every 50-100 ms
# (huey's default backs off to 10 s, which a caller on hold would hear). Redis blocks on BRPOP.
CONSUMER_OPTIONS = {"workers": 4, "worker_type": "thread", "initial_delay": 0.05,
                    "backoff": 1.0, "max_delay": 0.1, "scheduler_interval": 1}


def make_huey(queue_url: str, name: str = "nightdesk") -> Huey:
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisHuey(name, url=queue_url, results=False, blocking=True, read_timeout=1)
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False)


class HueyWork:
    """The Work port on Huey: `later("deliver_page", 7, delay=30)`."""

    def __init__(self, huey: Huey):
        self.huey = huey
        self.tasks: dict[str, object] = {}

    def later(self, job: str, *args, delay: float = 0) -> None:
        task = self.tasks[job]
        if delay > 0:
            task.schedule(args=args, delay=delay)
        else:
            task(*args)


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
    job("deliver_page", incidents.deliver_page)
    job("escalate", incidents.escalate)
    job("wake", incidents.renotify)
    job("incident_changed", incidents.incident_changed)

    @huey.task(name="slack_respond")
    def slack_respond(response_url, text):
        slack = services().channels.get("slack")
        if slack is not None:
            slack.respond(response_url, text)

    work.tasks["slack_respond"] = slack_respond

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep():
        found = incidents.sweep(services())
        if any(found.values()):
            log.warning("sweep re-queued lost work: %s", found)

    work.tasks["sweep"] = sweep
    return work


@contextmanager
def running_consumer(huey: Huey, periodic: bool = False, **options):
    """A consumer in this process's threads (simulate-call, end-to-end tests, benchmarks).

    Huey's consumer installs signal handlers when it starts; they are put back when it stops so
    the caller's Ctrl-C keeps working."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(**{**CONSUMER_OPTIONS, "periodic": periodic, **options})
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for sig, handler in saved.items():
            signal.signal(sig, handler)
