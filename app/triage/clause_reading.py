"""Clause-level readings the phrase lists can't give on their own: what a word means next to its
neighbours. Each takes one clause's words (and what the phrase lists found in it) and runs once
over them, so reading stays linear in what was said.

- "got an email saying the backup failed": the email is the messenger, not the system that broke;
- "the backup failed", "the certificate error": a failure of a safety net is a warning, not an
  outage (unless something people use stopped with it: "won't start" stays an outage);
- "the other two work", "the rest are fine": what is said to work is not affected;
- "not connect", "no work" (non-native English): a negated verb of working is trouble;
- "it's the only gate", "our only analyzer": one thing, but the whole business waits on it;
- "a hearing at nine", "trucks due out by four": a clock time with something due is a deadline.
"""
from __future__ import annotations

from . import scope_words as W
from .text import number

# Words before/after "email" that make it a message, not the mail system.
MESSAGE_BEFORE = {"an", "this", "that", "got", "sent", "failed", "fake", "weird", "strange",
                  "phishing", "spam", "junk", "usual", "emailed", "same", "another", "odd",
                  "suspicious", "alert", "automatic", "monitoring", "the"}
MESSAGE_AFTER = {"saying", "says", "said", "from", "that", "about", "telling", "alert", "alerts",
                 "notification", "with", "asking", "again", "to"}
MAIL_SYSTEM_AFTER = {"is", "isn't", "are", "aren't", "server", "down", "won't", "not", "keeps",
                     "stopped", "has", "went", "isn't"}

# A safety net or a maintenance job: its failure is a warning for the day team.
WARNING_SUBJECTS = {"backup", "backups", "certificate", "battery", "raid", "snapshot",
                    "snapshots", "antivirus", "definitions", "replication", "sync"}
WEAK_FAILURE = {"failed", "failing", "fail", "fails", "error", "errors", "failure"}

# "the other two work", "the rest are fine".
OTHERS = {"other", "others", "rest"}
WORKING = {"work", "works", "working", "fine", "ok", "okay", "good", "running", "going"}

# Non-native English: "scanners not connect", "machine no work".
WORK_VERBS = {"work", "working", "connect", "connecting", "load", "loading", "open", "opening",
              "print", "printing", "start", "starting", "respond", "responding", "turn", "go"}

# A time said with something due: "hearing at nine", "filings due at midnight".
DUE = {"due", "hearing", "meeting", "meetings", "filing", "filings", "deadline", "need", "needs",
       "needed", "arrive", "arriving", "arrivals", "surgery", "open", "opens", "opening",
       "starts", "start", "trucks", "leave", "leaves", "appointment", "appointments", "court",
       "flight", "delivery", "deliveries"}
CLOCK = {"midnight", "noon", "tonight"}
TIME_BEFORE = {"at", "by", "before", "from", "until"}


def email_is_message(words: list[str], start: int) -> bool:
    """The 'email' at `start` is a message someone received, not the mail system."""
    before = words[start - 1] if start else ""
    after = words[start + 1] if start + 1 < len(words) else ""
    if after in MAIL_SYSTEM_AFTER and before not in ("an", "this", "that", "got", "sent"):
        return False
    return before in MESSAGE_BEFORE or after in MESSAGE_AFTER


def warning_not_outage(words: list[str], outage_hits: list) -> tuple[list, list]:
    """(outage hits kept, phrases moved to warnings): 'failed'/'error' in a clause about a backup
    or a certificate is a warning."""
    if not set(words) & WARNING_SUBJECTS:
        return outage_hits, []
    kept = [h for h in outage_hits if h[2] not in WEAK_FAILURE]
    moved = [h[2] for h in outage_hits if h[2] in WEAK_FAILURE]
    return kept, moved


NEGATORS = {"none", "nothing", "nobody", "noone", "no", "not", "neither"}


def negated_before(words: list[str], start: int) -> bool:
    """'none of the room keys are working': the 'are working' is denied by what comes before."""
    return bool(NEGATORS & set(words[max(0, start - 6):start]))


def of_a_system(words: list[str], hit: tuple[int, int, str]) -> bool:
    """'the whole office server': 'whole office' sizes the server, not the people in the office."""
    start, end, phrase = hit
    return phrase.split()[0] in ("whole", "entire") and bool(
        set(words[end:end + 2]) & W.SYSTEM_NOUNS)


def others_work(words: list[str]) -> bool:
    """'the other two work', 'the others are fine', 'the rest work'."""
    for i, word in enumerate(words):
        if word in OTHERS and set(words[i + 1:i + 4]) & WORKING and "not" not in words[i:i + 4] \
                and not set(words[i + 1:i + 4]) & {"can't", "won't", "don't", "aren't", "isn't"}:
            return True
    return False


def not_working(words: list[str]) -> list[tuple[int, int, str]]:
    """'not connect', 'no work': a bare negated verb of working."""
    return [(i, i + 2, f"{w} {words[i + 1]}") for i, w in enumerate(words[:-1])
            if w in ("not", "no") and words[i + 1] in WORK_VERBS
            and (i == 0 or words[i - 1] not in ("is", "are", "i'm", "it's", "do", "does"))]


def only_one(words: list[str]) -> str:
    """'it's the only gate', 'our only analyzer', 'the only one we have': everything rests on it.
    Not 'the only one here' or 'the only one who can' (a person, not a system)."""
    for i, word in enumerate(words[:-1]):
        if word != "only" or not i or words[i - 1] not in ("the", "our"):
            continue
        noun = words[i + 1]
        if noun in ("person", "people", "me", "thing", "problem", "issue", "way", "time"):
            continue
        rest = words[i + 2:i + 4]
        if noun == "one" and (not rest or rest[0] in ("who", "here", "in", "on", "working",
                                                      "left", "that", "awake", "still")):
            continue
        return " ".join(words[i - 1:i + 2])
    return ""


def deadline(words: list[str]) -> str:
    """'a hearing at nine', 'trucks due out by four': a time of day with something due."""
    if not set(words) & DUE:
        return ""
    for i, word in enumerate(words[:-1]):
        if word not in TIME_BEFORE:
            continue
        when = words[i + 1]
        hour = number(when.rstrip("apm")) if when.rstrip("apm") else None
        if when in CLOCK or (hour is not None and 1 <= hour <= 12):
            return f"{word} {when}"
    return ""
