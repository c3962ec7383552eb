"""The ConnectWise adapter at its HTTP boundary (requests, faked with `responses`)."""
import base64
import json

import jsonschema
import pytest
import requests
import responses

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
    """The official Swagger 'Ticket' definition, strict about unknown fields."""
    return {"$ref": "#/definitions/Ticket", "definitions": SWAGGER["definitions"]}


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
    assert set(body) <= set(SWAGGER["definitions"]["Ticket"]["properties"])
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
