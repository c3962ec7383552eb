"""What a voice webhook's form fields may hold before they reach the database.

A field that doesn't fit its column must never become a database error (PostgreSQL refuses a NUL
byte in text and a value over a VARCHAR's length; the caller would hear Twilio's error message).
Ids that are malformed are refused (400: it is not Twilio talking); what the caller said is kept,
cleaned; a number that can't be one is treated as withheld.
"""
from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

from flask import abort, request

# Twilio's SIDs are two letters and 32 hex digits; the column holds 64.
SID = re.compile(r"[A-Za-z0-9]{2,64}")
# A minute of speech (Gather's longest) is well under 2,000 characters.
MAX_SPEECH = 2000
MAX_NUMBER = 64  # calls.from_number / to_number
CALL_STATUSES = {"queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed",
                 "no-answer", "canceled"}
# C0 controls (NUL included) and DEL: never part of what anyone said or dialled.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def call_sid() -> str:
    sid = request.form.get("CallSid", "").strip()
    if not sid:
        abort(400, "CallSid is required")
    if not SID.fullmatch(sid):
        abort(400, "CallSid is not a Twilio SID")
    account = request.form.get("AccountSid")
    if account is not None and not SID.fullmatch(account.strip()):
        abort(400, "AccountSid is not a Twilio SID")
    return sid


def number(name: str) -> str:
    """From/To/Caller: what doesn't fit (too long, control characters) counts as withheld."""
    value = request.form.get(name, "").strip()
    if len(value) > MAX_NUMBER or _CONTROLS.search(value):
        return ""
    return value


def speech() -> str:
    """SpeechResult with control characters (NUL) taken out, whitespace folded, length capped."""
    text = _CONTROLS.sub(" ", request.form.get("SpeechResult", "")[:MAX_SPEECH * 4])
    return " ".join(text.split())[:MAX_SPEECH]


def confidence() -> float | None:
    value = request.form.get("Confidence", type=float)
    if value is None or not math.isfinite(value) or not 0.0 <= value <= 1.0:
        return None
    return value


def call_status() -> str:
    status = request.form.get("CallStatus", "").strip()
    if status not in CALL_STATUSES:
        abort(400, "CallStatus is not one Twilio sends")
    return status


# Twilio's RecordingStatus values ("Getting Started with Recording Status Callbacks": in-progress,
# completed, absent, and failed with Voice Recording Encryption).
RECORDING_STATUSES = {"in-progress", "completed", "absent", "failed"}
MAX_URL = 1000


def recording_sid() -> str:
    sid = request.form.get("RecordingSid", "").strip()
    if not SID.fullmatch(sid):
        abort(400, "RecordingSid is not a Twilio SID")
    return sid


def recording_status() -> str:
    status = request.form.get("RecordingStatus", "").strip()
    if status not in RECORDING_STATUSES:
        abort(400, "RecordingStatus is not one Twilio sends")
    return status


def recording_url() -> str:
    """Twilio's https link to the recording, as Twilio gave it: never one carrying credentials."""
    url = request.form.get("RecordingUrl", "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or _CONTROLS.search(url) or parts.scheme != "https" or not parts.hostname \
            or parts.username or parts.password:
        abort(400, "RecordingUrl is not an https link to the recording")
    return url


def recording_duration() -> int | None:
    value = request.form.get("RecordingDuration", "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 7:
        abort(400, "RecordingDuration is not a number of seconds")
    return int(value)
