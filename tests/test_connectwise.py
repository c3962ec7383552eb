"""The ConnectWise adapter at its HTTP boundary (requests, faked with `responses`)."""
import base64
import json

import jsonschema
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from app.config import Config, ConfigError

from app.tickets import TicketError, TicketRequest
from app.tickets.connectwise import ConnectWiseTickets

from .conftest import SAMPLES

BASE = "https://na.myconnectwise.net/v4_6_release/apis/3.0"
SWAGGER = json.loads((SAMPLES.parent / "connectwise" / "service_api_swagger2_2017.json").read_text())
REQUEST = TicketRequest(reference="ND-1001", customer="acme-dental", company="AcmeDental",
                        board="Help Desk - After Hours", summary="S" * 140,
                        priority="Priority 1 - Emergency Response",
                        description="Transcript:\nCaller: server down", contact_name="Maria",
                        contact_phone="+1 (555) 555-0142 extension 12")


def ticket_schema() -> dict:
    """The official Swagger 'Ticket' definition, strict about unknown fields. `contactName` is
    the one field it predates: the 2025.1 spec adds it with maxLength 62 (VENDORS.md §3)."""
    definitions = json.loads(json.dumps(SWAGGER["definitions"]))
    ticket = definitions["Ticket"]
    ticket["properties"]["contactName"] = {"type": "string", "maxLength": 62}
    ticket["additionalProperties"] = False
    return {"$ref": "#/definitions/Ticket", "definitions": definitions}


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def cw():
    return ConnectWiseTickets(BASE, "msp", "pub", "priv", "client-guid", timeout=2)


@responses.activate
def test_a_ticket_is_posted_as_the_swagger_spec_describes(cw):
    responses.post(f"{BASE}/service/tickets", json={"id": 45234, "summary": "x"}, status=201)
    ticket = cw.create(REQUEST)
    assert ticket.number == "45234"
    [call] = responses.calls
    body = json.loads(call.request.body)
    jsonschema.validate(body, ticket_schema())
    assert set(body) <= set(SWAGGER["definitions"]["Ticket"]["properties"]) | {"contactName"}
    assert len(body["summary"]) == 100
    assert body["company"] == {"identifier": "AcmeDental"}
    assert body["board"] == {"name": "Help Desk - After Hours"}
    assert body["priority"] == {"name": "Priority 1 - Emergency Response"}
    assert body["externalXRef"] == "ND-1001"
    assert len(body["contactPhoneNumber"]) <= 20
    assert "server down" in body["initialDescription"]
    auth = call.request.headers["Authorization"]
    assert base64.b64decode(auth.split()[1]).decode() == "msp+pub:priv"
    assert call.request.headers["clientId"] == "client-guid"


@responses.activate
def test_a_4xx_is_permanent_and_keeps_connectwise_message(cw):
    responses.post(f"{BASE}/service/tickets", status=400, json={
        "code": "InvalidObject", "message": "ticket object is invalid",
        "errors": [{"code": "MissingRequiredField", "message": "The company field is required.",
                    "resource": "ticket", "field": "company"}]})
    with pytest.raises(TicketError) as err:
        cw.create(REQUEST)
    assert err.value.permanent
    assert "ticket object is invalid" in err.value.message and "company: The company field is required." in err.value.message


@pytest.mark.parametrize("status", [500, 502, 503, 429])
@responses.activate
def test_5xx_and_429_are_transient(cw, status):
    responses.post(f"{BASE}/service/tickets", status=status, body="<html>oops</html>",
                   headers={"Retry-After": "12"})
    with pytest.raises(TicketError) as err:
        cw.create(REQUEST)
    assert not err.value.permanent and err.value.retry_after == 12.0


