"""Tickets kept in NightDesk's own database when ConnectWise isn't configured."""
from __future__ import annotations

from .port import Ticket, TicketRequest


class LocalTickets:
    name = "local"

    def create(self, request: TicketRequest, retrying: bool = False) -> Ticket:
        # The incident row is the ticket; its reference is the number the caller hears.
        return Ticket(number=request.reference, id=request.reference)
