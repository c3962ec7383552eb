"""A failing route escalates in time: a P1 not delivered within NIGHTDESK_P1_DELIVERY_DEADLINE_S
(60 s by default) pages its fallback route, or the MSP alert, while the first route keeps
retrying. On a controllable clock, against a Slack whose customer webhooks answer 500 throughout."""
import pytest
from sqlalchemy import select

from app.config import Config, ConfigError
from app.ratelimit import NoLimit
from app.models import Event

from .conftest import drain
from .fakes.http import FakeServer, Reply
from .test_paging import open_p1, pages, runbook

pytestmark = pytest.mark.timeout(30)
PRIMARY, BACKUP, MSP = "/services/globex/primary", "/services/globex/backup", "/services/msp/default"


@pytest.fixture
def slack(clock):
    """The customer's webhooks answer 500 throughout; the MSP's own webhook works."""
    fake = FakeServer(lambda request: Reply(200, "ok") if request.path == MSP
                      else Reply(500, "internal_error"))
    start = clock()
    fake.clock = lambda: (clock() - start).total_seconds()  # seconds since the test began
    yield fake
    fake.close()


def app_for(make_app, runbooks_dir, slack, fallback=False, **changes):
    runbook(runbooks_dir, "globex", "+15555550303", slack.url + PRIMARY,
            fallback=slack.url + BACKUP if fallback else "")
    return make_app({"slack_webhook_hosts": ("127.0.0.1",), "slack_webhook": slack.url + MSP,
                     **changes}, limiter=NoLimit())


def arrivals(slack, path) -> list[float]:
    return [r.at for r in slack.requests if r.path == path]


def run_for(app, clock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        drain(app, scheduled=True)


@pytest.mark.parametrize("deadline", [None, 20])
def test_a_p1_undelivered_at_the_deadline_alerts_the_msp_while_retries_continue(
        make_app, runbooks_dir, slack, clock, deadline):
    changes = {"p1_delivery_deadline": deadline} if deadline else {}
    app = app_for(make_app, runbooks_dir, slack, **changes)
    expected = deadline or 60
    open_p1(app, "+15555550303", summary="Main file server down")
    drain(app)
    run_for(app, clock, expected - 1)
    assert arrivals(slack, MSP) == []  # not before the deadline
    assert len(arrivals(slack, PRIMARY)) >= 4
    run_for(app, clock, 2)
    [alerted] = arrivals(slack, MSP)
    assert expected <= alerted <= expected + 1
    text = [r.json()["text"] for r in slack.requests if r.path == MSP][0]
    assert "P1" in text and "Main file server down" in text
    tried = len(arrivals(slack, PRIMARY))
    run_for(app, clock, 200)
    assert len(arrivals(slack, PRIMARY)) > tried  # the first route keeps trying
    assert len(arrivals(slack, MSP)) == 1  # the MSP is alerted once
    primary = pages(app)[0]
    assert primary.kind == "page" and primary.status == "queued" and "500" in primary.last_error
    with app.extensions["nightdesk"].db.session() as s:
        kinds = [e.kind for e in s.scalars(select(Event).order_by(Event.id))]
    assert "default_alerted" in kinds and "delivery_deadline" in kinds


def test_a_failing_fallback_route_leads_to_the_msp_alert_at_the_deadline(
        make_app, runbooks_dir, slack, clock):
    app = app_for(make_app, runbooks_dir, slack, fallback=True)
    open_p1(app, "+15555550303")
    drain(app)
    run_for(app, clock, 15)
    assert arrivals(slack, BACKUP)  # after three failures of the first route, as before
    assert arrivals(slack, MSP) == []
    run_for(app, clock, 46)
    [alerted] = arrivals(slack, MSP)
    assert 60 <= alerted <= 61
    assert [p.status for p in pages(app)[:2]] == ["queued", "queued"]  # both still retrying


def sweeps_once_due(app, clock, not_yet: int) -> None:
    """The sweep leaves the check alone `not_yet` seconds on, then runs it two seconds later."""
    from app.incidents import sweep
    clock.advance(not_yet)
    assert sweep(app.extensions["nightdesk"])["undelivered"] == 0
    clock.advance(2)
    assert sweep(app.extensions["nightdesk"])["undelivered"] == 1
    drain(app)


def test_the_sweep_alerts_for_a_p1_whose_deadline_check_was_lost(make_app, runbooks_dir, slack, clock):
    from app.incidents import sweep
    app = app_for(make_app, runbooks_dir, slack)
    open_p1(app, "+15555550303")
    drain(app)
    app.extensions["huey"].flush()  # the queue loses the scheduled check and the retry
    sweeps_once_due(app, clock, 59)
    assert len(arrivals(slack, MSP)) == 1
    assert sweep(app.extensions["nightdesk"])["undelivered"] == 0  # checked once


def test_a_p1_delivered_in_time_alerts_nobody_else(make_app, runbooks_dir, slack, clock):
    app = app_for(make_app, runbooks_dir, slack)
    slack.handler = lambda request: Reply(200, "ok")
    open_p1(app, "+15555550303")
    drain(app)
    run_for(app, clock, 90)
    assert arrivals(slack, MSP) == [] and len(arrivals(slack, PRIMARY)) == 1


def test_the_deadline_setting_is_validated_in_one_line():
    assert Config.from_env({}).p1_delivery_deadline == 60
    assert Config.from_env({"NIGHTDESK_P1_DELIVERY_DEADLINE_S": "30"}).p1_delivery_deadline == 30
    for bad in ("soon", "0", "-5", "nan", "inf", "7200"):
        with pytest.raises(ConfigError) as error:
            Config.from_env({"NIGHTDESK_P1_DELIVERY_DEADLINE_S": bad})
        assert str(error.value) == ("NIGHTDESK_P1_DELIVERY_DEADLINE_S: expected a number of "
                                    f"seconds from 5 to 3600, got {bad!r}")


def test_a_route_held_back_by_retry_after_pages_its_fallback_at_the_deadline(
        make_app, runbooks_dir, slack, clock):
    """Slack's Retry-After of two minutes: the three failures that page the fallback would take
    six. The deadline pages the fallback at 60 s; it delivers, so the MSP is not alerted."""
    slack.handler = lambda request: Reply(429, "rate_limited", {"Retry-After": "120"}) \
        if request.path == PRIMARY else Reply(200, "ok")
    app = app_for(make_app, runbooks_dir, slack, fallback=True)
    open_p1(app, "+15555550303")
    drain(app)
    run_for(app, clock, 59)
    assert arrivals(slack, BACKUP) == []
    run_for(app, clock, 2)
    [paged] = arrivals(slack, BACKUP)
    assert 60 <= paged <= 61
    run_for(app, clock, 60)
    assert arrivals(slack, MSP) == [] and len(arrivals(slack, BACKUP)) == 1


def test_the_sweep_sends_the_msp_alert_when_the_fallbacks_follow_up_check_was_lost(
        make_app, runbooks_dir, slack, clock):
    from app.incidents import sweep
    app = app_for(make_app, runbooks_dir, slack, fallback=True)
    open_p1(app, "+15555550303")
    drain(app)
    clock.advance(61)
    assert sweep(app.extensions["nightdesk"])["undelivered"] == 1
    drain(app)  # the check pages the fallback (which fails too) and schedules the follow-up
    assert arrivals(slack, MSP) == []
    app.extensions["huey"].flush()  # the queue loses the follow-up
    sweeps_once_due(app, clock, 29)
    assert len(arrivals(slack, MSP)) == 1
    clock.advance(60)
    assert sweep(app.extensions["nightdesk"])["undelivered"] == 0  # the MSP alert ends it
