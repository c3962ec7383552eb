"""Shared fixtures: an app on a fresh database and queue (SQLite by default; PostgreSQL and Redis
when NIGHTDESK_TEST_DATABASE_URL / NIGHTDESK_TEST_QUEUE_URL are set), signed Twilio requests, and
a way to run queued jobs in the test's own thread."""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from app import create_app, migrate
from app.config import PROJECT_ROOT, Config
from app.models import Base, utcnow

SAMPLES = PROJECT_ROOT / "tests" / "fixtures" / "samples"
TWILIO_TOKEN = "test-twilio-auth-token"
PG_URL = os.environ.get("NIGHTDESK_TEST_DATABASE_URL", "")
QUEUE_URL = os.environ.get("NIGHTDESK_TEST_QUEUE_URL", "")
_pg_migrated = False


def pytest_report_header(config):
    return f"nightdesk backends: database={'postgresql' if PG_URL else 'sqlite'} " \
           f"queue={'redis' if QUEUE_URL else 'sqlite'}"


@pytest.fixture
def database_url(tmp_path):
    global _pg_migrated
    if not PG_URL:
        url = f"sqlite:///{tmp_path / 'nightdesk.db'}"
        migrate.upgrade(url)
        return url
    if not _pg_migrated:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:  # a clean schema, then the real migrations
            names = ", ".join([t.name for t in Base.metadata.sorted_tables] + [
                "alembic_version", "slack_installations", "slack_bots", "slack_oauth_states"])
            conn.execute(text(f"DROP TABLE IF EXISTS {names} CASCADE"))
        engine.dispose()
        migrate.upgrade(PG_URL)
        _pg_migrated = True
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        names = ", ".join([t.name for t in Base.metadata.sorted_tables]
                          + ["slack_installations", "slack_bots", "slack_oauth_states"])
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return PG_URL


@pytest.fixture
def queue_url(tmp_path):
    return QUEUE_URL or f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def runbooks_dir(tmp_path):
    target = tmp_path / "runbooks"
    shutil.copytree(PROJECT_ROOT / "runbooks", target)
    return target


class Clock:
    """A controllable clock for timers and waits: starts at now, moves only when told."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def config(tmp_path, database_url, queue_url, runbooks_dir):
    return Config(instance_path=tmp_path / "instance", database_url=database_url,
                  queue_url=queue_url, runbooks_dir=runbooks_dir,
                  twilio_auth_token=TWILIO_TOKEN, public_base_url="https://nightdesk.example")


@pytest.fixture
def make_app(config, clock):
    """make_app(config_changes={...}, **service_overrides) → a Flask app with its own queue."""
    apps = []

    def build(config_changes: dict | None = None, **services):
        cfg = config.replace(**(config_changes or {}))
        services.setdefault("clock", clock)
        if isinstance(services["clock"], Clock) and "limiter" not in services:
            # Send slots on the test's clock too: a page held for its slot runs when the test
            # moves the clock past it, never after a wait in real time.
            from app.ratelimit import SqliteRateLimiter
            fake = services["clock"]
            services["limiter"] = SqliteRateLimiter(
                config.instance_path.parent / f"rate-{len(apps)}.db",
                clock=lambda: fake().replace(tzinfo=timezone.utc).timestamp())
        if QUEUE_URL and "huey" not in services:
            from app.jobs import make_huey
            services["huey"] = make_huey(QUEUE_URL, name=f"nightdesk-test-{uuid.uuid4().hex[:8]}")
        app = create_app(cfg, services=services)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        huey = app.extensions["huey"]
        if QUEUE_URL:
            huey.flush()
        app.extensions["nightdesk"].db.dispose()


def drain(app, rounds: int = 50, scheduled: bool = False) -> int:
    """Run queued jobs in this thread until none are left. With scheduled=True, first move every
    job scheduled for later (retries) into the queue: the test's clock has already been advanced
    past them. Jobs scheduled while draining wait for the next drain(scheduled=True)."""
    huey = app.extensions["huey"]
    if scheduled:
        for task in huey.read_schedule(datetime(2999, 1, 1)):
            task.eta = None
            huey.enqueue(task)
    ran, names = 0, []
    for _ in range(rounds):
        # Asking first keeps a blocking Redis read from waiting out its timeout on an empty queue.
        task = huey.dequeue() if huey.pending_count() else None
        if task is None:
            return ran
        names.append(task.name)
        huey.execute(task)
        ran += 1
    raise AssertionError(f"jobs kept coming: a loop? {names[-10:]}")


def next_incident_id(app, number: int) -> None:
    """Make the next incident's id `number`, without creating a thousand rows: PostgreSQL moves
    its sequence; SQLite (which takes max(id) + 1) gets a resolved placeholder just below."""
    from app.models import Incident
    db = app.extensions["nightdesk"].db
    with db.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT setval('incidents_id_seq', :n)"), {"n": number - 1})
        else:
            s.add(Incident(id=number - 1, customer="placeholder", severity="P4",
                           summary="placeholder", status="resolved"))


def sign(url: str, params: dict, token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class TwilioCaller:
    """Sends Twilio's voice webhooks to the test client, signed as Twilio signs them."""

    def __init__(self, client, call_sid: str | None = None, to: str = "+15555550101",
                 from_: str = "+15555550142", base: str = "https://nightdesk.example"):
        self.client, self.base = client, base
        self.params = {"CallSid": call_sid or "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
                       "From": from_, "To": to, "CallStatus": "in-progress", "Direction": "inbound",
                       "ApiVersion": "2010-04-01", "Caller": from_, "Called": to}

    def post(self, path: str, signature: str | None = None, **extra):
        params = {**self.params, **extra}
        if signature is None:
            signature = sign(self.base + path, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return self.client.post(path, data=params, headers=headers, base_url=self.base)

    def follow(self, response) -> str:
        """The path of the <Redirect>/<Gather action> a TwiML response points at."""
        import xml.etree.ElementTree as ET
        root = ET.fromstring(response.get_data(as_text=True))
        node = root.find("Redirect")
        url = node.text if node is not None else root.find("Gather").get("action")
        return url[len(self.base):] if url.startswith(self.base) else url


@pytest.fixture(scope="module")
def books():
    """The shipped example runbooks, as triage sees them."""
    from app.bootstrap import channels_for as channels
    from app.runbooks import RunbookStore
    return RunbookStore(PROJECT_ROOT / "runbooks", channels(Config()))


@pytest.fixture
def slack():
    """A loopback fake Slack (webhooks and Web API) with Slack's 1-per-second limit per target."""
    from .fakes.slack import FakeSlack
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def teams():
    """A loopback Teams Workflows webhook that accepts every card (202, as Workflows answers)."""
    from .fakes.http import FakeServer, Reply
    fake = FakeServer(lambda request: Reply(202, ""))
    yield fake
    fake.close()


@pytest.fixture
def llm_server():
    """A loopback OpenAI-compatible endpoint answering from a script."""
    from .fakes.openai import FakeOpenAI
    fake = FakeOpenAI()
    yield fake
    fake.close()


def recording_channels():
    """A channel registry of fakes that record what they were asked to send: (registry, slack)."""
    from app.paging import ChannelRegistry
    from app.paging.recording import RecordingChannel
    slack = RecordingChannel("slack")
    return ChannelRegistry([slack, RecordingChannel("email")]), slack
