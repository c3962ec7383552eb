"""Tickets kept in NightDesk's own database when ConnectWise isn't configured."""
from __future__ import annotations

from .port import Contact, PlaceProblem, Ticket, TicketPlace, TicketRequest


class LocalTickets:
    name = "local"
    kept_here = True

    def create(self, request: TicketRequest, retrying: bool = False) -> Ticket:
        # The incident row is the ticket; its reference is the number the caller hears.
        return Ticket(number=request.reference, id=request.reference)

    # Notes and statuses of local tickets are the incident's own events.
    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        pass

    def set_status(self, number: str, status: str) -> None:
        pass

    def find_member(self, email: str) -> str:
        return ""

    def url(self, number: str) -> str:
        return ""

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        return []  # no PSA, no contacts: callers are matched by the runbooks alone

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        return []  # any runbook's tickets can be kept here
