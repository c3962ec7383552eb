"""GET /incidents/<id>?t=…: the whole of an incident that a page had to truncate.

Reached only through the signed link in a page; shows what the page showed (redacted as the
runbook says), untruncated. The ticket keeps the full transcript."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template_string, request

from app.incidents.dispatch import message_for
from app.incidents.links import check
from app.incidents.rows import zone_of
from app.paging import layout
from app.models import Event, Incident

bp = Blueprint("web", __name__)

PAGE = """<!doctype html><meta name=viewport content="width=device-width,initial-scale=1">
<title>{{ m.reference }} {{ m.severity }} {{ m.customer }}</title>
<h1>{{ m.severity }} · {{ m.customer }} · {{ m.summary }}</h1>
<p><b>{{ ticket_line }}</b></p>
<p>Caller: {{ m.caller_name or "unknown" }} · Status: {{ i.status }} · Opened {{ opened }}</p>
<p>Triage: {{ t.path }}{% if t.model %} ({{ t.model }}, prompt {{ t.prompt_version }},
{{ t.latency_ms }} ms, {{ t.tokens }} tokens){% endif %} — {{ t.reason }}</p>
<pre style="white-space:pre-wrap">{{ m.details }}</pre>
<h2>Timeline</h2><ul>{% for e in events %}<li>{{ e.created_at.strftime("%Y-%m-%d") }} {{ clock(e.created_at, zone) }} — {{ e.kind }}</li>{% endfor %}</ul>
"""

EXPIRED = """<!doctype html><meta name=viewport content="width=device-width,initial-scale=1">
<title>Link expired</title><h1>This incident link has expired</h1>
<p>Links in pages work for {{ days }} day{{ "s" if days != 1 }}. The ticket keeps the whole
incident, and the page itself still shows its summary.</p>
"""


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int):
    svc = current_app.extensions["nightdesk"]
    days = svc.config.link_ttl_days
    verdict = check(svc.secret_key, incident_id, request.args.get("t", ""), days * 86400, svc.clock)
    if verdict == "expired":
        return render_template_string(EXPIRED, days=days), 410
    if verdict != "ok":
        abort(404)  # the same answer for a wrong token and a missing incident
    with svc.db.session() as s:
        row = s.get(Incident, incident_id)
        if row is None:
            abort(404)
        events = list(s.query(Event).filter(Event.incident_id == incident_id).order_by(Event.id))
        book = svc.runbooks.get(row.customer) or svc.runbooks.default()
        zone = zone_of(svc, row)
        message = message_for(row, "page", book, default_zone=svc.config.timezone)
        return render_template_string(PAGE, m=message, i=row, events=events, t=row.triage or {},
                                      ticket_line=" · ".join(layout.ticket_parts(message)),
                                      opened=f"{row.created_at:%Y-%m-%d} {layout.clock(row.created_at, zone)}",
                                      clock=layout.clock, zone=zone)
