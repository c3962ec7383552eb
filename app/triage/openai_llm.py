"""The LLM port on OpenAI's chat completions with structured output (any OpenAI-compatible
endpoint via OPENAI_BASE_URL)."""
from __future__ import annotations

import json
import time

import openai

from .llm import LLMAnswer, LLMUnavailable


class OpenAILLM:
    def __init__(self, api_key: str, model: str, base_url: str = "", timeout: float = 4.0,
                 max_retries: int = 1):
        self.model = model
        kwargs = {"api_key": api_key, "max_retries": max_retries,
                  # A short total budget: the caller is on hold while this runs.
                  "timeout": openai.Timeout(timeout, connect=min(2.0, timeout))}
        if base_url:
            kwargs["base_url"] = base_url
        self.client = openai.OpenAI(**kwargs)

    def complete(self, messages: list[dict], schema: dict) -> LLMAnswer:
        started = time.monotonic()
        try:
            completion = self.client.chat.completions.create(
                model=self.model, messages=messages, temperature=0,
                response_format={"type": "json_schema", "json_schema": {
                    "name": "triage_decision", "strict": True, "schema": schema}})
        except openai.APIError as exc:
            raise LLMUnavailable(f"{type(exc).__name__}: {_short(exc)}", outage=_outage(exc)) from None
        latency = int((time.monotonic() - started) * 1000)
        choice = completion.choices[0]
        if getattr(choice.message, "refusal", None):
            raise LLMUnavailable(f"model refused: {choice.message.refusal[:120]}", outage=False)
        if choice.finish_reason == "length":
            raise LLMUnavailable("answer cut off (finish_reason=length)", outage=False)
        try:
            data = json.loads(choice.message.content or "")
        except ValueError:
            raise LLMUnavailable("answer is not JSON", outage=False) from None
        usage = getattr(completion, "usage", None)
        return LLMAnswer(data=data, model=completion.model or self.model, latency_ms=latency,
                         tokens=getattr(usage, "total_tokens", 0) or 0)


def _outage(exc: openai.APIError) -> bool:
    """The service failing (no answer, a timeout, 5xx, 429), not a request it turned down."""
    if isinstance(exc, (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)):
        return True  # APITimeoutError is an APIConnectionError
    status = getattr(exc, "status_code", None)
    return status is None or status >= 500


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]
