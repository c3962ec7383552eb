"""Each PSA's contact lookup by the caller's number, at its HTTP boundary (the loopback fakes),
the contact each one's ticket is opened on, and the cache with its time budget in front of them."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from app.tickets import Contact, TicketError, TicketRequest
from app.tickets.autotask import AutotaskTickets
from app.tickets.autotask_api import AutotaskApi
from app.tickets.callers import CallerLookup
from app.tickets.connectwise import ConnectWiseTickets
from app.tickets.halopsa import HaloTickets

from .fakes.autotask import CODE, SECRET, USER, FakeAutotask
from .fakes.connectwise import FakeConnectWise, cw_contact
from .fakes.halopsa import CLIENT_ID, CLIENT_SECRET, FakeHalo

CALLER = "+15555550177"
ACME, NORTHWIND = (250, "AcmeDental", "Acme Dental"), (251, "Northwind", "Northwind Logistics")
REQUEST = TicketRequest(reference="ND-1001", customer="acme-dental", company="AcmeDental", board="",
                        summary="Server down", priority="Priority 1 - Emergency Response",
                        description="Transcript", contact_id="")


def connectwise():
    fake = FakeConnectWise(contacts=[
        cw_contact(31, "Maria", "Lopez", ACME, "(555) 555-0177"),
        cw_contact(32, "Old", "Account", ACME, "555.555.0177"),
        cw_contact(33, "Sam", "Reyes", NORTHWIND, "555-555-1177"),   # same last digits only
    ])
    fake.contacts[1]["inactiveFlag"] = True
    return fake, ConnectWiseTickets(fake.base_url, "msp", "pub", "priv", "guid", timeout=2)


def autotask():
    fake = FakeAutotask(companies=(174, 175), company_names={174: "Acme Dental", 175: "Northwind"}, contacts=[
        {"id": 41, "firstName": "Maria", "lastName": "Lopez", "companyID": 174, "isActive": 1,
         "phone": "", "mobilePhone": "+1 (555) 555-0177", "alternatePhone": ""},
        {"id": 42, "firstName": "Old", "lastName": "Account", "companyID": 174, "isActive": 0,
         "phone": "555-555-0177", "mobilePhone": "", "alternatePhone": ""},
        {"id": 43, "firstName": "Sam", "lastName": "Reyes", "companyID": 175, "isActive": 1,
         "phone": "555 555 1177", "mobilePhone": "", "alternatePhone": ""}])
    api = AutotaskApi(USER, SECRET, CODE, zone_lookup=fake.zone_lookup)
    return fake, AutotaskTickets(api, timeout=2)


def halo():
    fake = FakeHalo()
    fake.users = [
        {"id": 51, "name": "Maria Lopez", "client_id": 12, "client_name": "Acme Dental",
         "phonenumber": "", "mobilenumber": "(555) 555-0177"},
        {"id": 52, "name": "Old Account", "client_id": 12, "client_name": "Acme Dental",
         "phonenumber": "5555550177", "inactive": True},
        {"id": 53, "name": "Sam Reyes", "client_id": 13, "client_name": "Acme Dental Labs",
         "phonenumber": "555-555-0177 ext 9"}]   # a colleague's direct line plus an extension
    return fake, HaloTickets(fake.url, CLIENT_ID, CLIENT_SECRET, timeout=2)


PSAS = {"connectwise": connectwise, "autotask": autotask, "halopsa": halo}
EXPECTED = {
    "connectwise": [Contact("31", "Maria Lopez", "AcmeDental", "Acme Dental")],
    "autotask": [Contact("41", "Maria Lopez", "174", "Acme Dental")],
    "halopsa": [Contact("51", "Maria Lopez", "12", "Acme Dental"),
                Contact("53", "Sam Reyes", "13", "Acme Dental Labs")],
}


@pytest.fixture(params=sorted(PSAS))
def psa(request):
    fake, tickets = PSAS[request.param]()
    yield request.param, fake, tickets
    fake.close()


def test_the_contacts_with_the_callers_number_are_found_however_it_was_typed(psa):
    name, fake, tickets = psa
    assert tickets.find_contacts(CALLER) == EXPECTED[name]
    assert tickets.find_contacts("+15555550100") == []


def test_each_psa_is_asked_with_its_own_query(psa):
    name, fake, tickets = psa
    tickets.find_contacts(CALLER)
    asked = [r for r in fake.requests if "contact" in r.path.lower() or "/users" in r.path.lower()]
    assert asked, [r.path for r in fake.requests]
    if name == "connectwise":
        query = parse_qs(urlsplit(asked[0].path).query)
        assert query["childConditions"] == ["communicationItems/value like '%5%5%5%5%5%5%0%1%7%7%' "
                                            "AND communicationItems/communicationType='Phone'"]
        assert query["conditions"] == ["inactiveFlag=false"]
    elif name == "autotask":
        assert asked[0].json()["filter"] == [{"op": "or", "items": [
            {"op": "contains", "field": f, "value": "0177"} for f in ("phone", "mobilePhone", "alternatePhone")]}]
    else:
        assert parse_qs(urlsplit(asked[0].path).query)["search_phonenumbers"] == ["true"]
    assert not [r for r in fake.requests if r.method in ("POST", "PATCH") and "quer" not in r.path.lower()
                and "token" not in r.path], "a lookup never creates anything in the PSA"


@pytest.mark.parametrize("name, field, value", [("connectwise", "contact", {"id": 31}),
                                                ("autotask", "contactID", 41), ("halopsa", "user_id", 51)])
def test_a_ticket_is_opened_on_the_contact_in_each_psas_own_field(name, field, value):
    fake, tickets = PSAS[name]()
    try:
        company = {"connectwise": "AcmeDental", "autotask": "174", "halopsa": "12"}[name]
        tickets.create(TicketRequest(**{**REQUEST.__dict__, "company": company,
                                        "contact_id": str(value["id"] if isinstance(value, dict) else value)}))
        [body] = [r.json() for r in fake.requests if r.method == "POST" and urlsplit(r.path).path.lower()
                  .endswith("/tickets")]
        body = body[0] if isinstance(body, list) else body
        assert body[field] == value
    finally:
        fake.close()


def test_a_psa_that_fails_is_a_ticket_error():
    fake, tickets = connectwise()
    fake.close()
    with pytest.raises(TicketError):
        tickets.find_contacts(CALLER)


class SlowTickets:
    name = "slow"
    kept_here = False

    def __init__(self, delay: float, fail: bool = False):
        self.delay, self.fail, self.asked = delay, fail, 0

    def find_contacts(self, phone: str) -> list[Contact]:
        self.asked += 1
        time.sleep(self.delay)
        if self.fail:
            raise TicketError("PSA HTTP 502")
        return [Contact("7", "Maria Lopez", "AcmeDental")]


def test_the_lookup_is_cached_for_its_lifetime():
    clock = [0.0]
    psa = SlowTickets(0)
    callers = CallerLookup(psa, ttl=600, clock=lambda: clock[0])
    assert callers.find(CALLER) == callers.find(CALLER) == [Contact("7", "Maria Lopez", "AcmeDental")]
    assert psa.asked == 1
    clock[0] = 601
    callers.find(CALLER)
    assert psa.asked == 2


def test_a_slow_psa_costs_the_budget_and_its_answer_is_cached_for_the_next_turn():
    psa = SlowTickets(0.5)
    callers = CallerLookup(psa)
    started = time.monotonic()
    assert callers.find(CALLER, budget=0.1) is None
    assert time.monotonic() - started < 0.3
    assert callers.find(CALLER, budget=0) is None       # still on its way: asked once, not twice
    time.sleep(0.6)
    assert callers.find(CALLER, budget=0) == [Contact("7", "Maria Lopez", "AcmeDental")]
    assert psa.asked == 1


def test_a_failed_lookup_is_not_cached_and_no_psa_or_no_caller_id_asks_nothing():
    psa = SlowTickets(0, fail=True)
    callers = CallerLookup(psa)
    assert callers.find(CALLER) is None and callers.find(CALLER) is None
    assert psa.asked == 2
    assert callers.find("anonymous") is None and psa.asked == 2
    psa.kept_here = True  # NightDesk's own tickets: no contacts to look in
    assert callers.find("+15555550100") is None and psa.asked == 2
