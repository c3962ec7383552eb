"""Who one turn says is affected: one person or device, a group (a team, a site of several, "only
line two"), or everyone; and how many people, when a number is said."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import scope_words as W
from .runbook_words import BookWords
from .text import number

if TYPE_CHECKING:
    from .reading import Turn

WORKS = {"work", "works", "load", "loads", "open", "opens", "respond", "responds", "print",
         "prints", "connect", "connects", "boot", "boots", "start", "starts", "show", "shows",
         "appears", "comes"}


IDLE = {"sitting", "saying", "going", "asking", "calling", "complaining", "waiting", "here",
        "coming", "using", "clicking", "doing"}


def scope_of(turn: Turn, spans: dict, fine_clauses: int, book: BookWords, answers_scope: bool) -> None:
    """Who this turn says is affected, if it says."""
    strong_site, weak_site = [], []
    for words, start, phrase in spans.get("site", []):
        if phrase in book.night_sites:  # the site open all night is the whole night operation
            continue
        before = words[start - 1] if start else ""
        before = words[start - 2] if before == "the" and start > 1 else before
        if before in ("just", "only"):
            strong_site.append(phrase)
        elif before in ("at", "in") and not _introducing(words, start):
            weak_site.append(phrase)
    count = _count(turn.words)
    turn.count = count
    every, one, mine, group, dept = (turn.get(k) for k in ("all", "one", "mine", "group", "dept"))
    intro = {"i'm", "i", "am", "im", "we're", "he's", "she's", "is", "was"}
    one = [p for p in one if p not in _introduced(spans.get("one", []), intro)]
    only = _only_some(turn.words) if answers_scope else []
    same_clause = any(w1 is w2 for w1, _, _ in spans.get("dept", []) for w2, _, _ in spans.get("all", []))
    dept = dept if same_clause or not every else []
    every += _whole_of(turn.words)
    nobody = _nobody_can(turn.words)
    if nobody:
        every.append(nobody)
        first = nobody.split()[0]  # "nothing opens", "no computer connects": things, not people
        people = first in ("nobody", "noone") or (first in ("none", "no") and bool(
            set(nobody.split()[1:4]) & W.PEOPLE_WORDS))
        turn.hits.setdefault("impact" if people else "outage", []).append(nobody)
    if count is not None:
        (every if count >= 6 else group if count >= 2 else one).append(f"{count} people")
    every = list(dict.fromkeys(every))
    # "everyone", "nobody can", "all the guests" speak of people; "the whole server", "nothing
    # opens" of a system as one caller sees it, which a later answer may shrink.
    turn.scope_people = any(_of_people(p) for p in every) or bool(nobody and people) or (
        count is not None and count >= 6)
    if one and not every:
        turn.scope, turn.scope_words = "one", one
    elif group and not every and set(group) <= {"just the", "only the"} and turn.get("device"):
        turn.scope, turn.scope_words = "one", group + turn.get("device")[:1]  # "just the big printer"
    elif group or (strong_site and book.multi_site) or (every and (fine_clauses or dept)):
        turn.scope, turn.scope_words = "group", group + strong_site + dept + every
    elif every:
        turn.scope, turn.scope_words = "all", every
        turn.scope_unsure = bool(weak_site) and book.multi_site and not dept
    elif one:
        turn.scope, turn.scope_words = "one", one
    elif weak_site and book.multi_site:
        turn.scope, turn.scope_words = "group", weak_site
    elif mine:  # "my desk phone": the caller speaks for theirs; others may be out too
        turn.scope, turn.scope_words, turn.scope_unsure = "one", mine, True
    elif dept:
        turn.scope, turn.scope_words = "group", dept
    elif only:
        turn.scope, turn.scope_words = "group", only
    elif fine_clauses and turn.get("outage"):
        turn.scope, turn.scope_words = "group", ["others fine"]


def _whole_of(words: list[str]) -> list[str]:
    """'the whole night shift', 'the entire second floor'; not 'the whole office server' (a
    system, however big it sounds)."""
    out = []
    for i, word in enumerate(words):
        if word in ("whole", "entire") and set(words[i + 1:i + 3]) & W.WHOLE_OF:
            if not set(words[i + 1:i + 4]) & W.SYSTEM_NOUNS:
                out.append(" ".join(words[i:i + 3]))
    return out


def _of_people(phrase: str) -> bool:
    words = phrase.split()
    return bool(set(words) & W.PEOPLE_SCALE) or phrase in W.PEOPLE_PHRASES


def _introducing(words: list[str], start: int) -> bool:
    """'this is Sam at the north site': where the caller is, not where the trouble is."""
    back = words[max(0, start - 5):start]
    pairs = set(zip(back, back[1:]))
    return bool(pairs & {("this", "is"), ("my", "name"), ("name", "is")}) or bool(
        set(back) & {"it's", "i'm", "im", "here's"})


def _introduced(hits, intro: set) -> set:
    """'I'm one of the paralegals' introduces the caller; it says nothing about scope."""
    return {p for words, start, p in hits if start and words[start - 1] in intro}


def _only_some(words: list[str]) -> list[str]:
    """'only line two', 'just the east wing': one part of the business, whatever it is called."""
    return [" ".join(words[i:i + 3]) for i, word in enumerate(words[:-1])
            if word in ("only", "just") and words[i + 1] not in ONLY_NOT]


ONLY_NOT = {"have", "got", "had", "need", "use", "used", "know", "knew", "see", "saw", "me", "my", "mine", "one", "a", "the", "wanted", "want", "need", "needed", "letting",
            "so", "started", "happened", "now", "noticed", "a", "checking", "curious", "to",
            "said", "says", "got", "saw", "did", "ok", "okay", "fine", "slow", "asking", "calling",
            "her", "him", "this", "that", "it", "it's", "in", "on", "sitting", "as", "like",
            "deleted", "thought", "wondering", "shows", "say", "keeps", "dies", "stopped", "went"}


def _nobody_can(words: list[str]) -> str:
    """"Nobody in the office can log in": many people unable to work, however the sentence runs."""
    for i, word in enumerate(words):
        if word in ("nobody", "none", "noone", "nothing", "no") and words[i + 1:i + 2] != ["else"]:
            reach = 10 if word != "no" else 7 if words[i + 1:i + 2] and words[i + 1] in W.THINGS else 3
            for j in range(i + 1, min(i + reach, len(words))):
                if words[j] in ("can", "could", "will", "has", "have", "gets", "get"):
                    return " ".join(words[i:j + 1])
                if (word in ("none", "nobody", "nothing") or reach == 7) and words[j] in WORKS:
                    # "none of them work", "no computer in the office connects"
                    return " ".join(words[i:j + 1])
                after = words[j + 1] if j + 1 < len(words) else ""
                if words[j] in ("is", "are") and after.endswith("ing") and after not in IDLE \
                        and word != "nothing":
                    return " ".join(words[i:j + 2])
    return ""


def _count(words: list[str]) -> int | None:
    """'about forty people', 'all 12 of us', 'thirty users' → the number of people, if said."""
    for i, word in enumerate(words):
        value = number(word)
        if value is None or value > 5000:
            continue
        following = words[i + 1:i + 3]
        if following and following[0] in W.PEOPLE and following[:2] != ["of", "the"]:
            if following[0] == "of" and following[1:] != ["us"]:
                continue
            return value
    return None

