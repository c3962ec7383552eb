"""A storm of pages through real worker processes against a Slack fake that enforces one message
per second per webhook (429 + Retry-After beyond it).

N incidents across C customers, each customer with its own webhook. Workers are
`python -m app.worker` processes, as in production. Prints one JSON line: delivered, dropped,
duplicates, rejected (429s drawn), makespan and makespan ÷ the limit's theoretical minimum
((ceil(N/C) - 1) seconds). Target: nothing dropped or duplicated, ratio ≤ 1.10.

    python bench/page_storm.py [--incidents 60] [--channels 3] [--workers 2]
                               [--database postgresql://…] [--queue redis://…]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app, incidents, migrate  # noqa: E402
from app.config import Config  # noqa: E402
from app.triage import Decision  # noqa: E402
from tests.fakes.slack import LIMIT_S, FakeSlack  # noqa: E402


def write_runbooks(directory: Path, slack: FakeSlack, channels: int) -> list[str]:
    numbers = []
    for n in range(channels):
        number = f"+1555555{n:04d}"
        numbers.append(number)
        (directory / f"storm{n}.yaml").write_text(
            f'name: Storm {n}\nmatch:\n  numbers: ["{number}"]\nescalation_rules:\n'
            f'  - trigger: "anything"\n    page: "{slack.url}/services/storm{n}/hook"\n    method: slack\n')
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=60)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (each with its lanes' threads)")
    parser.add_argument("--database", default="")
    parser.add_argument("--queue", default="")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="page-storm-"))
    (tmp / "runbooks").mkdir()
    slack = FakeSlack()
    numbers = write_runbooks(tmp / "runbooks", slack, args.channels)
    env = {**os.environ, "NIGHTDESK_INSTANCE_PATH": str(tmp / "instance"),
           "NIGHTDESK_RUNBOOKS_DIR": str(tmp / "runbooks"),
           "NIGHTDESK_SLACK_WEBHOOK_HOSTS": "127.0.0.1",
           "DATABASE_URL": args.database or f"sqlite:///{tmp / 'nightdesk.db'}",
           "QUEUE_URL": args.queue or f"sqlite:///{tmp / 'queue.db'}"}
    config = Config.from_env(env)
    migrate.upgrade(config.resolved_database_url())
    app = create_app(config)
    app.extensions["huey"].flush()
    svc = app.extensions["nightdesk"]

    workers = [subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(args.workers)]
    try:
        time.sleep(3)  # let the consumers start polling
        started = time.monotonic()
        for i in range(args.incidents):
            call, _ = incidents.start_call(svc, f"CAstorm{i}-{time.time_ns()}", "+15555550142",
                                           numbers[i % args.channels])
            incidents.open_incident(svc, call.id, Decision(
                action="final", severity="P1", summary=f"storm {i}", rule=0, path="fallback", reason="bench"))
        deadline = started + args.incidents / args.channels * 3 + 60
        while time.monotonic() < deadline and sum(map(len, slack.accepted.values())) < args.incidents:
            time.sleep(0.1)
        time.sleep(2)  # catch late duplicates
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            worker.wait(30)
        slack.close()

    sent = [(at, payload["text"].split(" · ")[2].splitlines()[0])
            for target in slack.accepted.values() for at, payload in target]
    unique = {summary for _, summary in sent}
    last = max((at for at, _ in sent), default=started)
    makespan = last - started
    minimum = (math.ceil(args.incidents / args.channels) - 1) * LIMIT_S
    print(json.dumps({
        "bench": "page_storm", "incidents": args.incidents, "channels": args.channels,
        "worker_processes": args.workers, "database": config.resolved_database_url().split(":")[0],
        "queue": config.resolved_queue_url().split(":")[0],
        "delivered": len(unique), "dropped": args.incidents - len(unique),
        "duplicates": len(sent) - len(unique), "rejected_429": len(slack.rejected),
        "makespan_s": round(makespan, 2), "theoretical_min_s": minimum,
        "ratio": round(makespan / minimum, 3) if minimum else None,
    }))


if __name__ == "__main__":
    main()
