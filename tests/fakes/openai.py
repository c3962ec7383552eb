"""A fake OpenAI-compatible endpoint: answers /chat/completions from a script, built on the
recorded response shapes in shared/samples/openai."""
from __future__ import annotations

import json

from ..conftest import SAMPLES
from .http import FakeServer, Reply

STRUCTURED = json.loads((SAMPLES / "openai" / "chat_completion_structured_output_200.json").read_text())
REFUSAL = json.loads((SAMPLES / "openai" / "chat_completion_refusal_200.json").read_text())


def completion(content: dict | str) -> dict:
    """The recorded structured-output response with our content in place of the sample's."""
    body = json.loads(json.dumps(STRUCTURED))
    body["choices"][0]["message"]["content"] = content if isinstance(content, str) else json.dumps(content)
    return body


def decision(**fields) -> dict:
    base = {"action": "final", "question": "", "severity": "P3", "rule": None,
            "summary": "Printer jam", "details": "", "caller_name": "", "callback_number": "",
            "company": "", "reason": "One printer."}
    return {**base, **fields}


class FakeOpenAI(FakeServer):
    def __init__(self):
        self.script: list[Reply] = []
        super().__init__(self._answer)

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def answer(self, **fields) -> None:
        self.reply(Reply(200, completion(decision(**fields))))

    def _answer(self, request) -> Reply:
        if self.script:
            return self.script.pop(0)
        return Reply(500, {"error": {"message": "The server had an error processing your request.",
                                     "type": "server_error", "param": None, "code": None}})

    def prompts(self) -> list[list[dict]]:
        return [r.json()["messages"] for r in self.requests]

    @property
    def base_url(self) -> str:
        return self.url + "/v1"
