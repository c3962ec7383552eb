"""GET /incidents/<id>?t=…: the whole of an incident that a page had to truncate.

Reached only through the signed link in a page; shows what the page showed (redacted as the
runbook says), untruncated. The ticket keeps the full transcript."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template_string, request

from app.incidents.full_view import full_incident
from app.paging import layout

bp = Blueprint("web", __name__)

PAGE = """<!doctype html><meta name=viewport content="width=device-width,initial-scale=1">
<title>{{ m.reference }} {{ m.severity }} {{ m.customer }}</title>
<h1>{{ m.severity }} · {{ m.customer }} · {{ m.summary }}</h1>
<p><b>{{ ticket_line }}</b></p>
<p>Caller: {{ m.caller_name or "unknown" }} · Status: {{ status }} · Opened {{ opened }}</p>
<p>Triage: {{ t.path }}{% if t.model %} ({{ t.model }}, prompt {{ t.prompt_version }},
{{ t.latency_ms }} ms, {{ t.tokens }} tokens){% endif %} — {{ t.reason }}</p>
<pre style="white-space:pre-wrap">{{ m.details }}</pre>
<h2>Timeline</h2><ul>{% for at, kind in events %}<li>{{ at.strftime("%Y-%m-%d") }} {{ clock(at, zone) }} — {{ kind }}</li>{% endfor %}</ul>
"""

EXPIRED = """<!doctype html><meta name=viewport content="width=device-width,initial-scale=1">
<title>Link expired</title><h1>This incident link has expired</h1>
<p>Links in pages work for {{ days }} day{{ "s" if days != 1 }}. The ticket keeps the whole
incident, and the page itself still shows its summary.</p>
"""


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int):
    svc = current_app.extensions["nightdesk"]
    verdict, view = full_incident(svc, incident_id, request.args.get("t", ""))
    if verdict == "expired":
        days = svc.config.link_ttl_days
        return render_template_string(EXPIRED, days=days), 410
    if view is None:
        abort(404)  # the same answer for a wrong token and a missing incident
    zone = view.zone
    return render_template_string(PAGE, m=view.message, status=view.status, events=view.events,
                                  t=view.triage, ticket_line=" · ".join(layout.ticket_parts(view.message)),
                                  opened=f"{view.opened:%Y-%m-%d} {layout.clock(view.opened, zone)}",
                                  clock=layout.clock, zone=zone)
