"""The one Retry-After reader (RFC 9110 §10.2.3) for every vendor adapter: Slack, Teams,
ConnectWise, and whatever comes next."""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any, Callable


def retry_after(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the vendor asked us to wait, or None when it said nothing usable.

    `headers` is any mapping (requests' case-insensitive one, urllib's dict, slack-sdk's dict of
    lists). The value is delay-seconds ("30") or an HTTP-date; a date in the past means now (0)."""
    raw = _header(headers)
    if raw is None:
        return None
    text = str(raw).strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:  # RFC 9110 dates are GMT; anything else is not one
        return None
    return max(0.0, moment.timestamp() - now())


def _header(headers: Any):
    for key, value in (dict(headers) if headers else {}).items():
        if str(key).lower() == "retry-after":
            return (value[0] if value else None) if isinstance(value, (list, tuple)) else value
    return None
