"""Comparing a caller's E.164 number with a phone typed into a PSA. PSA phone fields are free
text ("(555) 555-0142", "555.555.0142 x12", "+1 555 555 0142"), so each adapter asks its PSA for
a wide match and keeps only the contacts whose phone is the caller's number here."""
from __future__ import annotations

import phonenumbers


def _parse(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None


def national(e164: str) -> str:
    """The number without its country code ("5555550142" for +15555550142): what a PSA that
    stores national numbers has in its field."""
    number = _parse(e164)
    return str(number.national_number) if number else e164.lstrip("+")


def same_number(stored: str, e164: str) -> bool:
    """Whether free text typed into a PSA is this E.164 number. A number written without its
    country code is read as a number of the caller's country; an extension doesn't count."""
    caller = _parse(e164)
    if caller is None or not stored or not any(ch.isdigit() for ch in stored):
        return False
    # The country's main region when the number itself isn't a valid one (555 test numbers).
    region = phonenumbers.region_code_for_number(caller) or \
        next(iter(phonenumbers.region_codes_for_country_code(caller.country_code)), None)
    try:
        typed = phonenumbers.parse(stored, region if region != "ZZ" else None)
    except phonenumbers.NumberParseException:
        return False
    return (typed.country_code, typed.national_number) == (caller.country_code, caller.national_number)


def last_digits(e164: str, count: int = 4) -> str:
    return "".join(ch for ch in e164 if ch.isdigit())[-count:]
