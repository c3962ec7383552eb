"""Signed links to an incident's full page (`GET /incidents/<id>?t=…`), for content a page had
to truncate. The token is an HMAC of the id, so links can't be guessed or walked."""
from __future__ import annotations

import hashlib
import hmac

from app.config import Config


def token(secret: str, incident_id: int) -> str:
    return hmac.new(secret.encode(), f"incident:{incident_id}".encode(), hashlib.sha256).hexdigest()[:32]


def incident_link(config: Config, secret: str, incident_id: int) -> str:
    if not config.public_base_url or not secret:
        return ""
    return f"{config.public_base_url}/incidents/{incident_id}?t={token(secret, incident_id)}"


def valid(secret: str, incident_id: int, given: str) -> bool:
    return bool(secret) and hmac.compare_digest(token(secret, incident_id), given or "")
