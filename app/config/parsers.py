"""A variable's text → its value, or ValueError saying what was expected (without the name:
app.config.errors puts the variable's name in front).

Each type checks a str as it checks a variable's text, whether it came from the environment or
from a keyword (Config(queue_url=...), Config.replace). Any other Python value (a Path, a tuple,
an int) is taken as given, as it always was; pydantic still coerces it to the field's type.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Callable
from urllib.parse import urlsplit

from pydantic import BeforeValidator, SecretStr
from pydantic_settings import NoDecode

from app.config.checks import SLACK_CHANNEL, is_e164, is_email, is_timezone, shown

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _text_only(parse: Callable[[str], object]) -> BeforeValidator:
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


def _flag(raw: str) -> bool:
    raw = raw.strip().lower()
    if raw in TRUE_WORDS or raw in FALSE_WORDS:
        return raw in TRUE_WORDS
    raise ValueError(f"expected true or false, got {raw!r}")


def _url(raw: str) -> str:
    try:
        parts = urlsplit(raw)
        good = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a bracketed host that is no IPv6 address
        good = False
    if raw and not good:
        raise ValueError(f"expected an http(s) URL, got {shown(raw)}")
    return raw


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"expected a port number 1-65535, got {raw!r}")
    return int(raw)


def _whole(low: int, high: int, expected: str) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ValueError(f"expected {expected}, got {raw!r}")
        return int(raw)
    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN and inf fail here too
            raise ValueError(f"expected a number of seconds from {low:g} to {high:g}, got {raw!r}")
        return value
    return parse


def _directory(raw: str) -> Path:
    if not Path(raw).is_dir():
        raise ValueError(f"{raw!r} is not a directory")
    return Path(raw)


def _matching(test: Callable[[str], bool], expected: str, quote: bool = True) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw and not test(raw):
            raise ValueError(f"expected {expected}, got {raw!r}" if quote else f"expected {expected}")
        return raw
    return parse


def _secret_key(raw: str) -> SecretStr:
    if raw and len(raw) < 16:
        raise ValueError("too short: use at least 16 random characters")
    return SecretStr(raw)


def _severity_channels(raw: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        sev, _, channel = part.partition("=")
        sev, channel = sev.strip().upper(), channel.strip()
        if sev not in ("P1", "P2", "P3", "P4") or not SLACK_CHANNEL.match(channel):
            raise ValueError(f"expected P1=#channel,P2=#channel, got {part!r}")
        out[sev] = channel
    return out


def _hosts(raw: str) -> tuple[str, ...]:
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    if not hosts or [h for h in hosts if "/" in h or ":" in h or " " in h]:
        raise ValueError(f"expected comma-separated host names, got {raw!r}")
    return hosts


def _database_url(raw: str) -> str:
    if not raw:
        return ""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ValueError(f"not a database URL ({shown(raw)})") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"expected sqlite:/// or postgresql://, got {url.drivername}")
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        # psycopg 3 is what requirements.txt installs; plain postgresql:// would want psycopg2.
        raw = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return raw


def _queue_url(raw: str) -> str:
    scheme = urlsplit(raw).scheme
    if raw and scheme not in ("sqlite", "redis", "rediss"):
        raise ValueError(f"expected sqlite:///path or redis://host:port/db, got {shown(raw)}")
    if scheme == "sqlite" and not raw.startswith("sqlite:///"):
        raise ValueError("a SQLite queue URL is sqlite:///path/to/queue.db")
    return raw


def Bytes(low: int, high: int):  # noqa: N802 - a type, named like one
    return Annotated[int, _text_only(_whole(low, high, f"a number of bytes {low}-{high}"))]


def Count(low: int, high: int):  # noqa: N802
    return Annotated[int, _text_only(_whole(low, high, f"a whole number {low}-{high}"))]


def Seconds(low: float, high: float):  # noqa: N802
    return Annotated[float, _text_only(_seconds(low, high))]


Flag = Annotated[bool, _text_only(_flag)]
Url = Annotated[str, _text_only(_url)]
# A base URL that paths are appended to: kept without its trailing slash.
BaseUrl = Annotated[str, _text_only(lambda raw: _url(raw).rstrip("/"))]
Port = Annotated[int, _text_only(_port)]
Days = Annotated[int, _text_only(_whole(1, 366, "a whole number of days 1-366"))]
Directory = Annotated[Path, _text_only(_directory)]
E164 = Annotated[str, _text_only(_matching(is_e164, "an E.164 number like +15551234567"))]
Email = Annotated[str, _text_only(_matching(is_email, "an email address"))]
TimeZone = Annotated[str, _text_only(_matching(is_timezone, "an IANA time zone like America/New_York"))]
SlackChannel = Annotated[str, _text_only(_matching(SLACK_CHANNEL.match, "a channel like #alerts or C0123456789"))]
TwilioSid = Annotated[str, _text_only(_matching(lambda raw: raw.startswith("AC") and len(raw) == 34,
                                                "a 34-character SID starting with AC", quote=False))]
SecretKey = Annotated[SecretStr, _text_only(_secret_key)]
# NoDecode: the variable is our own comma-separated text, not JSON for pydantic-settings to parse.
SeverityChannels = Annotated[dict[str, str], NoDecode, _text_only(_severity_channels)]
Hosts = Annotated[tuple[str, ...], NoDecode, _text_only(_hosts)]
DatabaseUrl = Annotated[str, _text_only(_database_url)]
QueueUrl = Annotated[str, _text_only(_queue_url)]
