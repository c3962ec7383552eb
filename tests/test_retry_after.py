"""The one Retry-After reader every adapter uses (RFC 9110 §10.2.3: seconds or an HTTP-date)."""
from __future__ import annotations

from email.utils import format_datetime
from datetime import datetime, timezone

import pytest
from requests.structures import CaseInsensitiveDict

from app.retry_after import retry_after

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("headers,expected", [
    ({"Retry-After": "30"}, 30.0),
    ({"retry-after": "0"}, 0.0),
    (CaseInsensitiveDict({"RETRY-AFTER": "7"}), 7.0),
    ({"Retry-After": ["12"]}, 12.0),                    # slack-sdk keeps header values in lists
    ({"Retry-After": "Tue, 24 Nov 2026 02:01:30 GMT"}, 90.0),
    ({"Retry-After": "Tue, 24 Nov 2026 01:00:00 GMT"}, 0.0),   # already past: now
    ({"Retry-After": "-5"}, None), ({"Retry-After": "1.5"}, None), ({"Retry-After": "soon"}, None),
    ({"Retry-After": ""}, None), ({"Retry-After": []}, None), ({}, None), (None, None),
    ({"Content-Type": "text/plain"}, None),
])
def test_retry_after(headers, expected):
    assert retry_after(headers, now=lambda: NOW) == expected


def test_an_http_date_we_format_reads_back():
    later = datetime.fromtimestamp(NOW + 45, tz=timezone.utc)
    assert retry_after({"Retry-After": format_datetime(later, usegmt=True)}, now=lambda: NOW) == 45.0
