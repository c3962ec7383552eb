"""An incident, its pages, the notes owed to its ticket, and the trail of what happened."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.states import IncidentStatus, NoteStatus, PageStatus, TicketStatus

from .base import Base, utcnow
from .calls import Call


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    customer: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(2))
    rule_index: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text, default="")
    caller_name: Mapped[str] = mapped_column(String(100), default="")
    callback_number: Mapped[str] = mapped_column(String(64), default="")
    transcript: Mapped[str] = mapped_column(Text, default="")
    triage: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default=IncidentStatus.OPEN.value)
    # pending → created | failed (a 4xx ConnectWise refused; kept for a human to see).
    ticket_status: Mapped[str] = mapped_column(String(20), default=TicketStatus.PENDING.value)
    ticket_number: Mapped[str | None] = mapped_column(String(40), default=None)
    ticket_error: Mapped[str] = mapped_column(Text, default="")
    ticket_attempts: Mapped[int] = mapped_column(Integer, default=0)
    ticket_due_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set once the page rows this incident needs exist (none, for a severity that isn't paged).
    pages_planned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_test: Mapped[bool] = mapped_column(default=False)  # a rehearsal (/nightdesk test)
    # Who owns it: open → acknowledged → resolved. *_by is "slack:U123" or a name.
    acknowledged_by: Mapped[str] = mapped_column(String(100), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    # Escalation: the chain position, how many paging rounds so far (Page.step), the next timer.
    escalation_step: Mapped[int] = mapped_column(Integer, default=0)
    page_round: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(default=None)
    # A step's calls rung again (`every`): the next ring, and how many this step has had.
    next_call_at: Mapped[datetime | None] = mapped_column(default=None)
    calls_repeated: Mapped[int] = mapped_column(Integer, default=0)
    # The runbook's ack_timeout: when an acknowledged, unresolved incident is looked at next, and
    # whether its acknowledger was already reminded (the next time it reopens).
    ack_due_at: Mapped[datetime | None] = mapped_column(default=None)
    ack_reminded: Mapped[bool] = mapped_column(default=False)
    # Where a request for this incident came from, in that channel's terms: a rehearsal asked
    # for in a Slack workspace is {"method": "slack", "team": "T0…"}, and its page posts there.
    origin: Mapped[dict] = mapped_column(default=dict)
    call: Mapped[Call | None] = relationship(back_populates="incident")
    pages: Mapped[list["Page"]] = relationship(back_populates="incident", order_by="Page.id")

    @property
    def reference(self) -> str:
        return f"ND-{1000 + self.id}"


class LiveMessageRef(Base):
    """A message a channel keeps up to date for an incident (Slack bot mode's, today): its
    buttons act on the incident, its thread tells what changed. `ref` is the channel's own
    reference to it (Slack: team, channel, ts), read only by that channel. One per channel."""
    __tablename__ = "live_messages"
    __table_args__ = (UniqueConstraint("incident_id", "method"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    method: Mapped[str] = mapped_column(String(20))
    ref: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Page(Base):
    """One message to one target. Unique per (incident, rule, step, kind): sent at most once."""
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("incident_id", "rule_index", "step", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    rule_index: Mapped[int] = mapped_column(Integer, default=-1)
    step: Mapped[int] = mapped_column(Integer, default=0)
    # page: the page itself; ticket: the follow-up carrying a ticket number that came late.
    kind: Mapped[str] = mapped_column(String(20), default="page")
    method: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(Text, default="")
    # queued → sending → sent | failed, or cancelled once someone acknowledged the incident
    status: Mapped[str] = mapped_column(String(20), default=PageStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    receipt: Mapped[dict] = mapped_column(default=dict)  # the vendor's id for it (Slack channel/ts)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    incident: Mapped[Incident] = relationship(back_populates="pages")


class TicketNote(Base):
    """A note owed to an incident's ticket once: `key` is "transcript" or "recording:<RE…>",
    unique per incident, so a retried job, the sweep and a second worker add it at most once."""
    __tablename__ = "ticket_notes"
    __table_args__ = (UniqueConstraint("incident_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=NoteStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # when it may be tried (pending), or when its sending worker's lease runs out (sending)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """An append-only trail of what happened, for people reading an incident afterwards."""
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), default=None)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), default=None)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
