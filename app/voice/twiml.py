"""What the caller hears. Short sentences for a bad line; every answer ends in speech or a redirect,
never in silence."""
from __future__ import annotations

import re

import phonenumbers
from twilio.twiml.voice_response import VoiceResponse

from app.runbooks import Runbook

BASE_HINTS = ("server, email, internet, outage, ransomware, password, VPN, printer, Wi-Fi, "
              "Outlook, Teams, everyone, whole office")


def greeting_text(book: Runbook | None) -> str:
    if book and book.greeting:
        return book.greeting
    if book and not book.is_default:
        return (f"You've reached the after-hours support line for {book.name}. "
                "Please tell me your name and briefly what's wrong.")
    return ("You've reached the after-hours support line. Please tell me your name, "
            "your company, and briefly what's wrong.")


def hints(book: Runbook | None) -> str:
    extra = list(book.hints) if book else []
    if book and not book.is_default:
        extra.append(book.name)
    return ", ".join([*extra, BASE_HINTS])[:1000]


def gather(say: str, action: str, book: Runbook | None) -> str:
    response = VoiceResponse()
    g = response.gather(input="speech", action=action, method="POST", speech_timeout="auto",
                        speech_model="phone_call", hints=hints(book), language="en-US",
                        action_on_empty_result=True)
    g.say(say)
    return str(response)


def hold(redirect: str, say: str = "", pause: int = 1) -> str:
    response = VoiceResponse()
    if say:
        response.say(say)
    if pause:
        response.pause(length=pause)
    response.redirect(redirect, method="POST")
    return str(response)


def goodbye(say: str) -> str:
    response = VoiceResponse()
    response.say(say)
    response.hangup()
    return str(response)


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


def final_message(number: str, paged: bool, callback: str) -> str:
    said = f"Your ticket number is {spoken_number(number)}. " if number else ""
    if paged:
        back = f" on {spoken_phone(callback)}" if callback else ""
        return (f"Thank you. {said}The on-call technician is being paged and will call you "
                f"back{back} shortly. Goodbye.")
    return (f"Thank you. {said}I've logged this for the morning team, who will contact you "
            "first thing. If it gets worse, call back. Goodbye.")


def empty_response() -> str:
    return str(VoiceResponse())
