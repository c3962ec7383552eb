"""Slack: incoming webhooks, and bot mode (chat.postMessage) when SLACK_BOT_TOKEN is set.

slack-sdk speaks urllib, so tests point WebhookClient/WebClient at a loopback fake of Slack.
"""
from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from app.config import SLACK_CHANNEL
from app.retry_after import retry_after

from .live import LiveRef
from .port import ChannelBasics, Delivery, PageMessage
from .slack_blocks import HEADER_MAX, SECTION_MAX, blocks_for, clip, escape, fallback_text, thread_text  # noqa: F401

# Slack: about one message per second per channel or webhook. The margin absorbs the network
# jitter between our limiter's clock and Slack's.
SEND_INTERVAL = 1.05
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CHANNEL = SLACK_CHANNEL
# Slack's documented webhook and Web API error strings that no retry can fix.
PERMANENT = {"invalid_payload", "user_not_found", "action_prohibited", "channel_not_found",
             "channel_is_archived", "is_archived", "invalid_token", "no_active_hooks", "no_service",
             "no_service_id", "no_team", "no_text", "posting_to_general_channel_denied",
             "team_disabled", "too_many_attachments", "not_in_channel", "invalid_auth", "not_authed",
             "account_inactive", "token_revoked", "msg_too_long", "invalid_blocks", "missing_scope",
             "msg_blocks_too_long", "invalid_arguments"}



class SlackChannel(ChannelBasics):
    method = "slack"

    def __init__(self, default_webhook: str = "", allowed_hosts=("hooks.slack.com",),
                 bot_token: str = "", api_url: str = "", timeout: float = 10.0, token_for=None,
                 bot_mode: bool = False, severity_channels: dict | None = None,
                 default_channel: str = ""):
        self.default_webhook = default_webhook
        # Bot mode (a bot token or an installable app) routes a rule with page "" to a channel.
        self.bot_mode = bot_mode or bool(bot_token)
        self.severity_channels = dict(severity_channels or {})
        self.default_channel = default_channel
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts)
        self.bot_token = bot_token
        self.api_url = api_url
        self.timeout = timeout
        # team id → bot token of an OAuth installation (multi-workspace); SLACK_BOT_TOKEN otherwise.
        self.token_for = token_for or (lambda team: "")

    def client(self, team: str = "", timeout: float | None = None) -> WebClient | None:
        token = (self.token_for(team) if team else "") or self.bot_token or self.token_for("")
        if not token:
            return None
        kwargs = {"token": token, "timeout": int(timeout or self.timeout)}
        if self.api_url:
            kwargs["base_url"] = self.api_url.rstrip("/") + "/"
        return WebClient(**kwargs)

    # --- the live incident message (bot mode) -------------------------------------------------
    # A live message's ref is Slack's own: {"team", "channel", "ts"}.
    def update(self, ref: dict, message: PageMessage) -> Delivery:
        return self._call(ref.get("team", ""), "chat_update", channel=ref["channel"], ts=ref["ts"],
                          text=fallback_text(message), blocks=blocks_for(message))

    def reply(self, ref: dict, change: str, actor: str = "", detail: str = "") -> Delivery:
        return self._call(ref.get("team", ""), "chat_postMessage", channel=ref["channel"],
                          thread_ts=ref["ts"], text=thread_text(change, actor, detail))

    def open_view(self, team: str, trigger_id: str, view: dict) -> Delivery:
        # trigger_id lives 3 s: a short timeout, and no retry that would outlive it.
        return self._call(team, "views_open", timeout=2, trigger_id=trigger_id, view=view)

    def user_email(self, ref: dict, user: str) -> str:
        result = self._call(ref.get("team", ""), "users_info", user=user)
        return result.receipt.get("email", "") if result.sent else ""

    def respond(self, response_url: str, text: str, replace: bool = False) -> Delivery:
        """An ephemeral answer through an interaction's response_url (valid for 30 minutes)."""
        try:
            response = WebhookClient(response_url, timeout=int(self.timeout)).send(
                text=text, response_type="ephemeral", replace_original=replace)
        except Exception as exc:
            return Delivery.transient(f"slack response_url unreachable: {type(exc).__name__}")
        return Delivery.ok() if response.status_code == 200 else \
            _classify(response.status_code, (response.body or "").strip(), response.headers)

    def _call(self, team: str, method: str, timeout: float | None = None, **kwargs) -> Delivery:
        client = self.client(team, timeout)
        if client is None:
            return Delivery.permanent_error("slack: no bot token (SLACK_BOT_TOKEN or an installed workspace)")
        try:
            response = getattr(client, method)(**kwargs)
        except SlackApiError as exc:
            r = exc.response
            error = r.get("error", "") if isinstance(r.data, dict) else str(r.data)[:200]
            return _classify(r.status_code, error, r.headers)
        except Exception as exc:
            return Delivery.transient(f"slack api unreachable: {type(exc).__name__}")
        data = response.data if isinstance(response.data, dict) else {}
        email = ((data.get("user") or {}).get("profile") or {}).get("email", "")
        return Delivery.ok(channel=data.get("channel", ""), ts=data.get("ts", ""), email=email)

    def is_webhook(self, page: str) -> bool:
        """An https URL on an allowed host (the parsed host, not a prefix: hooks.slack.com.evil.io
        is not Slack). Plain http only for a loopback host, where nothing leaves the machine."""
        parts = urlsplit(page)
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            return False
        return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)

    def check_target(self, page: str) -> str | None:
        if not page or self.is_webhook(page) or CHANNEL.match(page):
            return None
        if page.startswith(("http://", "https://")):
            return (f"slack webhook host {urlsplit(page).hostname!r} is not allowed (allowed: "
                    f"{', '.join(self.allowed_hosts)}; set NIGHTDESK_SLACK_WEBHOOK_HOSTS to add one)")
        return "expected a Slack webhook URL, a channel (#alerts or C0123456789), or \"\" for " \
               "NIGHTDESK_SLACK_WEBHOOK"

    def default_target(self, severity: str, book) -> str:
        """Bot mode: the customer's channel (runbook `slack.channel`), else the severity's
        (NIGHTDESK_SLACK_SEVERITY_CHANNELS), else NIGHTDESK_SLACK_CHANNEL; with none of them, or
        without bot mode, "" (NIGHTDESK_SLACK_WEBHOOK)."""
        if not self.bot_mode:
            return ""
        return (book.slack_channel if book else "") or self.severity_channels.get(severity, "") \
            or self.default_channel

    def rate_key(self, target: str) -> tuple[str, float] | None:
        if target and CHANNEL.match(target):
            return f"slack:channel:{target}", SEND_INTERVAL
        url = target if target and self.is_webhook(target) else self.default_webhook
        return (f"slack:webhook:{url}", SEND_INTERVAL) if url else None

    def send(self, target: str, message: PageMessage) -> Delivery:
        if target and CHANNEL.match(target):
            return self._post(target, message)
        url = target if target and self.is_webhook(target) else self.default_webhook
        if not url:
            return Delivery.permanent_error(
                "no Slack webhook: the rule's page is empty and NIGHTDESK_SLACK_WEBHOOK is not set")
        if not self.is_webhook(url):
            return Delivery.permanent_error("Slack webhook host is not in NIGHTDESK_SLACK_WEBHOOK_HOSTS")
        client = WebhookClient(url, timeout=int(self.timeout))
        # Buttons need the bot's live message to act on; a webhook post carries none.
        plain = dataclasses.replace(message, incident_id=0)
        try:
            response = client.send(text=fallback_text(plain), blocks=blocks_for(plain))
        except Exception as exc:  # urllib raises for timeouts and refused connections
            return Delivery.transient(f"slack webhook unreachable: {type(exc).__name__}")
        if response.status_code == 200:
            return Delivery.ok(via="webhook")
        return _classify(response.status_code, (response.body or "").strip(), response.headers)

    def _post(self, channel: str, message: PageMessage) -> Delivery:
        if self.client(message.workspace) is None:
            return Delivery.permanent_error(
                f"{channel} needs bot mode: set SLACK_BOT_TOKEN and invite the bot to the channel")
        result = self._call(message.workspace, "chat_postMessage", channel=channel,
                            text=fallback_text(message), blocks=blocks_for(message))
        if result.sent:
            ref = {"team": message.workspace, "channel": result.receipt["channel"],
                   "ts": result.receipt["ts"]}
            result.receipt = {"via": "bot", "live": True, **ref}
            result.live = LiveRef(self.method, ref)
        else:
            result.error = result.error.replace("the channel:", f"{channel}:")
        return result


