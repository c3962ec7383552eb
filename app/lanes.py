"""One queue per kind of work ("lane"), so that a slow vendor only slows its own kind.

A hanging LLM ties up triage threads, a slow ConnectWise ticket threads, a hanging Slack webhook
page threads; none of them can starve the others, because each lane is its own queue in the same
store (a queue name in the SQLite file, a Redis list) and the worker gives each lane its own
threads (app.worker). The schedule (jobs held for later) stays in the main queue's store: when a
job falls due, the scheduler enqueues it into its lane.

The main queue is the "other" lane: jobs an older version queued there still run.
"""
from __future__ import annotations

from huey import signals
from huey.api import Huey

from app.incidents.work import Job

# Which lane runs each job; anything unlisted runs in "other".
JOB_LANES = {
    Job.TRIAGE_TURN: "triage", Job.FINISH_CALL: "triage",          # the LLM
    Job.FILE_TICKET: "tickets", Job.TICKET_NOTE: "tickets",         # the PSA
    Job.PLAN_PAGES: "pages", Job.DELIVER_PAGE: "pages", Job.DELIVERY_DEADLINE: "pages",
    Job.ESCALATE: "pages", Job.WAKE: "pages", Job.DELIVERY_REPORT: "pages",   # the channels
    Job.CALL_VOICEMAIL: "pages", Job.RECALL: "pages", Job.ACK_TIMEOUT: "pages",
    Job.CANCEL_CALLS: "pages",
    Job.SWEEP: "sweep",   # the safety net: never behind a vendor call
}
# Drain order when one thread runs every lane (tests, simulate-call): a call's triage, then its
# ticket, then its pages, so a page run this way carries the ticket number when it exists.
LANES = ("triage", "tickets", "pages", "other", "sweep")
# The sweep is database work only: one thread per worker process, not a setting.
SWEEP_THREADS = 1


class LanedQueue:
    """A mixin for a Huey class: enqueue routes each job to its lane's queue; dequeue() takes from
    every lane in LANES order; dequeue_from(lane) is what a lane's worker thread calls."""

    def __init__(self, name: str = "huey", *args, **kwargs):
        super().__init__(name, *args, **kwargs)
        self.lanes = {lane: self.storage if lane == "other"
                      else self.storage_class(f"{name}-{lane}", **self.storage_kwargs)
                      for lane in LANES}

    @staticmethod
    def lane_of(job: str) -> str:
        return JOB_LANES.get(job, "other")

    def enqueue(self, task):
        if task.expires:
            task.resolve_expires(self.utc)
        if task.eta is not None and task.eta > self._get_timestamp():
            # Straight onto the schedule, not through a lane whose threads may all be busy.
            self.add_schedule(task)
            return None
        self._emit(signals.SIGNAL_ENQUEUED, task)
        self.lanes[self.lane_of(task.name)].enqueue(self.serialize_task(task), task.priority)
        return None

    def dequeue_from(self, lane: str):
        data = self.lanes[lane].dequeue()
        return None if data is None else self.deserialize_task(data)

    def dequeue(self):
        if getattr(self.storage, "blocking", False) and hasattr(self.storage, "dequeue_any"):
            data = self.storage.dequeue_any([s.queue_key for s in self.lanes.values()])
            return None if data is None else self.deserialize_task(data)
        for storage in self.lanes.values():
            # Asking first: a blocking Redis read would wait out its timeout on an empty lane.
            if storage.queue_size():
                data = storage.dequeue()
                if data is not None:
                    return self.deserialize_task(data)
        return None

    def pending_count(self) -> int:
        return sum(storage.queue_size() for storage in self.lanes.values())

    def pending(self, limit=None):
        return [task for storage in self.lanes.values()
                for task in self._deserialize_all(storage.enqueued_items(limit))]

    def flush(self) -> None:
        for storage in self.lanes.values():
            storage.flush_all()


def laned(huey_class: type[Huey]) -> type[Huey]:
    return type(f"Laned{huey_class.__name__}", (LanedQueue, huey_class), {})
