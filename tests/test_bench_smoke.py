"""The benchmarks in bench/ at their smallest (one or two calls each, through real gunicorn and
`python -m app.worker` processes and the loopback fakes): each ends by itself, cleans up, and
prints one JSON line with its figures. Only shape and sanity are checked here, never speed:
speed is what the benchmarks themselves report."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.paging.slack import SEND_INTERVAL

pytestmark = [pytest.mark.fault, pytest.mark.timeout(240)]
SMALLEST = {
    "webhook_latency": ["--levels", "1", "--min-calls", "1"],
    "dead_air": ["--levels", "1", "--min-calls", "1"],
    "last_words_to_page": ["--levels", "2", "--webhooks", "1"],
    "calls_per_minute": ["--callers", "1", "--calls", "1", "--pairs", "1,2"],
}


@pytest.fixture(scope="module")
def printed():
    """Every benchmark's output, run side by side to keep the suite short."""
    started = {name: subprocess.Popen([sys.executable, f"bench/{name}.py", *args], cwd=PROJECT_ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, args in SMALLEST.items()}
    results = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=200)
        results[name] = (process.returncode, out, err)
    return results


def ours_still_running() -> list[str]:
    """Servers, workers and fakes started from this clone that are still running."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            argv = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            if os.readlink(proc / "cwd") == str(PROJECT_ROOT) and any(
                    "gunicorn" in a or a in ("app.worker", "bench.vendor_fakes") for a in argv):
                found.append(" ".join(argv))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def line_of(printed, name) -> dict:
    results = printed
    code, out, err = results[name]
    assert code == 0, err[-3000:]
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    figures = json.loads(lines[0])
    assert figures["bench"] == name
    return figures


def test_benchmarks_leave_no_process_behind(printed):
    for name in SMALLEST:
        line_of(printed, name)
    assert not ours_still_running()


def test_webhook_latency_compares_with_static_twiml(printed):
    level = line_of(printed, "webhook_latency")["levels"]["1"]
    assert level["completed"] == 1 and level["requests"] >= 6 and level["static_requests"] >= 6
    assert 0 < level["static_p50_ms"] <= level["static_p99_ms"] < 10_000
    assert 0 < level["p50_ms"] <= level["p99_ms"] < 10_000
    assert all(level[f"{hook}_p99_ms"] > 0 for hook in ("incoming", "gather", "next", "status"))
    assert level["p99_ratio"] == pytest.approx(level["p99_ms"] / level["static_p99_ms"], rel=0.02)


def test_dead_air_counts_each_turn_after_the_llm(printed):
    figures = line_of(printed, "dead_air")
    level = figures["levels"]["1"]
    assert level["completed"] == 1 and level["turns"] == 2  # the scope question, then the end
    # Dead air can't undercut the LLM's answer: the turn waits for it.
    assert 0 <= level["question_turn_over_llm_p50_s"] < 30 and 0 <= level["final_turn_over_llm_p50_s"] < 30
    assert isinstance(figures["meets_target_p99"], bool)


def test_last_words_to_page_reports_the_rate_limit_apart(printed):
    figures = line_of(printed, "last_words_to_page")
    level = figures["levels"]["2"]
    assert level["calls"] == 2 and level["paged"] == 2 and level["webhooks"] == 1
    # Two pages into one webhook at once: the second owes Slack's limit, which is counted apart:
    # at most one send interval, less when the two callers' last words were apart (a loaded
    # machine spreads them).
    assert 0 < level["rate_limit_spacing_max_s"] <= SEND_INTERVAL + 0.01
    assert level["delay_p50_s"] >= figures["vendor_latencies_s"]
    assert 1.0 <= level["ratio_p50"] <= level["ratio_max"] < 20


def test_calls_per_minute_compares_one_and_two_pairs(printed):
    figures = line_of(printed, "calls_per_minute")
    for pairs in ("1", "2"):
        row = figures["pairs"][pairs]
        assert row["calls"] == row["complete"] == 1
        assert 0 < row["calls_per_minute"] < 60 and row["makespan_s"] > 0
    assert figures["ratio"] == pytest.approx(
        figures["pairs"]["2"]["calls_per_minute"] / figures["pairs"]["1"]["calls_per_minute"], rel=0.02)
