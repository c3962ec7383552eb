"""The HaloPSA adapter at its HTTP boundary: a loopback Halo (token endpoint and API)."""
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from app.bootstrap import tickets_for
from app.config import Config, ConfigError
from app.tickets import TicketError, TicketRequest
from app.tickets.halopsa import HaloTickets

from .fakes.halopsa import CLIENT_ID, CLIENT_SECRET, FakeHalo
from .fakes.http import Reply

REQUEST = TicketRequest(reference="ND-1001", customer="acme-dental", company="Acme Dental",
                        board="After Hours", summary="Server down at the front desk",
                        priority="Priority 1 - Emergency Response",
                        description="Transcript:\nCaller: server down", contact_name="Maria Lopez",
                        contact_phone="+15555550142")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def halo():
    fake = FakeHalo()
    yield fake
    fake.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def tickets(halo, clock):
    return HaloTickets(halo.url, CLIENT_ID, CLIENT_SECRET, timeout=2, clock=clock)


def with_(**changes) -> TicketRequest:
    return TicketRequest(**{**REQUEST.__dict__, **changes})


def test_one_token_serves_two_tickets_and_is_asked_for_with_client_credentials(halo, tickets):
    first, second = tickets.create(REQUEST), tickets.create(with_(reference="ND-1002"))
    assert first.number != second.number
    [token] = halo.token_requests()
    assert parse_qs(token.body.decode()) == {"grant_type": ["client_credentials"], "client_id": [CLIENT_ID],
                                             "client_secret": [CLIENT_SECRET], "scope": ["all"]}
    assert {r.headers["Authorization"] for r in halo.api("POST", "Tickets")} == {"Bearer tok-1"}
    assert len(halo.api("GET", "Client")) == 1  # the client's id is looked up once


def test_a_token_near_its_expiry_is_replaced_before_use(halo, tickets, clock):
    halo.expires_in = 300
    tickets.create(REQUEST)
    clock.now += 200  # still valid for 100 s: used
    tickets.create(with_(reference="ND-1002"))
    clock.now += 50   # 50 s left: inside the margin, so a new one first
    tickets.create(with_(reference="ND-1003"))
    assert [r.headers["Authorization"] for r in halo.api("POST", "Tickets")] == \
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_a_401_fetches_one_new_token_and_retries_the_request_once(halo, tickets):
    tickets.create(REQUEST)
    halo.revoke_all()  # Halo stops accepting the cached token before it expires
    ticket = tickets.create(with_(reference="ND-1002"))
    assert len(halo.token_requests()) == 2
    assert [r.headers["Authorization"] for r in halo.api("POST", "Tickets")] == \
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    assert sorted(halo.tickets) == sorted([2001, int(ticket.number)])  # no duplicate


def test_a_second_401_is_permanent_and_does_not_loop(halo, tickets):
    halo.revoked.update({"tok-1", "tok-2", "tok-3"})
    with pytest.raises(TicketError) as err:
        tickets.create(REQUEST)
    assert err.value.permanent and "401" in err.value.message
    assert len(halo.token_requests()) == 2 and not halo.api("POST", "Tickets")


def test_wrong_credentials_are_permanent_with_halos_words_and_no_secret(halo):
    tickets = HaloTickets(halo.url, CLIENT_ID, "not-the-secret", timeout=2)
    with pytest.raises(TicketError) as err:
        tickets.create(REQUEST)
    assert err.value.permanent
    assert "invalid_client: Invalid client credentials" in err.value.message
    assert "not-the-secret" not in err.value.message + repr(tickets.token)


def test_a_ticket_is_posted_as_a_one_element_array_in_halos_terms(halo, tickets):
    ticket = tickets.create(REQUEST)
    [post] = halo.api("POST", "Tickets")
    body = post.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0] == {"summary": "[ND-1001] Server down at the front desk",
                       "details": "Transcript:\nCaller: server down", "client_id": 12,
                       "priority_id": 1, "team": "After Hours", "reportedby": "Maria Lopez"}
    assert halo.tickets[int(ticket.number)]["client_id"] == 12
    assert ticket.number == ticket.id == "2001"


