"""What a runbook tells the fallback, in its own words: which systems are critical, which sites
exist, and which rule is the security rule. Read from the runbook only (rules, `keywords`,
`severity`, `context`, `hints`, `aliases`), so no customer's words live in the code."""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.runbooks import Runbook

from .text import Phrases, tokens

SECURITY_TRIGGER = {"security", "breach", "hack", "hacked", "ransomware", "phishing", "compromise",
                    "compromised", "fraud", "cyber", "malware", "virus", "intrusion"}
# Sentences of `context` that say what matters: their words name critical systems.
MATTERS = re.compile(r"\b(?:critical|essential|vital|P1|depends? on|reli(?:es|y) on|"
                     r"if (?:it|they|this|that) (?:is|are|goes|go) down)\b", re.IGNORECASE)
STOP = set("""a an and are as at be been but by can't cannot could do does for from had has have
if in into is it it's its of on or our so than that the their them then there these they this
to up was we were what when where which while who will with would you your any all no not one
two three four five six seven eight nine ten must should critical essential vital p1 p2 p3 p4
down hour hours night day days open opens close closes morning evening after before during
until unless runs run stops stop can depends depend relies rely priority urgent also only just
every each both other others more most very many much same over under is am how why out off
s t d ll re ve m x see get got make use used people patients customers clients guests staff
users employees someone anyone everyone nobody owner vip opening closing time times today
tonight system systems thing things guest patient customer client user member room rooms possible paramount hard whole may risk matter matters
live lives""".split())
SITE_WORDS = {"clinic", "clinics", "office", "offices", "site", "sites", "location",
              "locations", "branch", "branches", "store", "stores", "warehouse", "warehouses",
              "hotel", "hotels", "building", "buildings", "practice", "practices", "campus",
              "shop", "shops", "restaurant", "restaurants", "plant", "plants", "facility"}
NAME = r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}"
AT_PLACE = re.compile(rf"\b(?:at\s+(?:the\s+)?({NAME})|in\s+the\s+({NAME})\s+(?:office|clinic|site|"
                      rf"branch|store|location|building|warehouse|hotel|plant))")
# A sentence of `context` saying a place never closes: the place it names is the night operation.
ALL_NIGHT = re.compile(r"\b(?:24 hours|24/7|24-hour|24 hour|around the clock|all night|"
                       r"never closes|open overnight|overnight)\b", re.IGNORECASE)
CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-Z][a-z][\w-]*(?:\s+[A-Z][a-z][\w-]*){0,2})")
LISTED = re.compile(r"\b(\w+)\s*\(([^()]{1,200})\)")


@dataclass(frozen=True)
class BookWords:
    critical: Phrases
    sites: Phrases
    multi_site: bool
    security_rules: tuple[int, ...]
    night_sites: frozenset = frozenset()   # sites the context says are open all night


def is_security_rule(rule) -> bool:
    words = set(tokens(rule.trigger))
    return bool(words & SECURITY_TRIGGER)


_CACHE: dict[tuple, BookWords] = {}


def book_words(book: Runbook) -> BookWords:
    key = (book.customer, book.version, book.file)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = _read(book)
    return _CACHE[key]


def _sites(context: str, hints) -> list[str]:
    """Places the context names: "at the Harbour site", "three clinics (A, B, C)"."""
    sites = [m.group(1) or m.group(2) for m in AT_PLACE.finditer(context)]
    for m in LISTED.finditer(context):
        if m.group(1).lower() in SITE_WORDS:
            sites += [p.strip() for p in re.split(r",|\band\b", m.group(2)) if p.strip()]
    known = {s.lower() for s in sites}
    sites += [h for h in hints if any(h.lower() in k or k in h.lower() for k in known)]
    return [s for s in dict.fromkeys(sites) if s.lower() not in STOP and len(s) > 2]


def _read(book: Runbook) -> BookWords:
    keywords = [k for r in book.rules if not is_security_rule(r) and r.severity in (None, "P1")
                for k in r.keywords]
    critical = []
    for sentence in re.split(r"(?<=[.!?:;])\s+", book.context or ""):
        if MATTERS.search(sentence):
            critical += _content_words(sentence, skip_names=True)
    sites = _sites(book.context or "", book.hints)
    night = _night_sites(book.context or "")
    site_words = {w for s in sites for w in tokens(s)}
    critical = keywords + [w for w in critical if w not in site_words]
    context = set(tokens(book.context or ""))
    plural_sites = {w for w in context if w in SITE_WORDS and w.endswith(("s", "es"))}
    multi = bool(plural_sites) and bool(context & {"two", "three", "four", "five", "six", "several",
                                                   "multiple", "both"} or any(w.isdigit() for w in context))
    return BookWords(critical=Phrases(critical), sites=Phrases(sites + night), multi_site=multi,
                     security_rules=tuple(r.index for r in book.rules if is_security_rule(r)),
                     night_sites=frozenset(" ".join(tokens(n)) for n in night))


def _night_sites(context: str) -> list[str]:
    """Names in the sentences that say a place is open all night ("the Harbourside hospital, open
    24 hours"): an outage there is the whole night operation's, not one site's of several."""
    names = []
    for sentence in re.split(r"(?<=[.!?;])\s+", context):
        if ALL_NIGHT.search(sentence):
            names += [m.group(1) for m in CAPITALISED.finditer(sentence.strip())
                      if m.group(1).lower() not in STOP]
    return names


def _content_words(text: str, skip_names: bool = False) -> list[str]:
    words = [w for w in tokens(text) if w not in STOP and len(w) > 2 and not w.isdigit()]
    if skip_names:  # "Dr. Smith is the owner" names a person, not a system
        people = {w.lower() for m in re.finditer(r"\b(?:Dr|Mr|Mrs|Ms)\.?\s+([A-Z]\w+)", text)
                  for w in m.groups()}
        words = [w for w in words if w not in people and w not in SITE_WORDS]
    return words
