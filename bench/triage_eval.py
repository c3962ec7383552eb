"""Triage accuracy on tests/data/triage_cases.yaml: the fallback, and the LLM when OPENAI_API_KEY
is set. Each case is a short conversation: the agent hears the first utterance, and every
follow-up question it asks is answered with the next one. Prints one JSON line per path:
accuracy, P1 recall and precision, rule accuracy, confusion matrix, mean turns, latency.

    python bench/triage_eval.py [--cases tests/data/triage_cases.yaml] [--show-misses]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bootstrap import channels  # noqa: E402
from app.config import Config  # noqa: E402
from app.runbooks import SEVERITIES, RunbookStore  # noqa: E402
from app.triage import TriageAgent, TriageContext  # noqa: E402
from app.triage.llm import OpenAILLM  # noqa: E402

CASES = ROOT / "tests" / "data" / "triage_cases.yaml"


def load_cases(path: Path = CASES) -> list[dict]:
    return yaml.safe_load(path.read_text())


def converse(agent: TriageAgent, books: RunbookStore, case: dict) -> dict:
    """Play one case through the agent the way the voice intake does."""
    book = books.get(case["customer"]) or books.default()
    caller_id = case.get("caller_id", "+15555550142")
    said = list(case["say"])
    turns, prompt, latencies = [], book.greeting or "greeting", []
    while True:
        turns.append((prompt, said.pop(0)))
        if book.is_default:  # an unknown caller who names a customer gets that runbook
            named = next((b for _, s in turns if (b := books.find_by_name(s))), None)
            book = named or book
        started = time.perf_counter()
        decision = agent.decide(TriageContext(book, turns, caller_id=caller_id, force_final=not said))
        latencies.append((time.perf_counter() - started) * 1000)
        if decision.company and book.is_default:
            book = books.find_by_name(decision.company) or book
        if decision.action == "final":
            return {"decision": decision, "turns": len(turns), "latency_ms": latencies,
                    "customer": book.customer}
        prompt = decision.question


def evaluate(agent: TriageAgent, books: RunbookStore, cases: list[dict]) -> tuple[dict, list]:
    matrix = {e: {p: 0 for p in SEVERITIES} for e in SEVERITIES}
    misses, latencies, turns, rule_hits, rule_total, customer_hits = [], [], [], 0, 0, 0
    for case in cases:
        out = converse(agent, books, case)
        got = out["decision"]
        matrix[case["severity"]][got.severity] += 1
        latencies += out["latency_ms"]
        turns.append(out["turns"])
        if case.get("rule") is not None:
            rule_total += 1
            rule_hits += got.rule == case["rule"]
        if "named" in case:
            customer_hits += out["customer"] == case["named"]
        if got.severity != case["severity"] or (case.get("rule") is not None and got.rule != case["rule"]):
            misses.append({"id": case["id"], "expected": [case["severity"], case.get("rule")],
                           "got": [got.severity, got.rule], "reason": got.reason})
    total = len(cases)
    correct = sum(matrix[s][s] for s in SEVERITIES)
    p1_true = matrix["P1"]["P1"]
    p1_expected = sum(matrix["P1"].values())
    p1_predicted = sum(matrix[e]["P1"] for e in SEVERITIES)
    named = sum(1 for c in cases if "named" in c)
    figures = {
        "cases": total,
        "accuracy": round(correct / total, 3),
        "p1_recall": round(p1_true / p1_expected, 3) if p1_expected else None,
        "p1_precision": round(p1_true / p1_predicted, 3) if p1_predicted else None,
        "within_one_level": round(sum(matrix[e][p] for e in SEVERITIES for p in SEVERITIES
                                      if abs(int(e[1]) - int(p[1])) <= 1) / total, 3),
        "rule_accuracy": round(rule_hits / rule_total, 3) if rule_total else None,
        "company_named_accuracy": round(customer_hits / named, 3) if named else None,
        "mean_turns": round(statistics.mean(turns), 2),
        "latency_ms_median": round(statistics.median(latencies), 2),
        "latency_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 2),
        "confusion_expected_by_predicted": matrix,
    }
    return figures, misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    config = Config.from_env()
    books = RunbookStore(ROOT / "runbooks", channels(config))
    cases = load_cases(args.cases)
    paths = [("fallback", TriageAgent(None, ROOT / "prompts"))]
    if os.environ.get("OPENAI_API_KEY"):
        llm = OpenAILLM(config.openai_api_key, config.triage_model, config.openai_base_url,
                        timeout=config.triage_timeout)
        paths.append(("llm", TriageAgent(llm, ROOT / "prompts")))
    for name, agent in paths:
        figures, misses = evaluate(agent, books, cases)
        print(json.dumps({"bench": "triage_eval", "path": name, **figures}))
        if args.show_misses:
            for miss in misses:
                print("  miss", json.dumps(miss), file=sys.stderr)


if __name__ == "__main__":
    main()
