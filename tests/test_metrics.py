"""/metrics parses as Prometheus text and its figures are what happened: calls, decisions by
path, incidents, pages by channel and outcome, the oldest undelivered page, the queue, vendor
latencies."""
from datetime import timedelta

import responses
from prometheus_client.parser import text_string_to_metric_families

from app.models import Incident, Page

from .test_flow import CW, CW_SETTINGS, call, incident, slack_settings


def scrape(app) -> dict:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


@responses.activate
def test_metrics_count_what_a_p1_call_did(make_app, slack):
    responses.post(f"{CW}/service/tickets", json={"id": 45234}, status=201)
    app = make_app({**CW_SETTINGS, **slack_settings(slack)})
    before = scrape(app)
    assert value(before, "nightdesk_calls_total") == 0
    assert value(before, "nightdesk_oldest_undelivered_page_age_seconds") == 0
    call(app, "Hi it's Maria, the Dentrix server is down and nobody can see patients")
    inc = incident(app)
    after = scrape(app)
    assert value(after, "nightdesk_calls_total") == 1
    assert value(after, "nightdesk_decisions_total", path="fallback") == 1  # no LLM configured
    assert value(after, "nightdesk_decisions_total", path="llm") == 0
    assert value(after, "nightdesk_incidents_total", path="fallback", severity="P1") == 1
    assert value(after, "nightdesk_pages", channel="slack", status="sent") == len(inc.pages) == 1
    assert value(after, "nightdesk_queue_up") == 1
    assert value(after, "nightdesk_queue_depth") == 0
    # Each vendor call was timed: one ticket, one Slack post (more from earlier tests of this
    # process can only add, so the figures grew by exactly that much).
    for vendor, operation in (("connectwise", "create"), ("slack", "send")):
        grew = (value(after, "nightdesk_vendor_latency_seconds_count", vendor=vendor, operation=operation)
                - value(before, "nightdesk_vendor_latency_seconds_count", vendor=vendor, operation=operation))
        assert grew == 1, (vendor, operation)


def test_the_oldest_undelivered_page_and_the_queue_depth(make_app, clock):
    app = make_app()
    svc = app.extensions["nightdesk"]
    with svc.db.session() as s:
        incident = Incident(customer="Acme", severity="P1", summary="Server down")
        s.add(incident)
        s.flush()
        s.add_all([Page(incident_id=incident.id, step=0, method="sms", target="+15555550111",
                        status="queued", due_at=clock() - timedelta(seconds=95)),
                   Page(incident_id=incident.id, step=1, method="slack", target="#x",
                        status="sending", due_at=clock() - timedelta(seconds=30)),
                   Page(incident_id=incident.id, step=2, method="email", target="a@b.example",
                        status="queued", due_at=clock() + timedelta(minutes=5)),  # not due yet
                   Page(incident_id=incident.id, step=3, method="slack", target="#y",
                        status="failed", due_at=clock() - timedelta(hours=1))])
    svc.work.later("finish_call", 424242)
    svc.work.later("finish_call", 424243)
    samples = scrape(app)
    assert value(samples, "nightdesk_oldest_undelivered_page_age_seconds") == 95
    assert value(samples, "nightdesk_pages", channel="sms", status="queued") == 1
    assert value(samples, "nightdesk_pages", channel="slack", status="failed") == 1
    assert value(samples, "nightdesk_queue_depth") == 2
    clock.advance(10)
    assert value(scrape(app), "nightdesk_oldest_undelivered_page_age_seconds") == 105


def test_a_scrape_with_the_database_down_is_a_503_not_a_500(make_app, tmp_path):
    from app.models import Database
    app = make_app()
    app.extensions["nightdesk"].db.dispose()
    app.extensions["nightdesk"].db = Database(f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/metrics")
    assert response.status_code == 503 and "see /healthz" in response.get_data(as_text=True)
