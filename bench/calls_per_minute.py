"""Complete calls per minute with one, then two, web+worker pairs (each pair a gunicorn with the
Procfile's settings and a `python -m app.worker`) on one database and queue, and the ratio.

--callers callers each dial their own customer (their own Slack webhook) and play whole calls one
after another (greeting, a scope question, the final message, hang-up; the hold's <Pause>s
waited out) until --calls calls have been played, spread over the pairs' web servers in turn.
Loopback LLM (1.5 s), ConnectWise (0.5 s) and Slack (0.3 s) fakes. A call is complete when the
caller heard the final message and its page reached Slack. Calls per minute = complete calls ÷
the time from the first ring to the last hang-up. Target (issue 10): ratio ≥ 1.8.

    python bench/calls_per_minute.py [--callers 20] [--calls 40] [--pairs 1,2] [--runs 3]
                                     [--database postgresql://…] [--queue redis://…]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calls import median, rounded, run_calls  # noqa: E402
from bench.last_words_to_page import arrivals  # noqa: E402
from bench.stack import Stack, tag_of  # noqa: E402

TARGET_RATIO = 1.8


def one_run(args, pairs: int) -> dict:
    stack = Stack(customers=args.callers, pairs=pairs, database=args.database, queue=args.queue)
    try:
        records = run_calls(stack.urls, stack.numbers, args.callers, args.calls)
        pages = arrivals(stack, records, timeout=30)
    finally:
        stack.close()
    complete = [r for r in records if r.completed and tag_of(r.caller_id) in pages]
    makespan = max(r.finished for r in records) - min(r.started for r in records)
    return {"calls": len(records), "complete": len(complete), "makespan_s": makespan,
            "calls_per_minute": len(complete) / makespan * 60 if makespan else None}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callers", type=int, default=20, help="calls in progress at once")
    parser.add_argument("--calls", type=int, default=40, help="calls per measurement")
    parser.add_argument("--pairs", default="1,2", help="web+worker pairs to compare")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", default="")
    parser.add_argument("--queue", default="")
    args = parser.parse_args(argv)
    pair_counts = [int(p) for p in args.pairs.split(",")]
    out = {}
    for pairs in pair_counts:
        per = [one_run(args, pairs) for _ in range(args.runs)]
        out[str(pairs)] = {key: rounded(median([p[key] for p in per]), 2) for key in per[0]}
    first, last = out[str(pair_counts[0])], out[str(pair_counts[-1])]
    ratio = (last["calls_per_minute"] / first["calls_per_minute"]
             if first["calls_per_minute"] and last["calls_per_minute"] else None)
    print(json.dumps({"bench": "calls_per_minute", "runs": args.runs, "callers": args.callers,
                      "database": (args.database or "sqlite").split(":")[0].split("+")[0],
                      "queue": (args.queue or "sqlite").split(":")[0], "pairs": out,
                      "ratio": rounded(ratio, 2), "target_ratio": TARGET_RATIO}))


if __name__ == "__main__":
    main()
