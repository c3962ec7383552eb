"""How long a queued job waits before a worker starts it, on the SQLite or Redis queue.

A caller on hold hears this delay, so the consumer is tuned for it (app.jobs.CONSUMER_OPTIONS).
Jobs are enqueued after idle gaps, when a polling consumer has backed off the most; the same run
with huey's default consumer settings is the comparison. Prints one JSON line.

    python bench/queue_latency.py [--queue redis://127.0.0.1:6379/15] [--jobs 30]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.jobs import CONSUMER_OPTIONS, make_huey, running_consumer  # noqa: E402

HUEY_DEFAULTS = {"initial_delay": 0.1, "backoff": 1.15, "max_delay": 10.0}


def measure(queue_url: str, options: dict, jobs: int, gaps: tuple[float, float]) -> list[float]:
    huey = make_huey(queue_url, name=f"bench-{random.randrange(1 << 30)}")
    started: dict[int, float] = {}
    done = threading.Event()

    @huey.task(name="probe")
    def probe(i):
        started[i] = time.perf_counter()
        done.set()

    latencies = []
    with running_consumer(huey, **options):
        time.sleep(1.0)
        for i in range(jobs):
            time.sleep(random.uniform(*gaps))
            done.clear()
            queued = time.perf_counter()
            probe(i)
            if not done.wait(30):
                raise SystemExit("a job never started")
            latencies.append((started[i] - queued) * 1000)
    huey.flush()
    return latencies


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queue", default="", help="QUEUE_URL (default: a temporary SQLite queue)")
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--default-jobs", type=int, default=10)
    args = parser.parse_args()
    queue = args.queue or f"sqlite:///{tempfile.mkdtemp()}/queue.db"
    tuned = summary(measure(queue, {}, args.jobs, (0.2, 1.5)))
    default = summary(measure(queue, HUEY_DEFAULTS, args.default_jobs, (1.0, 4.0)))
    print(json.dumps({
        "bench": "queue_latency", "backend": queue.split(":", 1)[0], "jobs": args.jobs,
        "consumer": {k: CONSUMER_OPTIONS[k] for k in ("workers", "initial_delay", "max_delay")},
        "tuned": tuned, "huey_defaults": default,
        "median_ratio_default_over_tuned": round(default["median_ms"] / max(tuned["median_ms"], 0.1), 1),
    }))


if __name__ == "__main__":
    main()
