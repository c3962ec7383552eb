"""Take spoken secrets out of a page before it leaves: credentials, card numbers, US SSNs.

Pages land on phones and in shared channels; the ticket keeps the full transcript. Phone numbers
survive (a callback number is the point of a page).
"""
from __future__ import annotations

import re

MARK = "[redacted]"

# "my password is hunter2", "the pin is 4 4 1 9", "passcode: x", "login and password are …"
_CREDENTIAL = re.compile(
    r"(?P<lead>\b(?:password|passwd|pass word|passcode|pass code|pin(?: number| code)?|"
    r"security code|verification code|one[- ]time code|mfa code|2fa code|secret|api key|token)"
    r"(?:\s+(?:is|was|are|=|:|should be|would be|it's|its))+\s*|"
    r"\b(?:password|passcode|pin)\s*[:=]\s*)"
    # Not a value: "my password was reset", "the pin is not working".
    r"(?!\s*(?:reset|changed|expired|locked|wrong|not|incorrect|rejected|blocked)\b)"
    r"(?P<value>\S[^\n]{0,59}?)(?=[.;,!?]?(?:\s|$)(?:\s*(?:and|but|so|please|thanks)\b|$)|[.;,!?](?:\s|$))",
    re.IGNORECASE)
_SSN = re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b|"
                  r"\b(?:ssn|social security)\b[^\d]{0,25}\d{9}\b", re.IGNORECASE)
_CARD = re.compile(r"(?<![\d+])(?:\d[ -]?){12,18}\d(?!\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return MARK if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)


def redact(text: str) -> str:
    if not text:
        return text
    text = _CREDENTIAL.sub(lambda m: m.group("lead") + MARK, text)
    text = _SSN.sub(lambda m: re.sub(r"\d[\d -]*\d", MARK, m.group(0)), text)
    return _CARD.sub(_card, text)
