"""Ticket systems: the port, ConnectWise, and local numbering."""
from .port import Ticket, TicketError, TicketRequest, TicketSystem

__all__ = ["Ticket", "TicketError", "TicketRequest", "TicketSystem"]
