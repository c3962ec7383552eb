"""The kinds of value a runbook's fields hold, each refusing a bad one with the sentence a service
manager reads (app.runbooks.errors adds the file, line and field)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Callable

import phonenumbers
from pydantic import AfterValidator, BeforeValidator

from .model import SEVERITIES

# A number as people write one: a plus, then digits with spaces, dashes, dots or brackets.
# Letters (1-800-FLOWERS) and extensions are refused: a caller ID never has them.
_WRITTEN_NUMBER = re.compile(r"\+[\d\s().-]+")


def e164(raw) -> str:
    """`raw` as E.164 (+15551234567), from any spacing people write; ValueError if it isn't one."""
    number = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    parsed = None
    if _WRITTEN_NUMBER.fullmatch(number):
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            pass
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{raw!r} is not an E.164 number (like +15551234567)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("expected text")
    return str(value).strip()


def _word(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected non-empty text")
    return value.strip()


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _moment(value) -> datetime:
    """An ISO 8601 time with its UTC offset ("2026-11-02T09:00:00-05:00"), quoted or not."""
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if parsed is None or parsed.tzinfo is None:
        raise ValueError("expected a time with its UTC offset, like 2026-11-02T09:00:00-05:00")
    return parsed


def _list(value) -> list:  # None: an empty list
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _one_or_many(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _not_a_severity(value) -> str:
    return f"{value!r} is not one of P1, P2, P3, P4"


def _optional_number(value) -> str:
    return "" if value in (None, "") else e164(value)


def fail(message: str):
    raise ValueError(message)


def _one_line(name: str) -> str:
    # It becomes an email Subject and every page's first line: one line of printable text.
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in name):
        raise ValueError("must be one line of text (no line breaks or control characters)")
    return name


def required(message: str) -> AfterValidator:
    """Text that isn't empty, else `message`."""
    return AfterValidator(lambda text: text or fail(message))


def a_list(message: str) -> BeforeValidator:
    return BeforeValidator(lambda value: value if isinstance(value, list) else fail(message))


def nonempty_list(message: str) -> BeforeValidator:
    return BeforeValidator(lambda value: value if isinstance(value, list) and value else fail(message))


def filled(message: str) -> BeforeValidator:
    """Non-empty text, else `message`."""
    def check(value) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(message)
        return value.strip()
    return BeforeValidator(check)


def one_of(choices: tuple, message: Callable[[object], str], after: bool = False):
    """One of `choices`, else `message(value)`; `after` checks text another validator cleaned."""
    def check(value):
        if not isinstance(value, str) or value not in choices:
            raise ValueError(message(value))
        return value
    return AfterValidator(check) if after else BeforeValidator(check)


def whole(low: int, high: int, message: str) -> BeforeValidator:
    def check(value) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(message)
        return value
    return BeforeValidator(check)


def checked(test: Callable[[str], bool], message: Callable[[str], str]) -> AfterValidator:
    """Text that is empty or passes `test`."""
    def check(value: str) -> str:
        if value and not test(value):
            raise ValueError(message(value))
        return value
    return AfterValidator(check)


# An empty section (`match:` with nothing under it) is a missing one; anything else but a mapping
# is refused by the section's model.
section = BeforeValidator(lambda value: {} if value is None else value)
Text = Annotated[str, BeforeValidator(_text)]
OneLine = Annotated[str, BeforeValidator(_text), AfterValidator(_one_line)]
Word = Annotated[str, BeforeValidator(_word)]
listed = BeforeValidator(_list)
Words = Annotated[tuple[Word, ...], listed]
Flag = Annotated[bool, BeforeValidator(_flag)]
Moment = Annotated[datetime, BeforeValidator(_moment)]
Phone = Annotated[str, BeforeValidator(e164)]
Phones = Annotated[tuple[Phone, ...], BeforeValidator(_one_or_many)]  # one number, or a list
OptionalPhone = Annotated[str, BeforeValidator(_optional_number)]
SeverityKey = Annotated[str, one_of(SEVERITIES, lambda _: "expected P1, P2, P3 or P4")]
Severity = Annotated[str, one_of(SEVERITIES, _not_a_severity)]
Severities = Annotated[tuple[Annotated[Word, one_of(SEVERITIES, _not_a_severity, after=True)], ...], listed]
