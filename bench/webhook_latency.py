"""Webhook latency under load: NightDesk's voice webhooks against a bare static-TwiML app served
the same way (bench/static_twiml.py under the Procfile's gunicorn settings).

At each concurrency level, that many callers play whole calls at once (/voice/incoming,
/voice/gather with speech, /voice/next polls with their <Pause> until a question or the end,
/voice/status), with gunicorn + `python -m app.worker` and loopback LLM (1.5 s), ConnectWise
(0.5 s) and Slack (0.3 s) fakes behind NightDesk. Prints one JSON line: per level, the p50 and
p99 of every webhook request for both apps, the ratio of the p99s, and NightDesk's p99 per webhook
(incoming_p99_ms, gather_p99_ms, next_p99_ms, status_p99_ms); medians over --runs.

    python bench/webhook_latency.py [--levels 1,10,50] [--min-calls 3] [--runs 3]
                                    [--database postgresql://…] [--queue redis://…]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calls import median, percentile, rounded, run_calls  # noqa: E402
from bench.stack import Stack, StaticTwiML  # noqa: E402


def latencies_ms(records, path: str = "") -> list[float]:
    return [seconds * 1000 for record in records for where, seconds in record.requests
            if path in ("", where)]


PATHS = ("/voice/incoming", "/voice/gather", "/voice/next", "/voice/status")


def one_run(args, levels: list[int]) -> dict[int, dict]:
    stack = Stack(customers=max(levels), database=args.database, queue=args.queue)
    try:
        static = StaticTwiML()
    except BaseException:
        stack.close()
        raise
    figures = {}
    try:
        for level in levels:
            calls = max(level, args.min_calls)
            ours = run_calls(stack.urls, stack.numbers, level, calls)
            floor = run_calls(static.urls, stack.numbers, level, calls)
            mine, base = latencies_ms(ours), latencies_ms(floor)
            figures[level] = {
                "calls": calls, "completed": sum(r.completed for r in ours),
                "requests": len(mine), "p50_ms": percentile(mine, 50), "p99_ms": percentile(mine, 99),
                "static_requests": len(base), "static_p50_ms": percentile(base, 50),
                "static_p99_ms": percentile(base, 99)}
            for path in PATHS:  # which webhook makes the tail
                figures[level][path.split("/")[-1] + "_p99_ms"] = percentile(latencies_ms(ours, path), 99)
            time.sleep(1)  # let the worker finish the level's pages before the next one
    finally:
        static.close()
        stack.close()
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="1,10,50", help="concurrent calls, comma-separated")
    parser.add_argument("--min-calls", type=int, default=3, help="calls per level at least")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", default="")
    parser.add_argument("--queue", default="")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    runs = [one_run(args, levels) for _ in range(args.runs)]
    out = {}
    for level in levels:
        per = [run[level] for run in runs]
        row = {key: median([p[key] for p in per]) for key in per[0]}
        ratios = [p["p99_ms"] / p["static_p99_ms"] for p in per if p["p99_ms"] and p["static_p99_ms"]]
        row = {k: rounded(v, 1) for k, v in row.items()}
        row["p99_ratio"] = rounded(median(ratios), 2)
        out[str(level)] = row
    print(json.dumps({"bench": "webhook_latency", "runs": args.runs,
                      "database": (args.database or "sqlite").split(":")[0].split("+")[0],
                      "queue": (args.queue or "sqlite").split(":")[0], "levels": out}))


if __name__ == "__main__":
    main()
