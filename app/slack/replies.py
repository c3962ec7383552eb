"""The words NightDesk answers with in Slack: mrkdwn, caller text escaped, times in the zone the
orchestration names."""
from __future__ import annotations

from datetime import timedelta

from app.incidents.commands import Change
from app.incidents.overview import OnCall, OpenIncident, Status
from app.paging import layout
from app.paging.slack_blocks import escape, who

HELP = """*NightDesk* — `/nightdesk <command>`
• `incidents` — open incidents, newest first
• `ack ND-1042` — acknowledge (stops escalation)
• `resolve ND-1042 [note]` — resolve, with an optional note for the ticket
• `oncall` — who is on call for each customer right now
• `status` — queue, last page, vendor health
• `test` — post a test incident here, buttons and all, to rehearse
• `help` — this list"""
GONE = "That incident no longer exists in NightDesk."


def already(change: Change, mention: bool = True) -> str:
    """What the person who lost the race is told: who got there first, and when."""
    holder = who(change.holder) if mention else change.holder.replace("slack:", "@")
    stamp = f" at {layout.clock(change.at, change.zone)}" if change.at else ""
    return f"{change.reference} was already {change.status} by {holder}{stamp}."


def not_found(typed: str, usage: str) -> str:
    found = f"No incident with reference or ticket number `{escape(typed[:32])}`. " if typed else ""
    return (f"{found}Usage: `/nightdesk {usage}` (NightDesk's reference, or the ticket number "
            "the page shows)")


def unknown(verb: str) -> str:
    return f"I don't know `{escape(verb)}`.\n{HELP}"


def acknowledged(change: Change, actor: str) -> str:
    return f":white_check_mark: {change.reference} acknowledged by {who(actor)}"


def resolved(change: Change, actor: str, note: str) -> str:
    said = f" — {escape(note)}" if note else ""
    return f":wrench: {change.reference} resolved by {who(actor)}{said}"


def rehearsal(actor: str) -> str:
    return f":test_tube: {who(actor)} is posting a test incident here. Try its buttons."


def incidents(rows: list[OpenIncident]) -> str:
    if not rows:
        return "No open incidents. :sleeping:"
    lines = [f"• *{i.reference}* · {i.severity} · {escape(i.customer)} · {escape(i.summary)} · "
             f"{i.status}{' by ' + who(i.acknowledged_by) if i.acknowledged_by else ''} · "
             f"{_ago(i.age)}" for i in rows]
    return "*Open incidents, newest first*\n" + "\n".join(lines)


def on_call(rows: list[OnCall]) -> str:
    lines = [f"• *{escape(r.customer)}*: {escape(r.person)} until {r.until:%a %H:%M %Z}".rstrip()
             for r in rows]
    return "*On call now*\n" + "\n".join(lines) if lines else "No runbook has an `oncall` rotation yet."


def status(s: Status) -> str:
    health = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(s.vendor_trouble.items())) \
        or "no failures"
    return (f"*NightDesk status*\n• Queue: {s.queued} waiting\n• Open incidents: {s.open_incidents}\n"
            f"• Last page sent: {layout.day_and_clock(s.last_page_at, s.zone) or 'never'}\n"
            f"• Vendors, last hour: {health}\n"
            f"• Runbook errors: {s.runbook_errors}")


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
