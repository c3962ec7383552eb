"""What stands between Slack's request and a listener, in this order: bolt's signature check (on
the raw body, with NightDesk's clock), then ours: a replayed request is refused, a malformed one
gets a 400, and a well-formed one NightDesk has nothing to do for gets Slack's 200. Every refusal
changes nothing."""
from __future__ import annotations

import logging
from datetime import timezone

from slack_bolt import BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger("app.slack")
REPLAY_WINDOW_S = 300  # Slack's own staleness limit: a signature is worth replaying only this long
MALFORMED = "nightdesk_malformed"  # the context key a request's shape problem travels under


def _refused(req, why: str) -> BoltResponse:
    path = req.context.get("nightdesk_path", "")
    log.warning("refused %s: %s", path, why)
    return BoltResponse(status=403, body="")


class SignedBySlack(RequestVerification):
    """Bolt's check, told the time by NightDesk's clock (a test's may have moved on). Without a
    signing secret nothing is accepted: an empty key would make every signature forgeable."""

    def __init__(self, signing_secret: str, clock):
        super().__init__(signing_secret)
        if signing_secret:
            self._verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))

    def process(self, *, req, resp, next):
        if not self._signing_secret:
            return _refused(req, "SLACK_SIGNING_SECRET is not set")
        timestamp = req.headers.get("x-slack-request-timestamp", [""])[0]
        if not timestamp.isdigit():  # slack-sdk's verifier would raise on it: a 500
            return _refused(req, "bad, missing or stale Slack signature")
        refused = super().process(req=req, resp=resp, next=next)  # None once next() has run
        return None if refused is None else _refused(req, "bad, missing or stale Slack signature")

    def _debug_log_error(self, signature, timestamp, body) -> None:
        pass  # bolt's line carries the body (caller text); ours says why, in one line


class NoReplays(Middleware):
    """A captured request replayed inside the five minutes carries a valid signature: the shared
    limiter remembers each signature for that long, so a second delivery is refused."""

    def __init__(self, limiter):
        self.limiter = limiter

    def process(self, *, req, resp, next):
        signature = req.headers.get("x-slack-signature", [""])[0]
        if self.limiter.acquire(f"slack-replay:{signature}", REPLAY_WINDOW_S) > 0:
            return _refused(req, "replayed Slack request")
        return next()


class WellFormed(Middleware):
    """A payload whose shape NightDesk refused (see payloads.py) is a 400 here, after the
    signature and replay checks, so an unsigned request is still a 403. Shortcuts, closed views,
    an empty actions list: nothing to do, but Slack wants its 200."""

    def process(self, *, req, resp, next):
        problem = req.context.get(MALFORMED)
        if problem:
            return BoltResponse(status=400, body=f"Not a Slack payload NightDesk can read: {problem}")
        return next() if _routed(req.body) else BoltResponse(status=200, body="")


def _routed(body: dict) -> bool:
    """Whether a listener may match: bolt's matchers read these parts without checking them."""
    if body.get("command"):
        return "type" not in body  # bolt would read a command with a "type" as an interaction
    if body.get("type") == "block_actions":
        return bool(body.get("actions")) and isinstance(body["actions"][0].get("action_id"), str)
    if body.get("type") == "view_submission":
        return isinstance((body.get("view") or {}).get("callback_id"), str)
    return False


class _Clock:
    """slack-sdk's verifier asks a clock for the time; ours can be a test's."""

    def __init__(self, clock):
        self.clock = clock

    def now(self) -> float:
        return self.clock().replace(tzinfo=timezone.utc).timestamp()
