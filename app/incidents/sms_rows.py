"""The SQL behind technicians' SMS replies: which incidents a number was paged for by SMS, and
which replies (by Twilio's MessageSid) were answered already."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.models import Event, Incident, Page
from app.states import IncidentStatus, PageStatus

SMS = "sms"              # the SMS channel's method, as page rows store it
REPLY = "sms_reply"      # the event recording each reply a technician texted


def was_paged(s, incident_id: int, number: str) -> bool:
    """An SMS page for this incident reached Twilio for `number` (not merely queued or failed)."""
    return s.scalar(select(Page.id).where(
        Page.incident_id == incident_id, Page.method == SMS, Page.target == number,
        Page.status == PageStatus.SENT).limit(1)) is not None


def last_paged(s, number: str) -> Incident | None:
    """The incident of the latest SMS page sent to `number`: the text a reply answers."""
    return s.scalars(select(Incident).join(Page, Page.incident_id == Incident.id).where(
        Page.method == SMS, Page.target == number, Page.status == PageStatus.SENT,
    ).order_by(Page.sent_at.desc(), Page.id.desc()).limit(1)).first()


def last_open_paged(s, number: str) -> Incident | None:
    """The sender's most recent incident still open (not resolved) among those SMS-paged to them."""
    return s.scalars(select(Incident).join(Page, Page.incident_id == Incident.id).where(
        Page.method == SMS, Page.target == number, Page.status == PageStatus.SENT,
        Incident.status != IncidentStatus.RESOLVED,
    ).order_by(Page.sent_at.desc(), Page.id.desc()).limit(1)).first()


def reply_seen(s, message_sid: str, since: datetime) -> Event | None:
    """The reply with this MessageSid, if it was answered already (Twilio retrying, a replay)."""
    return s.scalars(select(Event).where(
        Event.kind == REPLY, Event.created_at >= since,
        Event.detail["sid"].as_string() == message_sid).limit(1)).first()
