"""Delivery timing on a controllable clock: the per-target send spacing, Slack's Retry-After and
the retry backoff, against the fake Slack (which enforces one message a second per webhook on
the same clock). No test here waits in real time."""
from datetime import timedelta, timezone

import pytest

from app.incidents import dispatch
from app.ratelimit import SqliteRateLimiter

from .conftest import Clock, drain
from .fakes.http import Reply
from .test_paging import open_p1, pages, runbook, settings

HOOK = "/services/globex/primary"
pytestmark = pytest.mark.timeout(10)


class SleepingClock(Clock):
    """The services' clock; anything waiting for a send slot in place moves it on instead of
    sleeping (and is counted)."""
    longest = 0.0

    def sleep(self, seconds: float) -> None:
        self.longest = max(self.longest, seconds)
        self.advance(seconds)

    def seconds(self) -> float:
        return self.now.replace(tzinfo=timezone.utc).timestamp()


@pytest.fixture
def clock():
    return SleepingClock()


@pytest.fixture
def app(make_app, runbooks_dir, slack, clock, tmp_path):
    runbook(runbooks_dir, "globex", "+15555550303", slack.url + HOOK)
    slack.clock = clock.seconds
    return make_app(settings(slack), limiter=SqliteRateLimiter(tmp_path / "rate.db", clock=clock.seconds))


def attempts(slack) -> list[float]:
    return [r.at for r in slack.requests if r.path == HOOK]


def test_pages_to_one_webhook_leave_a_second_apart_and_slack_never_says_429(app, slack, clock):
    start = clock.seconds()
    for n in range(4):
        open_p1(app, "+15555550303", summary=f"outage {n}", sid=f"CAspacing{n}")
    drain(app)
    assert [p.status for p in pages(app)] == ["sent"] + ["queued"] * 3  # held for their slots
    for _ in range(10):  # what the worker's scheduler does: each runs when its slot comes
        waiting = [p.due_at for p in pages(app) if p.status == "queued"]
        if not waiting:
            break
        clock.now = max(clock.now, min(waiting))
        drain(app, scheduled=True)
    assert [p.status for p in pages(app)] == ["sent"] * 4
    # No worker thread slept through the wait for a slot, only its last moment.
    assert clock.longest <= dispatch.LANDING_S
    assert slack.rejected == []
    sent = [at for at, _ in slack.accepted[HOOK]]
    assert sent[0] == pytest.approx(start, abs=0.01)
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert all(1.0 <= gap < 1.2 for gap in gaps), gaps  # spaced by the limiter, not by retries


def test_retry_after_holds_the_page_and_every_other_page_to_that_webhook(app, slack, clock):
    start = clock.seconds()
    slack.fail_next(Reply(429, "rate_limited", {"Retry-After": "30"}))
    open_p1(app, "+15555550303", summary="first", sid="CAfirst")
    drain(app)
    [first] = pages(app)
    assert first.status == "queued" and "rate limited" in first.last_error
    assert (first.due_at - clock.now).total_seconds() >= 30  # the retry waits for Slack
    open_p1(app, "+15555550303", summary="second", sid="CAsecond")  # a new incident, same hook
    drain(app)
    for _ in range(29):
        clock.advance(1)
        drain(app, scheduled=True)
    assert attempts(slack) == [pytest.approx(start, abs=0.01)]  # nothing else inside the 30 s
    clock.advance(1.5)
    drain(app, scheduled=True)
    assert sorted(p.status for p in pages(app)) == ["queued", "sent"]  # one waits its slot
    clock.advance(1.1)
    drain(app, scheduled=True)
    assert [p.status for p in pages(app)] == ["sent", "sent"] and slack.rejected == []
    sent = [at for at, _ in slack.accepted[HOOK]]
    assert sent[0] >= start + 30 and sent[1] - sent[0] >= 1.0


def test_transient_failures_are_retried_with_growing_backoff(app, slack, clock):
    slack.fail_next(*[Reply(503, "")] * 4)
    open_p1(app, "+15555550303")
    drain(app)
    for _ in range(4):
        [page] = pages(app)
        assert page.status == "queued"
        due = page.due_at
        clock.now = due - timedelta(seconds=0.1)
        drain(app, scheduled=True)
        assert pages(app)[0].attempts == page.attempts  # not a moment early
        clock.now = due
        drain(app, scheduled=True)
    [page] = pages(app)
    assert page.status == "sent" and page.attempts == 5
    tries = attempts(slack)
    gaps = [b - a for a, b in zip(tries, tries[1:])]
    # 2 s doubling per attempt, ±20% jitter: each wait longer than the one before.
    for n, gap in enumerate(gaps, start=1):
        assert 0.8 * 2 ** n <= gap <= 1.2 * 2 ** n, gaps
    assert gaps == sorted(gaps)
