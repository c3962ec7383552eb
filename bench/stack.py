"""NightDesk as production runs it, for the benchmarks: `pairs` × (gunicorn web with the Procfile's
own settings + `python -m app.worker`) on one database and queue, talking to loopback fakes that
answer with fixed latencies (LLM, ConnectWise, Slack) in a process of their own, so the fakes'
clocks and threads never wait on the benchmark's caller threads.

Every process is started here and stopped by close(): gunicorn gets SIGTERM, workers SIGINT,
anything still running after 20 s is killed."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-twilio-auth-token"
PROCFILE_WEB = next(line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines()
                    if line.startswith("web:"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(app_spec: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    """gunicorn exactly as the Procfile's web: line runs it, on 127.0.0.1:port, serving app_spec."""
    line = PROCFILE_WEB.replace("${HOST:-0.0.0.0}", "127.0.0.1").replace("${PORT:-5000}", str(port))
    argv = [app_spec if arg == "wsgi:app" else arg for arg in shlex.split(line)]
    argv[0] = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.2)


def stop(processes: list[subprocess.Popen], signum=signal.SIGTERM, grace: float = 20) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


class Stack:
    """`customers` runbooks (numbers +1555777NNNN), customer i paging Slack webhook i % webhooks."""

    def __init__(self, customers: int, pairs: int = 1, database: str = "", queue: str = "",
                 llm_s: float = 1.5, cw_s: float = 0.5, slack_s: float = 0.3, webhooks: int = 0,
                 workers_per_pair: int = 1):
        self.tmp = Path(tempfile.mkdtemp(prefix="nightdesk-bench-"))
        self.latencies = {"llm_s": llm_s, "connectwise_s": cw_s, "slack_s": slack_s}
        self.webs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self._fakes = subprocess.Popen(
            [sys.executable, "-m", "bench.vendor_fakes", str(llm_s), str(cw_s), str(slack_s)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.fake_urls = json.loads(self._fakes.stdout.readline())
            self.numbers = self._write_runbooks(customers, webhooks or customers)
            self.database = database or f"sqlite:///{self.tmp / 'nightdesk.db'}"
            self.queue = queue or f"sqlite:///{self.tmp / 'queue.db'}"
            self._fresh_backends()
            env = self._env()
            self.urls = []
            for n in range(pairs):
                port = free_port()
                self.webs.append(gunicorn("wsgi:app", port, env, self.tmp / f"web{n}.log"))
                for w in range(workers_per_pair):
                    self.workers.append(subprocess.Popen(
                        [sys.executable, "-m", "app.worker"], cwd=ROOT, env=env,
                        stdout=open(self.tmp / f"worker{n}-{w}.log", "ab"), stderr=subprocess.STDOUT))
                self.urls.append(f"http://127.0.0.1:{port}")
            for url in self.urls:
                wait_http(url + "/healthz")
            for n, worker in enumerate(self.workers):  # from the consumers' first poll, not start-up
                log = self.tmp / f"worker{n // workers_per_pair}-{n % workers_per_pair}.log"
                deadline = time.monotonic() + 60
                while b"Huey consumer started" not in log.read_bytes():
                    if worker.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("worker did not start:\n" + self.logs())
                    time.sleep(0.1)
        except BaseException:
            self.close()
            raise

    def _write_runbooks(self, customers: int, webhooks: int) -> list[str]:
        (self.tmp / "runbooks").mkdir()
        numbers = []
        for i in range(customers):
            number = f"+1555777{i:04d}"
            numbers.append(number)
            (self.tmp / "runbooks" / f"bench{i}.yaml").write_text(
                f'name: Bench Customer {i}\nmatch:\n  numbers: ["{number}"]\n'
                f'connectwise:\n  company: Bench{i}\n  board: "Help Desk - After Hours"\n'
                f'escalation_rules:\n  - trigger: "site-wide outage / multiple users affected"\n'
                f'    page: "{self.fake_urls["slack"]}{self.hook(i % webhooks)}"\n    method: slack\n'
                f'    severity: P1\n')
        return numbers

    @staticmethod
    def hook(n: int) -> str:
        return f"/services/bench{n}/hook"

    def _fresh_backends(self) -> None:
        from sqlalchemy import create_engine, text

        from app import migrate
        from app.jobs import make_huey
        from app.models import Base
        migrate.upgrade(self.database)
        if self.database.startswith("postgresql"):  # earlier runs' work must not reach the sweep
            engine = create_engine(self.database)
            with engine.begin() as conn:
                conn.execute(text("TRUNCATE " + ", ".join(t.name for t in Base.metadata.sorted_tables)
                                  + " RESTART IDENTITY CASCADE"))
            engine.dispose()
        make_huey(self.queue).flush()

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("NIGHTDESK_", "SLACK_", "TWILIO_", "OPENAI_", "CONNECTWISE_",
                                    "SMTP_", "PROMETHEUS_", "PUBLIC_BASE_URL", "DATABASE_URL", "QUEUE_URL"))}
        env.update({
            "DATABASE_URL": self.database, "QUEUE_URL": self.queue, "PYTHONUNBUFFERED": "1",
            "NIGHTDESK_INSTANCE_PATH": str(self.tmp / "instance"),
            "NIGHTDESK_RUNBOOKS_DIR": str(self.tmp / "runbooks"),
            "NIGHTDESK_SECRET_KEY": "bench-secret-key-0123456789",
            "NIGHTDESK_SLACK_WEBHOOK_HOSTS": "127.0.0.1", "TWILIO_AUTH_TOKEN": TOKEN,
            "OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": self.fake_urls["llm"] + "/v1",
            "CONNECTWISE_BASE_URL": self.fake_urls["connectwise"] + "/v4_6_release/apis/3.0",
            "CONNECTWISE_COMPANY": "msp", "CONNECTWISE_PUBLIC_KEY": "pub",
            "CONNECTWISE_PRIVATE_KEY": "priv", "CONNECTWISE_CLIENT_ID": "bench-client-id",
            "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        })
        return env

    def slack_posts(self) -> dict[str, list[tuple[float, str]]]:
        """Messages the Slack fake accepted, by webhook path: [(time.monotonic(), text)]."""
        with urllib.request.urlopen(self.fake_urls["slack"] + "/_state", timeout=10) as response:
            state = json.loads(response.read())
        return {target: [(at, text) for at, text in sent] for target, sent in state["accepted"].items()}

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-tail:]}"
                         for p in sorted(self.tmp.glob("*.log")))

    def close(self) -> None:
        stop(self.webs, signal.SIGTERM)
        stop(self.workers, signal.SIGINT)
        self._fakes.stdin.close()  # the fakes stop when their stdin closes
        stop([self._fakes], grace=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


class StaticTwiML:
    """bench/static_twiml.py under the same gunicorn settings: the floor any webhook can reach."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="nightdesk-static-"))
        port = free_port()
        self.web = gunicorn("bench.static_twiml:app", port, {**os.environ, "PYTHONPATH": str(ROOT)},
                            self.tmp / "static.log")
        self.urls = [f"http://127.0.0.1:{port}"]
        try:
            wait_http(self.urls[0] + "/healthz")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        stop([self.web])
        shutil.rmtree(self.tmp, ignore_errors=True)


def tag_of(number: str) -> str:
    """The word the LLM fake puts in each call's summary (letters: never redacted as a number)."""
    return "call" + "".join(chr(ord("a") + int(d)) for d in re.sub(r"\D", "", number)[-7:])
