"""A technician's requests as orchestration answers them (app.incidents.commands, .overview), with
no Slack in the way: what each returns is what any chat surface words for the person."""
from app.incidents import commands, overview
from app.models import Incident


def _incident(svc, **fields) -> int:
    with svc.db.session() as s:
        row = Incident(customer="Acme", severity="P1", summary="Server down", **fields)
        s.add(row)
        s.flush()
        return row.id


def test_a_typed_reference_acknowledges_once_and_then_says_who_did(make_app):
    svc = make_app().extensions["nightdesk"]
    number = _incident(svc, ticket_number="45234")
    assert commands.acknowledge_typed(svc, "ND-9999", "slack:U1") is None
    first = commands.acknowledge_typed(svc, "#45234", "slack:U1")
    assert (first.changed, first.reference, first.status) == (True, f"ND-{1000 + number}", "acknowledged")
    second = commands.acknowledge_typed(svc, f"nd{1000 + number}", "slack:U2")
    assert (second.changed, second.holder) == (False, "slack:U1")
    assert second.at is not None and second.zone == svc.config.timezone


def test_the_resolve_form_is_not_opened_for_a_resolved_incident(make_app):
    svc = make_app().extensions["nightdesk"]
    number = _incident(svc)
    commands.resolve(svc, number, "slack:U1", "fixed")
    built = []
    form = commands.open_resolve_form(svc, number, "T1", "trigger", lambda *named: built.append(named) or {})
    assert not form.opened and form.change.holder == "slack:U1" and form.change.status == "resolved"
    assert built == []  # no form was even built


def test_status_answers_when_the_queue_does_not(make_app):
    svc = make_app().extensions["nightdesk"]
    _incident(svc)
    _incident(svc, is_test=True)  # a rehearsal is not an open incident

    def queue_down() -> int:
        raise ConnectionError("the queue's server is down")

    status = overview.status(svc, queue_down)
    assert (status.queued, status.open_incidents, status.last_page_at) == ("unreachable", 1, None)
    assert [i.summary for i in overview.open_incidents(svc)] == ["Server down"]
