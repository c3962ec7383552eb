"""The Work port: how orchestration asks for a job to run later, without importing the queue.

app.jobs implements it with Huey, one task per Job; app.lanes says which lane runs each.
"""
from __future__ import annotations

import random
from enum import StrEnum
from typing import Protocol


class Job(StrEnum):
    """Every job there is. The value is the queue's task name: jobs queued by an older version
    still find their task."""
    TRIAGE_TURN = "triage_turn"            # read what the caller said, decide the next prompt
    FINISH_CALL = "finish_call"            # the call is over: decide and open the incident
    FILE_TICKET = "file_ticket"
    PLAN_PAGES = "plan_pages"
    DELIVER_PAGE = "deliver_page"
    DELIVERY_REPORT = "delivery_report"    # a vendor's late word on a page (SMS undelivered)
    ESCALATE = "escalate"
    WAKE = "wake"                          # a snooze ended
    RECALL = "recall"                      # a step's calls rung again (`every`)
    ACK_TIMEOUT = "ack_timeout"            # acknowledged, still unresolved: remind, then reopen
    INCIDENT_CHANGED = "incident_changed"  # the live message, its thread and the ticket follow
    DELIVERY_DEADLINE = "delivery_deadline"
    CALL_VOICEMAIL = "call_voicemail"      # a machine answered a phone-call page: short message
    CANCEL_CALLS = "cancel_calls"          # someone owns the incident: its ringing calls stop
    TICKET_NOTE = "ticket_note"            # the call's transcript or recording link, on its ticket
    SLACK_RESPOND = "slack_respond"
    SWEEP = "sweep"


class Work(Protocol):
    def later(self, job: Job, *args, delay: float = 0) -> None: ...


class RecordingWork:
    """A fake for service-level tests: remembers what was asked for, runs nothing."""

    def __init__(self):
        self.asked: list[tuple[str, tuple, float]] = []

    def later(self, job: Job, *args, delay: float = 0) -> None:
        self.asked.append((job, args, delay))

    def jobs(self, name: Job) -> list[tuple]:
        return [args for job, args, _ in self.asked if job == name]


def backoff(attempt: int, base: float = 5.0, cap: float = 300.0, retry_after: float | None = None,
            rng: random.Random = random.Random()) -> float:
    """Seconds before attempt `attempt + 1`: exponential with ±20% jitter, never sooner than the
    vendor's Retry-After."""
    delay = min(cap, base * 2 ** max(0, attempt - 1)) * rng.uniform(0.8, 1.2)
    if retry_after:
        delay = max(delay, retry_after)
    return delay
