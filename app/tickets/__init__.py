"""Ticket systems: the port, the PSAs, and local numbering."""
from .port import (Contact, PlaceProblem, Ticket, TicketError, TicketPlace, TicketRequest,
                   TicketSystem)

__all__ = ["Contact", "PlaceProblem", "Ticket", "TicketError", "TicketPlace", "TicketRequest",
           "TicketSystem"]
