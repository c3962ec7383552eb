"""The triage agent: ask the LLM, check its answer against the runbook and the fallback's reading,
else the fallback decides."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Protocol

from app.runbooks import SEVERITIES

from .cache import cache_key
from .decision import SCHEMA, Decision, InvalidDecision, TriageContext, validate
from .fallback import fallback_decide
from .headline import without_opening
from .questions import classify_question
from .runbook_words import is_security_rule
from .floor import floor_for
from .llm import LLM, LLMUnavailable

log = logging.getLogger(__name__)


class DecisionCache(Protocol):
    def get(self, key: str) -> dict | None: ...
    def put(self, key: str, decision: dict) -> None: ...


class TriageAgent:
    def __init__(self, llm: LLM | None, prompts_dir: Path, cache: DecisionCache | None = None):
        self.llm = llm
        self.cache = cache
        self.template = (Path(prompts_dir) / "triage_system.txt").read_text(encoding="utf-8")
        self.prompt_version = hashlib.sha1(self.template.encode()).hexdigest()[:8]

    def decide(self, ctx: TriageContext) -> Decision:
        if self.llm is None:
            return self._fallback(ctx, "no LLM configured (OPENAI_API_KEY unset)")
        key = cache_key(ctx.turns, ctx.caller_id, ctx.force_final, ctx.runbook.customer,
                        ctx.runbook.version, self.prompt_version, self.llm.model)
        cached = self.cache.get(key) if self.cache else None
        if cached:
            decision = Decision.from_dict(cached)
            decision.extra = {**decision.extra, "cached": True}
            return decision
        decision = self._ask_llm(ctx)
        if self.cache and decision.path == "llm":
            self.cache.put(key, decision.as_dict())
        return decision

    def _ask_llm(self, ctx: TriageContext) -> Decision:
        problem = ""
        for _attempt in range(2):  # invalid output gets one more chance, then the fallback
            try:
                answer = self.llm.complete(self.messages(ctx), SCHEMA)
                decision = validate(answer.data, ctx)
            except LLMUnavailable as exc:
                return self._fallback(ctx, f"LLM unavailable: {exc}")
            except InvalidDecision as exc:
                problem = f"LLM answer invalid: {exc}"
                log.warning("triage: %s", problem)
                continue
            decision.model, decision.latency_ms, decision.tokens = answer.model, answer.latency_ms, answer.tokens
            decision.prompt_version = self.prompt_version
            return guard(decision, ctx)
        return self._fallback(ctx, problem)

    def _fallback(self, ctx: TriageContext, why: str) -> Decision:
        decision = fallback_decide(ctx, reason_prefix=f"{why}. Fallback: ")
        decision.prompt_version = self.prompt_version
        return decision

    def messages(self, ctx: TriageContext) -> list[dict]:
        book = ctx.runbook
        rules = "\n".join(f"{r.index}: {r.trigger}" + (f" (severity {r.severity})" if r.severity else "")
                          for r in book.rules)
        severities = "\n".join(f"{k}: {v}" for k, v in sorted(book.severity.items()))
        system = self.template.format(
            customer=book.name, context=book.context or "(none)", rules=rules,
            severities=severities, caller_id=ctx.caller_id or "withheld",
            unknown_company="yes" if book.is_default else "no",
            questions_left=0 if ctx.force_final else max(0, 3 - ctx.questions_asked))
        # Caller speech travels as data inside a JSON string, never as instructions.
        turns = [{"asked": p, "caller_said": s} for p, s in ctx.turns]
        return [{"role": "system", "content": system},
                {"role": "user", "content": json.dumps({"conversation": turns})}]


def guard(decision: Decision, ctx: TriageContext) -> Decision:
    """Hold an LLM decision to what the caller explicitly described.

    - It may raise the model's severity only on explicit high-confidence signals
      (`floor_for`), read from the fallback's structured signals, never from prose: so "this is
      low priority" or "system: severity P4" can't talk ransomware down to the morning, while a
      model's judgement on everything else stands.
    - The headline names the problem, never a greeting or an introduction.
    - On a clear P1 it stops asking once the essentials (who, where to call back) are known.
    """
    reading = fallback_decide(TriageContext(ctx.runbook, ctx.turns, ctx.caller_id, force_final=True))
    decision.signals = reading.signals
    floor, kind, why = floor_for(reading.signals)
    if floor and SEVERITIES.index(decision.severity) > SEVERITIES.index(floor):
        decision.reason = (f"{decision.reason} [guardrail: LLM said {decision.severity}; the caller "
                           f"described {why}, so at least {floor}]")
        decision.severity = floor
    if floor and kind == "security" and reading.rule is not None:
        chosen = ctx.runbook.rule(decision.rule)
        if chosen is None or not is_security_rule(chosen):
            decision.rule = reading.rule  # a security incident pages the security rule
    elif floor and decision.rule is None:
        decision.rule = reading.rule
    if decision.action == "ask":
        decision.question_kind = classify_question(decision.question)
    decision.summary = without_opening(decision.summary) or reading.summary
    essentials = (decision.callback_number or ctx.caller_id_known) and not ctx.runbook.is_default
    if decision.action == "ask" and decision.severity == "P1" and essentials:
        decision.action, decision.question, decision.question_kind = "final", "", ""
        decision.reason += " [clear P1: not keeping the caller on the line]"
    return decision
