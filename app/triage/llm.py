"""The LLM port: one structured completion, or LLMUnavailable. The OpenAI adapter is in
openai_llm.py; tests script answers through a fake OpenAI server or a ScriptedLLM."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class LLMUnavailable(Exception):
    """The model gave no usable answer: timeout, API error, refusal or malformed JSON.

    `outage` says whether the service itself is failing (unreachable, timing out, 5xx, 429), as
    opposed to this one conversation getting no usable answer (a refusal, a cut-off or malformed
    answer, a request it rejects): only outages count toward the circuit breaker, since a caller
    whose words the model refuses would otherwise switch the LLM off for everyone."""

    def __init__(self, message: str, outage: bool = True):
        super().__init__(message)
        self.outage = outage


@dataclass
class LLMAnswer:
    data: dict
    model: str
    latency_ms: int
    tokens: int


class LLM(Protocol):
    model: str

    def complete(self, messages: list[dict], schema: dict) -> LLMAnswer:
        """The model's JSON answer to `messages`, valid against `schema` (strict structured output);
        raises LLMUnavailable for anything else, within the adapter's own time budget."""
