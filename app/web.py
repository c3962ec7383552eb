"""GET /incidents/<id>?t=…: the whole of an incident that a page had to truncate.

Reached only through the signed link in a page; shows what the page showed (redacted as the
runbook says), untruncated. The ticket keeps the full transcript."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template_string, request

from app.incidents.dispatch import message_for
from app.incidents.links import valid
from app.models import Event, Incident

bp = Blueprint("web", __name__)

PAGE = """<!doctype html><meta name=viewport content="width=device-width,initial-scale=1">
<title>{{ m.reference }} {{ m.severity }} {{ m.customer }}</title>
<h1>{{ m.severity }} · {{ m.customer }} · {{ m.summary }}</h1>
<p><b>Callback {{ m.callback_number or "unknown" }} · Ticket {{ m.ticket_number or "pending" }} ·
Ref {{ m.reference }}</b></p>
<p>Caller: {{ m.caller_name or "unknown" }} · Status: {{ i.status }} · Opened {{ i.created_at }} UTC</p>
<p>Triage: {{ t.path }}{% if t.model %} ({{ t.model }}, prompt {{ t.prompt_version }},
{{ t.latency_ms }} ms, {{ t.tokens }} tokens){% endif %} — {{ t.reason }}</p>
<pre style="white-space:pre-wrap">{{ m.details }}</pre>
<h2>Timeline</h2><ul>{% for e in events %}<li>{{ e.created_at }} — {{ e.kind }}</li>{% endfor %}</ul>
"""


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int):
    svc = current_app.extensions["nightdesk"]
    if not valid(svc.secret_key, incident_id, request.args.get("t", "")):
        abort(404)  # the same answer for a wrong token and a missing incident
    with svc.db.session() as s:
        row = s.get(Incident, incident_id)
        if row is None:
            abort(404)
        events = list(s.query(Event).filter(Event.incident_id == incident_id).order_by(Event.id))
        book = svc.runbooks.get(row.customer) or svc.runbooks.default()
        message = message_for(row, "page", book)
        return render_template_string(PAGE, m=message, i=row, events=events, t=row.triage or {})
