"""The triage decision, the strict JSON schema the LLM must fill, and validation against a runbook.

The LLM chooses, it never addresses: it picks a severity and a rule index; page targets come from
the runbook only, so nothing the model (or the caller) says can reroute a page.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from app.config import is_e164
from app.runbooks import SEVERITIES, Runbook

SUMMARY_MAX = 100
QUESTION_MAX = 200
DETAILS_MAX = 2000
MAX_QUESTIONS = 3


@dataclass
class TriageContext:
    runbook: Runbook
    turns: list[tuple[str, str]]        # (what NightDesk asked, what the caller said)
    caller_id: str = ""
    force_final: bool = False           # the caller hung up, or the questions ran out

    @property
    def questions_asked(self) -> int:
        return max(0, len(self.turns) - 1)

    @property
    def caller_id_known(self) -> bool:
        return is_e164(self.caller_id or "")

    def transcript(self) -> str:
        lines = []
        for prompt, speech in self.turns:
            if prompt:
                lines.append(f"NightDesk: {prompt}")
            lines.append(f"Caller: {speech or '(no speech)'}")
        return "\n".join(lines)


@dataclass
class Decision:
    action: str                 # ask | final
    severity: str
    summary: str
    rule: int | None = None
    question: str = ""
    details: str = ""
    caller_name: str = ""
    callback_number: str = ""
    company: str = ""
    path: str = "fallback"      # llm | fallback
    reason: str = ""
    model: str = ""
    prompt_version: str = ""
    latency_ms: int = 0
    tokens: int = 0
    question_kind: str = ""     # scope | security | company | callback | other, when asking
    signals: dict = field(default_factory=dict)  # what the fallback read (structured, see situation.py)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Decision":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action", "question", "severity", "rule", "summary", "details", "caller_name",
                 "callback_number", "company", "reason"],
    "properties": {
        "action": {"type": "string", "enum": ["ask", "final"]},
        "question": {"type": "string", "description": "one short spoken question when action is ask, else empty"},
        "severity": {"type": "string", "enum": list(SEVERITIES)},
        "rule": {"type": ["integer", "null"], "description": "index of the matching escalation rule, or null"},
        "summary": {"type": "string", "description": "ticket summary, at most 100 characters"},
        "details": {"type": "string"},
        "caller_name": {"type": "string"},
        "callback_number": {"type": "string"},
        "company": {"type": "string", "description": "the company the caller named, if they named one"},
        "reason": {"type": "string", "description": "one sentence: why this severity and rule"},
    },
}


class InvalidDecision(ValueError):
    pass


def validate(raw: dict, ctx: TriageContext) -> Decision:
    """Check an LLM answer against the schema and this runbook; raise InvalidDecision if unusable."""
    if not isinstance(raw, dict):
        raise InvalidDecision("not a JSON object")
    missing = [k for k in SCHEMA["required"] if k not in raw]
    if missing:
        raise InvalidDecision(f"missing fields: {', '.join(missing)}")
    extra = sorted(set(raw) - set(SCHEMA["properties"]))
    if extra:  # the schema is strict: a "page" or "target" field is an attempt to address
        raise InvalidDecision(f"unexpected fields: {', '.join(extra)}")
    action, severity, rule = raw["action"], raw["severity"], raw["rule"]
    if action not in ("ask", "final"):
        raise InvalidDecision(f"action {action!r}")
    if severity not in SEVERITIES:
        raise InvalidDecision(f"severity {severity!r}")
    if rule is not None and (not isinstance(rule, int) or isinstance(rule, bool)
                             or ctx.runbook.rule(rule) is None):
        raise InvalidDecision(f"rule {rule!r} is not a rule of {ctx.runbook.customer}")
    strings = {k: raw[k] for k in ("question", "summary", "details", "caller_name",
                                   "callback_number", "company", "reason")}
    if any(not isinstance(v, str) for v in strings.values()):
        raise InvalidDecision("a text field is not a string")
    summary = " ".join(strings["summary"].split())
    if not summary:
        raise InvalidDecision("empty summary")
    question = speakable(strings["question"])
    if URL.search(question):
        raise InvalidDecision("question contains a link")
    if action == "ask" and (ctx.force_final or ctx.questions_asked >= MAX_QUESTIONS):
        action = "final"
    if action == "ask" and not question:
        raise InvalidDecision("ask without a question")
    return Decision(
        action=action, severity=severity, rule=rule,
        question=_clip(question, QUESTION_MAX) if action == "ask" else "",
        summary=_clip(summary, SUMMARY_MAX),
        details=_clip(strings["details"], DETAILS_MAX),
        caller_name=_clip(strings["caller_name"].strip(), 100),
        callback_number=clean_number(strings["callback_number"]) or ctx.caller_id * ctx.caller_id_known,
        company=_clip(strings["company"].strip(), 100),
        reason=_clip(" ".join(strings["reason"].split()), 300),
        path="llm",
    )


URL = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|io|example)\b", re.IGNORECASE)


def speakable(text: str) -> str:
    """One line a voice can say: no markdown, bullets or line breaks."""
    text = re.sub(r"^[\s>*#-]*\d*[.)]?\s+", "", text, flags=re.MULTILINE) if "\n" in text else text
    text = re.sub(r"[*_#`>|]+", "", text)
    return " ".join(text.split())


def clean_number(text: str) -> str:
    """A callback number as digits (with + when given), or "" if it doesn't look like one."""
    digits = re.sub(r"[^\d+]", "", text or "")
    plain = digits.lstrip("+")
    if not 7 <= len(plain) <= 15 or "+" in plain:
        return ""
    return digits


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
