"""The evaluation bench: both sets, the held-out format, questions answered by their kind."""
import json
import os
import subprocess
import sys

from app.config import PROJECT_ROOT
from app.triage import TriageAgent
from bench.triage_eval import converse, load_cases, store

SAMPLE = PROJECT_ROOT / "tests" / "data" / "triage_format_sample" / "calls.yaml"


def bench(*args, env=None) -> list[dict]:
    out = subprocess.run([sys.executable, "bench/triage_eval.py", *args], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=300, check=True, env=env)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def test_the_bench_reports_the_dev_set_and_a_held_out_format_file_one_line_each():
    dev, held = bench("--heldout", str(SAMPLE))
    assert (dev["set"], held["set"]) == ("dev", "heldout") and held["calls"] == 4
    for line in (dev, held):
        for key in ("severity_accuracy", "paging_recall", "paging_precision",
                    "routing_right_on_paged", "mean_turns", "latency_ms_median", "latency_ms_p95",
                    "fallback_ms_median"):
            assert line[key] is not None, key
        assert line["fallback_ms_median"] < 5  # bounded cost: well under 5 ms a decision
    assert dev["calls"] >= 120 and dev["paging_recall"] >= 0.95


def test_a_missing_held_out_file_is_skipped_with_a_note(tmp_path):
    [line] = bench("--set", "heldout", "--heldout", str(tmp_path / "calls.yaml"))
    assert "skipped" in line and "not found" in line["skipped"]


def test_each_question_gets_the_answer_for_its_kind_and_later_scope_overrides():
    books = store(SAMPLE.parent / "runbooks")
    cases = {c["id"]: c for c in load_cases(SAMPLE)}
    agent = TriageAgent(None, PROJECT_ROOT / "prompts")
    shrink = converse(agent, books, cases["sample-whole-server-one-folder"])
    assert shrink["asked"] == ["scope"] and shrink["decision"].severity == "P3"
    assert shrink["decision"].rule is None
    grow = converse(agent, books, cases["sample-tills-all-bakeries"])
    assert grow["asked"] == ["scope"] and grow["decision"].severity == "P1"
    assert grow["decision"].rule == 1  # the outage rule, though the security rule comes first
    confirmed = converse(agent, books, cases["sample-approved-prompt"])
    assert confirmed["asked"] == ["callback", "security"]
    assert (confirmed["decision"].severity, confirmed["decision"].rule) == ("P1", 0)
    named = converse(agent, books, cases["sample-unknown-caller-question"])
    assert named["asked"] == ["company"] and named["book"].customer == "maple-bakery"


def test_the_llm_path_runs_on_any_openai_compatible_endpoint_with_tokens_and_latency(llm_server):
    from .fakes.http import Reply
    from .fakes.openai import completion, decision
    llm_server.handler = lambda request: Reply(200, completion(decision(severity="P3")))
    env = {**os.environ, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": llm_server.base_url,
           "NIGHTDESK_TRIAGE_MODEL": "gpt-test"}
    fallback, llm = bench("--set", "heldout", "--heldout", str(SAMPLE), "--llm", env=env)
    assert (fallback["path"], llm["path"], llm["model"]) == ("fallback", "llm", "gpt-test")
    assert llm["calls"] == 4 and llm["tokens"] > 0 and llm["latency_ms_median"] > 0
    # a model that says P3 to everything is judged as it is: no first turn here states a security
    # indicator or a stopped business outright, so the guardrail raises nothing
    assert (llm["paged"], llm["paging_recall"], llm["paging_precision"]) == (0, 0.0, None)