FIXES = {
    "not_in_channel": "invite the bot to the channel: /invite @NightDesk",
    "channel_not_found": "the channel doesn't exist or the bot can't see it (check the runbook's page)",
    "no_service": "webhook URL revoked or wrong: create a new incoming webhook",
    "no_active_hooks": "webhook URL revoked or wrong: create a new incoming webhook",
    "invalid_token": "webhook URL revoked or wrong: create a new incoming webhook",
    "channel_is_archived": "the channel is archived: point the rule at a live channel",
    "is_archived": "the channel is archived: point the rule at a live channel",
    "invalid_auth": "SLACK_BOT_TOKEN is wrong or revoked: reinstall the app",
    "not_authed": "SLACK_BOT_TOKEN is missing or wrong",
    "token_revoked": "SLACK_BOT_TOKEN was revoked: reinstall the app",
    "missing_scope": "the app lacks chat:write: add the scope and reinstall",
    "action_prohibited": "a workspace admin has restricted this webhook",
}


def _classify(status: int, error: str, headers) -> Delivery:
    error = error if len(error) < 200 and "<" not in error else f"HTTP {status}"
    if status == 429 or error in ("ratelimited", "rate_limited"):
        retry = retry_after(headers)
        return Delivery.transient(f"slack rate limited ({error})", retry_after=retry)
    if error in PERMANENT or status in (400, 403, 404, 410):
        fix = FIXES.get(error)
        return Delivery.permanent_error(f"slack: {error or status}" + (f" — {fix}" if fix else ""))
    return Delivery.transient(f"slack: {error or status} (HTTP {status})")
