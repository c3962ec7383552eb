"""Rule-based triage: decides when the LLM is absent, slow or wrong.

It reads the situation (situation.py): security indicators as a class, what stopped working,
who is affected (later answers override earlier guesses) and whether anyone needs it before the
morning. It asks only questions whose answer changes the outcome, and between paging and the
morning on a possible security incident, it pages. It reads only the call and the runbook.
"""
from __future__ import annotations

import re

from .decision import MAX_QUESTIONS, Decision, TriageContext, clean_number
from .headline import headline
from .questions import CALLBACK, COMPANY, OTHER, QUESTIONS, SCOPE, SECURITY, classify_question
from .runbook_words import book_words
from .situation import Situation, assess, read_call, signals
from .text import Phrases, TURN_MAX, tokens
from . import caller_words as CW


def fallback_decide(ctx: TriageContext, reason_prefix: str = "") -> Decision:
    sit = read_call(ctx)
    severity, kind, reasons = assess(sit)
    rule, rule_why = pick_rule(ctx, sit, severity, kind)
    said = " ".join(speech[:TURN_MAX] for _, speech in ctx.turns)
    callback = _spoken_number(said) or (ctx.caller_id if ctx.caller_id_known else "")
    decision = Decision(
        action="final", severity=severity, rule=rule, summary=headline(ctx.turns, _scope_note(sit)),
        details=ctx.transcript()[:2000], callback_number=callback, path="fallback",
        caller_name=_name(ctx), reason=f"{reason_prefix}{'; '.join(reasons)}; {rule_why}",
        signals=signals(sit, kind))
    kind_asked = _question(ctx, sit, callback, severity, kind)
    if kind_asked and not ctx.force_final and ctx.questions_asked < MAX_QUESTIONS:
        decision.action, decision.question = "ask", QUESTIONS[kind_asked]
        decision.question_kind = kind_asked
    return decision


def _scope_note(sit: Situation) -> str:
    if not sit.scope_late or not sit.scope_words:
        return ""
    note = sit.scope_words[0]
    return f"{note} ({sit.count})" if sit.count and str(sit.count) not in note else note


def pick_rule(ctx: TriageContext, sit: Situation, severity: str, kind: str) -> tuple[int | None, str]:
    """Security goes to the security rule; an outage to the non-security rule its words match
    best, else the one for its severity; a call nobody is woken for gets no rule."""
    book = ctx.runbook
    if not book.rules:
        return None, "no rules"
    security = set(book_words(book).security_rules)
    if kind == "security":
        if security:
            return min(security), f"rule {min(security)} is the security rule"
        return None, "no security rule: the first rule pages"
    if not book.pages_for(severity) and not any(r.severity == severity for r in book.rules):
        return None, "rule none: nobody is paged for this"
    said = [w for _, s in ctx.turns for w in tokens(s)]
    best, best_hits = None, []
    for rule in book.rules:
        if rule.index in security:
            continue
        hits = Phrases(rule.keywords).names(said) if rule.keywords else []
        if len(hits) > len(best_hits):
            best, best_hits = rule.index, hits
    if best is not None and (book.pages_for(severity) or book.rule(best).severity == severity):
        return best, f"keyword {best_hits[0]!r} matched rule {best}"
    others = [r for r in book.rules if r.index not in security]
    for rule in others:
        if rule.severity == severity or re.search(rf"\b{severity}\b", rule.trigger):
            return rule.index, f"rule {rule.index} is for {severity}"
    if book.pages_for(severity) and others:
        return others[0].index, f"rule {others[0].index}: the first rule that is not for security"
    return None, "rule none: no rule fits"


# What a caller says when they have described their problem, in whatever words.
HEARD = ("outage", "impact", "maybe", "warning", "request", "supplies", "degraded", "healthy",
         "empty", "risk", "critical")  # not a device alone: "am I through to the computer people?"


def _question(ctx: TriageContext, sit: Situation, callback: str, severity: str, kind: str) -> str:
    """Only questions whose answer changes the page: who the customer is, where to call back,
    whether a possible security incident is one, and how far an outage reaches."""
    asked = {classify_question(prompt) for prompt, _ in ctx.turns[1:]}
    if ctx.runbook.is_default and COMPANY not in asked:
        return COMPANY
    if not any(sit.get(k) for k in HEARD) and not sit.security and OTHER not in asked:
        return OTHER  # "Hi, is this IT?": the problem hasn't been said yet
    if not callback and CALLBACK not in asked:
        return CALLBACK
    if sit.maybe and not sit.security and not sit.denied and SECURITY not in asked:
        return SECURITY
    # Who is affected decides between the morning and a page: ask when nobody said, when "my X"
    # may be everyone's, or when "everyone" rests on a system nothing else marks as critical.
    personal = sit.scope == "one" and sit.get("device") and not sit.get("critical")
    business = [i for i in sit.get("impact") if i not in CW.IMPACT_PERSONAL]
    soft_all = sit.scope == "all" and not business and not (  # "nothing opens", "the whole
        sit.get("critical") and sit.scope_people)                # office can't print"
    unclear = kind != "security" and (sit.scope is None or soft_all or (
        sit.scope_unsure and not personal)) and (sit.get("outage") or sit.get("impact"))
    unclear = unclear and not (sit.get("healthy") or sit.get("supplies") or (
        sit.get("empty") and not sit.get("pressure")))
    if unclear and SCOPE not in asked:
        return SCOPE
    return ""


NAME = re.compile(r"\b(?:this is|my name is|it's|i am|i'm)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
NOT_NAMES = {"The", "Our", "We", "Calling", "From", "At", "Not", "So", "Just", "Sorry", "Really",
             "Locked", "Having", "Trying", "Still", "Afraid", "Urgent", "Dr", "Doctor"}


def _name(ctx: TriageContext) -> str:
    own = {w for n in (ctx.runbook.name, ctx.runbook.customer, *ctx.runbook.aliases)
           for w in n.split()}  # "It's <company>" names the customer, not the caller
    for _, speech in ctx.turns:
        match = NAME.search(speech[:TURN_MAX])
        if match and match.group(1).split()[0] not in NOT_NAMES | own:
            return match.group(1)
    return ""


def _spoken_number(said: str) -> str:
    words = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
    text = re.sub(r"\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
                  lambda m: words[m.group(1)], said.lower())
    for match in re.finditer(r"\+?\d[\d\s().,-]{6,28}\d", text):
        number = clean_number(match.group(0))
        if number:
            return number
    return ""
