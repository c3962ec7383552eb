"""The Work port: how orchestration asks for a job to run later, without importing the queue.

app.jobs implements it with Huey. Job names: triage_turn, finish_call, file_ticket, deliver_page,
delivery_report, escalate, wake, incident_changed, delivery_deadline, slack_respond,
sweep.
"""
from __future__ import annotations

import random
from typing import Protocol


class Work(Protocol):
    def later(self, job: str, *args, delay: float = 0) -> None: ...


class RecordingWork:
    """A fake for service-level tests: remembers what was asked for, runs nothing."""

    def __init__(self):
        self.asked: list[tuple[str, tuple, float]] = []

    def later(self, job: str, *args, delay: float = 0) -> None:
        self.asked.append((job, args, delay))

    def jobs(self, name: str) -> list[tuple]:
        return [args for job, args, _ in self.asked if job == name]


def backoff(attempt: int, base: float = 5.0, cap: float = 300.0, retry_after: float | None = None,
            rng: random.Random = random.Random()) -> float:
    """Seconds before attempt `attempt + 1`: exponential with ±20% jitter, never sooner than the
    vendor's Retry-After."""
    delay = min(cap, base * 2 ** max(0, attempt - 1)) * rng.uniform(0.8, 1.2)
    if retry_after:
        delay = max(delay, retry_after)
    return delay