def test_a_numeric_company_is_the_client_id_and_a_numeric_priority_is_kept(halo, tickets):
    tickets.create(with_(company="13", priority="3", board=""))
    [post] = halo.api("POST", "Tickets")
    body = post.json()[0]
    assert body["client_id"] == 13 and body["priority_id"] == 3 and "team" not in body
    assert not halo.api("GET", "Client")


def test_an_unknown_client_name_is_permanent_and_names_it(halo, tickets):
    with pytest.raises(TicketError) as err:
        tickets.create(with_(company="Acme"))  # only a partial match exists
    assert err.value.permanent and "no client named 'Acme'" in err.value.message
    assert not halo.tickets


def test_a_lost_answer_then_a_retry_leaves_exactly_one_ticket(halo, clock):
    halo.delay = 1.0  # Halo creates the ticket, but its answer comes too late
    tickets = HaloTickets(halo.url, CLIENT_ID, CLIENT_SECRET, timeout=0.3, retry_timeout=5, clock=clock)
    with pytest.raises(TicketError) as err:
        tickets.create(REQUEST)
    assert not err.value.permanent and "Timeout" in err.value.message
    assert len(halo.tickets) == 1
    halo.delay = 0.0
    again = tickets.create(REQUEST, retrying=True)
    assert len(halo.tickets) == 1 and again.number == str(next(iter(halo.tickets)))
    [search] = halo.api("GET", "Tickets")
    assert parse_qs(urlsplit(search.path).query) == {"search_summary": ["ND-1001"]}
    assert len(halo.api("POST", "Tickets")) == 1


def test_a_retry_ignores_a_ticket_whose_reference_only_starts_the_same(halo, tickets):
    tickets.create(with_(reference="ND-10011"))
    ticket = tickets.create(REQUEST, retrying=True)
    assert len(halo.tickets) == 2 and halo.tickets[int(ticket.number)]["summary"].startswith("[ND-1001] ")


def test_notes_are_private_actions_attributed_to_the_agent_found_by_email(halo, tickets):
    number = tickets.create(REQUEST).number
    member = tickets.find_member("jane@msp.example")
    assert member == "Jane Doe"
    assert tickets.find_member("nobody@msp.example") == ""
    tickets.add_note(number, "Resolved by Jane Doe (NightDesk ND-1001).", resolution=True, member=member)
    [post] = halo.api("POST", "Actions")
    assert post.json() == [{"ticket_id": int(number), "outcome": "Private Note",
                            "note": "Resolved by Jane Doe (NightDesk ND-1001).", "hiddenfromuser": True,
                            "sendemail": False, "who": "Jane Doe", "who_agentid": 4}]


def test_status_changes_are_actions_with_the_status_id_looked_up_once(halo, tickets):
    number = tickets.create(REQUEST).number
    tickets.set_status(number, "in progress")
    assert halo.tickets[int(number)]["status_id"] == 2
    tickets.set_status(number, "Closed")
    assert halo.tickets[int(number)]["status_id"] == 9
    assert len(halo.api("GET", "Status")) == 1
    assert [a["new_status"] for a in halo.actions] == [2, 9]
    with pytest.raises(TicketError) as err:
        tickets.set_status(number, "Assigned")
    assert err.value.permanent and "no ticket status named 'Assigned'" in err.value.message
    assert "in progress" in err.value.message


