"""The one wiring place: real adapters from Config, or fakes handed in by tests."""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Callable

from huey.api import Huey
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app import ratelimit
from app.config import Config
from app.incidents import Services, Work
from app.jobs import make_huey, register
from app.models import Database
from app.paging import ChannelRegistry
from app.paging.call import CallChannel
from app.paging.email import EmailChannel
from app.paging.slack import SlackChannel
from app.paging.sms import SmsChannel
from app.paging.teams import TeamsChannel
from app.runbooks import RunbookStore
from app.runbooks.archive import DbArchive
from app.slack.store import bot_token_finder
from app.ratelimit import RateLimiter
from app.tickets import TicketSystem
from app.tickets import autotask, connectwise, halopsa
from app.tickets.callers import CallerLookup
from app.tickets.local import LocalTickets
from app.tickets.registry import PSARegistry
from app.triage import TriageAgent
from app.triage.cache import DbDecisionCache
from app.triage.breaker import LLMBreaker
from app.triage.openai_llm import OpenAILLM


def channels_for(config: Config, db: Database | None = None) -> ChannelRegistry:
    token_for = None
    if db is not None and config.slack_client_id:
        token_for = bot_token_finder(config, db.engine)
    slack = SlackChannel(default_webhook=config.slack_webhook, allowed_hosts=config.slack_webhook_hosts,
                         bot_token=config.slack_bot_token.get_secret_value(), api_url=config.slack_api_url,
                         token_for=token_for, bot_mode=config.slack_bot_token_or_app,
                         severity_channels=config.slack_severity_channels,
                         default_channel=config.slack_channel)
    calls = CallChannel(account_sid=config.twilio_account_sid,
                        auth_token=config.twilio_auth_token.get_secret_value(),
                        from_number=config.twilio_from_number, api_url=config.twilio_api_url,
                        webhook_base=config.public_base_url + "/voice/page" if config.public_base_url else "")
    return ChannelRegistry([
        slack,
        TeamsChannel(default_webhook=config.teams_webhook),
        EmailChannel(host=config.smtp_host, port=config.smtp_port, username=config.smtp_username,
                     password=config.smtp_password.get_secret_value(), starttls=config.smtp_starttls,
                     sender=config.email_from, default_to=config.alert_email),
        SmsChannel(account_sid=config.twilio_account_sid,
                   auth_token=config.twilio_auth_token.get_secret_value(),
                   from_number=config.twilio_from_number, api_url=config.twilio_api_url,
                   status_callback=config.public_base_url + "/sms/status" if config.public_base_url else ""),
        calls,
    ], live=slack, calls=calls)


# Every PSA NightDesk can open tickets in: the configured one is used (none: local tickets).
PSAS = PSARegistry([connectwise.PSA_ENTRY, autotask.PSA_ENTRY, halopsa.PSA_ENTRY], otherwise=LocalTickets)


def tickets_for(config: Config) -> TicketSystem:
    return PSAS.build(config)


def triage_for(config: Config, db: Database) -> TriageAgent:
    llm = None
    if config.openai_enabled:
        llm = LLMBreaker(OpenAILLM(config.openai_api_key.get_secret_value(), config.triage_model,
                                   config.openai_base_url, timeout=config.triage_timeout),
                         config.llm_breaker_failures, config.llm_breaker_cool_off)
    return TriageAgent(llm, config.prompts_dir, cache=DbDecisionCache(db))


def build(config: Config, *, huey: Huey | None = None, db: Database | None = None,
          channels: ChannelRegistry | None = None, runbooks: RunbookStore | None = None,
          triage: TriageAgent | None = None, tickets: TicketSystem | None = None,
          limiter: RateLimiter | None = None, work: Work | None = None,
          clock: Callable[[], datetime] | None = None) -> tuple[Services, Huey]:
    """Services for this process and the Huey instance that runs their jobs. A test replaces any
    piece by name (a name that isn't one of these is a TypeError, not silently ignored)."""
    huey = huey or make_huey(config.resolved_queue_url())
    db = db or reachable(Database(config.resolved_database_url()))
    registry = channels or channels_for(config, db)
    services = Services(
        config=config,
        db=db,
        runbooks=runbooks or RunbookStore(
            config.runbooks_dir, registry, archive=DbArchive(db), background=True,
            max_bytes=config.runbook_max_bytes),
        triage=triage or triage_for(config, db),
        tickets=tickets or tickets_for(config),
        channels=registry,
        work=None,
        limiter=limiter or ratelimit.for_queue(config.resolved_queue_url()),
        secret_key=config.secret_key.get_secret_value() or instance_secret(config, "secret-key"),
    )
    services.callers = CallerLookup(services.tickets)
    if clock is not None:
        services.clock = clock
    queued = register(huey, lambda: services)
    services.work = work or queued
    return services, huey


class Unreachable(Exception):
    """A backing service that doesn't answer at start-up; str() is one line."""


def reachable(db: Database) -> Database:
    """Connect once now, so a database that is down stops start-up with one line instead of a
    traceback from the first job or request."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.dispose()
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        shown = make_url(db.url).render_as_string(hide_password=True)
        raise Unreachable(f"database unreachable: DATABASE_URL {shown}: {reason}") from None
    return db


def twilio_token(config: Config) -> str:
    """TWILIO_AUTH_TOKEN, or a per-install secret kept in instance/ so that signature checks stay
    on in the embedded default: `simulate-call` signs with it, and real Twilio traffic is refused
    until the real token is set."""
    return config.twilio_auth_token.get_secret_value() or instance_secret(config, "dev-twilio-token")


def instance_secret(config: Config, name: str) -> str:
    """A random secret made once and kept in instance/ (readable by this user only)."""
    path = Path(config.instance_path) / name
    if not path.exists():
        # Web workers start together: write aside, then link into place, so the first one wins
        # and every process reads the same secret.
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}")
        tmp.write_text(secrets.token_hex(16))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
