"""The triage agent: ask the LLM, check its answer against the runbook, else the fallback decides."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from .decision import SCHEMA, Decision, InvalidDecision, TriageContext, validate
from .fallback import fallback_decide
from .llm import LLM, LLMUnavailable

log = logging.getLogger(__name__)


class TriageAgent:
    def __init__(self, llm: LLM | None, prompts_dir: Path):
        self.llm = llm
        self.template = (Path(prompts_dir) / "triage_system.txt").read_text(encoding="utf-8")
        self.prompt_version = hashlib.sha1(self.template.encode()).hexdigest()[:8]

    def decide(self, ctx: TriageContext) -> Decision:
        if self.llm is None:
            return self._fallback(ctx, "no LLM configured (OPENAI_API_KEY unset)")
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
            return decision
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
