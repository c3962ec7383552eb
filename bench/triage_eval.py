"""Triage on the dev set and the held-out set: severity, who gets woken, where the page goes.

Each call is played the way the voice intake plays it: the agent hears say[0]; each follow-up
question is classified (scope / security / company / callback: the fallback's Decision carries
`question_kind`, an LLM's question is classified from its words) and answered with
answers[kind] if the call has one, else the caller's next unused say[] item, else "I'm not sure."

Prints one JSON line per set and path: severity accuracy, paging recall and precision (paged =
the decision's severity is in the runbook's page_severities; truth = the `wake` label, for dev
calls without one: severity P1/P2), routing right on paged calls (security → a rule whose trigger
says security; outage → any other rule), mean turns, latency median/p95, tokens, and the
fallback's own cost per decision.

    .venv/bin/python bench/triage_eval.py [--set dev|fresh|heldout|heldout_b|both|all]
                                          [--heldout PATH]
                                          [--llm] [--show-misses]

Sets: `dev` (triage_cases, triage_dev_extra, dev_more: tuned on), `fresh` (dev_fresh: written
before the issue-9 rework, reported on its own), `heldout` and `heldout_b` (two writers, never
tuned on; B only when named); `both` = dev + heldout, `all` = dev, fresh and heldout.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bootstrap import channels_for as channels  # noqa: E402
from app.config import Config  # noqa: E402
from app.runbooks import SEVERITIES, RunbookStore  # noqa: E402
from app.triage import TriageAgent, TriageContext, fallback_decide  # noqa: E402
from app.triage.openai_llm import OpenAILLM  # noqa: E402
from app.triage.questions import classify_question  # noqa: E402

CASES = ROOT / "tests" / "data" / "triage_cases.yaml"
DEV = [CASES, ROOT / "tests" / "data" / "triage_dev_extra.yaml"]  # on runbooks/
DEV_MORE = ROOT / "tests" / "data" / "dev_more" / "calls.yaml"  # held-out format, own runbooks
DEV_FRESH = ROOT / "tests" / "data" / "dev_fresh" / "calls.yaml"  # same format, other customers
DEV_FRESH_B2 = DEV_FRESH.parent / "batch2.yaml"  # its second batch, same runbooks
HELDOUT = ROOT / "tests" / "data" / "heldout" / "calls.yaml"
HELDOUT_B = ROOT / "tests" / "data" / "heldout_b" / "calls.yaml"  # a second writer, 2026-11-25
NOT_SURE = "I'm not sure."
MAX_TURNS = 6


def load_cases(*paths: Path) -> list[dict]:
    cases = []
    for path in paths or (CASES,):
        if Path(path).exists():
            cases += yaml.safe_load(Path(path).read_text()) or []
    return cases


def set_groups(name: str, heldout: Path = HELDOUT) -> list[tuple[list[dict], Path, RunbookStore]]:
    """A set's calls grouped by the runbooks they are played against: [(calls, dir, store)].
    A held-out-format file's runbooks are the `runbooks/` directory beside it; [] when absent."""
    if name == "dev":
        groups = [(load_cases(*DEV), ROOT / "runbooks"),
                  (load_cases(DEV_MORE), DEV_MORE.parent / "runbooks")]
    elif name == "fresh":
        groups = [(load_cases(DEV_FRESH, DEV_FRESH_B2), DEV_FRESH.parent / "runbooks")]
    elif name == "heldout_b" and HELDOUT_B.exists():
        groups = [(load_cases(HELDOUT_B), HELDOUT_B.parent / "runbooks")]
    elif name == "heldout" and Path(heldout).exists():
        groups = [(load_cases(heldout), Path(heldout).parent / "runbooks")]
    else:
        return []
    return [(cases, folder, store(folder)) for cases, folder in groups if cases]


def load_set(name: str, heldout: Path = HELDOUT) -> list[tuple[dict, RunbookStore]] | None:
    """A set's calls, each with the runbooks it is played against; None when the file is absent."""
    groups = set_groups(name, heldout)
    return [(case, books) for cases, _, books in groups for case in cases] or None


def store(runbooks_dir: Path) -> RunbookStore:
    return RunbookStore(runbooks_dir, channels(Config()))


def answer_for(case: dict, kind: str, unused: list[str]) -> str:
    answers = case.get("answers") or {}
    if answers.get(kind):
        return str(answers[kind])
    return unused.pop(0) if unused else NOT_SURE


def converse(agent: TriageAgent, books: RunbookStore, case: dict) -> dict:
    """Play one call through the agent the way the voice intake does."""
    book = books.get(case["customer"]) or books.default()
    caller_id = str(case.get("caller_id", "+15555550142"))
    unused = [case["say"]] if isinstance(case["say"], str) else list(case["say"])
    turns, prompt, latencies, kinds, tokens = [], book.greeting or "greeting", [], [], 0
    speech = unused.pop(0)
    while True:
        turns.append((prompt, speech))
        if book.is_default:  # an unknown caller who names a customer gets that runbook
            book = next((b for _, s in turns if (b := books.find_by_name(s))), None) or book
        ctx = TriageContext(book, turns, caller_id=caller_id, force_final=len(turns) >= MAX_TURNS)
        started = time.perf_counter()
        decision = agent.decide(ctx)
        latencies.append((time.perf_counter() - started) * 1000)
        tokens += decision.tokens
        if decision.company and book.is_default:
            book = books.find_by_name(decision.company) or book
        if decision.action == "final":
            return {"decision": decision, "turns": len(turns), "latency_ms": latencies,
                    "book": book, "asked": kinds, "tokens": tokens, "ctx": ctx}
        prompt = decision.question
        kind = decision.question_kind or classify_question(prompt)
        kinds.append(kind)
        speech = answer_for(case, kind, unused)


