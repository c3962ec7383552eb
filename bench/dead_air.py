"""The caller's dead air per turn, minus the LLM's own latency: from the /voice/gather request to
the TwiML that speaks the next question or the final message, following the hold's redirects as
Twilio does (each <Pause> waited out). Whole calls (a scope question, then the final message) at
each concurrency level, through gunicorn + `python -m app.worker` and loopback LLM (1.5 s),
ConnectWise (0.5 s) and Slack (0.3 s) fakes.

Target (issue 10): at 50 concurrent calls, dead air per turn ≤ the LLM's latency + 1 s, i.e.
over_llm ≤ 1 s. The final turn also waits for the ticket and the page's first answer (the caller
hears the ticket number and whether a technician is being paged), so it is reported apart.

    python bench/dead_air.py [--levels 1,50] [--min-calls 3] [--runs 3]
                             [--database postgresql://…] [--queue redis://…]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calls import bench_parser, medians_by_level, percentile, run_calls  # noqa: E402
from bench.stack import Stack  # noqa: E402

TARGET_OVER_LLM_S = 1.0


def one_level(args, level: int) -> dict:
    stack = Stack(customers=level, database=args.database, queue=args.queue, llm_s=args.llm_s,
                  workers_per_pair=args.workers_per_pair)
    try:
        records = run_calls(stack.urls, stack.numbers, level, max(level, args.min_calls))
    finally:
        stack.close()
    over = {kind: [air - args.llm_s for r in records for k, air in r.turns if kind in ("all", k)]
            for kind in ("all", "ask", "final")}
    return {"calls": len(records), "completed": sum(r.completed for r in records),
            "turns": len(over["all"]),
            "over_llm_p50_s": percentile(over["all"], 50), "over_llm_p99_s": percentile(over["all"], 99),
            "question_turn_over_llm_p50_s": percentile(over["ask"], 50),
            "question_turn_over_llm_p99_s": percentile(over["ask"], 99),
            "final_turn_over_llm_p50_s": percentile(over["final"], 50),
            "final_turn_over_llm_p99_s": percentile(over["final"], 99)}


def main(argv=None) -> None:
    parser = bench_parser("1,50", "concurrent calls")
    parser.add_argument("--min-calls", type=int, default=3, help="calls per level at least")
    parser.add_argument("--llm-s", type=float, default=1.5, help="the LLM fake's latency")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    out = medians_by_level(one_level, args, levels)
    top = out[str(max(levels))]
    print(json.dumps({"bench": "dead_air", "runs": args.runs, "llm_s": args.llm_s,
                      "target_over_llm_s": TARGET_OVER_LLM_S,
                      "meets_target_p99": top["over_llm_p99_s"] is not None
                      and top["over_llm_p99_s"] <= TARGET_OVER_LLM_S,
                      "database": (args.database or "sqlite").split(":")[0].split("+")[0],
                      "queue": (args.queue or "sqlite").split(":")[0], "levels": out}))


if __name__ == "__main__":
    main()
