"""What every channel's page says, in one order and without repeats.

Line 1: severity, customer, problem. Line 2: callback number and ticket (the reference only when
it differs from the ticket number). Line 3: when it was triggered, in the MSP's time zone, and its
status. Below that, only what the caller added beyond the summary: never our own prompts (the
greeting, our questions) and never the summary a second time.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SPEAKER = re.compile(r"^(NightDesk|Caller):\s?")


def zone(name: str):
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc  # names are validated at start-up and at runbook load


def clock(moment: datetime | None, zone_name: str) -> str:
    """"21:14 EST": a stored (naive UTC) time as the MSP's wall clock, with the zone's abbreviation."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(zone(zone_name))
    return f"{local:%H:%M} {local.tzname() or zone_name}"


def day_and_clock(moment: datetime | None, zone_name: str) -> str:
    """"2026-11-24 21:14 EST": the date too, in the same zone as the time."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return f"{moment.astimezone(zone(zone_name)):%Y-%m-%d} {clock(moment, zone_name)}"


def ticket_parts(message) -> list[str]:
    parts = [f"Callback {message.callback_number or 'unknown'}",
             f"Ticket {message.ticket_number or 'pending'}"]
    if message.reference and message.reference != message.ticket_number:
        parts.append(f"Ref {message.reference}")
    return parts


def problem(message) -> str:
    if message.kind == "ticket" and message.ticket_number:
        return f"Ticket {message.ticket_number} created: {message.summary}"
    return message.summary


def _norm(text: str) -> str:
    return " ".join(text.split()).rstrip(".!?…").lower()


def extra_details(message) -> str:
    """The details minus our own prompts and minus anything the summary already says."""
    summary = _norm(message.summary)
    kept = []
    for raw in (message.details or "").splitlines():
        if raw.startswith("NightDesk:"):
            continue  # the greeting and our questions: the tech knows what we ask
        line = " ".join(SPEAKER.sub("", raw).split())
        if not line or line == "(no speech)":
            continue
        norm = _norm(line)
        if summary and (norm == summary or summary in norm and len(norm) - len(summary) < 12):
            continue
        at = line.lower().find(summary) if summary else -1
        if at >= 0:  # the headline is part of what they said: keep only the rest ("at Riverside")
            line = (line[:at].rstrip(" .,;:!?-—…") + " " + line[at + len(summary):]
                    .lstrip(" .,;:!?-—…")).strip()
            if not line:
                continue
        if kept and _norm(kept[-1]) == norm:
            continue
        kept.append(line)
    if kept and _norm(" ".join(kept)) in (summary, ""):
        return ""
    return "\n".join(kept)
