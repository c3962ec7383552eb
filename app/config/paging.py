"""The other paging channels (Teams, email over SMTP) and the P1 delivery deadline."""
from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from app.config.parsers import Email, Flag, Port, Seconds, Url


class PagingSettings(BaseModel):
    # Like a Slack webhook, the URL is the credential: kept out of repr.
    teams_webhook: Url = Field("", validation_alias="NIGHTDESK_TEAMS_WEBHOOK", repr=False)

    smtp_host: str = Field("", validation_alias="SMTP_HOST")
    smtp_port: Port = Field(587, validation_alias="SMTP_PORT")
    smtp_username: str = Field("", validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr = Field(SecretStr(""), validation_alias="SMTP_PASSWORD")
    smtp_starttls: Flag = Field(True, validation_alias="SMTP_STARTTLS")
    email_from: Email = Field("", validation_alias="NIGHTDESK_EMAIL_FROM")
    # MSP-wide default email: pages for an email rule with page "", and the last resort for a P1
    # whose every route failed (after NIGHTDESK_SLACK_WEBHOOK).
    alert_email: Email = Field("", validation_alias="NIGHTDESK_ALERT_EMAIL")

    # A P1 not delivered anywhere this many seconds after it opened pages its fallback route, or
    # else the MSP alert, while the first route keeps retrying.
    p1_delivery_deadline: Seconds(5, 3600) = Field(60.0, validation_alias="NIGHTDESK_P1_DELIVERY_DEADLINE_S")
