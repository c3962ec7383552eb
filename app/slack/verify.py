"""Every request from Slack is signed (v0): check it on the raw body, refuse stale and replayed
ones. Failures get 401 and change nothing."""
from __future__ import annotations

import functools
from datetime import timezone

from flask import abort, current_app, request
from slack_sdk.signature import SignatureVerifier

REPLAY_WINDOW_S = 300  # Slack's own staleness limit: a signature is worth replaying only this long


def slack_signed(view):
    @functools.wraps(view)
    def checked(*args, **kwargs):
        svc = current_app.extensions["nightdesk"]
        secret = svc.config.slack_signing_secret
        body = request.get_data(cache=True)
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not secret:
            current_app.logger.warning("refused %s: SLACK_SIGNING_SECRET is not set", request.path)
            abort(401)
        verifier = SignatureVerifier(secret, clock=_Clock(svc))
        if not timestamp.isdigit() or not signature or not verifier.is_valid(body, timestamp, signature):
            current_app.logger.warning("refused %s: bad, missing or stale Slack signature", request.path)
            abort(401)
        # A captured request replayed inside the five minutes carries a valid signature: the
        # shared limiter remembers each signature for that long.
        if svc.limiter.acquire(f"slack-replay:{signature}", REPLAY_WINDOW_S) > 0:
            current_app.logger.warning("refused %s: replayed Slack request", request.path)
            abort(401)
        return view(*args, **kwargs)
    return checked


class _Clock:
    """slack-sdk's verifier asks a clock for the time; ours can be a test's."""

    def __init__(self, svc):
        self.svc = svc

    def now(self) -> float:
        return self.svc.clock().replace(tzinfo=timezone.utc).timestamp()
