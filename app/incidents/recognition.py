"""Callers recognised from the PSA: a caller the runbooks' `match` doesn't know is looked up among
the PSA's contacts; a contact whose company is one runbook's `tickets.company` makes the call that
customer's, and the ticket is opened on that contact.

Contacts of the same number in different companies are never chosen between: the call stays
with the default runbook, whose agent asks which company, and the contact of the company named
is the ticket's. A number the PSA doesn't know is today's unknown caller, noted on the ticket;
no contact is ever created in the PSA."""
from __future__ import annotations

from dataclasses import dataclass

from app.runbooks import Runbook
from app.tickets import Contact
from app.tickets.callers import BUDGET_S

from .services import Recognising

__all__ = ["BUDGET_S", "Recognition", "contact_for", "customer_of", "recognise"]


@dataclass(frozen=True)
class Recognition:
    book: Runbook | None
    contacts: list[Contact] | None = None   # None: the PSA wasn't asked, or didn't answer in time

    @property
    def record(self) -> dict | None:
        """What calls.contact keeps."""
        return None if self.contacts is None else {"contacts": [c.as_dict() for c in self.contacts]}


def recognise(svc: Recognising, from_number: str, book: Runbook | None,
              budget: float = BUDGET_S) -> Recognition:
    """The runbook for a caller the runbooks left to the default one, from the PSA's contacts."""
    if book is None or not book.is_default or svc.callers is None:
        return Recognition(book)
    contacts = svc.callers.find(from_number, budget)
    if not contacts:
        return Recognition(book, contacts)
    return Recognition(customer_of(svc, contacts) or book, contacts)


def customer_of(svc: Recognising, contacts: list[Contact]) -> Runbook | None:
    """The one runbook all these contacts' company leads to, or None (no runbook has that
    company, or the contacts are in different companies: the caller is asked)."""
    companies = {_key(c.company) for c in contacts}
    if len(companies) != 1:
        return None
    found = [b for b in svc.runbooks.all() if not b.is_default and _names(b, contacts[0])]
    return found[0] if len(found) == 1 else None


def contact_for(record: dict | None, book: Runbook) -> tuple[Contact | None, str]:
    """The contact a ticket of `book` is opened on, from calls.contact, and a line for the
    ticket saying what the PSA knew of the caller ("" when it wasn't asked)."""
    if not record or not isinstance(record.get("contacts"), list):
        return None, ""
    contacts = [Contact.from_dict(c) for c in record["contacts"] if isinstance(c, dict)]
    if not contacts:
        return None, ("Caller not found among the PSA's contacts: filed under the runbook's "
                      "company, no contact set.")
    mine = [c for c in contacts if _names(book, c)]
    if len(mine) == 1:
        where = f" ({mine[0].company_name})" if mine[0].company_name else ""
        return mine[0], f"Caller recognised from the PSA: {mine[0].name}{where}."
    companies = ", ".join(sorted({c.company_name or c.company for c in contacts}))
    why = "several of this company's contacts have it" if mine else "none of them is this company's"
    return None, f"The caller's number is a contact's in the PSA ({companies}); {why}: no contact set."


def _names(book: Runbook, contact: Contact) -> bool:
    """Whether the runbook's tickets.company is the contact's company: its identifier in the PSA's
    terms (ConnectWise identifier, Autotask id, Halo client id) or, for Halo, its name."""
    company = _key(book.cw_company)
    return bool(company) and company in {_key(contact.company), _key(contact.company_name)}


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()
