"""Helpers for the fault tests: real `python -m app.worker` processes, a redis-server of the
test's own on a free port, and a loopback Slack webhook that answers slowly."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from app.config import PROJECT_ROOT

from .fakes.http import FakeServer, Reply


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, every: float = 0.1):
    """check()'s first truthy answer, or None once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(every)


class SlowSlack(FakeServer):
    """Slack incoming webhooks that take `delay` seconds to answer ok (or `status`)."""

    def __init__(self, delay: float = 3.0, status: int = 200):
        self.delay, self.status = delay, status
        super().__init__(lambda request: Reply(self.status, "ok" if self.status == 200 else "error",
                                               delay=self.delay))

    def posts(self, path: str) -> list[float]:
        """When each message to this webhook arrived (time.monotonic)."""
        with self.lock:
            return [r.at for r in self.requests if r.path == path]


def write_runbook(directory: Path, name: str, number: str, page: str) -> None:
    (directory / f"{name}.yaml").write_text(f"""name: {name.title()}
match:
  numbers: ["{number}"]
escalation_rules:
  - trigger: "anything urgent"
    page: "{page}"
    method: slack
""")


def worker_env(config, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIGHTDESK_", "SLACK_", "TWILIO_"))}
    env.update({
        "NIGHTDESK_INSTANCE_PATH": str(config.instance_path),
        "DATABASE_URL": config.database_url, "QUEUE_URL": config.queue_url,
        "NIGHTDESK_RUNBOOKS_DIR": str(config.runbooks_dir),
        "NIGHTDESK_SLACK_WEBHOOK_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class WorkerProcess:
    """`python -m app.worker` as the Procfile runs it, its output in a log file."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self.out = open(log, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=PROJECT_ROOT,
                                        env=env, stdout=self.out, stderr=subprocess.STDOUT)
        started = wait_until(lambda: b"Huey consumer started" in log.read_bytes()
                             or self.process.poll() is not None, timeout=30)
        assert started and self.process.poll() is None, self.output()

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:]

    def signal(self, signum) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.out.close()


class RedisServer:
    """A redis-server of the test's own (never the shared one): no persistence, a fixed port so
    that it can be killed and started again where the clients expect it."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.binary = shutil.which("redis-server")
        self.workdir, self.port = workdir, port or free_port()
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers():
            try:
                return client.ping()
            except redis.exceptions.ConnectionError:
                return False
        assert wait_until(answers, timeout=10), "redis-server did not start"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (initdb, pg_ctl), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (never the shared server): initdb into a fresh
    directory, pg_ctl on a free port, stopped and started again where the clients expect it.
    initdb refuses to run as root, so as root it runs as the `postgres` OS user."""

    def __init__(self, bindir: Path):
        import tempfile
        self.bindir, self.port = bindir, free_port()
        # Not under pytest's tmp_path: those directories are 0700 root, which `postgres` can't enter.
        self.root = Path(tempfile.mkdtemp(prefix="nightdesk-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            import pwd
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8")
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(self.prefix + [str(self.bindir / tool), *args], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, f"{tool} failed: {done.stdout[-2000:]} {done.stderr[-2000:]}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                  "-c max_connections=60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except AssertionError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


class WebProcess:
    """gunicorn as the Procfile's web: runs it (2 workers x 8 threads), on a free port."""

    def __init__(self, env: dict, log: Path, port: int):
        self.log, self.port = log, port
        self.out = open(log, "ab")
        command = ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8", "--timeout",
                   "30", "--access-logfile", "-", "wsgi:app"]
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", *command],
                                        cwd=PROJECT_ROOT, env=env, stdout=self.out,
                                        stderr=subprocess.STDOUT)
        import requests

        def up():
            if self.process.poll() is not None:
                return True
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except requests.RequestException:
                return False
        assert wait_until(up, timeout=30) and self.process.poll() is None, self.output()

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.out.close()


class HttpCaller:
    """One caller's Twilio webhooks to a real web server, signed as Twilio signs them, following
    the TwiML to the end of the call. Every answer is kept for the test to judge."""

    def __init__(self, base: str, token: str, call_sid: str, to: str, from_: str = "+15555550142"):
        import requests
        self.http, self.base, self.token = requests.Session(), base, token
        self.params = {"CallSid": call_sid, "AccountSid": "AC" + "1" * 32, "From": from_, "To": to,
                       "CallStatus": "in-progress", "Direction": "inbound",
                       "ApiVersion": "2010-04-01", "Caller": from_, "Called": to}
        self.answers: list[tuple[str, int, str]] = []  # (path, status, body)

    def post(self, url: str, **extra) -> str:
        from twilio.request_validator import RequestValidator
        url = url if url.startswith("http") else self.base + url
        params = {**self.params, **extra}
        signature = RequestValidator(self.token).compute_signature(url, params)
        response = self.http.post(url, data=params, headers={"X-Twilio-Signature": signature},
                                  timeout=20)
        self.answers.append((url[len(self.base):], response.status_code, response.text))
        return response.text if response.status_code == 200 else ""

    def call(self, said: str, answer: str = "Everyone in the office is affected",
             max_steps: int = 60) -> str:
        """The whole call: ring, speak, answer any question, hold until goodbye, hang up. Returns
        what NightDesk said last."""
        import xml.etree.ElementTree as ET
        body, last = self.post("/voice/incoming"), ""
        spoke = False
        for _ in range(max_steps):
            try:
                root = ET.fromstring(body)
            except ET.ParseError:
                break
            last = " ".join(n.text or "" for n in root.iter("Say")) or last
            gather, redirect = root.find("Gather"), root.find("Redirect")
            if gather is not None:
                body = self.post(gather.get("action"), SpeechResult=answer if spoke else said,
                                 Confidence="0.9")
                spoke = True
            elif redirect is not None:
                time.sleep(float((root.find("Pause").get("length") if root.find("Pause") is not None
                                  else 0)) * 0.5)
                body = self.post(redirect.text)
            else:
                break
        self.post("/voice/status", CallStatus="completed")
        return last
