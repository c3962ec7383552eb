"""The shared send limiter itself: it stays bounded, and a Retry-After hold is never shortened."""
import sqlite3
import uuid

import pytest

from app.ratelimit import RedisRateLimiter, SqliteRateLimiter

from .conftest import QUEUE_URL


class Seconds:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def rows(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM nightdesk_rate").fetchone()[0]


def test_replay_keys_of_past_slack_requests_are_deleted(tmp_path):
    clock = Seconds()
    limiter = SqliteRateLimiter(tmp_path / "queue.db", clock=clock)
    for n in range(500):  # 500 signed Slack requests, each remembered for five minutes
        assert limiter.acquire(f"slack-replay:v0={n:064x}", 300) == 0.0
    assert rows(tmp_path / "queue.db") == 500
    assert limiter.acquire("slack-replay:v0=" + "f" * 64, 300) == 0.0
    assert rows(tmp_path / "queue.db") == 501  # still inside their window: all kept
    clock.now += 301
    assert limiter.acquire("slack-replay:v0=" + "e" * 64, 300) == 0.0
    assert rows(tmp_path / "queue.db") == 1


def test_an_expired_key_is_free_again_and_a_live_one_is_not(tmp_path):
    clock = Seconds()
    limiter = SqliteRateLimiter(tmp_path / "queue.db", clock=clock)
    assert limiter.acquire("hook", 1.05) == 0.0
    assert limiter.acquire("hook", 1.05) == pytest.approx(1.05)
    limiter.hold("hook", 30)
    clock.now += 29
    assert limiter.acquire("hook", 1.05) == pytest.approx(1.0)
    clock.now += 1
    assert limiter.acquire("hook", 1.05) == 0.0


redis_only = pytest.mark.skipif(not QUEUE_URL.startswith("redis"),
                                reason="needs Redis (NIGHTDESK_TEST_QUEUE_URL=redis://…)")


@redis_only
def test_a_short_hold_never_overwrites_a_longer_one_that_lands_between_read_and_write():
    """Slack answers 429 Retry-After: 60 to one worker and Retry-After: 1 to another at the same
    moment. The 60 s hold must win whatever the interleaving of the two workers' commands."""
    import redis

    class Interleaved(redis.Redis):
        """Runs the other worker's hold right after this client's first command."""
        other = None

        def execute_command(self, *args, **options):
            result = super().execute_command(*args, **options)
            other, Interleaved.other = Interleaved.other, None
            if other:
                other()
            return result

    key = f"test-{uuid.uuid4().hex}"
    slow, fast = RedisRateLimiter(QUEUE_URL), RedisRateLimiter(QUEUE_URL)
    fast.redis = Interleaved.from_url(QUEUE_URL)
    Interleaved.other = lambda: slow.hold(key, 60)
    fast.hold(key, 1)
    assert slow.acquire(key, 1.05) > 59


@redis_only
def test_redis_hold_extends_but_never_shortens():
    limiter, key = RedisRateLimiter(QUEUE_URL), f"test-{uuid.uuid4().hex}"
    limiter.hold(key, 1)
    limiter.hold(key, 30)
    limiter.hold(key, 2)
    assert 29 < limiter.acquire(key, 1.05) <= 30
