"""What a valid value looks like: predicates shared by the settings and by runbook and channel
code (a runbook's phone numbers, a rule's email address or Slack channel)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import phonenumbers

SLACK_CHANNEL = re.compile(r"^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$")


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


def without_password(raw: str) -> str:
    """A URL safe to print: its userinfo is dropped so a password never reaches a log."""
    try:
        parts = urlsplit(raw)
        if parts.password or parts.username:
            netloc = parts.hostname or ""
            if parts.port:
                netloc += f":{parts.port}"
            raw = parts._replace(netloc=netloc).geturl()
    except ValueError:  # a bad port or [IPv6] literal: drop anything up to an "@" after "//"
        raw = re.sub(r"//[^/]*@", "//", raw)
    return raw


def shown(raw: str) -> str:
    """A variable's text as quoted in an error: repr(), and a URL without its password."""
    return repr(without_password(raw))
