"""A vendor's later word on a page it had accepted (Twilio's SMS StatusCallback; a page call's
status and answering-machine verdict).

Twilio answers 201 `queued` when it takes a message; whether the phone got it comes later. A
message reported `undelivered` or `failed` is a failed delivery like any other: retried with
backoff, or sent to the rule's fallback (and the MSP default for a P1) when no retry can help.
"""
from __future__ import annotations

import logging

from app.states import PageStatus
from app.models import Event, Page

from .messages import live_message
from .outcome import record
from . import page_rows
from .rows import runbook_of
from .services import Paging
from .work import Job

log = logging.getLogger(__name__)
# The worker records a send a moment after the vendor accepted it; a report arriving in that
# moment is looked at again shortly, a few times at most.
EARLY_RETRY_S = 5.0
EARLY_TRIES = 6


def delivery_report(svc: Paging, page_id: int, report: dict, tries: int = 0) -> str:
    """What became of the report: recorded, ignored, early (looked at again soon) or not found."""
    with svc.db.session() as s:
        page = s.get(Page, page_id)
        if page is None:
            return "not found"
        result = svc.channels.delivery_report(page.method, report)
        sid = report.get("MessageSid") or report.get("CallSid", "")
        if result is None or page.receipt.get("sid", sid) != sid:
            return "ignored"  # delivered, or about an earlier attempt that was already retried
        if page.status == PageStatus.SENDING and tries < EARLY_TRIES:
            svc.work.later(Job.DELIVERY_REPORT, page_id, report, tries + 1, delay=EARLY_RETRY_S)
            return "early"
        if not page_rows.reopen_sent(s, page_id):
            return "ignored"  # already failed, retried or cancelled
        s.refresh(page)
        s.add(Event(incident_id=page.incident_id, kind="page_undelivered", detail={
            "page": page.id, "method": page.method, "error": result.error}))
        log.warning("page %s (%s) was not delivered: %s", page.id, page.method, result.error)
        book = runbook_of(svc, page.incident)
        record(svc, s, page, book, live_message(svc, page.incident, book), result)
        s.commit()
        follow = [other for other in page_rows.queued_ids(s, page.incident_id) if other != page.id]
    for other in follow:  # a fallback route just added
        svc.work.later(Job.DELIVER_PAGE, other)
    return "recorded"
