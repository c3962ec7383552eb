"""A model that is always right is not dragged down by the fallback: a scripted OpenAI-compatible
model returns each call's labelled answer, every call goes through the real service (signed
Twilio webhooks, the queue, the guardrail, the ticket and the page), and who got paged must match
the labels. Reads only each call's labels, `say` and `answers`; the held-out leg runs where
tests/data/heldout/calls.yaml exists (the lead's repository)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from app.models import Call, Incident
from bench.triage_eval import HELDOUT, HELDOUT_B, NOT_SURE, set_groups, truth
from app.triage.questions import classify_question

from .conftest import TwilioCaller, drain, recording_channels
from .fakes.http import Reply
from .fakes.openai import FakeOpenAI, completion, decision

UNKNOWN_NUMBER = "+15555550999"


class LabelledModel(FakeOpenAI):
    """Answers every request with the current call's label; asks for the company while the
    prompt says the company is unknown and the call will name one."""

    def __init__(self):
        super().__init__()
        self.case: dict = {}

    def _answer(self, request) -> Reply:
        system = request.json()["messages"][0]["content"]
        case = self.case
        unknown = "Company unknown: yes" in system
        if unknown and (case.get("named") or case["customer"] != "default") \
                and "Questions you may still ask: 0" not in system:
            fields = {"action": "ask", "question": "Which company are you calling from?",
                      "severity": case["severity"], "rule": None}
        else:
            rules = [line for line in system.split("Escalation rules")[1].splitlines()
                     if line[:1].isdigit()]
            rule = case.get("rule") if not unknown else None
            fields = {"action": "final", "severity": case["severity"],
                      "rule": rule if rule is not None and rule < len(rules) else None}
        return Reply(200, completion(decision(summary=f"Labelled call {case['id']}",
                                              reason="scripted label", **fields)))


@pytest.fixture
def model():
    fake = LabelledModel()
    yield fake
    fake.close()


def says(response) -> tuple[str, bool]:
    root = ET.fromstring(response.get_data(as_text=True))
    gather = root.find("Gather")
    text = " ".join(n.text or "" for n in root.iter("Say"))
    return text, gather is not None


def play(app, books, case) -> None:
    """One call through the webhooks, answering each question the way the bench does."""
    book = books.get(case["customer"])
    to, from_ = UNKNOWN_NUMBER, str(case.get("caller_id", "+15555550142"))
    if book is not None and book.numbers:
        to = book.numbers[0]
    elif book is not None and book.callers:  # a runbook matched by its callers' numbers only
        from_ = book.callers[0]
    caller = TwilioCaller(app.test_client(), to=to, from_=from_)
    assert caller.post("/voice/incoming").status_code == 200
    say = [case["say"]] if isinstance(case["say"], str) else list(case["say"])
    unused, speech = say[1:], say[0]
    for seq in range(1, 8):
        assert caller.post(f"/voice/gather?turn={seq}", SpeechResult=speech).status_code == 200
        drain(app)
        response = caller.post(f"/voice/next?turn={seq}")
        for _ in range(5):  # a hold while the ticket or the incident is being written
            text, asking = says(response)
            if asking or "Goodbye" in text or "goodbye" in text:
                break
            drain(app)
            response = caller.post(f"/voice/next?turn={seq}")
        if not asking:
            break
        kind = classify_question(text)
        answers = case.get("answers") or {}
        speech = str(answers.get(kind) or (unused.pop(0) if unused else NOT_SURE))
    caller.post("/voice/status", CallStatus="completed")
    drain(app)


def paged_calls(app) -> dict[str, bool]:
    with app.extensions["nightdesk"].db.session() as s:
        out = {}
        for call in s.scalars(select(Call)):
            incident = s.scalar(select(Incident).where(Incident.call_id == call.id))
            out[call.call_sid] = bool(incident and any(p.kind == "page" for p in incident.pages))
        return out


def sets():
    yield pytest.param("dev", id="dev")
    yield pytest.param("fresh", id="fresh")
    yield pytest.param("heldout", id="heldout", marks=pytest.mark.skipif(
        not HELDOUT.exists(), reason="held-out calls live in the lead's repository"))
    yield pytest.param("heldout_b", id="heldout_b", marks=pytest.mark.skipif(
        not HELDOUT_B.exists(), reason="held-out calls live in the lead's repository"))


@pytest.mark.parametrize("name", list(sets()))
def test_a_model_that_is_always_right_pages_exactly_the_calls_that_need_it(make_app, model, name):
    tp = fp = fn = 0
    wrong = []
    for cases, runbooks_dir, books in set_groups(name):
        registry, slack = recording_channels()
        app = make_app({"openai_api_key": "sk-test", "openai_base_url": model.base_url,
                        "triage_timeout": 5.0, "runbooks_dir": runbooks_dir}, channels=registry)
        for case in cases:
            model.case = case
            before = set(paged_calls(app))
            play(app, books, case)
            [(sid, paged)] = [(k, v) for k, v in paged_calls(app).items() if k not in before]
            wake, _kind = truth(case, books)
            tp, fp, fn = tp + (paged and wake), fp + (paged and not wake), fn + (wake and not paged)
            if paged != wake:
                wrong.append({"id": case["id"], "wake": wake, "paged": paged})
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    print(json.dumps({"set": name, "recall": round(recall, 3), "precision": round(precision, 3)}))
    # Issue 9's target, on every set: recall >= 0.97 at precision >= 0.95 (held out: 1.0 / 0.978
    # once the floor needed fully stated conditions, 2026-11-24). Held-out ids are never shown.
    floor = 0.95
    shown = wrong if not name.startswith("heldout") else f"{len(wrong)} calls wrong (held out: ids not shown)"
    assert recall >= 0.97 and precision >= floor, shown
