"""The Autotask adapter at its HTTP boundary: a loopback Autotask (tests/fakes/autotask.py) that
answers the zone lookup, field info, tickets, notes, resources and threshold information."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from app.bootstrap import tickets_for
from app.config import Config, ConfigError
from app.tickets import TicketError, TicketRequest
from app.tickets.autotask import AutotaskTickets
from app.tickets.autotask_api import AutotaskApi

from .fakes.autotask import API, CODE, SECRET, USER, FakeAutotask
from .fakes.http import Reply

REQUEST = TicketRequest(reference="ND-1001", customer="acme-dental", company="174", board="After Hours",
                        summary="Dentrix server down", priority="Critical",
                        description="Transcript:\nCaller: server down", contact_name="Maria",
                        contact_phone="+15555550142")


def ask(**changes) -> TicketRequest:
    return TicketRequest(**{**REQUEST.__dict__, **changes})


@pytest.fixture
def fake():
    server = FakeAutotask()
    yield server
    server.close()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def adapter(fake, timeout=2.0, clock=None, **api) -> AutotaskTickets:
    api.setdefault("zone_lookup", fake.zone_lookup)
    return AutotaskTickets(AutotaskApi(USER, SECRET, CODE, clock=clock or Clock(), **api), timeout=timeout)


def test_the_zone_is_found_from_the_username_once_and_the_link_is_on_its_web_host(fake):
    at = adapter(fake)
    first, second = at.create(REQUEST), at.create(ask(reference="ND-1002"))
    [lookup] = fake.calls("GET", "/ZoneInformation")
    assert parse_qs(urlsplit(lookup.path).query) == {"user": [USER]}
    assert "Secret" not in lookup.headers          # the lookup needs no credentials: none are sent
    assert len(fake.calls("POST", "/Tickets")) == 2 and first.number != second.number
    link = urlsplit(at.url(first.number))
    assert (link.scheme, link.netloc, link.path) == ("https", "ww15.autotask.net",
                                                     "/Autotask/AutotaskExtend/ExecuteCommand.aspx")
    assert parse_qs(link.query) == {"Code": ["OpenTicketDetail"], "TicketID": [first.number]}


@pytest.mark.parametrize("suffix", ["", "/", "/V1.0", "/v1.0/"])
def test_autotask_base_url_is_used_without_asking_for_the_zone(fake, suffix):
    at = adapter(fake, base_url=fake.base_url + suffix)
    assert at.create(REQUEST).number
    assert fake.calls("GET", "/ZoneInformation") == [] and len(fake.calls("POST", "/Tickets")) == 1


def test_with_a_base_url_the_link_is_on_the_zones_web_host():
    at = AutotaskTickets(AutotaskApi(USER, SECRET, CODE, base_url="https://webservices5.autotask.net/ATServicesRest"))
    assert at.url("7001").startswith("https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?")


def test_an_unknown_api_user_is_a_permanent_error_saying_what_to_check(fake):
    at = AutotaskTickets(AutotaskApi("someone@else.example", SECRET, CODE, zone_lookup=fake.zone_lookup))
    with pytest.raises(TicketError) as err:
        at.create(REQUEST)
    assert err.value.permanent and "AUTOTASK_USERNAME" in err.value.message
    assert at.url("1") == ""


def test_a_ticket_is_created_with_queue_priority_and_status_picked_by_name_looked_up_once(fake):
    at = adapter(fake)
    ticket = at.create(REQUEST)
    at.create(ask(reference="ND-1002", board="Level I Support", priority="low"))
    saved = fake.tickets[int(ticket.number)]
    assert {k: saved[k] for k in ("companyID", "queueID", "priority", "status", "externalID", "title")} == {
        "companyID": 174, "queueID": 29682834, "priority": 4, "status": 1, "externalID": "ND-1001",
        "title": "Dentrix server down"}
    assert "server down" in saved["description"]
    assert len(fake.calls("GET", "/Tickets/entityInformation/fields")) == 1   # two tickets, one lookup
    post = fake.calls("POST", "/Tickets")[0]
    assert (post.headers["ApiIntegrationCode"], post.headers["UserName"], post.headers["Secret"]) == (CODE, USER, SECRET)


@pytest.mark.parametrize("changes, named", [
    ({"board": "Nite Shift"}, "queue named 'Nite Shift'"),
    ({"board": "Old Queue"}, "queue named 'Old Queue'"),           # inactive values are not offered
    ({"priority": "Urgent"}, "priority named 'Urgent'"),
    ({"company": "AcmeDental"}, "'AcmeDental'"),
])
def test_an_unknown_name_is_permanent_and_names_it_without_posting(fake, changes, named):
    with pytest.raises(TicketError) as err:
        adapter(fake).create(ask(**changes))
    assert err.value.permanent and named in err.value.message
    assert fake.calls("POST", "/Tickets") == []


def test_an_unknown_queue_lists_the_queues_autotask_has(fake):
    with pytest.raises(TicketError) as err:
        adapter(fake).create(ask(board="Nite Shift"))
    assert "Level I Support, After Hours" in err.value.message


def test_runbook_default_priority_names_fall_back_to_autotasks_stock_priorities(fake):
    ticket = adapter(fake).create(ask(priority="Priority 1 - Emergency Response"))
    assert fake.tickets[int(ticket.number)]["priority"] == 4   # Critical


def test_a_lost_answer_is_found_on_retry_and_never_becomes_a_second_ticket(fake):
    at = adapter(fake, timeout=0.3)
    fake.post_delay = 1.0
    with pytest.raises(TicketError) as err:
        at.create(REQUEST)
    assert not err.value.permanent and "Timeout" in err.value.message
    assert len(fake.tickets) == 1                  # it reached Autotask; only the answer was lost
    fake.post_delay = 0.0
    again = at.create(REQUEST, retrying=True)
    assert len(fake.tickets) == 1 and int(again.number) in fake.tickets
    assert len(fake.calls("POST", "/Tickets")) == 1
    query = fake.calls("POST", "/Tickets/query")[0].json()
    assert query["filter"] == [{"op": "eq", "field": "externalID", "value": "ND-1001"}]


def test_a_retry_with_nothing_found_creates_the_ticket(fake):
    ticket = adapter(fake).create(REQUEST, retrying=True)
    assert list(fake.tickets) == [int(ticket.number)]
    assert [r.method for r in fake.requests if "/Tickets" in r.path and "entityInformation" not in r.path] == ["POST", "POST"]


def test_notes_status_and_member_follow_the_api(fake):
    at = adapter(fake)
    number = at.create(REQUEST).number
    assert at.find_member("Jane@msp.example") == "jdoe" and at.find_member("nobody@msp.example") == ""
    at.add_note(number, "Acknowledged by jdoe (jane@msp.example) via Slack (NightDesk ND-1001).", member="jdoe")
    at.add_note(number, "Resolved by jdoe.\nRebooted the server.", resolution=True)
    at.set_status(number, "Complete")
    ack, resolved = fake.notes
    assert ack["ticketID"] == int(number) and ack["description"].startswith("Acknowledged by jdoe")
    assert (ack["noteType"], ack["publish"]) == (3, 2)     # the tenant's defaults for the two picklists
    assert resolved["title"] == "Resolution (NightDesk)" and "Rebooted" in resolved["description"]
    assert fake.tickets[int(number)]["status"] == 4
    assert len(fake.calls("GET", "/TicketNotes/entityInformation/fields")) == 1


def test_an_unknown_status_is_permanent_and_names_it(fake):
    at = adapter(fake)
    number = at.create(REQUEST).number
    with pytest.raises(TicketError) as err:
        at.set_status(number, ">Closed")
    assert err.value.permanent and "ticket status named '>Closed'" in err.value.message
    assert fake.calls("PATCH", "/Tickets") == []


def test_near_the_hourly_threshold_it_backs_off_instead_of_spending_the_rest(fake):
    clock = Clock()
    at = adapter(fake, clock=clock)
    fake.usage = 9600
    with pytest.raises(TicketError) as err:
        at.create(REQUEST)
    assert not err.value.permanent and err.value.retry_after == 120
    assert "9601 of 10000" in err.value.message or "9602 of 10000" in err.value.message
    assert fake.calls("POST", "/Tickets") == []
    fake.usage = 2000                          # older requests left the rolling hour
    clock.now += 61                            # and the reading is old enough to read again
    assert at.create(REQUEST).number
    assert len(fake.calls("GET", "/ThresholdInformation")) == 2


def test_its_own_requests_count_between_threshold_readings(fake):
    at = adapter(fake)
    fake.usage = 9496                          # the reading says 9497; 95 % of 10,000 is 9,500
    at.create(REQUEST)                         # field info and the ticket: 9498, 9499
    with pytest.raises(TicketError) as err:
        at.create(ask(reference="ND-1002"))    # 9500: stop, without asking Autotask again
    assert err.value.retry_after == 120 and len(fake.calls("POST", "/Tickets")) == 1
    assert len(fake.calls("GET", "/ThresholdInformation")) == 1


@pytest.mark.parametrize("reply, permanent, retry_after, words", [
    (Reply(400, {"errors": ["Value 9 for priority is not valid"]}), True, None, "Value 9 for priority is not valid"),
    (Reply(403, {"errors": ["User does not have permission to create Tickets"]}), True, None, "permission"),
    (Reply(500, {"errors": ["Internal server error"]}, {"Retry-After": "7"}), False, 7.0, "Internal server error"),
    (Reply(503, "<html>maintenance</html>"), False, None, "maintenance"),
    (Reply(429, "", {"Retry-After": "30"}), False, 30.0, "429"),
])
def test_4xx_is_permanent_5xx_and_429_transient_with_autotasks_message(fake, reply, permanent, retry_after, words):
    at = adapter(fake)
    at.create(REQUEST)                         # zone, field info and threshold known: the POST answers
    fake.fail = [reply]
    with pytest.raises(TicketError) as err:
        at.create(ask(reference="ND-1002"))
    assert (err.value.permanent, err.value.retry_after) == (permanent, retry_after)
    assert words in err.value.message and SECRET not in err.value.message


def test_wrong_credentials_are_permanent(fake):
    at = AutotaskTickets(AutotaskApi(USER, "wrong", CODE, zone_lookup=fake.zone_lookup))
    with pytest.raises(TicketError) as err:
        at.create(REQUEST)
    assert err.value.permanent and "401" in err.value.message


def test_an_unreachable_autotask_is_transient():
    at = AutotaskTickets(AutotaskApi(USER, SECRET, CODE, base_url="http://127.0.0.1:9/ATServicesRest"), timeout=0.5)
    with pytest.raises(TicketError) as err:
        at.create(REQUEST)
    assert not err.value.permanent and "unreachable" in err.value.message


def test_bootstrap_picks_autotask_when_its_settings_are_set(fake):
    cfg = Config.from_env(fake.settings())
    tickets = tickets_for(cfg)
    assert isinstance(tickets, AutotaskTickets) and tickets.name == "autotask"
    assert int(tickets.create(REQUEST).number) in fake.tickets
    assert SECRET not in repr(cfg) and CODE not in repr(cfg)


def test_autotask_and_connectwise_settings_together_are_a_configuration_error(fake):
    cfg = Config.from_env({**fake.settings(), "CONNECTWISE_BASE_URL": "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
                           "CONNECTWISE_COMPANY": "msp", "CONNECTWISE_PUBLIC_KEY": "pub",
                           "CONNECTWISE_PRIVATE_KEY": "priv", "CONNECTWISE_CLIENT_ID": "cid"})
    with pytest.raises(ConfigError, match="connectwise and autotask"):
        tickets_for(cfg)


@pytest.mark.parametrize("env, message", [
    ({"AUTOTASK_USERNAME": USER, "AUTOTASK_SECRET": SECRET}, "AUTOTASK_INTEGRATION_CODE: required when AUTOTASK_USERNAME is set"),
    ({"AUTOTASK_SECRET": SECRET}, "AUTOTASK_USERNAME: required when AUTOTASK_SECRET is set"),
    ({"AUTOTASK_USERNAME": "nightdesk"}, "AUTOTASK_USERNAME: expected an email address"),
    ({"AUTOTASK_BASE_URL": "https://webservices5.autotask.net/ATServicesRest"}, "AUTOTASK_BASE_URL: only used with"),
])
def test_autotask_settings_are_all_three_or_none_in_one_line(env, message):
    with pytest.raises(ConfigError) as err:
        Config.from_env(env)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_no_secret_reaches_a_log_line(fake, caplog):
    caplog.set_level(logging.DEBUG)
    at = adapter(fake)
    at.create(REQUEST)
    fake.fail = [Reply(500, {"errors": ["boom"]})]
    with pytest.raises(TicketError):
        at.add_note("7001", "Acknowledged by jdoe")
    assert caplog.records and not [r for r in caplog.records
                                   if SECRET in r.getMessage() or CODE in r.getMessage()]
