"""Fakes of NightDesk's own ports (not of HTTP), for orchestration unit tests.

`make_services` wires them into a Services on a SQLite file whose tables come from
Base.metadata.create_all: the same schema as app.migrate's head (test_schema_and_health keeps the
migrations equal to the models), built in milliseconds where the migrations take a tenth of a
second. Channels and the Work port already have recording fakes beside their ports
(app.paging.recording.RecordingChannel, app.incidents.work.RecordingWork); they are used as is.
"""
from __future__ import annotations

import functools
import itertools
from pathlib import Path

from sqlalchemy import event

from app.config import Config
from app.incidents.services import Services
from app.incidents.work import RecordingWork
from app.models import Base, Call, Database, Turn
from app.paging import ChannelRegistry
from app.paging.recording import RecordingChannel
from app.ratelimit.port import NoLimit
from app.runbooks import Runbook
from app.runbooks.parse import parse
from app.tickets import Contact, PlaceProblem, Ticket, TicketError, TicketPlace, TicketRequest, TicketSystem
from app.triage import TriageAgent

from ..conftest import Clock

__all__ = ["Clock", "RecordingChannel", "RecordingTickets", "RecordingWork", "Runbooks",
           "a_call", "channels", "empty", "empty_database", "make_services", "runbook"]


class RecordingTickets:
    """A TicketSystem answering from a script of Tickets and TicketErrors (then numbered tickets
    from 45001), remembering every request and whether it was a retry."""

    name = "recording"
    kept_here = False

    def __init__(self, *script: Ticket | TicketError):
        self.script = list(script)
        self.requests: list[TicketRequest] = []
        self.retrying: list[bool] = []
        self.notes: list[tuple[str, str]] = []
        self.statuses: list[tuple[str, str]] = []
        self.contacts: dict[str, list[Contact]] = {}   # the PSA's contacts by phone number

    def create(self, request: TicketRequest, retrying: bool = False) -> Ticket:
        self.requests.append(request)
        self.retrying.append(retrying)
        answer = self.script.pop(0) if self.script else Ticket(number=str(45000 + len(self.requests)))
        if isinstance(answer, TicketError):
            raise answer
        return answer

    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        self.notes.append((number, text))

    def set_status(self, number: str, status: str) -> None:
        self.statuses.append((number, status))

    def find_member(self, email: str) -> str:
        return ""

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        return list(self.contacts.get(phone_e164, []))

    def url(self, number: str) -> str:
        return ""

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        return []


def channels(*fakes: RecordingChannel) -> ChannelRegistry:
    """A registry of recording channels: the given ones, and a plain one for each other method a
    runbook may name."""
    registry = ChannelRegistry([RecordingChannel(m) for m in ("slack", "teams", "email", "sms", "call")])
    for fake in fakes:
        registry.register(fake)
    return registry


@functools.lru_cache(maxsize=None)
def runbook(text: str, stem: str = "acme") -> Runbook:
    """A Runbook from YAML, through the real parser (so a test's runbook is one that would load);
    parsed once per text, as a Runbook never changes."""
    book, errors = parse(text, f"{stem}.yaml", stem, channels())
    assert book is not None, [str(e) for e in errors]
    return book


class Runbooks:
    """The part of RunbookStore orchestration reads: runbooks by customer, and the default."""

    def __init__(self, *books: Runbook):
        self.books = list(books)

    def all(self) -> list[Runbook]:
        return list(self.books)

    def get(self, customer: str) -> Runbook | None:
        return next((b for b in self.books if b.customer == customer), None)

    def default(self) -> Runbook | None:
        return next((b for b in self.books if b.is_default), None)


def empty_database(path: Path) -> Database:
    """A SQLite file with NightDesk's tables and no rows."""
    db = Database(f"sqlite:///{path}")
    # A crash-safe disk write per commit is the production database's job; here it only costs
    # milliseconds per test (WAL, busy_timeout and foreign keys stay as Database sets them).
    event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
    Base.metadata.create_all(db.engine)
    return db


def empty(db: Database) -> None:
    """Every row gone (ids start again at 1): reusing one engine and its compiled statements
    makes a test a third as long as building a database for it."""
    with db.session() as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(table.delete())


def make_services(directory: Path, *books: Runbook, db: Database | None = None,
                  channels_: ChannelRegistry | None = None, tickets: TicketSystem | None = None,
                  clock: Clock | None = None, **config) -> Services:
    """Services whose every port is a fake, on `db` (else a new empty database in `directory`);
    `config` overrides Config fields (slack_webhook=..., alert_email=...)."""
    directory.mkdir(parents=True, exist_ok=True)
    db = db or empty_database(directory / "unit.db")
    cfg = Config(instance_path=directory, database_url=db.url, **config)
    return Services(config=cfg, db=db, runbooks=Runbooks(*books),
                    triage=TriageAgent(None, cfg.prompts_dir), tickets=tickets or RecordingTickets(),
                    channels=channels_ or channels(), work=RecordingWork(), clock=clock or Clock(),
                    limiter=NoLimit())


_sids = itertools.count(1)


def a_call(svc: Services, customer: str = "acme", from_number: str = "+15555550142",
           said: str = "The server is down and nobody can work") -> int:
    """A finished call with one thing said; returns its id."""
    with svc.db.session() as s:
        call = Call(call_sid=f"CA{next(_sids):032d}", customer=customer,
                    from_number=from_number, status="completed", created_at=svc.clock())
        s.add(call)
        s.flush()
        s.add(Turn(call_id=call.id, seq=1, prompt="What's wrong?", speech=said, created_at=svc.clock()))
        return call.id
