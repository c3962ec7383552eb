"""The LLM's circuit breaker: an outage costs the first few callers the adapter's time budget,
then the fallback decides at once until one call finds the LLM answering again."""
from __future__ import annotations

import logging
import threading

import pytest

from app.triage.breaker import LLMBreaker
from app.triage.llm import LLMAnswer, LLMUnavailable

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
    breaker = LLMBreaker(llm, failures=1, cool_off=30, clock=clock)
    with pytest.raises(LLMUnavailable):
        ask(breaker)
    clock.now += 31
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
