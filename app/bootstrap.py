"""The one wiring place: real adapters from Config, or fakes handed in by tests."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app import ratelimit
from app.config import Config
from app.incidents import Services
from app.jobs import make_huey, register
from app.models import Database
from app.paging import ChannelRegistry
from app.paging.email import EmailChannel
from app.paging.slack import SlackChannel
from app.paging.sms import SmsChannel
from app.paging.teams import TeamsChannel
from app.runbooks import RunbookStore
from app.runbooks.archive import DbArchive
from app.slack.store import bot_token_finder
from app.tickets.connectwise import ConnectWiseTickets
from app.tickets.local import LocalTickets
from app.triage import TriageAgent
from app.triage.cache import DbDecisionCache
from app.triage.llm import OpenAILLM


def channels(config: Config, db: Database | None = None) -> ChannelRegistry:
    token_for = None
    if db is not None and config.slack_client_id:
        token_for = bot_token_finder(config, db.engine)
    return ChannelRegistry([
        SlackChannel(default_webhook=config.slack_webhook, allowed_hosts=config.slack_webhook_hosts,
                     bot_token=config.slack_bot_token, api_url=config.slack_api_url,
                     token_for=token_for),
        TeamsChannel(default_webhook=config.teams_webhook),
        EmailChannel(host=config.smtp_host, port=config.smtp_port, username=config.smtp_username,
                     password=config.smtp_password, starttls=config.smtp_starttls,
                     sender=config.email_from, default_to=config.alert_email),
        SmsChannel(account_sid=config.twilio_account_sid, auth_token=config.twilio_auth_token,
                   from_number=config.twilio_from_number, api_url=config.twilio_api_url,
                   status_callback=config.public_base_url + "/sms/status" if config.public_base_url else ""),
    ])


def tickets(config: Config):
    if not config.connectwise_enabled:
        return LocalTickets()
    return ConnectWiseTickets(config.connectwise_base_url, config.connectwise_company,
                              config.connectwise_public_key, config.connectwise_private_key,
                              config.connectwise_client_id, timeout=config.connectwise_timeout,
                              ui_url=config.connectwise_ui_url,
                              retry_timeout=config.connectwise_retry_timeout)


def triage(config: Config, db: Database) -> TriageAgent:
    llm = None
    if config.openai_enabled:
        llm = OpenAILLM(config.openai_api_key, config.triage_model, config.openai_base_url,
                        timeout=config.triage_timeout)
    return TriageAgent(llm, config.prompts_dir, cache=DbDecisionCache(db))


def build(config: Config, **overrides) -> tuple[Services, object]:
    """Services for this process and the Huey instance that runs their jobs."""
    huey = overrides.pop("huey", None) or make_huey(config.resolved_queue_url())
    db = overrides.pop("db", None) or reachable(Database(config.resolved_database_url()))
    registry = overrides.pop("channels", None) or channels(config, db)
    services = Services(
        config=config,
        db=db,
        runbooks=overrides.pop("runbooks", None) or RunbookStore(
            config.runbooks_dir, registry, archive=DbArchive(db), background=True,
            max_bytes=config.runbook_max_bytes),
        triage=overrides.pop("triage", None) or triage(config, db),
        tickets=overrides.pop("tickets", None) or tickets(config),
        channels=registry,
        work=None,
        limiter=overrides.pop("limiter", None) or ratelimit.for_queue(config.resolved_queue_url()),
        secret_key=config.secret_key or instance_secret(config, "secret-key"),
    )
    work = register(huey, lambda: services)
    services.work = overrides.pop("work", None) or work
    for name, value in overrides.items():
        setattr(services, name, value)
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
    return config.twilio_auth_token or instance_secret(config, "dev-twilio-token")


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