@pytest.mark.parametrize("reply, words", [
    (Reply(400, {"ClassName": "HaloValidationException", "Message": "Team After Hours does not exist"}),
     "HaloValidationException: Team After Hours does not exist"),
    (Reply(400, json.dumps("Please select a Client")), "Please select a Client"),
    (Reply(403, {"resultCode": 403, "errorMessage": "Access denied to Tickets"}), "403: Access denied to Tickets"),
    (Reply(404, "Not Found"), "Not Found"),
])
def test_a_4xx_is_permanent_and_keeps_halos_message(halo, tickets, reply, words):
    halo.script.append(reply)
    with pytest.raises(TicketError) as err:
        tickets.create(with_(company="12"))
    assert err.value.permanent and words in err.value.message


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_5xx_and_429_are_transient_and_honour_retry_after(halo, tickets, status):
    halo.script.append(Reply(status, "<html>busy</html>", headers={"Retry-After": "12"}))
    with pytest.raises(TicketError) as err:
        tickets.create(with_(company="12"))
    assert not err.value.permanent and err.value.retry_after == 12.0
    assert f"HTTP {status}" in err.value.message


def test_an_unreachable_halo_is_transient():
    tickets = HaloTickets("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET, timeout=0.5)
    with pytest.raises(TicketError) as err:
        tickets.create(REQUEST)
    assert not err.value.permanent and "unreachable" in err.value.message


@pytest.mark.parametrize("base", ["https://msp.halopsa.com", "https://msp.halopsa.com/", "https://msp.halopsa.com/api"])
def test_the_deep_link_opens_the_ticket_on_the_halo_site(base):
    assert HaloTickets(base, CLIENT_ID, CLIENT_SECRET).url("2001") == "https://msp.halopsa.com/ticket?id=2001"


def test_bootstrap_picks_halo_when_its_settings_are_set(halo):
    tickets = tickets_for(Config.from_env({**halo.settings(), "HALO_TENANT": "msp"}))
    assert tickets.name == "halopsa"
    ticket = tickets.create(REQUEST)
    assert tickets.url(ticket.number) == f"{halo.url}/ticket?id={ticket.number}"
    [token] = halo.token_requests()
    assert token.path == "/auth/token?tenant=msp"
    assert tickets_for(Config.from_env({})).name == "local"


def test_halo_auth_url_names_another_authorisation_server(halo):
    tickets = tickets_for(Config.from_env({**halo.settings(), "HALO_BASE_URL": "http://127.0.0.1:9",
                                           "HALO_AUTH_URL": halo.url + "/auth"}))
    with pytest.raises(TicketError):  # nothing listens on the site; the token came from the fake
        tickets.find_member("x@msp.example")
    assert len(halo.token_requests()) == 1


@pytest.mark.parametrize("env, message", [
    ({"HALO_BASE_URL": "https://msp.halopsa.com"}, "HALO_CLIENT_ID: required when HALO_BASE_URL is set"),
    ({"HALO_CLIENT_SECRET": "x"}, "HALO_BASE_URL: required when HALO_CLIENT_SECRET is set"),
    ({"HALO_TENANT": "msp"}, "HALO_TENANT: only used with HALO_BASE_URL"),
    ({"HALO_BASE_URL": "msp.halopsa.com", "HALO_CLIENT_ID": "a", "HALO_CLIENT_SECRET": "b"},
     "HALO_BASE_URL: expected an http(s) URL"),
])
def test_incomplete_halo_settings_are_one_line_naming_the_variable(env, message):
    with pytest.raises(ConfigError) as err:
        Config.from_env(env)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_halo_and_connectwise_together_are_a_configuration_error(halo):
    env = {**halo.settings(), "CONNECTWISE_BASE_URL": "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
           "CONNECTWISE_COMPANY": "msp", "CONNECTWISE_PUBLIC_KEY": "p", "CONNECTWISE_PRIVATE_KEY": "k",
           "CONNECTWISE_CLIENT_ID": "c"}
    with pytest.raises(ConfigError) as err:
        tickets_for(Config.from_env(env))
    assert "connectwise and halopsa" in str(err.value)


def test_the_secret_never_shows_in_the_config(halo):
    cfg = Config.from_env(halo.settings())
    assert CLIENT_SECRET not in repr(cfg) + str(cfg)
