"""The page's headline: the problem, never "Hi." or "this is Tom from the front desk".

Works on punctuated and unpunctuated transcripts alike: greetings, apologies and
self-introductions are peeled off the front word by word, then the first clause that describes
trouble is kept, with who is affected added when a later answer said it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import security_context as SC
from . import caller_words as CW
from . import vocabulary as V
from . import security_words as S
from .text import Phrases, tokens

HEADLINE_MAX = 100
GREETING = Phrases([
    "hi", "hello", "hey", "hiya", "yes", "yeah", "yep", "ok", "okay", "so", "um", "uh", "erm",
    "hmm", "oh", "well", "right", "good morning", "good evening", "good afternoon", "good night",
    "there", "sorry", "sorry to bother you", "sorry to bother you so late", "sorry it's late",
    "sorry to call so late", "sorry for calling so late", "at this hour", "so late", "thanks",
    "thank you", "thanks for picking up", "i'm calling because", "i'm calling about",
    "i'm calling to report", "i'm calling to let you know", "calling because", "calling about",
    "i wanted to let you know", "just wanted to let you know", "i need to report",
    "i want to report", "i'd like to report", "just letting you know", "we have a problem",
    "i have a problem", "we've got a problem", "i've got a problem", "that", "and",
    "this is an emergency", "it's an emergency", "urgent", "please help", "help", "again",
    "i'm calling", "calling", "quick one", "hope you're well",
])
INTRO = Phrases(["this is", "my name is", "it's", "its", "i'm", "i am", "my name's", "name is"])
LOWERCASE_INTRO = {"this is", "my name is", "my name's", "name is"}
PLACE = {"from", "at", "with", "in", "over", "on"}
ROLES = {"assistant", "manager", "receptionist", "supervisor", "nurse", "owner", "doctor", "admin",
         "administrator", "director", "accountant", "technician", "guard", "lead", "clerk",
         "hygienist", "dentist", "ceo", "cfo", "coo", "president", "partner", "secretary",
         "bookkeeper", "agent", "employee", "staff", "worker", "auditor", "person", "one",
         "assistant's", "coordinator", "officer", "associate", "intern", "driver", "chef"}
# Words that start the problem after an introduction ("... from the front desk our server").
STARTERS = {"our", "my", "we", "we're", "we've", "i", "i've", "it", "it's", "all", "none", "nobody",
            "everyone", "everybody", "there", "there's", "and", "so", "um", "uh", "just", "nothing",
            "everything", "can", "can't", "someone", "somebody", "some", "your", "they", "their",
            "this", "these", "that", "i'm", "she", "he", "she's", "he's", "a", "an"}
VERBS = {"is", "are", "was", "were", "isn't", "aren't", "won't", "can't", "keeps", "has", "have",
         "went", "stopped", "got", "had", "says", "said", "died", "crashed", "doesn't", "don't",
         "didn't", "hasn't", "haven't", "will", "wasn't", "keep", "shows", "just", "kept"}
NOT_NAMES = {"not", "calling", "so", "really", "very", "having", "trying", "locked", "getting",
             "at", "from", "in", "the", "a", "an", "still", "sorry", "afraid", "urgent", "down",
             "out", "off", "on", "here", "back", "about", "going", "stuck", "worried", "just",
             "pretty", "fine", "ok", "okay", "working", "unable", "currently", "now", "my", "our"}
SENTENCE = re.compile(r"(?<=[.!?])\s+")
TROUBLE = Phrases(["none of", "nobody", "no", "everyone", "everybody"] + V.OUTAGE + V.IMPACT
                  + V.DEGRADED + V.WARNING + CW.SUPPLIES + CW.REQUEST
                  + SC.SECURITY_MAYBE + [w for words in S.SECURITY.values() for w in words])


def strip_opening(text: str) -> str:
    """The text after any greeting, apology or self-introduction at its start."""
    words = " ".join((text or "")[:2000].split()).split(" ")
    low = [_low(w) for w in words]
    i = 0
    while i < len(words):
        step = _opening_at(words, low, i)
        if not step:
            break
        i += step
    return " ".join(words[i:]).strip(" ,.;:-!?")


@lru_cache(maxsize=4096)
def _low(word: str) -> str:
    return " ".join(tokens(word))


def _opening_at(words: list[str], low: list[str], i: int) -> int:
    """How many words at position i are greeting or introduction (0 if none)."""
    if not low[i]:
        return 1  # punctuation only
    hits = [h for h in GREETING.find(low[i:i + 8]) if h[0] == 0]
    if hits:
        end = hits[0][1]
        return end + (_place(low, i + end) if hits[0][2].endswith("calling") else 0)
    hits = [h for h in INTRO.find(low[i:i + 8]) if h[0] == 0]
    if not hits:
        return 0
    j = i + hits[0][1]
    if j >= len(low):
        return 0
    if low[j] in ("the", "a", "an", "one", "your") or low[j].endswith("'s"):  # "the CEO's assistant"
        role = next((k for k in range(j, min(j + 5, len(low))) if low[k] in ROLES), None)
        if role is None:
            return 0
        j = role + 1
    elif _name(words, low, j, lowercase_ok=hits[0][2] in LOWERCASE_INTRO or _placed(low, j + 1)):
        j += 1
        if j < len(low) and _name(words, low, j, _placed(low, j + 1)) and low[j] not in PLACE:
            j += 1  # a surname: capitalised, or followed by "from", "at", "here"...
    else:
        return 0
    return j - i + _place(low, j)


def _placed(low: list[str], j: int) -> bool:
    return j < len(low) and low[j] in PLACE | {"here"}


def _name(words: list[str], low: list[str], j: int, lowercase_ok: bool) -> bool:
    word = low[j]
    if not word.isalpha() or word in STARTERS or word in VERBS or word in NOT_NAMES:
        return False
    return words[j][:1].isupper() or lowercase_ok


def _place(low: list[str], j: int) -> int:
    """'from the front desk', 'at the north site', 'with the bakery here': up to four words of place,
    ending before a word that starts the problem."""
    if j >= len(low) or low[j] not in PLACE | {"here"}:
        return 0
    if low[j] == "here":
        return 1
    k = j + 1
    while k < len(low) and k - j <= 4:
        word = low[k]
        if k > j + 1 and (word in STARTERS or word in VERBS or word == "the"):
            break
        if k + 1 < len(low) and low[k + 1] in VERBS and k > j + 1:
            break
        k += 1
        if low[k - 1] in ("desk", "office", "clinic", "warehouse", "store", "site", "team"):
            break
    return k - j + (k < len(low) and low[k] == "here")


def problem_text(speech: str) -> str:
    """The first sentence (or clause) of one turn that describes trouble, opening removed."""
    for sentence in SENTENCE.split(" ".join((speech or "")[:2000].split())):
        core = strip_opening(sentence)
        clauses = core.split(", ")
        while clauses and not TROUBLE.find(tokens(clauses[0])):
            clauses.pop(0)
        if clauses:
            return strip_opening(", ".join(clauses))
    return ""


def headline(turns: list[tuple[str, str]], scope_note: str = "") -> str:
    said = [s for _, s in turns if (s or "").strip()]
    if not said:
        return "Caller left no message"
    pick = next((p for p in map(problem_text, said) if p), "")
    pick = pick or next((p for p in map(strip_opening, said) if p), "Caller gave no details")
    if scope_note and " ".join(tokens(scope_note)) not in " ".join(tokens(pick)):
        pick = f"{pick.rstrip(' .!?,')} — {scope_note}"
    return clip(pick[0].upper() + pick[1:])


def clip(text: str, limit: int = HEADLINE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;") + "…"


def without_opening(summary: str) -> str:
    """A summary with any greeting or introduction taken off its front ("" if that was all)."""
    words = " ".join((summary or "").split()).split(" ")
    low = [_low(w) for w in words]
    if not words[0] or not _opening_at(words, low, 0):
        return clip(summary or "")
    rest = problem_text(summary) or strip_opening(summary)
    return clip(rest[0].upper() + rest[1:]) if rest else ""
