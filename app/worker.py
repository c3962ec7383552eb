"""The queue worker: `python -m app.worker` (the Procfile's worker:).

Huey's consumer, with these changes: each lane (app.lanes: triage, tickets, pages, other) has its
own worker threads, so a hanging vendor ties up only its own kind of work; the scheduler looks
for due jobs every jobs.SCHEDULER_TICK_S rather than every second, so a page held for its target's
next send slot leaves on time; SIGTERM (a deploy) is graceful — no new job is taken and the jobs
in flight get jobs.SHUTDOWN_S to finish — while SIGINT stops at once; the database is swept every
SWEEP_EVERY_S for work the queue lost; and it is swept at once, with no grace period, when the
queue comes back after an outage."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from huey.api import Huey
from huey.consumer import Consumer, Worker

from app import create_app_or_exit, incidents
from app.jobs import CONSUMER_OPTIONS, QUEUE_ERRORS, HueyWork, PromptScheduler
from app.incidents.work import Job
from app.lanes import SWEEP_THREADS

log = logging.getLogger(__name__)
# How often a worker process sweeps the database for work the queue lost (and for expired leases
# on pages whose worker died mid-send).
SWEEP_EVERY_S = 5.0


def sweep_when_back(work: HueyWork, services: Callable[[], incidents.Services]) -> None:
    """After a queue outage, queue again at once everything the database says is not done: what
    was committed while the queue was down, and what the queue itself lost."""
    def now():
        try:
            found = incidents.sweep(services(), grace=0)
            log.warning("queue is back: re-queued %s", found)
        except Exception:
            log.exception("the sweep after the queue's return failed; the next one retries")

    work.watch.on_back = lambda: threading.Thread(target=now, name="sweep-on-return",
                                                  daemon=True).start()


class _PoliteWorker(Worker):
    """Huey's worker thread, serving one lane, except that a job dequeued just as a graceful stop
    began is put back for the next worker instead of started."""
    lane = "other"

    def loop(self, now=None):
        task = None
        try:
            task = self.huey.dequeue_from(self.lane)
        except Exception:
            self._logger.exception("Error reading from queue")
            self.sleep()
            return
        if task is None:
            if not self.huey.storage.blocking:
                self.sleep()
            return
        if self.stop_flag.is_set():
            self.huey.enqueue(task)
            return
        self.delay = self.default_delay
        try:
            self.huey.execute(task, now)
        except Exception:
            self._logger.exception("Unhandled error during execution of task %s.", task.id)


class _SweepingScheduler(PromptScheduler):
    """The prompt scheduler, which also queues the sweep every SWEEP_EVERY_S (huey's periodic
    tasks run at most once a minute)."""
    def __init__(self, *args, sweep=None, sweep_every: float = SWEEP_EVERY_S, **kwargs):
        super().__init__(*args, **kwargs)
        self.sweep, self.sweep_every, self.next_sweep = sweep, sweep_every, 0.0

    def loop(self, now=None):
        if self.sweep is not None and time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + self.sweep_every
            try:
                self.huey.enqueue(self.sweep.s())
            except QUEUE_ERRORS as exc:
                watch = getattr(self.huey.storage, "watch", None)
                if watch is not None:
                    watch.failed(exc)
        super().loop(now)


class NightDeskConsumer(Consumer):
    """`python -m app.worker`: huey's consumer with threads per lane, a graceful SIGTERM, the
    frequent sweep and the sweep on the queue's return."""
    worker_class = _PoliteWorker

    def __init__(self, huey: Huey, work: HueyWork, threads: dict[str, int], **options):
        self.work = work
        threads = {**threads, "sweep": SWEEP_THREADS}
        self.plan = [lane for lane, count in threads.items() for _ in range(count)]
        self.made = 0
        options["workers"] = len(self.plan)
        super().__init__(huey, **options)
        self._logger.info("Worker threads per lane: %s",
                          ", ".join(f"{lane} {count}" for lane, count in threads.items()))

    def _create_worker(self, lane: str | None = None):
        worker = super()._create_worker()
        if lane is None:
            lane, self.made = self.plan[self.made % len(self.plan)], self.made + 1
        worker.lane = lane
        return worker

    def check_worker_health(self):
        """Huey's, except that a dead worker thread is replaced by one for the same lane."""
        for i, (worker, thread) in enumerate(self.worker_threads):
            if not self.environment.is_alive(thread):
                self._logger.warning("Worker %d (%s) died, restarting.", i + 1, worker.lane)
                worker = self._create_worker(worker.lane)
                thread = self._create_process(worker, f"Worker-{i + 1}-{worker.lane}")
                thread.start()
                self.worker_threads[i] = (worker, thread)
        if not self.environment.is_alive(self.scheduler):
            self._logger.warning("Scheduler died, restarting.")
            self.scheduler = self._create_process(self._create_scheduler(), "Scheduler")
            self.scheduler.start()

    def _create_scheduler(self):
        return _SweepingScheduler(huey=self.huey, stop_flag=self.stop_flag,
                                  interval=self.scheduler_interval, periodic=self.periodic,
                                  sweep=self.work.tasks[Job.SWEEP])


class _QuietSweep(logging.Filter):
    """Huey says "Executing …" and "… executed in" for every job; for the sweep, every 5 s, that
    buries the lines an operator needs. Its warnings and errors still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or ".sweep:" not in record.getMessage()


def main() -> None:
    logging.getLogger("huey").addFilter(_QuietSweep())
    app = create_app_or_exit()
    huey = app.extensions["huey"]
    services = app.extensions["nightdesk"]
    sweep_when_back(services.work, lambda: services)
    NightDeskConsumer(huey, services.work, services.config.worker_threads, **CONSUMER_OPTIONS,
                      periodic=True).run()


if __name__ == "__main__":
    main()
