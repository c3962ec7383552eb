"""A fake Slack: incoming webhooks (POST /services/…) and the Web API (POST /api/chat.*).

Webhooks answer `ok` as Slack does; a scripted list of replies makes them fail. Like Slack, it
allows one message per second into one webhook or channel and answers a faster one with
429 + Retry-After. Tests allow the fake's loopback host through NIGHTDESK_SLACK_WEBHOOK_HOSTS, as
an MSP would add a proxy's host.
"""
from __future__ import annotations

import json
import threading
import time

from .http import FakeServer, Reply

LIMIT_S = 1.0


class FakeSlack(FakeServer):
    def __init__(self):
        self.script: list[Reply] = []
        self.emails: dict[str, str] = {}          # user id → email, for users.info
        self.oauth_answer: dict = {}
        self.refreshed: list[str] = []            # refresh tokens spent on oauth.v2.access
        self.accepted: dict[str, list[tuple[float, dict]]] = {}  # target → [(time, payload)]
        self.rejected: list[str] = []
        self._rate = threading.Lock()
        super().__init__(self._answer)

    def fail_next(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _answer(self, request) -> Reply:
        if self.script:
            return self.script.pop(0)
        if request.path == "/_state":  # for a test talking to this fake in another process
            return Reply(200, {"rejected": self.rejected, "accepted": {
                target: [[at, body.get("text", "")] for at, body in sent]
                for target, sent in self.accepted.items()}})
        payload = self._payload(request)
        method = request.path.removeprefix("/api/") if request.path.startswith("/api/") else ""
        if method == "chat.update":
            return Reply(200, {"ok": True, "channel": payload.get("channel"), "ts": payload.get("ts")})
        if method == "views.open":
            return Reply(200, {"ok": True, "view": {"id": "V1"}})
        if method == "users.info":
            user = payload.get("user", "")
            return Reply(200, {"ok": True, "user": {"id": user, "profile": {"email": self.emails.get(user, "")}}})
        if method == "oauth.v2.access" and payload.get("grant_type") == "refresh_token":
            return self._refresh(payload.get("refresh_token", ""))
        if method == "oauth.v2.access":
            return Reply(200, self.oauth_answer)
        if method == "auth.test":  # the install asks who its new bot token is
            return Reply(200, {"ok": True, "bot_id": "B0BOT", "user_id": self.oauth_answer.get("bot_user_id"),
                               "team_id": (self.oauth_answer.get("team") or {}).get("id")})
        if method == "chat.postMessage" and payload.get("thread_ts"):
            # Thread replies ride along with their message; the limit below is for new messages.
            return Reply(200, {"ok": True, "channel": payload.get("channel"), "ts": f"{time.time():.6f}"})
        target = payload.get("channel", "") if method else request.path
        with self._rate:
            now = self.clock()
            sent = self.accepted.setdefault(target, [])
            if sent and now - sent[-1][0] < LIMIT_S:
                self.rejected.append(target)
                return Reply(429, "rate_limited", {"Retry-After": "1"})
            sent.append((now, payload))
        if request.path.startswith("/api/chat.postMessage"):
            return Reply(200, {"ok": True, "channel": target or "C0TEST",
                               "ts": f"{time.time():.6f}", "message": {}})
        return Reply(200, "ok")

    def _refresh(self, token: str) -> Reply:
        """Token rotation, as Slack answers it: a new 12-hour bot token and a new refresh token;
        a refresh token works once."""
        issued = {self.oauth_answer.get("refresh_token")} | {f"xoxe-1-refresh-{n}" for n in
                                                            range(1, len(self.refreshed) + 1)}
        if token not in issued or token in self.refreshed:
            return Reply(200, {"ok": False, "error": "invalid_refresh_token"})
        self.refreshed.append(token)
        n = len(self.refreshed)
        return Reply(200, {"ok": True, "token_type": "bot", "access_token": f"xoxe.xoxb-rotated-{n}",
                           "refresh_token": f"xoxe-1-refresh-{n}", "expires_in": 43200,
                           "scope": self.oauth_answer.get("scope", ""),
                           "bot_user_id": self.oauth_answer.get("bot_user_id"),
                           "app_id": self.oauth_answer.get("app_id"), "team": self.oauth_answer.get("team"),
                           "enterprise": None, "is_enterprise_install": False})

    @staticmethod
    def _payload(request) -> dict:
        if request.body.startswith(b"{"):
            return json.loads(request.body)
        from urllib.parse import parse_qsl
        return dict(parse_qsl(request.body.decode()))

    def calls(self, method: str) -> list[dict]:
        return [self._payload(r) for r in self.requests if r.path == f"/api/{method}"]

    def webhook_posts(self) -> list[dict]:
        return [r.json() for r in self.requests if r.path.startswith("/services/")]


def _serve(conn) -> None:
    fake = FakeSlack()
    conn.send(fake.url)
    conn.recv()  # any message: stop
    fake.close()


class FakeSlackProcess:
    """The same fake in a process of its own, so its clock isn't delayed by the test's threads
    (timing assertions stay honest when many workers share this process's interpreter lock)."""

    def __init__(self):
        import multiprocessing
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        self.url = self._conn.recv()

    def state(self) -> dict:
        import urllib.request
        with urllib.request.urlopen(self.url + "/_state", timeout=10) as response:
            return json.loads(response.read())

    def close(self) -> None:
        self._conn.send("stop")
        self.process.join(10)
