"""Rule-based triage: decides when the LLM is absent, slow or wrong.

It errs toward paging: outage or security language with any sign of scale is P1, because a
missed ransomware call costs far more than one unnecessary page.
"""
from __future__ import annotations

import re

from .decision import MAX_QUESTIONS, Decision, TriageContext, clean_number

SECURITY = ["ransomware", "ransom", "encrypted", "hacked", "hacker", "breach", "phishing",
            "phish", "malware", "virus", "compromised", "suspicious login", "stolen",
            "data leak", "clicked a link", "clicked on a link", "strange pop", "locked our files",
            "wire transfer", "fraud", "someone logged in", "security"]
OUTAGE = ["down", "outage", "offline", "not working", "isn't working", "is not working",
          "stopped working", "can't connect", "cannot connect", "can't access", "cannot access",
          "can't get in", "cannot get in", "can't log in", "cannot log in", "no internet",
          "no network", "crashed", "won't start", "won't boot", "not responding", "unreachable",
          "no email", "no power", "dead", "failed", "broken", "nothing works", "can't work",
          "cannot work", "no phones", "no dial tone", "don't work", "doesn't work", "won't work",
          "do not work", "does not work", "not loading", "can't load", "cannot load", "frozen",
          "locked out", "can't print", "cannot print", "can't send", "cannot send"]
SCALE = ["everyone", "everybody", "whole office", "entire office", "all users", "all of us",
         "all staff", "all our", "all the", "nobody can", "no one can", "none of us", "company-wide",
         "company wide", "whole company", "entire company", "whole team", "all computers",
         "every computer", "every user", "multiple users", "several people", "whole site",
         "entire site", "both offices", "all sites", "all locations", "none of the", "any of the", "the server", "our server",
         "main server", "file server", "payroll", "website is down", "site-wide", "site wide"]
CALM = ["not urgent", "no rush", "can wait", "not an emergency", "no emergency",
        "tomorrow is fine", "in the morning is fine", "whenever", "low priority"]
ONE_USER = ["my computer", "my laptop", "my printer", "my password", "my account", "my mouse",
            "my keyboard", "my monitor", "just me", "only me", "printer", "paper jam", "toner"]


def _has(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text)]


def fallback_decide(ctx: TriageContext, reason_prefix: str = "") -> Decision:
    said = " ".join(speech for _, speech in ctx.turns).lower()
    said = said.replace("’", "'")
    security, outage, scale = _has(said, SECURITY), _has(said, OUTAGE), _has(said, SCALE)
    calm, single = _has(said, CALM), _has(said, ONE_USER)

    if security:
        severity, why = "P1", f"security language ({security[0]!r})"
    elif outage and scale:
        severity, why = "P1", f"outage ({outage[0]!r}) affecting many ({scale[0]!r})"
    elif outage and not single:
        severity, why = "P2", f"outage language ({outage[0]!r})"
    elif outage or single:
        severity, why = "P3", "one user or device affected"
    else:
        severity, why = "P4", "no outage or security language"
    if calm and not security and severity != "P1":
        severity = {"P2": "P3", "P3": "P4"}.get(severity, severity)
        why += f", caller says {calm[0]!r}"

    rule, rule_why = _pick_rule(ctx, said, severity)
    if rule is not None and ctx.runbook.rules[rule].severity and not calm:
        # A rule the service manager tied to a severity wins over the vocabulary's guess.
        if rule_why.startswith("keyword"):
            severity = ctx.runbook.rules[rule].severity
    callback = _spoken_number(said) or (ctx.caller_id if ctx.caller_id_known else "")
    decision = Decision(
        action="final", severity=severity, rule=rule, summary=_summary(ctx),
        details=ctx.transcript()[:2000], callback_number=callback, path="fallback",
        caller_name=_name(ctx),
        reason=f"{reason_prefix}{why}; {rule_why}",
    )
    question = _question(ctx, callback)
    if question and not ctx.force_final and ctx.questions_asked < MAX_QUESTIONS:
        decision.action, decision.question = "ask", question
    return decision


def _pick_rule(ctx: TriageContext, said: str, severity: str) -> tuple[int | None, str]:
    rules = ctx.runbook.rules
    security = bool(_has(said, SECURITY))
    best, best_score, best_hit = None, 0, ""
    for rule in rules:
        hits = _has(said, list(rule.keywords))
        # With security language, the rule for security wins a tie with, say, a "server" rule.
        score = len(hits) + (0.5 if hits and security and "security" in rule.trigger.lower() else 0)
        if score > best_score:
            best, best_score, best_hit = rule.index, score, hits[0] if hits else ""
    if best is not None:
        return best, f"keyword {best_hit!r} matched rule {best}"
    for rule in rules:
        if rule.severity == severity:
            return rule.index, f"rule {rule.index} is for {severity}"
    for rule in rules:
        if re.search(rf"\b{severity}\b", rule.trigger):
            return rule.index, f"rule {rule.index} names {severity}"
    if _has(said, SECURITY):
        for rule in rules:
            if "security" in rule.trigger.lower():
                return rule.index, f"rule {rule.index} is the security rule"
    return (0, "first rule as default route") if rules else (None, "no rules")


def _question(ctx: TriageContext, callback: str) -> str:
    asked = " ".join(prompt for prompt, _ in ctx.turns[1:]).lower()  # turn 1 answers the greeting
    if ctx.runbook.is_default and "company" not in asked:
        return "Which company are you calling from?"
    if not callback and "number" not in asked:
        return "What is the best number to call you back on?"
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
NOT_NAMES = {"The", "Our", "We", "Calling", "From", "At", "Not", "So", "Just"}


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
