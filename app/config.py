"""Settings from the environment, validated once at start-up.

Every variable is optional: with none set NightDesk runs on the embedded default (SQLite database
and queue under instance/, the example runbooks, local tickets). A variable that is set but
invalid raises ConfigError whose message is one line naming the variable and what is wrong.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SLACK_CHANNEL = re.compile(r"^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A set-but-invalid environment variable; str() is one line naming it."""


@dataclass(frozen=True)
class Config:
    instance_path: Path = PROJECT_ROOT / "instance"
    database_url: str = ""
    queue_url: str = ""
    runbooks_dir: Path = PROJECT_ROOT / "runbooks"
    runbook_max_bytes: int = 1_000_000               # a larger file is refused unread
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    public_base_url: str = ""
    debug: bool = False
    insecure_dev: bool = False

    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_api_url: str = ""

    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = ""
    triage_model: str = "gpt-4o-mini"
    triage_timeout: float = 4.0
    # How long a caller may wait for the LLM before the rule-based fallback decides.
    fallback_after: float = 8.0

    connectwise_base_url: str = ""
    connectwise_company: str = ""
    connectwise_public_key: str = ""
    connectwise_private_key: str = field(default="", repr=False)
    connectwise_client_id: str = ""
    connectwise_ui_url: str = ""       # where technicians open tickets (default: from the API host)
    connectwise_timeout: float = 5.0

    slack_webhook: str = ""
    slack_webhook_hosts: tuple[str, ...] = ("hooks.slack.com",)
    slack_api_url: str = ""
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_client_id: str = ""
    slack_client_secret: str = field(default="", repr=False)
    teams_webhook: str = ""
    # Bot mode routing for rules with page "": per-severity channels, then the workspace default.
    slack_channel: str = ""
    slack_severity_channels: dict = field(default_factory=dict)

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    email_from: str = ""
    # MSP-wide default email: pages for an email rule with page "", and the last resort for a P1
    # whose every route failed (after NIGHTDESK_SLACK_WEBHOOK).
    alert_email: str = ""
    # Signs incident links in pages; several web hosts must share it.
    secret_key: str = field(default="", repr=False)
    link_ttl_days: int = 7                            # how long those links work
    # A P1 not delivered anywhere this many seconds after it opened pages its fallback route, or
    # else the MSP alert, while the first route keeps retrying.
    p1_delivery_deadline: float = 60.0
    # The MSP's wall clock for times in pages (an IANA name); a runbook's `timezone:` overrides it.
    timezone: str = "UTC"
    # Request bodies larger than this are refused with 413 before they are read: Twilio's
    # webhooks and Slack's payloads are a few KiB (NIGHTDESK_MAX_REQUEST_BYTES).
    max_request_bytes: int = 64 * 1024
    # Where a call is kept on disk while the database can't take it (NIGHTDESK_SPOOL_DIR; default
    # instance/spool), drained into the normal intake by the worker once the database is back.
    spool_dir: Path | None = None
    # The MSP's own phone number, told to a caller when nothing at all could store their call
    # (NIGHTDESK_MSP_PHONE, E.164).
    msp_phone: str = ""

    extra: dict = field(default_factory=dict)

    @property
    def connectwise_enabled(self) -> bool:
        return bool(self.connectwise_base_url)

    @property
    def slack_bot_token_or_app(self) -> bool:
        """Bot mode: a single-workspace token, or an installable app (OAuth)."""
        return bool(self.slack_bot_token or (self.slack_client_id and self.slack_client_secret))

    @property
    def openai_enabled(self) -> bool:
        return bool(self.openai_api_key)

    def replace(self, **changes) -> "Config":
        return dataclasses.replace(self, **changes)

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'nightdesk.db'}"

    def resolved_spool_dir(self) -> Path:
        return Path(self.spool_dir or Path(self.instance_path) / "spool")

    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{self.instance_path / 'queue.db'}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Config":
        env = dict(os.environ if env is None else env)
        r = _Reader(env)
        debug = r.flag("FLASK_DEBUG")
        insecure = r.flag("NIGHTDESK_INSECURE_DEV")
        if insecure and not debug:
            raise ConfigError(
                "NIGHTDESK_INSECURE_DEV: turns Twilio signature checks off and is refused "
                "outside debug mode (set FLASK_DEBUG=1 for local development only)")
        cfg = cls(
            instance_path=Path(r.text("NIGHTDESK_INSTANCE_PATH") or PROJECT_ROOT / "instance"),
            database_url=r.database_url("DATABASE_URL"),
            queue_url=r.queue_url("QUEUE_URL"),
            runbooks_dir=r.directory("NIGHTDESK_RUNBOOKS_DIR", PROJECT_ROOT / "runbooks"),
            runbook_max_bytes=r.size("NIGHTDESK_RUNBOOK_MAX_BYTES", 1_000_000, 1_000, 100_000_000),
            public_base_url=r.url("PUBLIC_BASE_URL").rstrip("/"),
            debug=debug,
            insecure_dev=insecure,
            twilio_account_sid=r.twilio_sid("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=r.text("TWILIO_AUTH_TOKEN"),
            twilio_from_number=r.e164("TWILIO_FROM_NUMBER"),
            twilio_api_url=r.url("TWILIO_API_URL").rstrip("/"),
            openai_api_key=r.text("OPENAI_API_KEY"),
            openai_base_url=r.url("OPENAI_BASE_URL").rstrip("/"),
            triage_model=r.text("NIGHTDESK_TRIAGE_MODEL") or "gpt-4o-mini",
            connectwise_base_url=r.url("CONNECTWISE_BASE_URL").rstrip("/"),
            connectwise_company=r.text("CONNECTWISE_COMPANY"),
            connectwise_public_key=r.text("CONNECTWISE_PUBLIC_KEY"),
            connectwise_private_key=r.text("CONNECTWISE_PRIVATE_KEY"),
            connectwise_client_id=r.text("CONNECTWISE_CLIENT_ID"),
            connectwise_ui_url=r.url("CONNECTWISE_UI_URL").rstrip("/"),
            slack_webhook_hosts=r.hosts("NIGHTDESK_SLACK_WEBHOOK_HOSTS", ("hooks.slack.com",)),
            slack_api_url=r.url("SLACK_API_URL"),
            slack_bot_token=r.text("SLACK_BOT_TOKEN"),
            slack_signing_secret=r.text("SLACK_SIGNING_SECRET"),
            slack_client_id=r.text("SLACK_CLIENT_ID"),
            slack_client_secret=r.text("SLACK_CLIENT_SECRET"),
            teams_webhook=r.url("NIGHTDESK_TEAMS_WEBHOOK"),
            slack_channel=r.slack_channel("NIGHTDESK_SLACK_CHANNEL"),
            slack_severity_channels=r.severity_channels("NIGHTDESK_SLACK_SEVERITY_CHANNELS"),
            smtp_host=r.text("SMTP_HOST"),
            smtp_port=r.port("SMTP_PORT", 587),
            smtp_username=r.text("SMTP_USERNAME"),
            smtp_password=r.text("SMTP_PASSWORD"),
            smtp_starttls=r.bool("SMTP_STARTTLS", True),
            email_from=r.email("NIGHTDESK_EMAIL_FROM"),
            alert_email=r.email("NIGHTDESK_ALERT_EMAIL"),
            secret_key=r.secret("NIGHTDESK_SECRET_KEY"),
            link_ttl_days=r.days("NIGHTDESK_LINK_TTL_DAYS", 7),
            timezone=r.timezone("NIGHTDESK_TIMEZONE"),
            max_request_bytes=r.size("NIGHTDESK_MAX_REQUEST_BYTES", 64 * 1024, 4096, 16 * 1024 * 1024),
            p1_delivery_deadline=r.seconds("NIGHTDESK_P1_DELIVERY_DEADLINE_S", 60.0, 5, 3600),
            spool_dir=Path(r.text("NIGHTDESK_SPOOL_DIR")) if r.text("NIGHTDESK_SPOOL_DIR") else None,
            msp_phone=r.e164("NIGHTDESK_MSP_PHONE"),
        )
        webhook = r.url("NIGHTDESK_SLACK_WEBHOOK")
        if webhook and urlsplit(webhook).hostname not in cfg.slack_webhook_hosts:
            raise ConfigError(
                f"NIGHTDESK_SLACK_WEBHOOK: host {urlsplit(webhook).hostname!r} is not in "
                f"NIGHTDESK_SLACK_WEBHOOK_HOSTS ({', '.join(cfg.slack_webhook_hosts)})")
        cfg = cfg.replace(slack_webhook=webhook)
        _check_connectwise(cfg)
        if bool(cfg.slack_client_id) != bool(cfg.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if cfg.slack_client_id else "SLACK_CLIENT_ID"
            raise ConfigError(f"{missing}: required with the other for Slack app installs (OAuth)")
        return cfg


def _check_connectwise(cfg: Config) -> None:
    names = {
        "CONNECTWISE_BASE_URL": cfg.connectwise_base_url,
        "CONNECTWISE_COMPANY": cfg.connectwise_company,
        "CONNECTWISE_PUBLIC_KEY": cfg.connectwise_public_key,
        "CONNECTWISE_PRIVATE_KEY": cfg.connectwise_private_key,
        "CONNECTWISE_CLIENT_ID": cfg.connectwise_client_id,
    }
    given = [k for k, v in names.items() if v]
    if given and len(given) != len(names):
        missing = next(k for k, v in names.items() if not v)
        raise ConfigError(f"{missing}: required when {given[0]} is set (ConnectWise needs all five)")
    if cfg.connectwise_ui_url:
        parts = urlsplit(cfg.connectwise_ui_url)
        if not cfg.connectwise_base_url:
            raise ConfigError("CONNECTWISE_UI_URL: only used with CONNECTWISE_BASE_URL (set both, or neither)")
        if parts.query or parts.fragment:
            raise ConfigError(f"CONNECTWISE_UI_URL: expected the site address without ?query or #fragment, "
                              f"like https://na.myconnectwise.net, got {_shown(cfg.connectwise_ui_url)}")


class _Reader:
    def __init__(self, env: dict[str, str]):
        self.env = env

    def text(self, name: str) -> str:
        return self.env.get(name, "").strip()

    def flag(self, name: str) -> bool:
        return self.bool(name, False)

    def bool(self, name: str, default: bool) -> bool:
        raw = self.text(name).lower()
        if name not in self.env:
            return default
        if raw in TRUE_WORDS:
            return True
        if raw in FALSE_WORDS:
            return False
        raise ConfigError(f"{name}: expected true or false, got {raw!r}")

    def url(self, name: str) -> str:
        raw = self.text(name)
        if not raw:
            return ""
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{name}: expected an http(s) URL, got {_shown(raw)}")
        return raw

    def port(self, name: str, default: int) -> int:
        raw = self.text(name)
        if not raw:
            return default
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise ConfigError(f"{name}: expected a port number 1-65535, got {raw!r}")
        return int(raw)

    def days(self, name: str, default: int) -> int:
        return self._whole(name, default, 1, 366, "a whole number of days 1-366")

    def size(self, name: str, default: int, low: int, high: int) -> int:
        return self._whole(name, default, low, high, f"a number of bytes {low}-{high}")

    def _whole(self, name: str, default: int, low: int, high: int, expected: str) -> int:
        raw = self.text(name)
        if not raw:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ConfigError(f"{name}: expected {expected}, got {raw!r}")
        return int(raw)

    def seconds(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN and inf fail here too
            raise ConfigError(f"{name}: expected a number of seconds from {low:g} to {high:g}, "
                              f"got {raw!r}")
        return value

    def directory(self, name: str, default: Path) -> Path:
        raw = self.text(name)
        if not raw:
            return default
        path = Path(raw)
        if not path.is_dir():
            raise ConfigError(f"{name}: {raw!r} is not a directory")
        return path

    def e164(self, name: str) -> str:
        raw = self.text(name)
        if raw and not is_e164(raw):
            raise ConfigError(f"{name}: expected an E.164 number like +15551234567, got {raw!r}")
        return raw

    def email(self, name: str) -> str:
        raw = self.text(name)
        if raw and not is_email(raw):
            raise ConfigError(f"{name}: expected an email address, got {raw!r}")
        return raw

    def secret(self, name: str) -> str:
        raw = self.text(name)
        if raw and len(raw) < 16:
            raise ConfigError(f"{name}: too short: use at least 16 random characters")
        return raw

    def timezone(self, name: str) -> str:
        raw = self.text(name)
        if raw and not is_timezone(raw):
            raise ConfigError(f"{name}: expected an IANA time zone like America/New_York, got {raw!r}")
        return raw or "UTC"

    def slack_channel(self, name: str) -> str:
        raw = self.text(name)
        if raw and not SLACK_CHANNEL.match(raw):
            raise ConfigError(f"{name}: expected a channel like #alerts or C0123456789, got {raw!r}")
        return raw

    def severity_channels(self, name: str) -> dict:
        raw = self.text(name)
        out = {}
        for part in filter(None, (p.strip() for p in raw.split(","))):
            sev, _, channel = part.partition("=")
            sev, channel = sev.strip().upper(), channel.strip()
            if sev not in ("P1", "P2", "P3", "P4") or not SLACK_CHANNEL.match(channel):
                raise ConfigError(f"{name}: expected P1=#channel,P2=#channel, got {part!r}")
            out[sev] = channel
        return out

    def twilio_sid(self, name: str) -> str:
        raw = self.text(name)
        if raw and not (raw.startswith("AC") and len(raw) == 34):
            raise ConfigError(f"{name}: expected a 34-character SID starting with AC")
        return raw

    def hosts(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        raw = self.text(name)
        if not raw:
            return default
        hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
        bad = [h for h in hosts if "/" in h or ":" in h or " " in h]
        if bad or not hosts:
            raise ConfigError(f"{name}: expected comma-separated host names, got {raw!r}")
        return hosts

    def database_url(self, name: str) -> str:
        raw = self.text(name)
        if not raw:
            return ""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
        try:
            url = make_url(raw)
        except ArgumentError:
            raise ConfigError(f"{name}: not a database URL ({_shown(raw)})") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ConfigError(f"{name}: expected sqlite:/// or postgresql://, got {url.drivername}")
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            # psycopg 3 is what requirements.txt installs; plain postgresql:// would want psycopg2.
            raw = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return raw

    def queue_url(self, name: str) -> str:
        raw = self.text(name)
        if not raw:
            return ""
        scheme = urlsplit(raw).scheme
        if scheme not in ("sqlite", "redis", "rediss"):
            raise ConfigError(f"{name}: expected sqlite:///path or redis://host:port/db, got {_shown(raw)}")
        if scheme == "sqlite" and not raw.startswith("sqlite:///"):
            raise ConfigError(f"{name}: a SQLite queue URL is sqlite:///path/to/queue.db")
        return raw


def _shown(raw: str) -> str:
    """A value safe to print: URLs lose their userinfo so a password never reaches a log."""
    parts = urlsplit(raw)
    if parts.password or parts.username:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        raw = parts._replace(netloc=netloc).geturl()
    return repr(raw)


def is_e164(value: str) -> bool:
    if not value.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number) and \
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == value


def is_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain and " " not in value and "/" not in domain)


def is_timezone(value: str) -> bool:
    """An IANA zone name the zoneinfo database knows (America/New_York, Europe/London, UTC)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    if not value or value != value.strip() or value.startswith("/") or ".." in value:
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
