"""POST /sms/status?page=<id>: Twilio's StatusCallback for an SMS page.

The URL is the one our SMS channel gave Twilio, page id included, so the X-Twilio-Signature over
it (checked with twilio's RequestValidator, as for the voice webhooks) vouches for the page too.
Forged → 403, malformed → 400, a page we don't know → 404; nothing is written for any of them.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request

from app import incidents
from app.webhooks.twilio import twilio_signed

bp = Blueprint("sms", __name__, url_prefix="/sms")
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-f]{32}$")
# Twilio's MessageStatus values (samples/twilio/status_enums.json).
STATUSES = {"queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving",
            "received", "accepted", "scheduled", "read", "partially_delivered", "canceled"}
MAX_PAGE_ID = 2**31 - 1


@bp.post("/status")
@twilio_signed
def status():
    page_id = request.args.get("page", type=int)
    report = {key: request.form.get(key, "").strip() for key in ("MessageSid", "MessageStatus", "ErrorCode")}
    if page_id is None or not 0 < page_id <= MAX_PAGE_ID:
        abort(400, "page must be a page id")
    if not MESSAGE_SID.match(report["MessageSid"]) or report["MessageStatus"] not in STATUSES:
        abort(400, "MessageSid and a known MessageStatus are required")
    if report["ErrorCode"] and not report["ErrorCode"].isdigit():
        abort(400, "ErrorCode must be a number")
    outcome = incidents.delivery_report(current_app.extensions["nightdesk"], page_id, report)
    if outcome == "not found":
        abort(404)
    return Response(status=204)
