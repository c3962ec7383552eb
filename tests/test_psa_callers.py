"""Callers recognised from the PSA, end to end: signed Twilio webhooks through the real app, the
real adapter of each PSA against its loopback fake, jobs run in the test's thread. The caller's
number is in no runbook: only the PSA knows whose it is."""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.models import Call, Incident

from .conftest import TwilioCaller, drain
from .fakes.autotask import FakeAutotask
from .fakes.connectwise import FakeConnectWise, cw_contact
from .fakes.halopsa import FakeHalo

CALLER, UNLISTED_LINE = "+15555550177", "+15555550999"   # neither is in any runbook's match
ACME_GREETING = "You've reached Acme Dental's after-hours IT line"


def _maria(psa: str, company: str = "acme") -> dict:
    """The PSA's contact for CALLER in Acme's company (or Northwind's), in the PSA's own shape."""
    north = company != "acme"
    if psa == "connectwise":
        return cw_contact(32 if north else 31, "Maria", "Lopez",
                          (251, "Northwind", "Northwind Logistics") if north else (250, "AcmeDental", "Acme Dental"),
                          "(555) 555-0177")
    if psa == "autotask":
        return {"id": 42 if north else 41, "firstName": "Maria", "lastName": "Lopez",
                "companyID": 175 if north else 174, "isActive": 1, "phone": "555-555-0177"}
    return {"id": 52 if north else 51, "name": "Maria Lopez", "client_id": 13 if north else 12,
            "client_name": "Northwind" if north else "Acme Dental", "phonenumber": "555 555 0177"}


class PSA:
    """One PSA's fake, the runbook companies in its terms, and where its tickets land."""

    def __init__(self, name: str, *contacts: dict):
        self.name = name
        if name == "connectwise":
            self.fake = FakeConnectWise(contacts=list(contacts))
            self.companies = {"acme": "AcmeDental", "north": "Northwind"}
        elif name == "autotask":
            self.fake = FakeAutotask(companies=(174, 175, 9), contacts=list(contacts),
                                     company_names={174: "Acme Dental", 175: "Northwind"})
            self.companies = {"acme": "174", "north": "175", "default": "9"}
        else:
            self.fake = FakeHalo()
            self.fake.users = list(contacts)
            self.fake.clients.append({"id": 9, "name": "Catchall"})
            self.companies = {"acme": "Acme Dental", "north": "13"}   # a Halo client's name or id

    def settings(self) -> dict:
        return {k.lower(): v for k, v in self.fake.settings().items()}

    def tickets(self) -> list[dict]:
        bodies = [r.json() for r in self.fake.requests
                  if r.method == "POST" and urlsplit(r.path).path.lower().endswith("/tickets")]
        return [b[0] if isinstance(b, list) else b for b in bodies]

    def contact_of(self, ticket: dict):
        return {"connectwise": (ticket.get("contact") or {}).get("id"), "autotask": ticket.get("contactID"),
                "halopsa": ticket.get("user_id")}[self.name]

    def company_of(self, ticket: dict) -> str:
        return {"connectwise": (ticket.get("company") or {}).get("identifier"),
                "autotask": str(ticket.get("companyID")), "halopsa": str(ticket.get("client_id"))}[self.name]


@pytest.fixture(params=["connectwise", "autotask", "halopsa"])
def psa_name(request):
    return request.param


@pytest.fixture
def start(make_app, runbooks_dir, psa_name):
    made = []

    def build(*contacts: dict) -> tuple:
        psa = PSA(psa_name, *contacts)
        made.append(psa)
        for stem, key in (("acme-dental", "acme"), ("northwind-logistics", "north"), ("_default", "default")):
            path = runbooks_dir / f"{stem}.yaml"
            text = path.read_text()
            old = {"acme": "AcmeDental", "north": "Northwind", "default": "Catchall"}[key]
            text = text.replace(f"company: {old}", f"company: \"{psa.companies.get(key, old)}\"")
            if psa_name == "autotask":  # queues and priorities as this tenant names them
                text = re.sub(r"(?m)^\s+board:.*\n", "", text)
                text = text.replace("Priority 1 - Critical", "Critical").replace("Priority 2 - High", "High")
            path.write_text(text)
        app = make_app(psa.settings())
        return app, psa, TwilioCaller(app.test_client(), to=UNLISTED_LINE, from_=CALLER)

    yield build
    for psa in made:
        psa.fake.close()


