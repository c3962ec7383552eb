"""What one caller turn says, as signals: phrases found by kind, clause by clause.

Overlapping phrases of related kinds resolve to the longest one ("everyone else can" is one
person's problem, not everyone's; "backup failed" is a warning, not an outage).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import security_near as SN
from . import security_context as SC
from . import caller_words as CW
from . import vocabulary as V
from . import security_words as S
from . import scope_words as W
from . import clause_reading as C
from .runbook_words import BookWords
from .scope import scope_of
from .text import PhraseBook, Phrases, near, normal, tokens

CLAUSE = re.compile(r"[.;!?,:]+|\s(?:but|though|although|however)\s")

P = PhraseBook({
    "all": W.SCALE_ALL + W.NOT_PEOPLE, "one": W.ONE_STRONG, "mine": W.SCALE_ONE,
    "group": W.SCALE_GROUP, "dept": W.SCALE_DEPT, "outage": V.OUTAGE, "warning": V.WARNING,
    "healthy": V.HEALTHY,
    "supplies": CW.SUPPLIES, "empty": V.EMPTY, "degraded": V.DEGRADED, "fine": CW.FINE,
    "impact": V.IMPACT, "critical": V.CRITICAL, "maybe": SC.SECURITY_MAYBE,
    "denied": SC.SECURITY_DENIED, "request": CW.REQUEST, "defer": CW.DEFER,
    "pressure": CW.TIME_PRESSURE, "restore": CW.RESTORE, "hedge": CW.HEDGE, "resolved": CW.RESOLVED, "key": CW.KEY_PERSON, "device": W.DEVICES, "risk": V.RISK,
    "origin": SC.UNKNOWN_ORIGIN, "given": SC.CREDENTIALS_GIVEN,
    **{f"security:{kind}": words for kind, words in S.SECURITY.items()},
})
P_LOW = Phrases(SC.LOW_THREAT)
NOT_PEOPLE = {" ".join(tokens(p)) for p in W.NOT_PEOPLE}
SCOPE_KINDS, STATE_KINDS = ("one", "group", "all", "mine", "dept"), ("outage", "warning", "healthy",
                                                             "supplies", "empty", "degraded")


@dataclass
class Turn:
    hits: dict = field(default_factory=dict)       # kind → [phrase, ...]
    security: list = field(default_factory=list)   # ["credentials: typed my password", ...]
    scope: str | None = None                        # one | group | all
    scope_words: list = field(default_factory=list)
    scope_unsure: bool = False                      # "everyone at <one of several sites>", "my X"
    scope_people: bool = False                      # "all" said of people, not of a system
    count: int | None = None
    words: list = field(default_factory=list)

    def get(self, kind: str) -> list[str]:
        return self.hits.get(kind, [])


def read_turn(speech: str, book: BookWords, answers_scope: bool = False) -> Turn:
    clauses = [tokens(c) for c in CLAUSE.split(normal(speech)) if c.strip()]
    turn = Turn(words=[w for c in clauses for w in c])
    fine_clauses = 0
    spans: dict[str, list] = {}
    for words in clauses:
        found = P.find(words)
        found["site"] = book.sites.find(words)
        found["book_critical"] = book.critical.find(words)
        found["outage"] = [h for h in found["outage"] if h[2] != "down" or not h[0]
                           or words[h[0] - 1] not in CW.NOT_DOWN_AFTER] + _negated(words)
        found["outage"] += C.not_working(words)
        found["fine"] = [h for h in found["fine"] if not C.negated_before(words, h[0])]
        found["all"] = [h for h in found["all"] if not C.of_a_system(words, h)]
        found["outage"], moved = C.warning_not_outage(words, found["outage"])
        found["warning"] += [(0, 0, f"backup or maintenance: {p}") for p in moved]
        found["critical"] = [h for h in found["critical"]
                             if h[2] != "email" or not C.email_is_message(words, h[0])]
        if C.others_work(words):
            found["one"].append((0, 0, "the others work"))
            found["fine"].append((0, 0, "the others work"))
        _longest_wins(found, SCOPE_KINDS)
        _longest_wins(found, STATE_KINDS)
        fine = bool(found["fine"]) and not found["outage"] and not found["impact"]
        fine_clauses += fine
        if fine:  # "the warehouse wifi and scanners are fine": the systems that matter work
            spans.setdefault("critical_fine", []).extend(
                (words, st, p) for st, _, p in found["critical"] + found["book_critical"])
        for kind, hits in found.items():
            if fine and kind in ("all", "outage", "critical", "book_critical", "impact", "site"):
                continue  # "the north site is fine": nothing here is affected
            for start, end, phrase in hits:
                spans.setdefault(kind, []).append((words, start, phrase))
        for kind in list(found):
            if kind.startswith("security:"):
                turn.security += [f"{kind[9:]}: {p}" for _, _, p in found.pop(kind)]
    for label, first, second, window, strong in SN.SECURITY_NEAR:  # across clauses, within a window
        stretch = near(turn.words, first, second, window)
        if stretch:
            spans.setdefault("near", []).append((turn.words, 0, (label, stretch, strong)))
    every_word = set(turn.words)
    still = [f"still {b}" for a, b in zip(turn.words, turn.words[1:]) if a == "still" and b in CW.STILL_WORKING]
    if still:
        spans.setdefault("healthy", []).extend(([], 0, p) for p in still)
    if every_word & {"encrypted", "encrypting"} and not every_word & {"bitlocker", "recovery"}:
        turn.security.append("encryption: encrypted")
    for _, _, (label, stretch, strong) in spans.pop("near", []):
        if strong or every_word & SC.SECURITY_CONTEXT.get(label, set()):
            turn.security.append(f"{label}: {stretch}")
        elif label == "credentials" and every_word & SC.LOCKOUT:
            continue  # "I typed my password wrong too many times": a lockout
        elif label in SC.CONTEXT_ONLY:
            continue  # "I logged into the portal", "I still have access": nothing wrong said
        else:
            spans.setdefault("maybe", []).append(([], 0, f"{label}: {stretch}"))
    for _, _, phrase in spans.pop("given", []):
        if every_word & SC.SECURITY_CONTEXT["credentials"]:
            turn.security.append(f"credentials: {phrase}")
        elif not every_word & SC.LOCKOUT:
            spans.setdefault("maybe", []).append(([], 0, f"credentials: {phrase}"))
    if spans.get("origin") and every_word & SC.ACCOUNT_WORDS:
        turn.security += [f"unknown account: {p}" for _, _, p in spans["origin"]]
    if spans.get("risk") and not every_word & V.RISK_PLACES:
        del spans["risk"]  # "the office is too hot" is no risk to the business tonight
    if P_LOW.find(turn.words):  # the tool caught adware: a warning, not an incident
        spans.setdefault("warning", []).extend(
            ([], 0, s) for s in turn.security if s.startswith("security alert"))
        turn.security = [s for s in turn.security if not s.startswith("security alert")]
    due = C.deadline(turn.words)
    if due:
        spans.setdefault("pressure", []).append(([], 0, due))
    only = C.only_one(turn.words)
    if only:
        spans.setdefault("all", []).append(([], 0, only))
    turn.hits = {k: list(dict.fromkeys(p for _, _, p in v)) for k, v in spans.items()}
    turn.hits["all"] = [p for p in turn.get("all") if p not in NOT_PEOPLE]
    turn.hits["critical"] = turn.get("critical") + turn.get("book_critical")
    turn.security = list(dict.fromkeys(turn.security))
    scope_of(turn, spans, fine_clauses, book, answers_scope)
    return turn


def _longest_wins(found: dict, kinds) -> None:
    """Among overlapping phrases of these kinds keep the longest; on a tie, the kind listed first
    ("just my" restricts before "my computer" possesses)."""
    rank = {k: -i for i, k in enumerate(kinds)}
    spans = sorted(((e - s, rank[k], -s, s, e, k) for k in kinds for s, e, _ in found[k]), reverse=True)
    taken: list[tuple[int, int]] = []
    keep = set()
    for _length, _rank, _neg, start, end, kind in spans:
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            keep.add((kind, start))
    for kind in kinds:
        found[kind] = [h for h in found[kind] if (kind, h[0]) in keep]


def security_answer(speech: str) -> str:
    """yes | no | unsure: the answer to "did anyone type a password, approve a prompt, or let
    someone connect?"."""
    words = tokens(speech)
    text = " ".join(words)
    if any(f" {p} " in f" {text} " for p in ("not sure", "don't know", "no idea", "maybe",
                                             "might have", "possibly", "can't remember", "unsure",
                                             "not certain", "i'm not sure")):
        return "unsure"
    if words[:1] and words[0] in ("no", "nope", "nah", "nobody", "never", "none", "not"):
        return "no"
    if any(f" {p} " in f" {text} " for p in ("yes", "yeah", "yep", "yup", "i did", "she did",
                                             "he did", "they did", "we did", "i think so",
                                             "typed", "entered", "approved", "let him", "let them",
                                             "gave", "installed", "clicked", "connected")):
        return "yes"
    if set(words) & {"didn't", "nobody", "never", "no", "nothing", "don't", "wasn't"}:
        return "no"
    return "unsure"


def _negated(words: list[str]) -> list[tuple[int, int, str]]:
    """"The doors aren't responding", "we can't cut keys": a negated verb, whatever the system."""
    hits = []
    for i, word in enumerate(words[:-1]):
        if word in CW.NEGATIONS and words[i + 1] not in CW.NOT_TROUBLE_AFTER_NEGATION:
            hits.append((i, i + 2, f"{word} {words[i + 1]}"))
    return hits
