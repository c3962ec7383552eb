"""/voice/next is polled every second by every caller on hold: a poll that finds no decision yet
costs one indexed read, whatever the backend, and still answers with the hold TwiML."""
import xml.etree.ElementTree as ET

from sqlalchemy import event

from .conftest import TwilioCaller, drain


def statements(app, run) -> list[str]:
    """The SQL statements `run()` sent to the database (SQLAlchemy's before_cursor_execute)."""
    seen: list[str] = []
    engine = app.extensions["nightdesk"].db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_poll_still_waiting_for_triage_runs_exactly_one_query(make_app, clock):
    app = make_app()
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="The server is down and nobody can work")
    clock.advance(2)  # the LLM has not answered: the triage job has not run
    responses = []
    sql = statements(app, lambda: responses.append(caller.post("/voice/next?turn=1")))
    held = ET.fromstring(responses[0].get_data(as_text=True))
    assert responses[0].status_code == 200
    assert held.find("Pause") is not None
    assert held.find("Redirect").text == "https://nightdesk.example/voice/next?turn=1"
    assert len(sql) == 1, sql
    assert "calls" in sql[0] and "turns" in sql[0] and sql[0].lstrip().upper().startswith("SELECT")


def test_the_poll_after_the_decision_still_asks_the_question(make_app, clock):
    app = make_app()
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Hi, the server is acting weird")
    caller.post("/voice/next?turn=1")
    drain(app)  # the triage job decides (fallback: no LLM configured)
    response = caller.post("/voice/next?turn=1")
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.find("Gather") is not None or root.find("Hangup") is not None, response.get_data(as_text=True)


def test_an_unknown_call_or_turn_is_a_400_after_one_query(make_app):
    app = make_app()
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    responses = []
    sql = statements(app, lambda: responses.append(caller.post("/voice/next?turn=3")))
    assert responses[0].status_code == 400 and len(sql) == 1
    stranger = TwilioCaller(app.test_client())
    assert stranger.post("/voice/next?turn=1").status_code == 400
