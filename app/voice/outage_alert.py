"""The MSP told straight from the web process, with no database and no queue in the way, that
calls are being kept on disk (the database is down) or could not be stored at all (disk full).

The MSP-wide alert route (NIGHTDESK_SLACK_WEBHOOK, then NIGHTDESK_ALERT_EMAIL, as for a P1 no
route could page) is sent in a background thread — the channel's own timeout bounds it and the
caller never waits for it — at most once a minute per host: a marker file's time is shared by the
web processes, and each process's own clock backs it up when even that file can't be touched.
Calls noted within the minute are listed in the next alert, sent when the minute is up.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from app.paging import PageMessage

log = logging.getLogger(__name__)
EVERY_S = 60.0
MARKER = ".msp-alerted"
MAX_LISTED = 10


class OutageAlert:
    def __init__(self, config, channels, every: float = EVERY_S):
        self.config, self.channels, self.every = config, channels, every
        self.marker = Path(config.resolved_spool_dir()) / MARKER
        self.pending: list[dict] = []
        self.last = 0.0  # this process's last alert (time.time())
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def note(self, lost: bool, caller: str, customer: str, severity: str, summary: str) -> None:
        """One call spooled (lost=False) or not stored at all (lost=True)."""
        with self.lock:
            self.pending.append({"lost": lost, "caller": caller or "a withheld number",
                                 "customer": customer, "severity": severity, "summary": summary})
            if self.timer is None:
                wait = self._wait()
                self.timer = threading.Timer(wait, self._flush)
                self.timer.daemon = True
                self.timer.name = "msp-outage-alert"
                self.timer.start()

    def _wait(self) -> float:
        """Seconds until this host may alert again (0: now)."""
        last = self.last
        try:
            last = max(last, self.marker.stat().st_mtime)
        except OSError:
            pass
        return max(0.0, last + self.every - time.time())

    def _claim(self) -> bool:
        """Take this minute's alert for this host: whoever creates the marker, or moves its time
        on (under a lock) once the minute is up, sends."""
        now = time.time()
        try:
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                with open(self.marker, "rb") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    if now - os.fstat(handle.fileno()).st_mtime < self.every:
                        return False
                    os.utime(self.marker, (now, now))
        except OSError:  # no marker on a full or read-only disk: this process's clock decides
            if now - self.last < self.every:
                return False
        self.last = now
        return True

    def _flush(self) -> None:
        with self.lock:
            self.timer = None
            if not self.pending:
                return
            if not self._claim():
                self.timer = threading.Timer(max(1.0, self._wait()), self._flush)
                self.timer.daemon = True
                self.timer.start()
                return
            calls, self.pending = self.pending, []
        self._send(calls)

    def _send(self, calls: list[dict]) -> None:
        message = alert_message(calls)
        for method, configured in (("slack", self.config.slack_webhook),
                                   ("email", self.config.alert_email)):
            channel = self.channels.get(method) if configured else None
            if channel is None:
                continue
            try:
                result = channel.send("", message)
            except Exception as exc:  # a channel bug must not kill the alert thread silently
                log.error("MSP outage alert via %s raised %s", method, type(exc).__name__)
                continue
            if result.sent:
                log.warning("MSP alerted via %s: %s", method, message.summary)
                return
            log.error("MSP outage alert via %s failed: %s", method, result.error)
        log.critical("MSP outage alert could not be sent (%s); %d call(s) affected: %s",
                     "no NIGHTDESK_SLACK_WEBHOOK or NIGHTDESK_ALERT_EMAIL" if not (
                         self.config.slack_webhook or self.config.alert_email) else "every route failed",
                     len(calls), ", ".join(c["caller"] for c in calls))


def alert_message(calls: list[dict]) -> PageMessage:
    lost = [c for c in calls if c["lost"]]
    if lost:
        summary = (f"NightDesk could not store {len(lost)} call(s) (database and spool refused the "
                   f"write — disk full?): call back {', '.join(c['caller'] for c in lost[:MAX_LISTED])}")
    else:
        summary = (f"NightDesk database down: {len(calls)} call(s) kept on disk, paged when it "
                   "is back")
    lines = [f"{c['caller']} ({c['customer']}, {c['severity'] or 'no severity'}"
             f"{', NOT stored' if c['lost'] else ', spooled'}): {c['summary']}"
             for c in calls[:MAX_LISTED]]
    return PageMessage(severity="P1", customer="NightDesk", summary=summary[:300],
                       details="\n".join(lines), kind="page")
