"""Keep calling until reached, at Twilio's boundary: a call rule with `every: 2` rings the on-call
person's `phone` again two minutes later, and once they press 1 no further call is created."""
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import select

from app.incidents import sweep
from app.models import Event

from .conftest import drain
from .test_page_call import CALLS_URL, FROM, LINE, call_created, spoken, twiml, webhook
from .test_channels import ACCOUNT
from .test_paging import open_p1

PHONE, SMS = "+15555550123", "+15555550111"


@pytest.fixture
def app(make_app, runbooks_dir):
    (runbooks_dir / "globex.yaml").write_text(f"""name: Globex
match:
  numbers: ["{LINE}"]
escalation_rules:
  - trigger: "anything urgent"
    page: "{{oncall}}"
    method: call
    every: 2
oncall:
  handoff: "2026-01-05T09:00:00+00:00"
  people:
    - {{name: Jane Doe, sms: "{SMS}", phone: "{PHONE}"}}
""")
    return make_app({"twilio_account_sid": ACCOUNT, "twilio_from_number": FROM})


def placed(twilio) -> list[dict]:
    return [parse_qs(c.request.body) for c in twilio.calls if c.request.url == CALLS_URL]


def test_a_repeated_call_stops_when_1_is_pressed(app, clock):
    svc = app.extensions["nightdesk"]
    with responses.RequestsMock() as twilio:
        twilio.post(CALLS_URL, json=call_created(), status=201)
        incident_id = open_p1(app, LINE, summary="Server down for everyone")
        drain(app)
        assert [form["To"] for form in placed(twilio)] == [[PHONE]]  # `phone`, not the sms number
        clock.advance(2 * 60 + 1)  # nobody pressed anything
        assert sweep(svc)["recalls"] == 1
        drain(app)
        first, second = placed(twilio)
    assert second["To"] == [PHONE]
    page_id = int(second["Url"][0].rsplit("=", 1)[1])

    said = spoken(twiml(webhook(app, f"/voice/page/key?page={page_id}", Digits="1", To=PHONE)))
    assert said.startswith("Acknowledged. Thank you.")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as twilio:
        twilio.post(CALLS_URL, json=call_created(), status=201)
        clock.advance(10 * 60)
        assert sweep(svc)["recalls"] == 0
        drain(app, scheduled=True)  # the timer's own job, long due
        assert placed(twilio) == []
    with svc.db.session() as s:
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.incident_id == incident_id))]
    assert kinds.count("call_repeated") == 1 and kinds.count("acknowledged") == 1
