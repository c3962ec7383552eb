"""The vendors the benchmarks talk to, on loopback with fixed latencies: an OpenAI-compatible LLM
(tests/fakes/openai.py's recorded response shape), ConnectWise's ticket API and Slack (its
one-message-a-second limit per webhook, tests/fakes/slack.py).

The LLM asks one scope question after the caller's first turn and decides P1 (rule 0) after the
second. Each summary carries a word made from the caller ID (bench.stack.tag_of), so a page at
the Slack fake can be traced back to its call."""
from __future__ import annotations

import dataclasses
import itertools
import json
import re
import sys

from tests.fakes.http import FakeServer, Reply
from tests.fakes.openai import completion, decision
from tests.fakes.slack import FakeSlack

from bench.stack import tag_of


def _llm(delay: float):
    def answer(request) -> Reply:
        messages = request.json()["messages"]
        turns = json.loads(messages[1]["content"])["conversation"]
        caller = re.search(r"Caller ID: (\+?\d+)", messages[0]["content"])
        tag = tag_of(caller.group(1)) if caller else "withheld"
        if len(turns) < 2:
            content = decision(action="ask", question="Is it just you, or is everyone affected?",
                               severity="P2", rule=0, summary=f"Server trouble {tag}",
                               reason="Scope not known yet.")
        else:
            content = decision(action="final", severity="P1", rule=0,
                               summary=f"Server down for everyone {tag}", reason="Site-wide outage.")
        return Reply(200, completion(content), delay=delay)
    return answer


def _connectwise(delay: float):
    ids = itertools.count(50001)

    def answer(request) -> Reply:
        if request.method == "POST" and request.path.endswith("/service/tickets"):
            return Reply(201, {"id": next(ids), "summary": request.json().get("summary", "")}, delay=delay)
        if request.method == "GET":
            return Reply(200, [], delay=delay)
        return Reply(201 if request.method == "POST" else 200, {"id": 1}, delay=delay)
    return answer


def start(llm_s: float, cw_s: float, slack_s: float) -> dict[str, FakeServer]:
    slack = FakeSlack()
    limited = slack.handler

    def slow(request) -> Reply:
        reply = limited(request)
        return reply if request.path == "/_state" else dataclasses.replace(reply, delay=slack_s)
    slack.handler = slow
    return {"llm": FakeServer(_llm(llm_s)), "connectwise": FakeServer(_connectwise(cw_s)), "slack": slack}


if __name__ == "__main__":  # python -m bench.vendor_fakes LLM_S CW_S SLACK_S: runs until stdin closes
    fakes = start(*map(float, sys.argv[1:4]))
    print(json.dumps({name: fake.url for name, fake in fakes.items()}), flush=True)
    sys.stdin.read()
    for fake in fakes.values():
        fake.close()
