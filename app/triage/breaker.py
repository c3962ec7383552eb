"""The LLM behind a circuit breaker: once it has failed a few times in a row (a hang costs each
caller the adapter's whole time budget), callers are decided by the fallback at once instead of
each waiting out the same outage; after a cool-off one call tries the LLM again.

Written here rather than taken from pybreaker (1.4.1), whose CircuitBreaker.call holds its lock
for the whole guarded call, which would let only one of the worker's triage threads talk to the
LLM at a time. Here the lock guards the state only."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from .llm import LLM, LLMAnswer, LLMUnavailable

log = logging.getLogger(__name__)


class LLMBreaker:
    def __init__(self, llm: LLM, failures: int = 3, cool_off: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.llm, self.model = llm, llm.model
        self.failures_allowed, self.cool_off, self.clock = failures, cool_off, clock
        self._lock = threading.Lock()
        self._failed = 0                     # consecutive failures
        self._open_until: float | None = None
        self._probe_started: float | None = None  # one call is trying the LLM after the cool-off

    def complete(self, messages: list[dict], schema: dict) -> LLMAnswer:
        probe = self._admit()
        try:
            answer = self.llm.complete(messages, schema)
        except LLMUnavailable as exc:
            if exc.outage:
                self._failure(probe, exc)
            else:  # this conversation's answer, not the service: it answered
                self._success()
            raise
        except BaseException:
            if probe:  # not the LLM's fault (a bug, a shutdown): let the next call probe
                with self._lock:
                    self._probe_started = None
            raise
        self._success()
        return answer

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._open_until is not None

    def _admit(self) -> bool:
        """True when this call is the probe after a cool-off; raises while the circuit is open."""
        with self._lock:
            if self._open_until is None:
                return False
            now = self.clock()
            left = self._open_until - now
            # A probe that has run longer than a cool-off (a server trickling bytes keeps each
            # read under the adapter's timeout) no longer blocks the next one.
            probing = self._probe_started is not None and now - self._probe_started < self.cool_off
            if left > 0 or probing:
                raise LLMUnavailable(
                    f"skipped after {self._failed} LLM failures in a row; "
                    f"next try in {max(0, round(left))} s")
            self._probe_started = now
            return True

    def _failure(self, probe: bool, exc: LLMUnavailable) -> None:
        with self._lock:
            self._failed += 1
            if probe or (self._open_until is None and self._failed >= self.failures_allowed):
                opening = self._open_until is None
                self._open_until, self._probe_started = self.clock() + self.cool_off, None
                if opening:
                    log.warning("LLM failures in a row: %d (last: %s); callers are decided by "
                                "the fallback for %.0f s, then one call tries it again",
                                self._failed, exc, self.cool_off)

    def _success(self) -> None:
        with self._lock:
            if self._open_until is not None:
                log.warning("LLM answering again after %d failures: triage back on the LLM",
                            self._failed)
            self._failed, self._open_until, self._probe_started = 0, None, None
