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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from app.states import IncidentStatus, PageStatus, TicketStatus
from app import migrate
from app.jobs import running_consumer
from app.models import Call, Event, Incident

from . import technician
from .signed import TwilioSim

# Simulated callers don't wait out <Pause>: the state is polled this often instead.
POLL_S = 0.2
# Simulated incidents are numbered from here (ND-901001): a link or Slack button in a simulated
# page can never name one of the running service's incidents.
SIM_ID_BASE = 900_000


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


def simulate(app, to_number: str, from_number: str, utterances: list[str], timeout: float, echo,
             tech: technician.Tech | None = None) -> None:
    """The call, then (with `tech`) the technician's answer to its page."""
    logging.getLogger("huey").setLevel(logging.WARNING)  # the conversation is the output here
    with private_app(app) as private:
        svc = private.extensions["nightdesk"]
        desk = technician.stand_in(private, tech) if tech else None
        sim = TwilioSim.call(private, to_number, from_number)
        echo(f"Calling NightDesk: to {to_number or '(any)'} from {from_number} ({sim.call_sid})")
        if tech:
            echo(f"  (every rule pages the technician at {technician.TECH} by {tech.method}; "
                 "Twilio is simulated: nothing is sent)")
        with running_consumer(private.extensions["huey"]):
            converse(sim, utterances, echo)
            sim.post("/voice/status", CallStatus="completed", CallDuration="42")
            incident = _wait_for_pages(svc, sim.call_sid, timeout)
            if desk is None or tech is None or incident is None:
                played = None
            else:  # while the consumer runs: the technician's change queues jobs of its own
                report(svc, incident, echo)
                played = technician.play(private, desk, tech, echo)
        if played is None:
            report(svc, incident, echo)
        else:
            technician.changes(svc, incident.id, played, echo)


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
        s.add(Incident(id=base, customer="_simulate", severity="P4", status=IncidentStatus.RESOLVED,
                       summary="placeholder: simulated incidents are numbered after this one",
                       ticket_status=TicketStatus.CREATED, pages_planned=True, is_test=True))


def _wait_for_pages(svc, call_sid: str, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        with svc.db.session() as s:
            call = s.scalar(select(Call).where(Call.call_sid == call_sid))
            incident = call.incident if call else None
            if incident is not None:
                done = incident.pages_planned and incident.ticket_status != TicketStatus.PENDING and all(
                    p.status in (PageStatus.SENT, PageStatus.FAILED) for p in incident.pages)
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
