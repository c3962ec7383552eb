"""Rule-based triage: decides when the LLM is absent, slow or wrong.

It reads what was said for a handful of signals (security, outage, scale, critical systems named
in the runbook, one user, one site, degradation, warnings, requests, deferral) and errs toward
paging: outage or security language with any sign of scale is P1, because a missed ransomware
call costs far more than one unnecessary page. How the caller sounds (frantic or calm) and what
severity they ask for are ignored; what they describe is not.
"""
from __future__ import annotations

import re

from .decision import MAX_QUESTIONS, Decision, TriageContext, clean_number
from . import vocabulary as V


# "Nobody in the office can log in": many people unable to work, however the sentence runs.
NOBODY_CAN = re.compile(r"\b(?:nobody|no one|none of (?:us|them|the \w+))\b[^.,;]{0,40}?\bcan\b")


def _has(text: str, words) -> list[str]:
    return [w for w in words if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text)]


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[.;!?]|,|\bbut\b|\bthough\b", text) if c.strip()]


def _relevant(text: str) -> str:
    """What was said minus clauses saying something is fine ("Main Street is fine"), so a site or
    system named as unaffected doesn't count as affected."""
    return " . ".join(c for c in _clauses(text) if not _has(c, V.FINE))


class Signals:
    def __init__(self, said: str, ctx: TriageContext):
        live = _relevant(said)
        self.security = _has(said, V.SECURITY)
        nobody_can = [m.group(0) for m in NOBODY_CAN.finditer(live)]
        self.outage = _has(live, V.OUTAGE) + nobody_can
        self.scale = _has(live, V.SCALE) + nobody_can
        self.critical = _has(live, V.CRITICAL + _critical_keywords(ctx))
        self.single = _has(said, V.ONE_USER)
        self.others_fine = _has(said, V.OTHERS_FINE)
        self.partial = _has(said, V.ONE_SITE) or (
            self.others_fine if self.scale and not self.single else [])
        self.degraded = _has(live, V.DEGRADED)
        self.warning = _has(said, V.WARNING)
        self.request = _has(said, V.REQUEST)
        self.defer = _has(said, V.DEFER)
        self.pressure = _has(said, V.TIME_PRESSURE)
        self.one_of = _has(said, V.ONE_OF)
        self.group = _has(live, V.GROUP)
        self.whole = _has(live, ["whole", "entire", "all of us", "everyone", "everybody", "company"])
        self.supplies = _has(said, V.SUPPLIES)


def _critical_keywords(ctx: TriageContext) -> list[str]:
    """The runbook's own words for what matters: keywords of its non-security P1 rules."""
    return [k for r in ctx.runbook.rules if r.severity == "P1" and "security" not in r.trigger.lower()
            for k in r.keywords]


def assess(said: str, ctx: TriageContext) -> tuple[str, str]:
    s = Signals(said, ctx)
    if s.security:
        return "P1", f"security language ({s.security[0]!r})"
    if s.outage:
        severity, why = _outage(s)
    elif s.degraded:
        if s.scale or s.critical:
            severity, why = "P2", f"degraded ({s.degraded[0]!r}) for {(s.scale or s.critical)[0]!r}"
        elif s.single:
            severity, why = "P4", f"one device, intermittent ({s.degraded[0]!r})"
        else:
            severity, why = "P3", f"degraded ({s.degraded[0]!r})"
    elif s.supplies:
        severity, why = "P4", f"a supply request ({s.supplies[0]!r})"
    elif s.warning:
        severity, why = "P3", f"a warning, still working ({s.warning[0]!r})"
    elif s.request:
        severity, why = "P4", f"a request or question ({(s.supplies or s.request)[0]!r})"
    elif s.single:
        severity, why = "P3", f"one user or device ({s.single[0]!r})"
    else:
        severity, why = "P3", "no outage, security or scale language"
    if s.pressure and severity == "P3" and (s.outage or s.single) and not s.defer:
        severity, why = "P2", why + f", time pressure ({s.pressure[0]!r})"
    if s.defer and severity != "P1":
        severity = {"P2": "P3", "P3": "P4"}.get(severity, severity)
        why += f", caller says {s.defer[0]!r}"
    return severity, why


