"""A fake Slack: incoming webhooks (POST /services/…) and the Web API (POST /api/chat.*).

Webhooks answer `ok` as Slack does; a scripted list of replies makes them fail. Tests allow the
fake's loopback host through NIGHTDESK_SLACK_WEBHOOK_HOSTS, as an MSP would add a proxy's host.
"""
from __future__ import annotations

from .http import FakeServer, Reply


class FakeSlack(FakeServer):
    def __init__(self):
        self.script: list[Reply] = []
        super().__init__(self._answer)

    def fail_next(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _answer(self, request) -> Reply:
        if self.script:
            return self.script.pop(0)
        if request.path.startswith("/api/chat.postMessage"):
            body = request.json() if request.body.startswith(b"{") else {}
            return Reply(200, {"ok": True, "channel": body.get("channel", "C0TEST"),
                               "ts": f"1700000000.{len(self.requests):06d}", "message": {}})
        return Reply(200, "ok")

    def webhook_posts(self) -> list[dict]:
        return [r.json() for r in self.requests if r.path.startswith("/services/")]
