"""Slack: the default incoming webhook, bot mode (a token, or an installable OAuth app), and
where bot-mode pages go for a rule with page ""."""
from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr

from app.config.parsers import Hosts, SeverityChannels, SlackChannel, Url


class SlackSettings(BaseModel):
    # A webhook URL is itself the credential (anyone holding it can post): kept out of repr.
    slack_webhook: Url = Field("", validation_alias="NIGHTDESK_SLACK_WEBHOOK", repr=False)
    slack_webhook_hosts: Hosts = Field(("hooks.slack.com",), validation_alias="NIGHTDESK_SLACK_WEBHOOK_HOSTS")
    slack_api_url: Url = Field("", validation_alias="SLACK_API_URL")
    slack_bot_token: SecretStr = Field(SecretStr(""), validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr = Field(SecretStr(""), validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str = Field("", validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr = Field(SecretStr(""), validation_alias="SLACK_CLIENT_SECRET")
    # Bot mode routing for rules with page "": per-severity channels, then the workspace default.
    slack_channel: SlackChannel = Field("", validation_alias="NIGHTDESK_SLACK_CHANNEL")
    slack_severity_channels: SeverityChannels = Field(
        default_factory=dict, validation_alias="NIGHTDESK_SLACK_SEVERITY_CHANNELS")

    @property
    def slack_bot_token_or_app(self) -> bool:
        """Bot mode: a single-workspace token, or an installable app (OAuth)."""
        return bool(self.slack_bot_token or (self.slack_client_id and self.slack_client_secret))


def problems(cfg: SlackSettings) -> Iterator[str]:
    host = urlsplit(cfg.slack_webhook).hostname
    if cfg.slack_webhook and host not in cfg.slack_webhook_hosts:
        yield (f"NIGHTDESK_SLACK_WEBHOOK: host {host!r} is not in "
               f"NIGHTDESK_SLACK_WEBHOOK_HOSTS ({', '.join(cfg.slack_webhook_hosts)})")
    if bool(cfg.slack_client_id) != bool(cfg.slack_client_secret):
        missing = "SLACK_CLIENT_SECRET" if cfg.slack_client_id else "SLACK_CLIENT_ID"
        yield f"{missing}: required with the other for Slack app installs (OAuth)"
