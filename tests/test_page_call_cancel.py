"""A phone-call page still ringing when someone acknowledges elsewhere stops ringing: Twilio is
asked to cancel the call (Status=canceled, which never cuts off an answered call), once; a call
somebody picked up is left alone, and a call already over changes nothing."""
import logging
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from app.incidents import cancel_ringing
from app.models import Page

from .conftest import drain
from .test_page_call import call_created, webhook
from .test_page_call_ack import ACCOUNT, CALLS, JANE, app, cw, kinds, rung, slack  # noqa: F401
from .test_slack_app import block_action

SID = call_created()["sid"]
THE_CALL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls/{SID}.json"
CANCELED = {**call_created(), "status": "canceled"}
# What Twilio answers for a call that is over (the REST API's "not in a state to be changed").
OVER = {"code": 21220, "message": "Call is not in-progress. Cannot redirect.",
        "more_info": "https://www.twilio.com/docs/errors/21220", "status": 400}


def the_page(app, page_id: int) -> Page:
    with app.extensions["nightdesk"].db.session() as s:
        return s.scalar(select(Page).where(Page.id == page_id))


def cancels(cw) -> list[dict]:
    """The call updates Twilio saw, as forms."""
    return [parse_qs(c.request.body) for c in cw.calls if c.request.url == THE_CALL]


def acknowledge_in_slack(app, slack, inc: int) -> None:
    assert block_action(app, slack, "nightdesk_ack", str(inc), user="W111").status_code == 200
    drain(app)


def test_a_ringing_call_is_cancelled_when_slack_acknowledges(app, slack, cw, rung):
    inc, page_id = rung
    cw.post(THE_CALL, json=CANCELED, status=200)
    acknowledge_in_slack(app, slack, inc)
    assert cancels(cw) == [{"Status": ["canceled"]}]
    assert (the_page(app, page_id).status, kinds(app, inc).count("call_cancelled")) == ("cancelled", 1)
    # Twilio's status callback for the cancelled call is no failed delivery to retry.
    assert webhook(app, f"/voice/page/status?page={page_id}", CallStatus="canceled",
                   To=JANE).status_code == 204
    assert the_page(app, page_id).status == "cancelled" and "page_undelivered" not in kinds(app, inc)
    # Run again (a retried job): nothing left to cancel, Twilio isn't asked twice.
    assert cancel_ringing(app.extensions["nightdesk"], inc) == 0
    assert len(cancels(cw)) == 1 and kinds(app, inc).count("call_cancelled") == 1


@pytest.mark.parametrize("picked_up", [
    ("answer", {}), ("amd", {"AnsweredBy": "human"}), ("key", {"Digits": "9"})])
def test_a_call_somebody_picked_up_is_not_cancelled(app, slack, cw, rung, picked_up):
    inc, page_id = rung
    path, fields = picked_up
    assert webhook(app, f"/voice/page/{path}?page={page_id}", To=JANE, **fields).status_code in (200, 204)
    acknowledge_in_slack(app, slack, inc)
    assert cancels(cw) == [] and the_page(app, page_id).status == "sent"
    assert "call_cancelled" not in kinds(app, inc)


def test_the_call_whose_keypress_acknowledged_is_not_cancelled(app, cw, rung):
    inc, page_id = rung
    assert webhook(app, f"/voice/page/key?page={page_id}", Digits="1", To=JANE).status_code == 200
    drain(app)
    assert cancels(cw) == [] and the_page(app, page_id).status == "sent"


def test_a_call_already_over_changes_nothing_and_logs_no_error(app, slack, cw, rung, caplog):
    inc, page_id = rung
    cw.post(THE_CALL, json=OVER, status=400)
    with caplog.at_level(logging.INFO):
        acknowledge_in_slack(app, slack, inc)
    assert len(cancels(cw)) == 1
    assert the_page(app, page_id).status == "sent" and "call_cancelled" not in kinds(app, inc)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "page" in r.getMessage()]
