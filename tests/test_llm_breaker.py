"""The LLM's circuit breaker: an outage costs the first few callers the adapter's time budget,
then the fallback decides at once until one call finds the LLM answering again."""
from __future__ import annotations

import logging
import threading
import time

import pytest

from app.triage.breaker import LLMBreaker
from app.triage.llm import LLMAnswer, LLMUnavailable
from app.triage.openai_llm import OpenAILLM

from .fakes.http import Reply
from .fakes.openai import REFUSAL, completion

OK = LLMAnswer(data={"ok": True}, model="m", latency_ms=5, tokens=9)


class FlakyLLM:
    model = "m"

    def __init__(self):
        self.down = True
        self.asked = 0

    def complete(self, messages, schema):
        self.asked += 1
        if self.down:
            raise LLMUnavailable("APITimeoutError: Request timed out.")
        return OK


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def ask(breaker):
    return breaker.complete([{"role": "user", "content": "x"}], {})


def failed_once_and_cooled_off(llm, clock) -> LLMBreaker:
    """A breaker that one failure opens, opened by its LLM's first answer, its cool-off over."""
    breaker = LLMBreaker(llm, failures=1, cool_off=30, clock=clock)
    with pytest.raises(LLMUnavailable):
        ask(breaker)
    clock.now += 31
    return breaker


def test_three_failures_in_a_row_open_it_then_callers_are_turned_away_at_once(caplog):
    llm, clock = FlakyLLM(), Clock()
    breaker = LLMBreaker(llm, failures=3, cool_off=30, clock=clock)
    with caplog.at_level(logging.WARNING, logger="app.triage.breaker"):
        for _ in range(3):
            with pytest.raises(LLMUnavailable, match="timed out"):
                ask(breaker)
        assert breaker.is_open and llm.asked == 3
        clock.now += 10
        with pytest.raises(LLMUnavailable, match="skipped after 3 LLM failures in a row; next try in 20 s"):
            ask(breaker)
    assert llm.asked == 3  # nobody waited on the LLM while it was open
    assert [r.getMessage() for r in caplog.records] == [
        "LLM failures in a row: 3 (last: APITimeoutError: Request timed out.); callers are "
        "decided by the fallback for 30 s, then one call tries it again"]


def test_a_success_between_failures_starts_the_count_again():
    llm, clock = FlakyLLM(), Clock()
    breaker = LLMBreaker(llm, failures=3, cool_off=30, clock=clock)
    for down in (True, True, False, True, True):
        llm.down = down
        try:
            ask(breaker)
        except LLMUnavailable:
            pass
    assert not breaker.is_open and llm.asked == 5


def test_after_the_cool_off_one_call_tries_again_and_closes_it_when_the_llm_answers(caplog):
    llm, clock = FlakyLLM(), Clock()
    breaker = LLMBreaker(llm, failures=1, cool_off=30, clock=clock)
    with pytest.raises(LLMUnavailable):
        ask(breaker)
    clock.now += 31
    with pytest.raises(LLMUnavailable, match="timed out"):  # the probe: still down
        ask(breaker)
    assert llm.asked == 2 and breaker.is_open
    with pytest.raises(LLMUnavailable, match="next try in 30 s"):  # a fresh cool-off
        ask(breaker)
    clock.now += 31
    llm.down = False
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.triage.breaker"):
        assert ask(breaker) is OK
    assert not breaker.is_open and ask(breaker) is OK and llm.asked == 4
    assert [r.getMessage() for r in caplog.records] == [
        "LLM answering again after 2 failures: triage back on the LLM"]


def test_while_one_call_probes_the_others_are_still_turned_away():
    clock, entered, release = Clock(), threading.Event(), threading.Event()

    class SlowProbe(FlakyLLM):
        def complete(self, messages, schema):
            self.asked += 1
            if self.asked == 1:
                raise LLMUnavailable("APIConnectionError: Connection error.")
            entered.set()
            release.wait(5)
            return OK

    llm = SlowProbe()
    breaker = failed_once_and_cooled_off(llm, clock)
    probe = threading.Thread(target=ask, args=(breaker,))
    probe.start()
    assert entered.wait(5)
    with pytest.raises(LLMUnavailable, match="skipped"):
        ask(breaker)
    release.set()
    probe.join(5)
    assert not breaker.is_open and llm.asked == 2


def test_calls_through_a_closed_breaker_run_side_by_side():
    """The worker's triage threads each wait on the LLM at once: the breaker never serialises
    them (a lock held across the call would make this barrier time out)."""
    both = threading.Barrier(2, timeout=5)

    class Together(FlakyLLM):
        def complete(self, messages, schema):
            both.wait()
            return OK

    breaker = LLMBreaker(Together(), failures=3, cool_off=30)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(ask(breaker))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert answers == [OK, OK]


def test_a_conversation_the_model_wont_answer_never_opens_it():
    """A refusal or an unusable answer is this caller's, not an outage: a caller whose words the
    model refuses on every turn must not switch the LLM off for everyone."""
    class Refuses(FlakyLLM):
        def complete(self, messages, schema):
            self.asked += 1
            raise LLMUnavailable("model refused: I can't help with that.", outage=False)

    llm = Refuses()
    breaker = LLMBreaker(llm, failures=3, cool_off=30, clock=Clock())
    for _ in range(5):
        with pytest.raises(LLMUnavailable, match="refused"):
            ask(breaker)
    assert not breaker.is_open and llm.asked == 5


def test_a_probe_that_never_ends_stops_blocking_the_next_one_after_a_cool_off():
    clock, release = Clock(), threading.Event()

    class Trickles(FlakyLLM):
        def complete(self, messages, schema):
            self.asked += 1
            if self.asked == 1:
                raise LLMUnavailable("APITimeoutError: Request timed out.")
            if self.asked == 2:
                release.wait(5)  # a server trickling bytes: each read inside the timeout
                raise LLMUnavailable("APITimeoutError: Request timed out.")
            return OK

    llm = Trickles()
    breaker = failed_once_and_cooled_off(llm, clock)
    stuck = threading.Thread(target=lambda: pytest.raises(LLMUnavailable, ask, breaker))
    stuck.start()
    while llm.asked < 2:
        time.sleep(0.01)
    with pytest.raises(LLMUnavailable, match="skipped"):
        ask(breaker)
    clock.now += 31  # the stuck probe is older than a cool-off: the next call may try
    assert ask(breaker) is OK and not breaker.is_open
    release.set()
    stuck.join(5)


@pytest.mark.parametrize("reply, outage", [
    (Reply(500, {"error": {"message": "The server had an error", "type": "server_error"}}), True),
    (Reply(503, {"error": {"message": "overloaded", "type": "server_error"}}), True),
    (Reply(429, {"error": {"message": "Rate limit reached", "type": "requests"}}), True),
    (Reply(400, {"error": {"message": "maximum context length is 128000 tokens",
                           "type": "invalid_request_error"}}), False),
    (Reply(200, REFUSAL), False),
    (Reply(200, completion("{not json")), False),
])
def test_the_openai_adapter_tells_an_outage_from_an_answer_it_cannot_use(llm_server, reply, outage):
    llm_server.reply(reply)
    llm = OpenAILLM("sk-test", "gpt-test", base_url=llm_server.base_url, timeout=2.0, max_retries=0)
    with pytest.raises(LLMUnavailable) as raised:
        llm.complete([{"role": "user", "content": "x"}], {})
    assert raised.value.outage is outage, raised.value
