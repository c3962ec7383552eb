"""Spooled calls into the normal intake, once the database is back (run by the sweep).

Every step is idempotent by CallSid — the call row is unique per CallSid, a turn per (call,
number), an incident per call — so a replay cut short (the database fails again, the worker is
killed) is simply run again, and two workers replaying the same call open one incident. A call's
files are removed only after its incident exists; a replay that fails leaves them where they are.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from app.states import CALL_ENDED, CallStatus
from app.models import Call, Event, Turn

from . import call_rows
from .intake import finish_call, start_call
from .services import Triaging
from .spool import Spool, spool_for

log = logging.getLogger(__name__)
# A spooled call that is neither finished (the caller heard goodbye) nor ended (Twilio's status
# callback) is replayed anyway once its newest file is this old: the caller has gone quiet.
QUIET_S = 90.0
ENDED = CALL_ENDED


def drain(svc: Triaging, spool: Spool | None = None, now: float | None = None) -> dict:
    """Replay every spooled call that is over. Returns {"replayed": n, "failed": n, "waiting": n}."""
    spool = spool or spool_for(svc.config)
    now = time.time() if now is None else now
    counts = {"replayed": 0, "failed": 0, "waiting": 0}
    if not spool.dir.is_dir():
        return counts
    with spool.draining() as mine:
        if not mine:
            return counts
        for call_sid, paths in spool.calls().items():
            record = spool.load(paths)
            if not (record["final"] or record["ended"] in ENDED or now - record["newest"] >= QUIET_S):
                counts["waiting"] += 1
                continue
            try:
                replay(svc, call_sid, record)
            except Exception as exc:  # stays spooled: the next sweep tries again
                counts["failed"] += 1
                log.warning("spooled call %s not replayed yet (%s: %s); kept in %s", call_sid,
                            type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "",
                            spool.dir)
                continue
            spool.remove(paths)
            counts["replayed"] += 1
    if counts["replayed"]:
        log.warning("replayed %d spooled call(s) into the intake", counts["replayed"])
    return counts


def replay(svc: Triaging, call_sid: str, record: dict) -> None:
    """The call, its turns and its end into the database, then its incident (finish_call: the
    same triage, ticket and pages as a caller who hung up). Only calls that are over get here."""
    call, _ = start_call(svc, call_sid, record["from"], record["to"])
    with svc.db.session() as s:
        have = call_rows.seqs(s, call.id)
        added = []
        for turn in record["turns"]:
            if turn["seq"] in have:
                continue
            s.add(Turn(call_id=call.id, seq=turn["seq"], prompt=turn.get("prompt", ""),
                       speech=turn.get("speech", ""), confidence=turn.get("confidence"),
                       decision=turn.get("decision"), decided_at=_when(turn.get("at")),
                       created_at=_when(turn.get("at")) or svc.clock()))
            added.append(turn["seq"])
        row = s.get(Call, call.id)
        if row.status != CallStatus.COMPLETED:
            row.status, row.ended_at = CallStatus.COMPLETED, svc.clock()
            s.add(Event(call_id=call.id, kind="call_ended",
                        detail={"status": record["ended"] or "completed", "spooled": True}))
        if added or "start" in record["parts"]:
            s.add(Event(call_id=call.id, kind="replayed_from_spool",
                        detail={"turns": added, "parts": record["parts"][:40]}))
    finish_call(svc, call.id, reason="kept on disk while the database was down")


def _when(epoch) -> datetime | None:
    if not isinstance(epoch, (int, float)):
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None)
