"""Who is on call: a rotation of people with daily or weekly hand-offs, and overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Person:
    name: str
    sms: str = ""
    email: str = ""
    slack: str = ""  # a Slack user ID (U…), for direct messages
    phone: str = ""  # what a phone-call page rings; none: the number the texts go to

    def target(self, method: str) -> str:
        return {"sms": self.sms, "call": self.phone or self.sms, "email": self.email,
                "slack": self.slack}.get(method, "")


@dataclass(frozen=True)
class Override:
    start: datetime
    end: datetime
    person: Person


@dataclass(frozen=True)
class Rotation:
    people: tuple[Person, ...]
    handoff: datetime            # when people[0]'s first shift began
    period: timedelta            # one day or one week
    overrides: tuple[Override, ...] = ()

    def on_call(self, now: datetime) -> Person:
        """`now` is naive UTC (as stored) or aware."""
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        for override in self.overrides:
            if override.start <= now < override.end:
                return override.person
        shifts = int((now - self.handoff) // self.period)
        return self.people[shifts % len(self.people)]

    def next_handoff(self, now: datetime) -> datetime:
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        shifts = int((now - self.handoff) // self.period) + 1
        return self.handoff + shifts * self.period