def truth(case: dict, books: RunbookStore) -> tuple[bool, str]:
    """(wake, kind) of a call: labelled, or derived for dev calls from severity and rule."""
    wake = case.get("wake", case["severity"] in ("P1", "P2"))
    kind = case.get("kind")
    if kind is None:
        book = books.get(case.get("named") or case["customer"]) or books.default()
        rule = book.rule(case.get("rule"))
        kind = "other" if rule is None else ("security" if "security" in rule.trigger.lower()
                                             else "outage")
    return bool(wake), kind


def evaluate(agent: TriageAgent, books: RunbookStore, cases: list[dict]) -> tuple[dict, list]:
    return evaluate_calls(agent, [(case, books) for case in cases])


def evaluate_calls(agent: TriageAgent, calls: list[tuple[dict, RunbookStore]]) -> tuple[dict, list]:
    matrix = {e: {p: 0 for p in SEVERITIES} for e in SEVERITIES}
    misses, latencies, turns, fallback_ms, tokens = [], [], [], [], 0
    tp = fp = fn = routed = routed_right = 0
    for case, books in calls:
        out = converse(agent, books, case)
        got, book = out["decision"], out["book"]
        wake, kind = truth(case, books)
        matrix[case["severity"]][got.severity] += 1
        latencies += out["latency_ms"]
        turns.append(out["turns"])
        tokens += out["tokens"]
        started = time.perf_counter()
        fallback_decide(out["ctx"])
        fallback_ms.append((time.perf_counter() - started) * 1000)
        paged = book.pages_for(got.severity)
        tp, fp, fn = tp + (paged and wake), fp + (paged and not wake), fn + (wake and not paged)
        right = True
        if paged and kind in ("security", "outage"):
            rule = book.rule(got.rule) or (book.rules[0] if book.rules else None)
            says_security = rule is not None and "security" in rule.trigger.lower()
            right = says_security == (kind == "security")
            routed, routed_right = routed + 1, routed_right + right
        if got.severity != case["severity"] or paged != wake or not right:
            misses.append({"id": case["id"], "expected": [case["severity"], wake, kind],
                           "got": [got.severity, paged, got.rule], "asked": out["asked"],
                           "reason": got.reason})
    total = len(calls)
    figures = {
        "calls": total,
        "severity_accuracy": _ratio(sum(matrix[s][s] for s in SEVERITIES), total),
        "paging_recall": _ratio(tp, tp + fn), "paging_precision": _ratio(tp, tp + fp),
        "paged": tp + fp, "should_wake": tp + fn,
        "routing_right_on_paged": _ratio(routed_right, routed),
        "mean_turns": round(statistics.mean(turns), 2) if turns else None,
        "latency_ms_median": _pct(latencies, 0.5), "latency_ms_p95": _pct(latencies, 0.95),
        "fallback_ms_median": _pct(fallback_ms, 0.5), "fallback_ms_p95": _pct(fallback_ms, 0.95),
        "tokens": tokens, "confusion_expected_by_predicted": matrix,
    }
    return figures, misses


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(statistics.median(ordered) if q == 0.5 else ordered[int(q * (len(ordered) - 1))], 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("dev", "fresh", "heldout", "heldout_b", "both", "all"),
                        default="both")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--llm", action="store_true",
                        help="also run the LLM path (OPENAI_API_KEY, OPENAI_BASE_URL, "
                             "NIGHTDESK_TRIAGE_MODEL)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    config = Config.from_env()
    paths = [("fallback", lambda: TriageAgent(None, ROOT / "prompts"))]
    if args.llm:
        if not config.openai_api_key:
            parser.error("--llm needs OPENAI_API_KEY")
        llm = OpenAILLM(config.openai_api_key.get_secret_value(), config.triage_model,
                        config.openai_base_url, timeout=config.triage_timeout)
        paths.append(("llm", lambda: TriageAgent(llm, ROOT / "prompts")))
    # Held-out set B only when asked for by name: it was measured once, and stays a held-out
    # figure only if it is not printed by every routine run.
    names = {"both": ("dev", "heldout"), "all": ("dev", "fresh", "heldout")}.get(args.set,
                                                                               (args.set,))
    for name in names:
        loaded = load_set(name, args.heldout)
        if loaded is None:
            print(json.dumps({"bench": "triage_eval", "set": name,
                              "skipped": f"{HELDOUT_B if name == 'heldout_b' else args.heldout} "
                                         "not found"}))
            continue
        for path, make in paths:
            figures, misses = evaluate_calls(make(), loaded)
            print(json.dumps({"bench": "triage_eval", "set": name, "path": path,
                              **({"model": config.triage_model} if path == "llm" else {}),
                              **figures}), flush=True)
            if args.show_misses:
                for miss in misses:
                    print("  miss", json.dumps(miss), file=sys.stderr)


if __name__ == "__main__":
    main()
