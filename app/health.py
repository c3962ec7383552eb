"""GET /healthz: answers once the service is up; says what is degraded."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    svc = current_app.extensions["nightdesk"]
    checks = {}
    try:
        with svc.db.session() as s:
            s.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, don't raise: a health check must answer
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        checks["queue_pending"] = current_app.extensions["huey"].pending_count()
    except Exception as exc:
        checks["queue_pending"] = f"error: {type(exc).__name__}"
    checks["runbooks"] = len(svc.runbooks.all())
    checks["runbook_errors"] = len(svc.runbooks.errors())
    ok = checks["database"] == "ok" and isinstance(checks["queue_pending"], int)
    return jsonify(ok=ok, **checks), 200 if ok else 503
