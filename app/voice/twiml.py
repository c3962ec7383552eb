"""What the caller hears. Short sentences for a bad line; every answer ends in speech or a redirect,
never in silence."""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from app.paging.call_words import spoken_number, spoken_phone
from app.runbooks import Runbook

BASE_HINTS = ("server", "email", "internet", "outage", "ransomware", "password", "VPN", "printer",
              "Wi-Fi", "Outlook", "Teams", "everyone", "whole office")
# Twilio's limits: each hint at most 100 characters, the whole attribute at most 1,000.
HINT_MAX, HINTS_MAX = 100, 1000
# Twilio refuses speechTimeout="auto" once a speechModel is set (warning 13335): it wants whole
# seconds. phone_call is tuned for phone audio; 2 s of silence ends a turn without cutting off a
# stressed caller who pauses mid-sentence.
SPEECH_MODEL, SPEECH_TIMEOUT = "phone_call", 2
# Said first whenever the call is recorded (runbook `record: true`), never otherwise.
RECORDED_NOTICE = "This call is recorded."


def greeting_text(book: Runbook | None) -> str:
    if book and book.greeting:
        return book.greeting
    if book and not book.is_default:
        return (f"You've reached the after-hours support line for {book.name}. "
                "Please tell me your name and briefly what's wrong.")
    return ("You've reached the after-hours support line. Please tell me your name, "
            "your company, and briefly what's wrong.")


def hints(book: Runbook | None) -> str:
    """The built-in hints first, then the customer's name and the runbook's hints while they fit:
    a long runbook list can only lose its own tail, never the built-ins."""
    extra = [book.name] if book and not book.is_default else []
    extra += [part for hint in (book.hints if book else ()) for part in hint.split(",")]
    chosen, seen = list(BASE_HINTS), {h.lower() for h in BASE_HINTS}
    length = len(", ".join(chosen))
    for hint in (" ".join(h.split()) for h in extra):
        if not hint or len(hint) > HINT_MAX or hint.lower() in seen:
            continue
        if length + 2 + len(hint) > HINTS_MAX:
            break
        chosen.append(hint)
        seen.add(hint.lower())
        length += 2 + len(hint)
    return ", ".join(chosen)


def gather(say: str, action: str, book: Runbook | None, recording: str = "") -> str:
    """recording: the recording status callback URL: the call is recorded from here on, and the
    caller hears so first."""
    response = VoiceResponse()
    if recording:
        # <Start><Recording> (Twilio's "TwiML Voice: <Recording>" page, GA in the changelog
        # "Introducing <Start><Recording>", 2025-11-05) records the whole call in the background
        # and goes straight on to the <Gather>; <Record> would stop the call to take a message
        # and <Dial record> only records a dialled leg. Twilio posts "completed" (the file is
        # ready, RecordingUrl) or "absent" (nothing to keep) to the callback.
        response.start().recording(recording_status_callback=recording,
                                   recording_status_callback_method="POST",
                                   recording_status_callback_event="completed absent")
        say = f"{RECORDED_NOTICE} {say}"
    g = response.gather(input="speech", action=action, method="POST", speech_timeout=SPEECH_TIMEOUT,
                        speech_model=SPEECH_MODEL, hints=hints(book), language="en-US",
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


def final_message(number: str, promise: str, callback: str) -> str:
    """promise: app.incidents.promise's word for what paging has done (morning, paging,
    unreachable, pending). Only a page that can still happen is promised."""
    said = f"Your ticket number is {spoken_number(number)}. " if number else ""
    back = f" on {spoken_phone(callback)}" if callback else ""
    if promise == "morning":
        return (f"Thank you. {said}I've logged this for the morning team, who will contact you "
                "first thing. If it gets worse, call back. Goodbye.")
    if promise == "unreachable":
        return (f"Thank you. Your problem is logged. {said}Someone will call you back{back} "
                "as soon as possible. Goodbye.")
    return (f"Thank you. {said}The on-call technician is being paged and will call you "
            f"back{back} shortly. Goodbye.")


def empty_response() -> str:
    return str(VoiceResponse())


def not_logged(msp_phone: str) -> str:
    """Nothing could store the call (the database and the disk both refused): say so plainly,
    and where to turn instead."""
    where = (f"Please call your IT provider directly on {spoken_phone(msp_phone)}."
             if msp_phone else "Please hang up and call again in a few minutes.")
    return f"I'm sorry. Because of a problem on our side, we could not log your call. {where} Goodbye."
