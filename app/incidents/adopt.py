"""Which customer a call is, once it is known after the greeting: from the PSA's answer (which
may come after the greeting) or from the company the caller names."""
from __future__ import annotations

from app.models import Call, Event
from app.runbooks import Runbook

from .recognition import BUDGET_S, recognise
from .services import Books, Records, Recognising


def runbook_for(svc: Books, call: Call) -> Runbook | None:
    return svc.runbooks.get(call.customer) or svc.runbooks.default()


def adopt_recognised(svc: Recognising, call: Call, budget: float = BUDGET_S) -> Runbook | None:
    """The call's runbook, after asking the PSA again if it hadn't answered by the greeting (a
    budget of 0 takes only what is already cached)."""
    book = runbook_for(svc, call)
    if book is None or not book.is_default or call.contact is not None:
        return book
    known = recognise(svc, call.from_number, book, budget)
    if known.contacts is not None:
        set_contact(svc, call, known.record)
    if known.book is not None and known.book is not book:
        set_customer(svc, call, known.book)
        return known.book
    return book


def set_contact(svc: Records, call: Call, record: dict | None) -> None:
    with svc.db.session() as s:
        row = s.get(Call, call.id)
        if row.contact is None:
            row.contact = record
    call.contact = record


def set_customer(svc: Books, call: Call, book: Runbook) -> None:
    with svc.db.session() as s:
        row = s.get(Call, call.id)
        if row.customer != book.customer:
            s.add(Event(call_id=call.id, kind="customer_named",
                        detail={"from": row.customer, "to": book.customer}))
            row.customer = book.customer
    call.customer = book.customer
