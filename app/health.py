"""GET /healthz: 200 when the database, the queue and the call spool all accept a write right now;
503 with the reason otherwise. A read is not enough: a full or read-only disk still answers
SELECT 1 while every caller's turn fails to save. `spooled` counts the calls waiting on disk for
the database (app.incidents.spool)."""
from __future__ import annotations

import os
import re
import secrets
import socket

from flask import Blueprint, current_app, jsonify
from sqlalchemy import delete

from app.incidents.spool import spool_for
from app.models import HealthProbe

bp = Blueprint("health", __name__)
# Two SQLite pages (4 KiB each) and then some: the probe fails once the file can't grow.
PROBE_BYTES = 9000
QUEUE_KEY = "nightdesk:healthz"
SECRET_SETTINGS = ("twilio_auth_token", "openai_api_key", "connectwise_private_key",
                   "connectwise_public_key", "slack_bot_token", "slack_signing_secret",
                   "slack_client_secret", "smtp_password", "secret_key", "autotask_secret",
                   "autotask_integration_code")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")


@bp.get("/healthz")
def healthz():
    svc = current_app.extensions["nightdesk"]
    huey = current_app.extensions["huey"]
    checks = {"database": _check(svc.config, lambda: database_write(svc)),
              "queue": _check(svc.config, lambda: queue_write(huey)),
              "spool": _check(svc.config, spool_for(svc.config).probe)}
    try:
        checks["queue_pending"] = huey.pending_count()
    except Exception as exc:
        checks["queue_pending"] = f"error: {type(exc).__name__}"
    try:
        checks["spooled"] = spool_for(svc.config).count()
    except OSError as exc:
        checks["spooled"] = f"error: {type(exc).__name__}"
    checks["runbooks"] = len(svc.runbooks.all())
    checks["runbook_errors"] = len(svc.runbooks.errors())
    reasons = [f"{name} cannot accept a write ({checks[name][len('error: '):]})"
               for name in ("database", "queue", "spool") if checks[name] != "ok"]
    ok = not reasons
    _say_changes(reasons)
    return jsonify(ok=ok, reasons=reasons, **checks), 200 if ok else 503


_said: list[str] = []  # what this process last logged: a balancer polling a failure logs it once


def _say_changes(reasons: list[str]) -> None:
    if reasons == _said:
        return
    if reasons:
        current_app.logger.error("healthz failing: %s", "; ".join(reasons))
    else:
        current_app.logger.warning("healthz ok again")
    _said[:] = reasons


def database_write(svc) -> None:
    """Insert a fresh probe row (new pages), then drop the older ones: one committed write."""
    with svc.db.session() as s:
        probe = HealthProbe(process=f"{socket.gethostname()}:{os.getpid()}"[:80],
                            padding=secrets.token_hex(PROBE_BYTES // 2), checked_at=svc.clock())
        s.add(probe)
        s.flush()
        s.execute(delete(HealthProbe).where(HealthProbe.id < probe.id))


def queue_write(huey) -> None:
    """A key written into the queue's own store and taken back out (Redis or SQLite alike)."""
    huey.put(QUEUE_KEY, secrets.token_hex(8))
    huey.get(QUEUE_KEY)


def _check(config, probe) -> str:
    try:
        probe()
    except Exception as exc:  # report, don't raise: a health check must answer
        return f"error: {type(exc).__name__}: {scrub(_first_line(exc), config)}"
    return "ok"


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [""])[0][:200]


def scrub(text: str, config) -> str:
    """No credential in a health answer: URL passwords and every secret setting's value."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    for name in SECRET_SETTINGS:
        value = getattr(config, name).get_secret_value()
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
