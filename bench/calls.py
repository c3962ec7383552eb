"""Callers for the benchmarks: each plays a call the way Twilio does — signed webhooks, the
<Pause>s of a hold respected before following its <Redirect>, the caller's words posted to the
<Gather> action — and records what it measured on time.monotonic() (comparable with the fakes'
process: one system-wide clock)."""
from __future__ import annotations

import argparse
import statistics
import itertools
import math
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from twilio.request_validator import RequestValidator

from .stack import TOKEN

SAYS = ["Hi, this is Maria from the front office, our main server is acting up this evening",
        "It's everyone in the office, nobody can open anything"]
MAX_TURNS, MAX_POLLS = 6, 60
_CALLER_IDS = itertools.count(1)  # distinct caller IDs in this process: no triage cache hits


@dataclass
class CallRecord:
    number: str
    caller_id: str
    started: float = 0.0
    finished: float = 0.0
    requests: list[tuple[str, float]] = field(default_factory=list)  # (path, seconds)
    turns: list[tuple[str, float]] = field(default_factory=list)     # ("ask"|"final", dead air s)
    last_words_at: float = 0.0  # when the final /voice/gather was sent
    completed: bool = False     # heard the final message and hung up
    error: str = ""


class Caller:
    def __init__(self, base: str, number: str, caller_id: str):
        self.base, self.session = base, requests.Session()
        self.validator = RequestValidator(TOKEN)
        self.record = CallRecord(number, caller_id)
        self.params = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
                       "From": caller_id, "To": number, "CallStatus": "in-progress",
                       "Direction": "inbound", "ApiVersion": "2010-04-01", "Caller": caller_id,
                       "Called": number}

    def post(self, url: str, **extra) -> ET.Element:
        url = url if url.startswith("http") else self.base + url
        params = {**self.params, **extra}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        started = time.monotonic()
        response = self.session.post(url, data=params, headers=headers, timeout=30)
        self.record.requests.append((urlsplit(url).path, time.monotonic() - started))
        if response.status_code != 200:
            raise RuntimeError(f"{urlsplit(url).path}: HTTP {response.status_code}")
        return ET.fromstring(response.content) if response.content.strip() else ET.Element("Response")

    def play(self) -> CallRecord:
        rec = self.record
        rec.started = time.monotonic()
        try:
            root = self.post("/voice/incoming")
            for turn in range(MAX_TURNS):
                gather = root.find("Gather")
                if gather is None:
                    break
                said = time.monotonic()
                rec.last_words_at = said
                root = self.post(gather.get("action"), SpeechResult=SAYS[min(turn, len(SAYS) - 1)],
                                 Confidence="0.92")
                for _ in range(MAX_POLLS):
                    redirect = root.find("Redirect")
                    if redirect is None:
                        break
                    time.sleep(sum(int(p.get("length", "1")) for p in root.iter("Pause")))
                    root = self.post(redirect.text)
                rec.turns.append(("ask" if root.find("Gather") is not None else "final",
                                  time.monotonic() - said))
            if root.find("Hangup") is None:
                raise RuntimeError("the call did not end with a goodbye")
            self.post("/voice/status", CallStatus="completed")
            rec.completed = True
        except Exception as exc:  # recorded, counted as an incomplete call
            rec.error = f"{type(exc).__name__}: {exc}"[:200]
        rec.finished = time.monotonic()
        return rec


def run_calls(urls: list[str], numbers: list[str], concurrent: int, calls: int,
              timeout: float = 300) -> list[CallRecord]:
    """`calls` calls by `concurrent` callers at once (caller k dials numbers[k], one call after
    another), spread over the web servers in turn. Stops taking new calls after `timeout` s."""
    records: list[CallRecord] = []
    lock = threading.Lock()
    deadline = time.monotonic() + timeout
    counter = iter(range(calls))

    def slot(k: int) -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            caller_id = f"+1444{next(_CALLER_IDS):07d}"
            record = Caller(urls[n % len(urls)], numbers[k % len(numbers)], caller_id).play()
            with lock:
                records.append(record)

    with ThreadPoolExecutor(concurrent) as pool:
        list(pool.map(slot, range(concurrent)))
    return records


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 4) if values else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def bench_parser(levels: str, what: str) -> argparse.ArgumentParser:
    """The options every stack benchmark shares: --levels, --runs, --database, --queue,
    --workers-per-pair."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default=levels, help=f"{what}, comma-separated")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", default="")
    parser.add_argument("--queue", default="")
    parser.add_argument("--workers-per-pair", type=int, default=1,
                        help="`python -m app.worker` processes beside each gunicorn")
    return parser


def medians_by_level(one_level, args, levels: list[int], digits: int = 3) -> dict[str, dict]:
    """Each level run `args.runs` times; each figure the median of its runs."""
    out = {}
    for level in levels:
        per = [one_level(args, level) for _ in range(args.runs)]
        out[str(level)] = {key: rounded(median([p[key] for p in per]), digits) for key in per[0]}
    return out
