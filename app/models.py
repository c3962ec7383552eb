"""The database is the source of truth: calls, what callers said, incidents, pages, events.

The queue only runs work; anything it loses is found again here by the sweep. Times are naive UTC.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import (JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
                        create_engine, event)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, datetime: DateTime()}


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    customer: Mapped[str] = mapped_column(String(100))
    from_number: Mapped[str] = mapped_column(String(64), default="")
    to_number: Mapped[str] = mapped_column(String(64), default="")
    # ringing → in-progress → completed; the caller's side of the call, not the incident's.
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    reprompts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    turns: Mapped[list["Turn"]] = relationship(back_populates="call", order_by="Turn.seq")
    incident: Mapped["Incident | None"] = relationship(back_populates="call")


class Turn(Base):
    """One thing the caller said, and what NightDesk decided to answer."""
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("call_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    seq: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text, default="")
    speech: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    decision: Mapped[dict | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    call: Mapped[Call] = relationship(back_populates="turns")


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
    status: Mapped[str] = mapped_column(String(20), default="open")
    # pending → created | failed (a 4xx ConnectWise refused; kept for a human to see).
    ticket_status: Mapped[str] = mapped_column(String(20), default="pending")
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
    # The live Slack message (bot mode) that buttons act on and threads hang from.
    slack_team: Mapped[str] = mapped_column(String(40), default="")
    slack_channel: Mapped[str] = mapped_column(String(80), default="")
    slack_ts: Mapped[str] = mapped_column(String(40), default="")
    call: Mapped[Call | None] = relationship(back_populates="incident")
    pages: Mapped[list["Page"]] = relationship(back_populates="incident", order_by="Page.id")

    @property
    def reference(self) -> str:
        return f"ND-{1000 + self.id}"


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
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    receipt: Mapped[dict] = mapped_column(default=dict)  # the vendor's id for it (Slack channel/ts)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    incident: Mapped[Incident] = relationship(back_populates="pages")


class Event(Base):
    """An append-only trail of what happened, for people reading an incident afterwards."""
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), default=None)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), default=None)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TriageCache(Base):
    """LLM decisions by input: the same transcript, runbook version and prompt reuse the answer."""
    __tablename__ = "triage_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision: Mapped[dict] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunbookVersion(Base):
    """Per runbook file: the last version that validated (so a restart with a broken file still
    serves that customer) and the last broken version already reported (so web and worker
    processes report a broken edit once between them)."""
    __tablename__ = "runbook_versions"
    file: Mapped[str] = mapped_column(String(255), primary_key=True)
    good_version: Mapped[str] = mapped_column(String(40), default="")
    good_text: Mapped[str] = mapped_column(Text, default="")
    reported_version: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthProbe(Base):
    """What /healthz writes (and replaces) to prove the database takes writes: a few pages, so
    that a database that can no longer grow fails here before it fails a caller."""
    __tablename__ = "health_probes"
    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(80))
    padding: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Database:
    """An engine and a session factory; one per process."""

    def __init__(self, url: str):
        self.url = url
        # Room for every worker thread (app.lanes) and the lease heartbeat of each send at once.
        # A server that stops answering (not refusing) must cost seconds, not the OS's minutes:
        # runbook reloads, the sweep and webhooks all wait on a connect.
        args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
        self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30,
                                    connect_args=args)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record):
    # The web and worker processes share one file: WAL lets readers run beside a writer and
    # busy_timeout makes a writer wait for the lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
