"""GET /metrics in the Prometheus text format.

Several gunicorn processes and the worker run at once, so every count comes from the database
(the source of truth) at scrape time: any process answers with the same, complete figures. Only
vendor latencies are measured in-process (a histogram around each ticket, LLM and channel call);
with PROMETHEUS_MULTIPROC_DIR set (a directory shared by web and worker, emptied at each deploy)
prometheus-client pools them across processes, without it a scrape sees the answering process's.
"""
from __future__ import annotations

import functools
import os
import time

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from app.states import UNDELIVERED as UNDELIVERED_STATES
from app.models import Call, Incident, Page, Turn

bp = Blueprint("metrics", __name__)
UNDELIVERED = tuple(UNDELIVERED_STATES)
VENDOR_LATENCY = Histogram(
    "nightdesk_vendor_latency_seconds", "Time spent in a vendor call (ticket, LLM, page channel)",
    ["vendor", "operation"], registry=None,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60))


@bp.get("/metrics")
def metrics():
    registry = CollectorRegistry()
    registry.register(FromDatabase(current_app.extensions["nightdesk"], current_app.extensions["huey"]))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(VENDOR_LATENCY)
    try:
        body = generate_latest(registry)
    except Exception as exc:  # the database is down: a failed scrape (Prometheus' up=0), not a 500
        current_app.logger.warning("metrics: scrape failed (%s)", type(exc).__name__)
        return Response(f"metrics unavailable: {type(exc).__name__}; see /healthz\n", status=503,
                        mimetype="text/plain")
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


class FromDatabase:
    """Counts read from the database and the queue when Prometheus asks."""

    def __init__(self, svc, huey):
        self.svc, self.huey = svc, huey

    def collect(self):
        svc = self.svc
        now = svc.clock()
        with svc.db.session() as s:
            calls = s.scalar(select(func.count()).select_from(Call))
            turn_path = Turn.decision["path"].as_string()
            decisions = s.execute(select(turn_path, func.count()).where(Turn.decision.is_not(None))
                                  .group_by(turn_path)).all()
            incident_path = Incident.triage["path"].as_string()
            incidents = s.execute(select(incident_path, Incident.severity, func.count())
                                  .where(Incident.is_test.is_(False))
                                  .group_by(incident_path, Incident.severity)).all()
            pages = s.execute(select(Page.method, Page.status, func.count())
                              .group_by(Page.method, Page.status)).all()
            oldest = s.scalar(select(func.min(Page.due_at)).where(Page.status.in_(UNDELIVERED),
                                                                   Page.due_at <= now))
        yield _counter("nightdesk_calls", "Calls answered", [([], calls)])
        yield _counter("nightdesk_decisions", "Triage decisions (one per caller turn), by path",
                       [([path or "unknown"], n) for path, n in decisions], ["path"])
        yield _counter("nightdesk_incidents", "Incidents opened, by triage path and severity",
                       [([path or "unknown", sev], n) for path, sev, n in incidents], ["path", "severity"])
        yield _gauge("nightdesk_pages", "Pages by channel and their current outcome "
                     "(queued, sending, sent, failed, cancelled)",
                     [([method, status], n) for method, status, n in pages], ["channel", "status"])
        age = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
        yield _gauge("nightdesk_oldest_undelivered_page_age_seconds",
                     "How long the oldest page that is due has waited for delivery (0: none)", [([], age)])
        yield from self._queue()

    def _queue(self):
        try:
            pending, scheduled = self.huey.pending_count(), self.huey.scheduled_count()
        except Exception:  # the scrape must answer when the queue can't; /healthz says why
            yield _gauge("nightdesk_queue_up", "1 when the queue answered this scrape", [([], 0)])
            return
        yield _gauge("nightdesk_queue_up", "1 when the queue answered this scrape", [([], 1)])
        yield _gauge("nightdesk_queue_depth", "Jobs waiting in the queue now", [([], pending)])
        yield _gauge("nightdesk_queue_scheduled", "Jobs scheduled for later (retries, timers)",
                     [([], scheduled)])


def _counter(name, doc, samples, labels=()):
    family = CounterMetricFamily(name, doc, labels=list(labels))
    for values, n in samples:
        family.add_metric(values, n)
    return family


def _gauge(name, doc, samples, labels=()):
    family = GaugeMetricFamily(name, doc, labels=list(labels))
    for values, n in samples:
        family.add_metric(values, n)
    return family


# --- vendor latency --------------------------------------------------------------------------

def timed(func, vendor: str, operation: str):
    @functools.wraps(func)
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            VENDOR_LATENCY.labels(vendor, operation).observe(time.perf_counter() - started)
    return run


def instrument(services) -> None:
    """Time the calls that leave the process: the ticket system's, the LLM's and each channel's
    send (labelled by channel). Wrapped on the instances, so fakes in tests are timed too."""
    if getattr(services, "_timed", False):  # one set of timers however many apps share it
        return
    services._timed = True
    tickets = services.tickets
    vendor = getattr(tickets, "name", type(tickets).__name__).lower()
    for operation in ("create", "add_note", "set_status", "find_member"):
        if callable(getattr(tickets, operation, None)):
            setattr(tickets, operation, timed(getattr(tickets, operation), vendor, operation))
    llm = getattr(services.triage, "llm", None)
    if llm is not None and callable(getattr(llm, "complete", None)):
        llm.complete = timed(llm.complete, "llm", "complete")
    registry = services.channels
    send = registry.send

    @functools.wraps(send)
    def send_timed(method, *args, **kwargs):
        started = time.perf_counter()
        try:
            return send(method, *args, **kwargs)
        finally:
            VENDOR_LATENCY.labels(method, "send").observe(time.perf_counter() - started)
    registry.send = send_timed
