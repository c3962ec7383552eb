"""Huey's Redis storage with outages reported to an OutageWatch, and one BRPOP over every lane."""
from __future__ import annotations

import logging
import time

from huey import RedisHuey
from huey.storage import RedisStorage
from redis.exceptions import ConnectionError as RedisDown, TimeoutError as RedisSlow

from app.outage_watch import OutageWatch


class WatchedRedisStorage(RedisStorage):
    """Huey's Redis storage, with outages reported to a OutageWatch instead of huey's per-poll
    tracebacks (a refused connection fails at once, so the poll loop would spin)."""
    watch: OutageWatch | None = None

    def dequeue(self):
        started = self.watch.started()
        try:
            data = super().dequeue()
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            time.sleep(1.0)
            return None
        self.watch.ok(started)
        return data

    def dequeue_any(self, keys: list[str]):
        """The first job in any of these queues, in their order (one BRPOP: how a consumer that
        serves every lane blocks on all of them)."""
        started = self.watch.started()
        try:
            found = self.conn.brpop(keys, timeout=self.read_timeout)
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            time.sleep(1.0)
            return None
        self.watch.ok(started)
        return found[1] if found else None

    def read_schedule(self, ts):
        started = self.watch.started()
        try:
            tasks = super().read_schedule(ts)
        except (RedisDown, RedisSlow) as exc:
            self.watch.failed(exc)
            return []
        self.watch.ok(started)
        return tasks


class WatchedRedisHuey(RedisHuey):
    storage_class = WatchedRedisStorage


class _SaidAlready(logging.Filter):
    """Drops huey's tracebacks for a Redis outage the OutageWatch has reported (the scheduler's
    minutely periodic enqueue)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], (RedisDown, RedisSlow)))


for _name in ("huey.consumer.Scheduler", "huey.consumer.Worker"):
    logging.getLogger(_name).addFilter(_SaidAlready())
