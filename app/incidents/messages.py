"""What a page says about an incident right now: the one place a PageMessage is built."""
from __future__ import annotations

from app.models import Incident
from app.paging import PageMessage
from app.paging.redact import redact
from app.states import PageKind

from .links import incident_link
from .rows import runbook_of
from .services import Paging


def message_for(incident: Incident, kind: str, book, rule_trigger: str = "", link: str = "",
                ticket_url: str = "", default_zone: str = "UTC") -> PageMessage:
    clean = redact if (book is None or book.redact) else (lambda text: text)
    zone = (book.timezone if book else "") or default_zone
    return PageMessage(
        severity=incident.severity, customer=book.name if book else incident.customer,
        summary=clean(incident.summary), callback_number=incident.callback_number,
        ticket_number=incident.ticket_number or "", reference=incident.reference,
        caller_name=clean(incident.caller_name), details=clean(incident.details),
        rule=rule_trigger, kind=PageKind.TEST if incident.is_test else kind, link=link,
        incident_id=incident.id, status=incident.status,
        holder=incident.resolved_by or incident.acknowledged_by,
        triggered=incident.created_at, snoozed_until=incident.snoozed_until, timezone=zone,
        resolution=clean(incident.resolution_note), ticket_url=ticket_url or link,
        workspace=(incident.origin or {}).get("team", "") or (book.slack_workspace if book else ""))


def live_message(svc: Paging, incident: Incident, book=None) -> PageMessage:
    """The incident as its live Slack message shows it now."""
    book = book or runbook_of(svc, incident)
    rule = book.rule(incident.rule_index) if book else None
    ticket_url = svc.tickets.url(incident.ticket_number) if incident.ticket_number and \
        incident.ticket_number != incident.reference else ""
    return message_for(incident, PageKind.PAGE, book, rule.trigger if rule else "",
                       incident_link(svc.config, svc.secret_key, incident.id, svc.clock), ticket_url,
                       default_zone=svc.config.timezone)