@responses.activate
def test_a_timeout_is_transient(cw):
    responses.post(f"{BASE}/service/tickets", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(TicketError) as err:
        cw.create(REQUEST)
    assert not err.value.permanent and "ReadTimeout" in err.value.message


@responses.activate
def test_a_retry_finds_the_ticket_an_earlier_timed_out_post_created(cw):
    responses.get(f"{BASE}/service/tickets", json=[{"id": 777}])
    ticket = cw.create(REQUEST, retrying=True)
    assert ticket.number == "777"
    [call] = responses.calls
    assert call.request.method == "GET"
    assert 'externalXRef="ND-1001"' in requests.utils.unquote(call.request.url)


@responses.activate
def test_a_retry_with_nothing_found_creates_the_ticket(cw):
    responses.get(f"{BASE}/service/tickets", json=[])
    responses.post(f"{BASE}/service/tickets", json={"id": 778}, status=201)
    assert cw.create(REQUEST, retrying=True).number == "778"
    assert [c.request.method for c in responses.calls] == ["GET", "POST"]


@responses.activate
def test_notes_status_and_member_lookup_follow_the_api(cw):
    responses.post(f"{BASE}/service/tickets/45234/notes", json={"id": 1}, status=201)
    responses.patch(f"{BASE}/service/tickets/45234", json={"id": 45234})
    responses.get(f"{BASE}/system/members", json=[{"identifier": "jdoe"}])
    assert cw.find_member("jane@msp.example") == "jdoe"
    cw.add_note("45234", "Resolved by jdoe", resolution=True, member="jdoe")
    cw.set_status("45234", ">Closed")
    lookup, note, patch = responses.calls
    assert 'officeEmail="jane@msp.example"' in requests.utils.unquote(lookup.request.url)
    body = json.loads(note.request.body)
    jsonschema.validate(body, {"$ref": "#/definitions/ServiceNote", "definitions": SWAGGER["definitions"]})
    assert body["resolutionFlag"] is True and body["member"] == {"identifier": "jdoe"}
    assert json.loads(patch.request.body) == [{"op": "replace", "path": "status", "value": {"name": ">Closed"}}]
    assert cw.url("45234").startswith("https://na.myconnectwise.net/v4_6_release/services/")


API_BASE = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


def test_open_ticket_link_is_on_the_ui_host_not_the_api_host():
    cw = ConnectWiseTickets(API_BASE, "msp", "pub", "priv", "client-guid")
    link = urlsplit(cw.url("45234"))
    assert link.netloc == "na.myconnectwise.net"
    assert link.path == "/v4_6_release/services/system_io/Service/fv_sr100_request.rails"
    assert parse_qs(link.query) == {"service_recid": ["45234"], "companyName": ["msp"]}


def test_company_name_in_the_link_is_url_encoded():
    cw = ConnectWiseTickets(API_BASE, "Smith & Sons #1", "pub", "priv", "client-guid")
    link = cw.url("7")
    assert "companyName=Smith+%26+Sons+%231" in link
    assert parse_qs(urlsplit(link).query)["companyName"] == ["Smith & Sons #1"]


@pytest.mark.parametrize("override, expected", [
    ("https://cw.msp.example", "https://cw.msp.example/v4_6_release/services/"),
    ("https://cw.msp.example/v2025_1/", "https://cw.msp.example/v2025_1/services/"),
])
def test_connectwise_ui_url_overrides_the_derived_host(override, expected):
    cw = ConnectWiseTickets(API_BASE, "msp", "pub", "priv", "client-guid", ui_url=override)
    assert cw.url("9").startswith(expected)


def test_connectwise_ui_url_reaches_the_adapter_from_the_environment():
    from app.bootstrap import tickets_for as tickets
    env = {"CONNECTWISE_BASE_URL": API_BASE, "CONNECTWISE_COMPANY": "msp",
           "CONNECTWISE_PUBLIC_KEY": "pub", "CONNECTWISE_PRIVATE_KEY": "priv",
           "CONNECTWISE_CLIENT_ID": "guid"}
    assert tickets(Config.from_env(env)).url("1").startswith("https://na.myconnectwise.net/v4_6_release/")
    cfg = Config.from_env({**env, "CONNECTWISE_UI_URL": "https://cw.msp.example"})
    assert tickets(cfg).url("1").startswith("https://cw.msp.example/v4_6_release/")


@pytest.mark.parametrize("env, message", [
    ({"CONNECTWISE_UI_URL": "na.myconnectwise.net"}, "CONNECTWISE_UI_URL: expected an http(s) URL"),
    ({"CONNECTWISE_UI_URL": "https://na.myconnectwise.net"}, "CONNECTWISE_UI_URL: only used with CONNECTWISE_BASE_URL"),
])
def test_a_bad_connectwise_ui_url_is_one_line_naming_it(env, message):
    with pytest.raises(ConfigError) as err:
        Config.from_env(env)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


@responses.activate
def test_summary_is_clipped_in_utf16_units_without_splitting_an_emoji(cw):
    responses.post(f"{BASE}/service/tickets", json={"id": 1}, status=201)
    # 99 units of text, then an emoji (2 units): 101 units, so the emoji can't fit whole.
    summary = "S" * 99 + "\U0001F525" + "tail"
    cw.create(TicketRequest(**{**REQUEST.__dict__, "summary": summary}))
    body = json.loads(responses.calls[0].request.body)
    jsonschema.validate(body, ticket_schema())
    assert body["summary"] == "S" * 99
    emojis = "\U0001F525" * 60  # 120 units
    responses.calls.reset()
    cw.create(TicketRequest(**{**REQUEST.__dict__, "summary": emojis}))
    clipped = json.loads(responses.calls[0].request.body)["summary"]
    assert clipped == "\U0001F525" * 50 and utf16_units(clipped) == 100


@responses.activate
def test_contact_name_and_phone_are_sent_on_create(cw):
    responses.post(f"{BASE}/service/tickets", json={"id": 2}, status=201)
    cw.create(TicketRequest(**{**REQUEST.__dict__, "contact_name": "Maria Lopez",
                               "contact_phone": "+15555550142"}))
    body = json.loads(responses.calls[0].request.body)
    jsonschema.validate(body, ticket_schema())
    assert body["contactName"] == "Maria Lopez"
    assert body["contactPhoneNumber"] == "+15555550142"
