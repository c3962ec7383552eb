"""What a phone-call page says, in short sentences for a half-awake technician on a bad line.
Numbers are spoken digit by digit; nothing here is TwiML (app.voice.page_twiml builds that)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import phonenumbers

from . import layout
from .port import PageMessage

MENU = ("Press 1 to acknowledge. Press 2 to resolve. Press 3 to snooze for 30 minutes. "
        "Press 9 to hear it again. Press 0 to connect to the caller now.")


def spoken_number(number: str) -> str:
    """A ticket number said one character at a time: "N D, 1, 0, 4, 2"."""
    prefix = "".join(ch for ch in number if ch.isalpha())
    digits = [ch for ch in number if ch.isdigit()]
    parts = ([" ".join(prefix)] if prefix else []) + digits
    return ", ".join(parts)


def spoken_phone(number: str) -> str:
    """A phone number as the caller would say it: national digits, grouped."""
    try:
        parsed = phonenumbers.parse(number, None)
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        national = number
    groups = re.findall(r"\d+", national)
    return ", ".join(" ".join(group) for group in groups)


def spoken_time(moment: datetime | None, zone_name: str) -> str:
    """"2:04 AM" in the MSP's (or the runbook's) time zone."""
    if moment is None:
        return ""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(
        layout.zone(zone_name))
    return f"{local.hour % 12 or 12}:{local:%M %p}"


def page_sentences(message: PageMessage, holder: str = "") -> list[str]:
    """Customer, severity, the problem, callback number, ticket number; then who owns it, if
    anyone does already (`holder` is already in words)."""
    test = "a test " if message.kind == "test" else "an "
    said = [f"This is NightDesk with {test}after-hours page.",
            f"Customer: {message.customer}.",
            f"Severity: {message.severity}.",
            f"The problem: {message.summary.rstrip('.')}.",
            (f"Callback number: {spoken_phone(message.callback_number)}."
             if message.callback_number else "There is no callback number."),
            (f"Ticket number: {spoken_number(message.ticket_number)}."
             if message.ticket_number else "The ticket number is not in yet.")]
    if message.status == "acknowledged":
        said.append(f"It is already acknowledged by {holder or 'someone'}.")
    elif message.status == "resolved":
        said.append(f"It is already resolved by {holder or 'someone'}.")
    return said


def voicemail(message: PageMessage) -> str:
    """For an answering machine: enough to know something is waiting, no caller's details."""
    return (f"This is NightDesk with an urgent {message.severity} page for {message.customer}. "
            "Please check Slack or your messages. Goodbye.")


def whisper(message: PageMessage) -> str:
    """What the customer's caller hears before the technician is put through."""
    at = spoken_time(message.triggered, message.timezone)
    return "This is your IT provider's on-call technician" + (f" about your call at {at}." if at else ".")
