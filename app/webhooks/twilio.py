"""X-Twilio-Signature checks with twilio's RequestValidator, against the URL Twilio called: one
check for every Twilio webhook (the voice line, SMS delivery reports)."""
from __future__ import annotations

import functools

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator


def public_url() -> str:
    """The URL as Twilio saw it: PUBLIC_BASE_URL when set, else what the (proxy) headers say."""
    config = current_app.config["NIGHTDESK"]
    query = request.environ.get("QUERY_STRING", "")
    path = request.path + (f"?{query}" if query else "")
    if config.public_base_url:
        return config.public_base_url + path
    return request.host_url.rstrip("/") + path


def twilio_signed(view):
    @functools.wraps(view)
    def checked(*args, **kwargs):
        config = current_app.config["NIGHTDESK"]
        if not config.insecure_dev:
            signature = request.headers.get("X-Twilio-Signature", "")
            validator = RequestValidator(current_app.extensions["twilio_token"])
            if not signature or not validator.validate(public_url(), request.form, signature):
                current_app.logger.warning("refused %s: bad or missing X-Twilio-Signature", request.path)
                abort(403)
        return view(*args, **kwargs)
    return checked