def says(response) -> str:
    return " ".join(node.text or "" for node in ET.fromstring(response.get_data(as_text=True)).iter("Say"))


def test_a_number_known_only_to_the_psa_reaches_its_customer_and_the_ticket_is_on_that_contact(start, psa_name):
    app, psa, caller = start(_maria(psa_name))
    greeting = caller.post("/voice/incoming")
    assert ACME_GREETING in says(greeting)
    caller.post("/voice/gather?turn=1", SpeechResult="The Dentrix server is down at all clinics")
    drain(app)
    final = caller.post("/voice/next?turn=1")
    assert "Which company" not in says(final) and "Your ticket number is" in says(final)
    [ticket] = psa.tickets()
    assert psa.company_of(ticket) == psa.companies["acme"].replace("Acme Dental", "12")
    assert str(psa.contact_of(ticket)) == {"connectwise": "31", "autotask": "41", "halopsa": "51"}[psa_name]
    with app.extensions["nightdesk"].db.session() as s:
        assert s.scalar(select(Incident)).customer == "acme-dental"


def test_the_same_number_in_two_companies_asks_which_and_opens_on_the_named_ones_contact(start, psa_name):
    app, psa, caller = start(_maria(psa_name), _maria(psa_name, "north"))
    assert ACME_GREETING not in says(caller.post("/voice/incoming"))   # never a guess
    caller.post("/voice/gather?turn=1", SpeechResult="Hi, this is Maria, nobody can log in")
    drain(app)
    assert "Which company" in says(caller.post("/voice/next?turn=1"))
    caller.post("/voice/gather?turn=2", SpeechResult="Northwind Logistics")
    drain(app)
    assert "Your ticket number is" in says(caller.post("/voice/next?turn=2"))
    [ticket] = psa.tickets()
    assert str(psa.contact_of(ticket)) == {"connectwise": "32", "autotask": "42", "halopsa": "52"}[psa_name]


def test_an_unknown_caller_is_asked_for_the_company_and_the_ticket_says_so(start, psa_name):
    app, psa, caller = start()
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult="Hi, this is Sam, nobody can log in")
    drain(app)
    assert "Which company" in says(caller.post("/voice/next?turn=1"))
    caller.post("/voice/gather?turn=2", SpeechResult="I'd rather not say")
    drain(app)
    caller.post("/voice/next?turn=2")
    [ticket] = psa.tickets()
    assert psa.contact_of(ticket) is None
    text = ticket.get("initialDescription") or ticket.get("description") or ticket.get("details")
    assert "Caller not found among the PSA's contacts" in text


def test_a_psa_that_hangs_costs_the_caller_at_most_the_budget_and_the_next_turn_uses_its_answer(
        start, psa_name):
    app, psa, caller = start(_maria(psa_name))
    psa.fake.lookup_delay = 1.0
    started = time.monotonic()
    greeting = caller.post("/voice/incoming")
    assert time.monotonic() - started < 0.3 + 0.4   # the budget, and the webhook's own work
    assert ACME_GREETING not in says(greeting)        # the default runbook, as today
    time.sleep(1.2)                                   # the PSA answers meanwhile, into the cache
    caller.post("/voice/gather?turn=1", SpeechResult="The Dentrix server is down at all clinics")
    with app.extensions["nightdesk"].db.session() as s:
        call = s.scalar(select(Call))
        assert call.customer == "acme-dental" and call.contact["contacts"]
