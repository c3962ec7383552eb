"""`simulate-call`: a phone call without a phone. Signed Twilio webhooks through the app, a real
queue consumer in this process, and whatever adapters the environment configures.

The call runs on a private database and queue made for this run: no other process (a `make run`
worker, another simulation) can take one of its jobs, so every job runs with the settings of the
shell that ran simulate-call. Sharing the service's queue made the result depend on which process
happened to take each job."""
from __future__ import annotations

import logging
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from app import migrate
from app.jobs import running_consumer
from app.models import Call, Event, Incident

# Simulated callers don't wait out <Pause>: the state is polled this often instead.
POLL_S = 0.2
# Simulated incidents are numbered from here (ND-901001): a link or Slack button in a simulated
# page can never name one of the running service's incidents.
SIM_ID_BASE = 900_000


class TwilioSim:
    """Plays Twilio's part: signs each request and follows the TwiML it gets back."""

    def __init__(self, app, to_number: str, from_number: str):
        self.client = app.test_client()
        self.validator = RequestValidator(app.extensions["twilio_token"])
        self.base = app.config["NIGHTDESK"].public_base_url or "http://localhost"
        self.params = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                       "From": from_number, "To": to_number, "CallStatus": "in-progress",
                       "Direction": "inbound", "ApiVersion": "2010-04-01"}

    @property
    def call_sid(self) -> str:
        return self.params["CallSid"]

    def post(self, url: str, **extra) -> ET.Element:
        if url.startswith("/"):
            url = self.base + url
        params = {**self.params, **extra}
        signature = self.validator.compute_signature(url, params)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.post(path, data=params, headers={"X-Twilio-Signature": signature},
                                    base_url=f"{parts.scheme}://{parts.netloc}")
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
        body = response.get_data(as_text=True)
        return ET.fromstring(body) if body.strip() else ET.Element("Response")


def converse(sim: TwilioSim, utterances: list[str], echo, max_steps: int = 400) -> None:
    """Drive the call: answer each <Gather> with the next utterance, follow <Redirect>s."""
    said = list(utterances)
    root = sim.post("/voice/incoming")
    for _ in range(max_steps):
        for verb in root.iter("Say"):
            if verb.text:
                echo(f"  NightDesk: {verb.text}")
        gather = root.find("Gather")
        redirect = root.find("Redirect")
        if gather is not None:
            if not said:
                echo("  (caller hangs up)")
                return
            speech = said.pop(0)
            echo(f"  Caller:    {speech}")
            root = sim.post(gather.get("action"), SpeechResult=speech, Confidence="0.91")
        elif redirect is not None:
            time.sleep(POLL_S)
            root = sim.post(redirect.text)
        else:
            return
    raise RuntimeError("the call did not end")


def simulate(app, to_number: str, from_number: str, utterances: list[str], timeout: float, echo) -> None:
    logging.getLogger("huey").setLevel(logging.WARNING)  # the conversation is the output here
    with private_app(app) as private:
        svc = private.extensions["nightdesk"]
        sim = TwilioSim(private, to_number, from_number)
        echo(f"Calling NightDesk: to {to_number or '(any)'} from {from_number} ({sim.call_sid})")
        with running_consumer(private.extensions["huey"]):
            converse(sim, utterances, echo)
            sim.post("/voice/status", CallStatus="completed", CallDuration="42")
            incident = _wait_for_pages(svc, sim.call_sid, timeout)
        report(svc, incident, echo)


@contextmanager
def private_app(app):
    """This app's settings on a database and queue of its own, removed when the run ends (with
    any retry or escalation timer still waiting in them: a simulation leaves nothing behind for
    another process to run with other settings)."""
    create_app = app.extensions["create_app"]
    config = app.config["NIGHTDESK"]
    with tempfile.TemporaryDirectory(prefix="nightdesk-simulate-") as tmp:
        private = config.replace(database_url=f"sqlite:///{Path(tmp) / 'simulate.db'}",
                                 queue_url=f"sqlite:///{Path(tmp) / 'queue.db'}")
        migrate.upgrade(private.database_url)
        # Send slots stay shared with the service: they say when Slack will take the next
        # message into a webhook, whoever sends it.
        sim_app = create_app(private, services={"limiter": app.extensions["nightdesk"].limiter})
        _number_from(sim_app.extensions["nightdesk"], SIM_ID_BASE)
        try:
            yield sim_app
        finally:
            sim_app.extensions["nightdesk"].db.dispose()


def _number_from(svc, base: int) -> None:
    """SQLite gives the next row max(id) + 1, so a closed placeholder at `base` starts the count."""
    with svc.db.session() as s:
        s.add(Incident(id=base, customer="_simulate", severity="P4", status="resolved",
                       summary="placeholder: simulated incidents are numbered after this one",
                       ticket_status="created", pages_planned=True, is_test=True))


def _wait_for_pages(svc, call_sid: str, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        with svc.db.session() as s:
            call = s.scalar(select(Call).where(Call.call_sid == call_sid))
            incident = call.incident if call else None
            if incident is not None:
                done = incident.pages_planned and incident.ticket_status != "pending" and all(
                    p.status in ("sent", "failed") for p in incident.pages)
                if done or time.monotonic() > deadline:
                    return incident
        if time.monotonic() > deadline:
            return None
        time.sleep(POLL_S)


def report(svc, incident, echo) -> None:
    if incident is None:
        echo("No incident was opened (is a worker or this process's consumer running?)")
        return
    with svc.db.session() as s:
        incident = s.get(Incident, incident.id)
        t = incident.triage
        echo("")
        echo(f"Triage:   {incident.severity} by {t.get('path')} — {t.get('reason')}")
        book = svc.runbooks.get(incident.customer)
        rule = book.rule(incident.rule_index) if book else None
        echo(f"Rule:     {rule.index}: {rule.trigger}" if rule else "Rule:     (none)")
        echo(f"Incident: {incident.reference} for {incident.customer}: {incident.summary}")
        ticket = incident.ticket_number or f"{incident.ticket_status} {incident.ticket_error}".strip()
        echo(f"Ticket:   {ticket} ({svc.tickets.name})")
        if not incident.pages:
            why = s.scalar(select(Event.detail).where(Event.incident_id == incident.id,
                                                      Event.kind == "not_paged"))
            echo(f"Page:     none — {(why or {}).get('why', 'not planned yet')}")
        for page in incident.pages:
            target = shown_target(page.target)
            state = page.status + (f" — {page.last_error}" if page.last_error else "")
            echo(f"Page:     {page.kind} via {page.method} to {target}: {state}")


def shown_target(target: str) -> str:
    """A webhook URL is a credential: show its host only."""
    if not target:
        return "(channel default)"
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.hostname}/…" if parts.scheme and parts.hostname else target
