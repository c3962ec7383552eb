"""What the technician hears on a phone-call page: the page in short sentences with pauses (read
slowly for someone just woken), the keys, and the put-through to the caller."""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from app.paging import call_words

KEY_WAIT_S = 6   # seconds Gather waits for a key after the menu
ROUNDS = 3       # the page is read at most this often when no key comes
DIAL_RING_S = 30


def page(sentences: list[str], key_url: str, again_url: str | None, lead: str = "") -> str:
    """`lead` first (a key's confirmation), then the sentences and the menu inside one Gather, so
    a key pressed at any moment counts. No key: `again_url`, or goodbye after the last round."""
    response = VoiceResponse()
    gather = response.gather(input="dtmf", num_digits=1, action=key_url, method="POST",
                             timeout=KEY_WAIT_S)
    for sentence in ([lead] if lead else []) + sentences:
        gather.say(sentence)
        gather.pause(length=1)
    gather.say(call_words.MENU)
    if again_url:
        response.say("I didn't hear a key.")
        response.redirect(again_url, method="POST")
    else:
        response.say("No key was pressed. The page stays open and escalation goes on. Goodbye.")
        response.hangup()
    return str(response)


def connect(lead: str, callback: str, line: str, whisper_url: str) -> str:
    """<Dial> the caller's callback number from the after-hours line; the caller first hears who
    is calling (the <Number>'s url runs on their leg before the two are joined)."""
    response = VoiceResponse()
    if lead:
        response.say(lead)
    dial = response.dial(caller_id=line or None, timeout=DIAL_RING_S)
    dial.number(callback, url=whisper_url, method="POST")
    response.say("The call with the caller has ended. Goodbye.")
    response.hangup()
    return str(response)


def say(text: str, hang_up: bool = False) -> str:
    response = VoiceResponse()
    response.say(text)
    if hang_up:
        response.hangup()
    return str(response)


def empty() -> str:
    return str(VoiceResponse())
