"""/healthz writes to the database and the queue: a database that can't take a write (full, or
read-only) and a queue that can't be reached answer 503 with the reason, within a second or two."""
import socket
import time

import pytest
from sqlalchemy import event, text

from app import migrate
from app.jobs import make_huey
from app.models import Event


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on its own SQLite file (on both legs: the fault is SQLite's own)."""
    url = f"sqlite:///{tmp_path / 'probe.db'}"
    migrate.upgrade(url)
    return make_app({"database_url": url})


def _on_every_connection(app, statement):
    engine = app.extensions["nightdesk"].db.engine
    event.listen(engine, "connect", lambda conn, _record: conn.execute(statement))
    engine.dispose()


def test_healthz_is_200_when_both_take_a_write(sqlite_app):
    for _ in range(3):  # the probe replaces its row rather than piling rows up
        response = sqlite_app.test_client().get("/healthz")
        assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is True and body["database"] == "ok" and body["queue"] == "ok"
    assert body["reasons"] == []
    with sqlite_app.extensions["nightdesk"].db.session() as s:
        assert s.execute(text("SELECT count(*) FROM health_probes")).scalar() == 1


def test_a_full_sqlite_database_fails_healthz(sqlite_app):
    client = sqlite_app.test_client()
    assert client.get("/healthz").status_code == 200
    db = sqlite_app.extensions["nightdesk"].db
    with db.engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()
    # The disk is as full as SQLite's max_page_count says: a few pages more than now, then fill.
    _on_every_connection(sqlite_app, f"PRAGMA max_page_count={pages + 6}")
    with pytest.raises(Exception, match="full"):
        for _ in range(200):
            with db.session() as s:
                s.add(Event(kind="filler", detail={"x": "y" * 1500}))
    # SELECT 1 still works here; what the callers need (a write) doesn't.
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503 and body["ok"] is False
    assert body["database"].startswith("error") and "full" in body["database"]
    assert body["queue"] == "ok"
    assert body["reasons"] == [f"database cannot accept a write ({body['database'][len('error: '):]})"]


def test_a_read_only_sqlite_database_fails_healthz(sqlite_app):
    _on_every_connection(sqlite_app, "PRAGMA query_only=1")
    response = sqlite_app.test_client().get("/healthz")
    body = response.get_json()
    assert response.status_code == 503
    assert "readonly" in body["database"] and "database cannot accept a write" in body["reasons"][0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_queue_that_cannot_be_reached_fails_healthz(make_app):
    app = make_app()
    reachable = app.extensions["huey"]
    app.extensions["huey"] = make_huey(f"redis://127.0.0.1:{_closed_port()}/0", name="healthz-test")
    try:
        started = time.monotonic()
        response = app.test_client().get("/healthz")
        took = time.monotonic() - started
    finally:
        app.extensions["huey"] = reachable
    body = response.get_json()
    assert response.status_code == 503 and body["ok"] is False
    assert body["queue"].startswith("error: ConnectionError") and body["database"] == "ok"
    assert body["reasons"][0].startswith("queue cannot accept a write")
    assert took < 5
    assert app.test_client().get("/healthz").status_code == 200  # and back once it answers


def test_a_failing_healthz_is_logged_once_not_per_poll(sqlite_app, caplog):
    assert sqlite_app.test_client().get("/healthz").status_code == 200
    _on_every_connection(sqlite_app, "PRAGMA query_only=1")
    for _ in range(5):
        assert sqlite_app.test_client().get("/healthz").status_code == 503
    said = [r.getMessage()[:16] for r in caplog.records if "healthz" in r.getMessage()]
    assert said == ["healthz failing:"]
    _on_every_connection(sqlite_app, "PRAGMA query_only=0")
    assert sqlite_app.test_client().get("/healthz").status_code == 200
    assert [r.getMessage() for r in caplog.records if "healthz" in r.getMessage()][-1] == "healthz ok again"