def _outage(s: Signals) -> tuple[str, str]:
    what = repr(s.outage[0])
    if s.supplies and not (s.scale or s.critical):
        return "P4", f"a supply request ({s.supplies[0]!r})"
    if s.single and not s.scale and (not s.critical or s.one_of):
        why = f"one user or device ({s.single[0]!r})"
        return "P3", why + (f", others fine ({s.others_fine[0]!r})" if s.others_fine else "")
    if s.partial or (s.group and not s.whole):
        return "P2", f"outage ({what}) for one site or group ({(s.partial or s.group)[0]!r})"
    if s.scale or s.critical:
        return "P1", f"outage ({what}) affecting {(s.scale or s.critical)[0]!r}"
    if s.warning:
        return "P3", f"a warning, still working ({s.warning[0]!r})"
    if s.supplies:
        return "P4", f"a supply request ({s.supplies[0]!r})"
    return "P2", f"outage language ({what}), scope unknown"


def fallback_decide(ctx: TriageContext, reason_prefix: str = "") -> Decision:
    said = " ".join(speech for _, speech in ctx.turns).lower().replace("’", "'")
    severity, why = assess(said, ctx)
    rule, rule_why = _pick_rule(ctx, said, severity)
    callback = _spoken_number(said) or (ctx.caller_id if ctx.caller_id_known else "")
    decision = Decision(
        action="final", severity=severity, rule=rule, summary=_summary(ctx),
        details=ctx.transcript()[:2000], callback_number=callback, path="fallback",
        caller_name=_name(ctx), reason=f"{reason_prefix}{why}; {rule_why}",
    )
    question = _question(ctx, callback, said)
    if question and not ctx.force_final and ctx.questions_asked < MAX_QUESTIONS:
        decision.action, decision.question = "ask", question
    return decision


def _pick_rule(ctx: TriageContext, said: str, severity: str) -> tuple[int | None, str]:
    rules = ctx.runbook.rules
    if not rules:
        return None, "no rules"
    if _has(said, V.SECURITY):
        for rule in rules:
            if "security" in rule.trigger.lower() or _has(said, [k for k in rule.keywords
                                                                 if k in V.SECURITY]):
                return rule.index, f"rule {rule.index} is the security rule"
    live = _relevant(said)
    best, best_hits = None, []
    for rule in rules:
        hits = _has(live, list(rule.keywords))
        if len(hits) > len(best_hits):
            best, best_hits = rule.index, hits
    if best is not None:
        return best, f"keyword {best_hits[0]!r} matched rule {best}"
    for rule in rules:
        if rule.severity == severity:
            return rule.index, f"rule {rule.index} is for {severity}"
    for rule in rules:
        if re.search(rf"\b{severity}\b", rule.trigger):
            return rule.index, f"rule {rule.index} names {severity}"
    return 0, "first rule as default route"


def _question(ctx: TriageContext, callback: str, said: str = "") -> str:
    """Only questions whose answer changes the page: who the customer is, where to call back, and
    how far an outage reaches when the caller didn't say."""
    asked = " ".join(prompt for prompt, _ in ctx.turns[1:]).lower()  # turn 1 answers the greeting
    if ctx.runbook.is_default and "company" not in asked:
        return "Which company are you calling from?"
    if not callback and "number" not in asked:
        return "What is the best number to call you back on?"
    s = Signals(said, ctx)
    # A critical system down is a clear P1: the caller is not kept on the line to confirm it.
    unclear = s.outage and not (s.security or s.scale or s.critical or s.single or s.partial
                                or s.group or s.defer or s.supplies)
    if unclear and "everyone" not in asked:
        return "Is it just you, or is everyone affected?"
    return ""


def _summary(ctx: TriageContext) -> str:
    # The first turn is where callers describe the problem; later turns answer our questions.
    first = next((s for _, s in ctx.turns if s.strip()), "") or "Caller left no message"
    text = " ".join(first.split())
    sentence = re.split(r"(?<=[.!?])\s", text)[0]
    if len(sentence) > 100:
        sentence = sentence[:99].rstrip() + "…"
    return sentence[0].upper() + sentence[1:] if sentence else sentence


NAME = re.compile(r"\b(?:this is|my name is|it's|i am|i'm)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
NOT_NAMES = {"The", "Our", "We", "Calling", "From", "At", "Not", "So", "Just", "Acme", "Northwind"}


def _name(ctx: TriageContext) -> str:
    for _, speech in ctx.turns:
        match = NAME.search(speech)
        if match and match.group(1).split()[0] not in NOT_NAMES:
            return match.group(1)
    return ""


def _spoken_number(said: str) -> str:
    words = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
    text = re.sub(r"\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
                  lambda m: words[m.group(1)], said)
    for match in re.finditer(r"\+?\d[\d\s().,-]{6,28}\d", text):
        number = clean_number(match.group(0))
        if number:
            return number
    return ""
