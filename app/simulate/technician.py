"""simulate-call's technician: `--tech-press KEY` answers the page call and presses a key,
`--tech-sms TEXT` replies to the SMS page. No credentials: the simulation's runbooks page one
made-up technician by call or SMS, and the real call and SMS channels hand their requests to a
TwilioDesk instead of Twilio. The technician's side is then played as Twilio plays it: signed
webhooks (/voice/page/…, /sms/incoming) through the app."""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import Event, Incident
from app.runbooks import Route, RunbookStore
from app.runbooks.model import Runbook
from app.states import IncidentStatus

from .signed import TwilioSim, base_url
from .twilio_desk import Asked, DeskCall, DeskSms, TwilioDesk

TECH = "+15555550111"   # the simulated technician's phone
LINE = "+15555550100"   # NightDesk's Twilio number when TWILIO_FROM_NUMBER is unset
DRAIN_S = 5.0           # what a key or reply queued (the Slack message, the ticket note) gets to run


@dataclass(frozen=True)
class Tech:
    press: str = ""   # a key of the page call
    sms: str = ""     # a reply to the SMS page

    @property
    def method(self) -> str:
        return "call" if self.press else "sms"


class Rerouted(RunbookStore):
    """The runbooks, with every rule paging `route` once, and no fallback, escalation step or
    reminder: whichever rule the triage picks, its page reaches the simulated technician and
    nobody else."""

    def __init__(self, *args, route: Route, **kwargs):
        super().__init__(*args, **kwargs)
        self.route = route

    def all(self) -> list[Runbook]:
        return [self._rerouted(book) for book in super().all()]

    def by_file(self, name: str) -> Runbook | None:
        book = super().by_file(name)
        return self._rerouted(book) if book else None

    def _rerouted(self, book: Runbook) -> Runbook:
        rules = tuple(dataclasses.replace(rule, route=self.route, fallback=None, every=0)
                      for rule in book.rules)
        return dataclasses.replace(book, rules=rules, steps=(), repeat=0, ack_timeout=0)


def stand_in(app, tech: Tech) -> TwilioDesk:
    """Point the simulation's pages at the technician, through channels that record."""
    svc, config = app.extensions["nightdesk"], app.config["NIGHTDESK"]
    desk, line = TwilioDesk(), config.twilio_from_number or LINE
    call = DeskCall(desk, line, webhook_base=base_url(app) + "/voice/page")
    svc.channels.register(call)
    svc.channels.register(DeskSms(desk, line))
    svc.channels.calls = call  # a machine's voicemail goes through it too
    svc.runbooks = Rerouted(config.runbooks_dir, svc.channels, route=Route(tech.method, TECH),
                            max_bytes=config.runbook_max_bytes)
    return desk


def play(app, desk: TwilioDesk, tech: Tech, echo) -> int:
    """The technician's side; returns the last event id before it, for `changes`."""
    with app.extensions["nightdesk"].db.session() as s:
        before = s.scalar(select(func.max(Event.id))) or 0
    echo("")
    if tech.press:
        answer_call(app, desk.last("Calls", TECH), tech.press, echo)
    else:
        reply_by_sms(app, desk.last("Messages", TECH), tech.sms, echo)
    drain(app.extensions["huey"])
    return before


def answer_call(app, asked: Asked | None, key: str, echo) -> None:
    if asked is None:
        echo(f"Technician: no page call rang {TECH}.")
        return
    line, fields = asked.fields["From"], asked.fields
    echo(f"Technician: {TECH} rings, a call from {line} ({asked.sid}); the technician answers")
    phone = TwilioSim.call(app, TECH, line, CallSid=asked.sid, Direction="outbound-api")
    root = phone.post(fields["Url"])
    phone.post(fields["AsyncAmdStatusCallback"], AnsweredBy="human")
    heard = hear(root, set(), echo)
    gather = root.find("Gather")
    if gather is not None:
        echo(f"  Tech:      presses {key}")
        root = phone.post(gather.get("action", ""), Digits=key)
        if root.find("Gather") is not None:
            hear(root, heard, echo)
        else:
            follow(app, root, line, echo)
    echo("  (technician hangs up)")
    phone.post(fields["StatusCallback"], CallStatus="completed", CallDuration="35")


def hear(root, heard: set[str], echo) -> set[str]:
    """Echo what the technician hears before a key is wanted (a <Gather>'s words, else all),
    each sentence once: a key's answer reads the page again after its confirmation."""
    gather = root.find("Gather")
    said = [v.text or "" for v in (gather if gather is not None else root).iter("Say")]
    again = [text for text in said if text in heard]
    for text in said:
        if text not in heard:
            echo(f"  NightDesk: {text}")
    if again:
        echo("  NightDesk: (the page and the keys again)")
    return heard | set(said)


def follow(app, root, line: str, echo) -> None:
    """A key's answer that ends the page: its words, and the caller put through (key 0)."""
    for verb in root:
        if verb.tag == "Say":
            echo(f"  NightDesk: {verb.text}")
        number = verb.find("Number") if verb.tag == "Dial" else None
        if number is not None:
            echo(f"  (Twilio dials the caller at {number.text} from {verb.get('callerId')})")
            caller = TwilioSim.call(app, number.text or "", line, Direction="outbound-dial")
            for said in caller.post(number.get("url", "")).iter("Say"):
                echo(f"  Caller hears: {said.text}")
            echo("  (technician and caller talk)")


def reply_by_sms(app, asked: Asked | None, body: str, echo) -> None:
    if asked is None:
        echo(f"Technician: no SMS page reached {TECH}.")
        return
    line = asked.fields["From"]
    echo(f"Technician: {TECH} gets a text from {line} ({asked.sid}):")
    for text in str(asked.fields.get("Body", "")).splitlines():
        echo(f"  | {text}")
    echo(f"  Tech:      {body}")
    root = TwilioSim.text(app, line, TECH, body).post("/sms/incoming")
    answers = [m.text or "" for m in root.iter("Message")]
    for text in answers:
        echo(f"  NightDesk: {text}")
    if not answers:
        echo("  (no answer from NightDesk: Twilio answers its own keywords)")


def drain(huey, timeout: float = DRAIN_S) -> None:
    """Wait until the queue holds nothing to run now; the consumer then stops gracefully,
    finishing what it has started."""
    deadline = time.monotonic() + timeout
    while huey.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)


def changes(svc, incident_id: int, since: int, echo) -> None:
    """How the incident stands after the technician acted, and what was recorded."""
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        events = s.scalars(select(Event).where(Event.incident_id == incident_id, Event.id > since)
                           .order_by(Event.id)).all()
        echo("")
        echo(f"Now:      {incident.reference} {standing(incident)}")
        for event in events:
            shown = ", ".join(f"{k} {v}" for k, v in (event.detail or {}).items()
                              if k in ("by", "via", "asked", "outcome", "answered_by", "event") and v)
            echo(f"Event:    {event.kind}" + (f" ({shown})" if shown else ""))


def standing(incident: Incident) -> str:
    if incident.status == IncidentStatus.RESOLVED:
        return f"resolved by {incident.resolved_by}"
    if incident.status == IncidentStatus.ACKNOWLEDGED:
        return f"acknowledged by {incident.acknowledged_by}"
    if incident.snoozed_until:
        return f"open, snoozed until {incident.snoozed_until:%H:%M} UTC"
    return str(incident.status)
