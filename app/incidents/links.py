"""Signed links to an incident's full page (`GET /incidents/<id>?t=…`), for content a page had
to truncate. itsdangerous signs the id with the time the link was made, so links can't be
guessed or walked, and stop working after NIGHTDESK_LINK_TTL_DAYS (default 7)."""
from __future__ import annotations

import time
from datetime import timezone

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from app.config import Config

SALT = "nightdesk.incident-link"


class _Signer(TimestampSigner):
    """itsdangerous asks get_timestamp() for "now"; ours can be a test's clock."""

    def __init__(self, secret: str, clock=None):
        super().__init__(secret, salt=SALT)
        self.clock = clock

    def get_timestamp(self) -> int:
        if self.clock is None:
            return int(time.time())
        return int(self.clock().replace(tzinfo=timezone.utc).timestamp())


def token(secret: str, incident_id: int, clock=None) -> str:
    # The id is in the path already: the token is only "timestamp.signature".
    return _Signer(secret, clock).sign(str(incident_id)).decode().split(".", 1)[1]


def incident_link(config: Config, secret: str, incident_id: int, clock=None) -> str:
    if not config.public_base_url or not secret:
        return ""
    return f"{config.public_base_url}/incidents/{incident_id}?t={token(secret, incident_id, clock)}"


def check(secret: str, incident_id: int, given: str, max_age_s: float, clock=None) -> str:
    """"ok", "expired" (genuine but older than max_age_s) or "invalid"."""
    if not secret or not given:
        return "invalid"
    try:
        _Signer(secret, clock).unsign(f"{incident_id}.{given}", max_age=int(max_age_s))
    except SignatureExpired:
        return "expired"
    except BadSignature:
        return "invalid"
    return "ok"
