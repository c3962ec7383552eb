"""The LLM port: one structured completion, or LLMUnavailable. The OpenAI adapter is in
openai_llm.py; tests script answers through a fake OpenAI server or a ScriptedLLM."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class LLMUnavailable(Exception):
    """The model gave no usable answer: timeout, API error, refusal or malformed JSON."""


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
