"""The whole call as one situation, and the severity it calls for.

Later answers about scope override earlier guesses ("the whole server is down" → "just one
folder"); security signals are never withdrawn, and the caller's tone or wish ("don't wake
anyone") never lowers a security call or a business that has stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .decision import TriageContext
from .questions import SCOPE, SECURITY, classify_question
from .reading import read_turn, security_answer
from . import caller_words as CW
from .runbook_words import book_words

ORDER = ("P1", "P2", "P3", "P4")


@dataclass
class Situation:
    security: list = field(default_factory=list)      # strong indicators, "class: words"
    maybe: list = field(default_factory=list)         # could be security: ask
    denied: list = field(default_factory=list)        # the caller says nobody engaged
    answer: str = ""                                   # to the security question: yes | no | unsure
    asked_security: bool = False
    scope: str | None = None                           # one | group | all, the latest said
    scope_words: list = field(default_factory=list)
    scope_late: bool = False                           # said in an answer, not the first turn
    scope_unsure: bool = False                         # "everyone at <one of several sites>"
    scope_people: bool = False                         # "all" said of people, not a system
    count: int | None = None
    hits: dict = field(default_factory=dict)           # kind → phrases, every turn

    def get(self, kind: str) -> list[str]:
        return self.hits.get(kind, [])

    @property
    def possible_security(self) -> bool:
        return bool(self.maybe) and not self.denied and self.answer != "no"


def read_call(ctx: TriageContext) -> Situation:
    book = book_words(ctx.runbook)
    sit = Situation()
    for seq, (prompt, speech) in enumerate(ctx.turns):
        asked = classify_question(prompt) if seq else ""
        turn = read_turn(speech, book, answers_scope=asked == SCOPE)
        if asked == SECURITY:  # "no, I haven't clicked anything": an answer, not a new problem
            turn.hits = {k: v for k, v in turn.hits.items() if k in ("defer", "maybe", "denied")}
            turn.scope = None
        for kind, phrases in turn.hits.items():
            sit.hits[kind] = list(dict.fromkeys(sit.hits.get(kind, []) + phrases))
        sit.security += [s for s in turn.security if s not in sit.security]
        if asked == SECURITY:
            sit.asked_security = True
            sit.answer = security_answer(speech)
            if sit.answer == "yes":
                sit.security.append(f"confirmed: {' '.join(turn.words[:8])}")
        if turn.scope:
            sit.scope, sit.scope_words, sit.scope_late = turn.scope, turn.scope_words, seq > 0
            sit.scope_unsure, sit.scope_people = turn.scope_unsure, turn.scope_people
        if turn.count is not None:
            sit.count = turn.count
    sit.maybe, sit.denied = sit.get("maybe"), sit.get("denied")
    if sit.scope is None and sit.get("device") and not sit.get("critical"):
        sit.scope, sit.scope_words = "one", sit.get("device")[:1]
    return sit


def assess(sit: Situation) -> tuple[str, str, list[str]]:
    """(severity, kind, reasons): kind is security | outage | other; each reason names a signal."""
    if sit.security:
        return "P1", "security", [f"security: {', '.join(sit.security[:3])}"] + _downplay(sit)
    if sit.possible_security:
        why = "no answer" if not sit.asked_security else f"answer {sit.answer!r}"
        maybe = [f"possible security ({', '.join(sit.maybe[:2])}), {why}: paging rather than "
                 "waiting for the morning"] + _downplay(sit)
        severity, kind, more = _impact(sit)
        if kind == "outage":  # an outage that might be an attack: page the outage, at least P2
            return min(severity, "P2"), "outage", more + maybe
        return "P1", "security", maybe
    reasons = []
    if sit.maybe:
        reasons.append(f"security ruled out ({(sit.denied or ['caller said no'])[0]})")
    severity, kind, more = _impact(sit)
    reasons += more
    if severity == "P1" and kind == "outage" and sit.get("empty") and sit.get("pressure"):
        # closed now, needed at opening: the morning is at risk, nobody is stopped tonight
        severity = "P2"
        reasons.append(f"closed now ({sit.get('empty')[0]}), needed by {sit.get('pressure')[0]}")
    if sit.get("defer") and severity in ("P2", "P3"):
        severity = ORDER[ORDER.index(severity) + 1]
        reasons.append(f"caller says it can wait ({sit.get('defer')[0]!r})")
    return severity, kind, reasons


def _downplay(sit: Situation) -> list[str]:
    return [f"downplayed ({sit.get('defer')[0]!r}), not lowered"] if sit.get("defer") else []


def _scope_reason(sit: Situation) -> str:
    late = " (in a later answer)" if sit.scope_late else ""
    return f"scope {sit.scope}: {', '.join(sit.scope_words[:2])}{late}"


def _impact(sit: Situation) -> tuple[str, str, list[str]]:
    outage, impact, critical = sit.get("outage"), sit.get("impact"), sit.get("critical")
    key, pressure = sit.get("key"), sit.get("pressure")
    if sit.get("risk"):
        return "P1", "outage", [f"at risk before the morning: {', '.join(sit.get('risk')[:2])}"]
    if not (outage or impact):
        return _no_outage(sit)
    what = [f"outage: {', '.join((outage + impact)[:2])}"]
    if sit.get("risk"):
        return "P1", "outage", what + [f"at risk before the morning: {sit.get('risk')[0]}"]
    if critical:
        what.append(f"critical: {critical[0]}")
    if sit.get("supplies") and not critical and sit.scope != "all":
        return "P4", "other", [f"supplies: {sit.get('supplies')[0]}"]
    if sit.get("healthy"):
        return "P3", "other", what + [f"still working: {sit.get('healthy')[0]}"]
    fine = sit.get("critical_fine")
    if fine and not impact and set(critical) <= set(fine):
        return "P3", "other", what + [f"what matters still works: {fine[0]}"]
    if sit.get("empty") and not pressure:
        return "P3", "other", what + [f"nobody affected before the morning: {sit.get('empty')[0]}"]
    if sit.scope:
        what.append(_scope_reason(sit))
    business = [i for i in impact if i not in CW.IMPACT_PERSONAL]
    if sit.scope == "one" and business:  # the only one there is: the business waits on it
        return ("P1" if critical else "P2"), "outage", what + [f"impact: {business[0]}"]
    if sit.scope == "one":
        if key or (pressure and not sit.get("defer")):  # a key person, or a deadline tonight
            return "P2", "outage", what + [f"{'key person' if key else 'deadline'}: "
                                           f"{(key or pressure)[0]}"]
        return "P3", "other", what
    if sit.scope == "group":
        return "P2", "outage", what
    if sit.scope == "all":
        return ("P1" if critical or impact else "P2"), "outage", what
    if critical and (impact or not sit.get("defer")):  # with no scale said, a caller on site
        return "P1", "outage", what + ["scope not said, critical system"]  # may say it can wait
    if key:
        return "P2", "outage", what + [f"key person: {key[0]}"]
    if pressure and not sit.get("defer"):
        return "P2", "outage", what + [f"scope not said, deadline: {pressure[0]}"]
    if business:
        return "P2", "outage", what + [f"scope not said, impact: {business[0]}"]
    # Nobody said who is affected, and nothing says the business needs it: the morning.
    return "P3", "other", what + ["scope not said, nothing critical"]


def _no_outage(sit: Situation) -> tuple[str, str, list[str]]:
    degraded = sit.get("degraded")
    if sit.get("warning") and sit.get("restore") and sit.get("pressure"):
        # the failed backup is the one a restore needed before the morning depends on
        return "P2", "outage", [f"warning: {sit.get('warning')[0]}; a restore is needed: "
                                f"{sit.get('pressure')[0]}"]
    if degraded:
        if sit.scope in ("all", "group"):
            return "P2", "outage", [f"degraded: {degraded[0]}", _scope_reason(sit)]
        return ("P4" if sit.scope == "one" else "P3"), "other", [f"degraded: {degraded[0]}"]
    for kind, severity in (("supplies", "P4"), ("warning", "P3"), ("healthy", "P3"),
                           ("request", "P4")):
        if sit.get(kind):
            return severity, "other", [f"{kind}: {sit.get(kind)[0]}"]
    if sit.scope == "one":
        return "P3", "other", [_scope_reason(sit)]
    return "P3", "other", ["no outage, security or scale signal"]


def signals(sit: Situation, kind: str) -> dict:
    """The structured signals a decision carries (the guardrail reads these, never prose)."""
    return {
        "kind": kind, "security": list(sit.security), "security_possible": list(sit.maybe),
        "security_denied": list(sit.denied), "security_answer": sit.answer,
        "outage": sit.get("outage") + sit.get("impact"), "critical": sit.get("critical"),
        "critical_or_impact": bool(sit.get("critical") or sit.get("impact")),
        "business_impact": [i for i in sit.get("impact") if i not in CW.IMPACT_PERSONAL],
        "scale": sit.scope, "scale_words": list(sit.scope_words), "scale_late": sit.scope_late,
        "scale_people": sit.scope_people, "hedged": sit.get("hedge"),
        "people": sit.count, "healthy": sit.get("healthy"), "nobody_in": sit.get("empty"),
        "warning": sit.get("warning"), "defer": sit.get("defer"), "resolved": sit.get("resolved"),
    }
