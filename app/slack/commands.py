"""POST /slack/commands: `/nightdesk incidents | ack <id> | resolve <id> [note] | oncall | status |
test | help`. Answers within Slack's 3 s; replies are ephemeral unless they change state."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, jsonify, request
from sqlalchemy import desc, func, select

from app.incidents import ownership, rehearsal
from app.models import Event, Incident, Page
from app.paging import layout
from app.paging.slack_blocks import escape, who

from . import bp
from .actions import already
from .payloads import Malformed, clean_text, slack_id
from .verify import slack_signed

HELP = """*NightDesk* — `/nightdesk <command>`
• `incidents` — open incidents, newest first
• `ack ND-1042` — acknowledge (stops escalation)
• `resolve ND-1042 [note]` — resolve, with an optional note for the ticket
• `oncall` — who is on call for each customer right now
• `status` — queue, last page, vendor health
• `test` — post a test incident here, buttons and all, to rehearse
• `help` — this list"""


def _svc():
    return current_app.extensions["nightdesk"]


def _reply(text: str, public: bool = False):
    return jsonify(response_type="in_channel" if public else "ephemeral", text=text)


@bp.post("/commands")
@slack_signed
def commands():
    form = request.form
    if form.get("ssl_check"):
        return "", 200
    try:
        actor = f"slack:{slack_id(form.get('user_id'), 'user_id')}"
        for key in ("team_id", "channel_id"):
            slack_id(form.get(key), key, required=False)
    except Malformed as exc:
        abort(400, f"expected a Slack slash command ({exc})")
    verb, _, rest = clean_text(form.get("text", "")).strip().partition(" ")
    handler = COMMANDS.get(verb.lower() or "help")
    if handler is None:
        return _reply(f"I don't know `{escape(verb)}`.\n{HELP}")
    return handler(rest.strip(), actor, form)


def _incidents(rest, actor, form):
    svc = _svc()
    with svc.db.session() as s:
        rows = s.scalars(select(Incident).where(Incident.status != "resolved", Incident.is_test.is_(False))
                         .order_by(desc(Incident.created_at)).limit(15)).all()
    if not rows:
        return _reply("No open incidents. :sleeping:")
    now = svc.clock()
    lines = [f"• *{i.reference}* · {i.severity} · {escape(i.customer)} · {escape(i.summary)} · "
             f"{i.status}{' by ' + who(i.acknowledged_by) if i.acknowledged_by else ''} · "
             f"{_ago(now - i.created_at)}" for i in rows]
    return _reply("*Open incidents, newest first*\n" + "\n".join(lines))


def _ack(rest, actor, form):
    ref = rest.split(" ")[0]
    incident = ownership.by_reference(_svc(), ref) if ref else None
    if incident is None:
        return _reply(_not_found(ref, "ack ND-1042"))
    outcome = ownership.acknowledge(_svc(), incident.id, actor)
    if not outcome.changed:
        return _reply(already(outcome))
    return _reply(f":white_check_mark: {incident.reference} acknowledged by {who(actor)}", public=True)


def _resolve(rest, actor, form):
    ref, _, note = rest.partition(" ")
    incident = ownership.by_reference(_svc(), ref) if ref else None
    if incident is None:
        return _reply(_not_found(ref, "resolve ND-1042 [note]"))
    outcome = ownership.resolve(_svc(), incident.id, actor, note)
    if not outcome.changed:
        return _reply(already(outcome))
    said = f" — {escape(note)}" if note else ""
    return _reply(f":wrench: {incident.reference} resolved by {who(actor)}{said}", public=True)


def _not_found(ref: str, usage: str) -> str:
    found = f"No incident with reference or ticket number `{escape(ref[:32])}`. " if ref else ""
    return (f"{found}Usage: `/nightdesk {usage}` (NightDesk's reference, or the ticket number "
            "the page shows)")


def _oncall(rest, actor, form):
    svc = _svc()
    now = svc.clock()
    lines = []
    for book in svc.runbooks.all():
        if book.oncall is None:
            continue
        person = book.oncall.on_call(now)
        until = book.oncall.next_handoff(now)
        lines.append(f"• *{escape(book.name)}*: {escape(person.name)} until {until:%a %H:%M %Z}".rstrip())
    return _reply("*On call now*\n" + "\n".join(lines) if lines else
                  "No runbook has an `oncall` rotation yet.")


def _status(rest, actor, form):
    svc = _svc()
    since = svc.clock() - timedelta(hours=1)
    with svc.db.session() as s:
        last = s.scalar(select(func.max(Page.sent_at)))
        open_count = s.scalar(select(func.count()).select_from(Incident).where(
            Incident.status != "resolved", Incident.is_test.is_(False)))
        failures = dict(s.execute(select(Event.kind, func.count()).where(
            Event.created_at >= since, Event.kind.in_(("page_failed", "page_retry", "ticket_delayed",
                                                         "ticket_refused"))).group_by(Event.kind)).all())
    try:
        queued = current_app.extensions["huey"].pending_count()
    except Exception:  # the status command must answer even when the queue can't
        queued = "unreachable"
    health = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(failures.items())) or "no failures"
    return _reply(f"*NightDesk status*\n• Queue: {queued} waiting\n• Open incidents: {open_count}\n"
                  f"• Last page sent: {layout.day_and_clock(last, svc.config.timezone) or 'never'}\n"
                  f"• Vendors, last hour: {health}\n"
                  f"• Runbook errors: {len(svc.runbooks.errors())}")


def _test(rest, actor, form):
    rehearsal.post_test_incident(_svc(), form.get("channel_id", ""), form.get("team_id", ""), actor)
    return _reply(f":test_tube: {who(actor)} is posting a test incident here. Try its buttons.",
                  public=True)


def _help(rest, actor, form):
    return _reply(HELP)


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


COMMANDS = {"incidents": _incidents, "ack": _ack, "resolve": _resolve, "oncall": _oncall,
            "status": _status, "test": _test, "help": _help}
