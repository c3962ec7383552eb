"""The lease a worker holds on a page while it sends it.

A page is claimed (status "sending", claimed_at) before its send and recorded after. A worker that
dies between the two (SIGKILL, OOM, a lost host) leaves the page "sending"; the sweep takes a page
whose lease ran out as lost and queues it again. So that the lease can be short without a slow
send outliving it, the sending worker renews claimed_at every HEARTBEAT_S while the send is in
flight: only a worker that has stopped renewing loses its page.

The guarantee: a page is re-sent at most once more per worker that died mid-send, and within
LEASE_S + the sweep's interval of that death.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from . import page_rows

log = logging.getLogger(__name__)
HEARTBEAT_S = 5.0
# Four missed heartbeats: a database hiccup of a few seconds does not hand a live send to another
# worker, and a dead worker's page is queued again well inside half a minute.
LEASE_S = 20.0


@contextmanager
def held(svc, page_id: int, every: float | None = None):
    """Renew the page's lease in the background until the block ends."""
    stop, every = threading.Event(), every or HEARTBEAT_S

    def beat() -> None:
        while not stop.wait(every):
            try:
                with svc.db.session() as s:
                    page_rows.renew_lease(s, page_id, svc.clock())
            except Exception as exc:  # the send goes on; the lease lasts LEASE_S anyway
                log.warning("could not renew the lease on page %s: %s", page_id,
                            " ".join(str(exc).split())[:200])

    thread = threading.Thread(target=beat, name=f"lease-page-{page_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=2)
