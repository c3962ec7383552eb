"""Exactly one ticket per incident across timeouts and retries, the same way in every PSA."""
from __future__ import annotations

from .port import Ticket, TicketRequest


class CreatedOnce:
    """A retry first asks the PSA for a ticket carrying NightDesk's reference: an earlier attempt
    may have reached it before its answer was lost. The PSA module supplies `find` (its own way
    of tagging a ticket with the reference) and `post`, and its two timeouts: the first attempt
    answers within the caller's hold, a retry has nobody waiting on it."""
    timeout: object
    retry_timeout: object

    def create(self, request: TicketRequest, retrying: bool = False) -> Ticket:
        timeout = self.retry_timeout if retrying else self.timeout
        if retrying:
            existing = self.find(request.reference, timeout)
            if existing:
                return existing
        return self.post(request, timeout)

    def find(self, reference: str, timeout) -> Ticket | None:
        raise NotImplementedError

    def post(self, request: TicketRequest, timeout) -> Ticket:
        raise NotImplementedError
