"""What technicians text back to an SMS page, and the one line NightDesk answers with.

`ack`/`1`, `resolve`/`2` (a note may follow), `snooze`/`3` (30 minutes, or 15, 60, 240), each
with the page's code ("1 1042", "ack #1042", "1042 ack") or without it (the latest page)."""
from __future__ import annotations

import re

from app.incidents.lifecycle import SNOOZE_MINUTES
from app.incidents.sms_replies import Answer, Asked, Refusal, Verb
from app.paging import layout
from app.paging.sms import gsm7

# Twilio's own keywords on a long code: opt-out, opt-in and help (VENDORS.md §8). Twilio answers
# them and keeps the opt-out list; a reply of ours would be a second answer, or break the opt-out.
TWILIO_KEYWORDS = {**dict.fromkeys(("stop", "stopall", "unsubscribe", "end", "quit", "revoke", "optout",
                                    "cancel"), "STOP"),
                   **dict.fromkeys(("start", "unstop", "yes"), "START"),
                   **dict.fromkeys(("help", "info"), "HELP")}
VERBS = {"ack": Verb.ACK, "acknowledge": Verb.ACK, "1": Verb.ACK,
         "resolve": Verb.RESOLVE, "resolved": Verb.RESOLVE, "2": Verb.RESOLVE,
         "snooze": Verb.SNOOZE, "3": Verb.SNOOZE}
CODE = re.compile(r"#?(?:nd-?)?(\d{4,10})")      # 1042, #1042, ND-1042: a reference number
MINUTES = re.compile(r"(\d{1,3})(?:m|min|mins|minutes)?")
HELP = ("Reply 1 (ack), 2 (resolve) or 3 (snooze 30; or snooze 15/60/240), with the page's code "
        "to pick one: 1 1042")
CHANNELS = {"slack": "Slack", "sms": "SMS", "phone": "phone"}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def twilio_keyword(body: str) -> str:
    """"STOP", "START" or "HELP" when the reply is one of Twilio's keywords, else ""."""
    return TWILIO_KEYWORDS.get(body.strip().strip(".!").lower(), "")


def read(body: str) -> Asked | None:
    """The request a reply makes, or None when it isn't one (the sender gets HELP)."""
    words = _CONTROLS.sub(" ", body).split()
    plain = [w.lower().rstrip(".,!") for w in words]
    if len(plain) > 1 and _code(plain[0]) is not None and plain[1] in VERBS:
        words, plain = [words[1], words[0], *words[2:]], [plain[1], plain[0], *plain[2:]]
    verb = VERBS.get(plain[0]) if plain else None
    if verb is None:
        return None
    code, minutes, used = None, None, 1
    for word in plain[1:]:
        if code is None and _code(word) is not None:
            code = _code(word)
        elif verb == Verb.SNOOZE and minutes is None and MINUTES.fullmatch(word):
            minutes = int(MINUTES.fullmatch(word)[1])
        else:
            break
        used += 1
    note = " ".join(words[used:])
    if (note and verb != Verb.RESOLVE) or (minutes is not None and minutes not in SNOOZE_MINUTES):
        return None
    return Asked(verb, code, minutes or 30, note)


def _code(word: str) -> int | None:
    found = CODE.fullmatch(word)
    return int(found[1]) if found and int(found[1]) > 1000 else None  # references start at 1001


def told(answer: Answer, sender: str) -> str:
    """One line, in the GSM-7 alphabet."""
    return gsm7(_words(answer, sender))


def _words(answer: Answer, sender: str) -> str:
    if answer.refused == Refusal.NOT_PAGED:
        return "Not changed: this number was not paged for that incident."
    if answer.refused == Refusal.NOTHING_PAGED:
        return "Not changed: no SMS page was sent to this number."
    ref = answer.reference
    until = layout.clock(answer.snoozed_until, answer.zone)
    if answer.changed:
        if answer.status == "acknowledged":
            return f"{ref} acknowledged by you. Paging stopped."
        if answer.status == "resolved":
            return f"{ref} resolved by you."
        return f"{ref} snoozed until {until}; paging resumes then."
    if answer.status in ("acknowledged", "resolved"):
        stamp = f" at {layout.clock(answer.at, answer.zone)}" if answer.at else ""
        return f"{ref} was already {answer.status} by {_who(answer, sender)}{stamp}."
    return f"{ref} is snoozed until {until}." if answer.snoozed_until else f"{ref} is open."


def _who(answer: Answer, sender: str) -> str:
    if answer.holder == f"sms:{sender}":
        return "you"
    channel, colon, ident = answer.holder.partition(":")
    if not colon:
        return answer.holder or "someone"
    return f"{answer.holder_name or ident} via {CHANNELS.get(channel, channel)}"
