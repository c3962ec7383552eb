"""ConnectWise Manage: where tickets are opened (all five settings, or none for local tickets)."""
from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr

from app.config.checks import shown
from app.config.parsers import BaseUrl


class ConnectWiseSettings(BaseModel):
    connectwise_base_url: BaseUrl = Field("", validation_alias="CONNECTWISE_BASE_URL")
    connectwise_company: str = Field("", validation_alias="CONNECTWISE_COMPANY")
    connectwise_public_key: SecretStr = Field(SecretStr(""), validation_alias="CONNECTWISE_PUBLIC_KEY")
    connectwise_private_key: SecretStr = Field(SecretStr(""), validation_alias="CONNECTWISE_PRIVATE_KEY")
    connectwise_client_id: str = Field("", validation_alias="CONNECTWISE_CLIENT_ID")
    # Where technicians open tickets (default: from the API host).
    connectwise_ui_url: BaseUrl = Field("", validation_alias="CONNECTWISE_UI_URL")
    connectwise_timeout: float = 5.0
    # A retry has no caller waiting on it: a slow ConnectWise gets this long to answer.
    connectwise_retry_timeout: float = 30.0

    @property
    def connectwise_enabled(self) -> bool:
        return bool(self.connectwise_base_url)


def problems(cfg: ConnectWiseSettings) -> Iterator[str]:
    names = {
        "CONNECTWISE_BASE_URL": cfg.connectwise_base_url,
        "CONNECTWISE_COMPANY": cfg.connectwise_company,
        "CONNECTWISE_PUBLIC_KEY": cfg.connectwise_public_key,
        "CONNECTWISE_PRIVATE_KEY": cfg.connectwise_private_key,
        "CONNECTWISE_CLIENT_ID": cfg.connectwise_client_id,
    }
    given = [k for k, v in names.items() if v]
    if given and len(given) != len(names):
        missing = next(k for k, v in names.items() if not v)
        yield f"{missing}: required when {given[0]} is set (ConnectWise needs all five)"
    if cfg.connectwise_ui_url:
        parts = urlsplit(cfg.connectwise_ui_url)
        if not cfg.connectwise_base_url:
            yield "CONNECTWISE_UI_URL: only used with CONNECTWISE_BASE_URL (set both, or neither)"
        elif parts.query or parts.fragment:
            yield (f"CONNECTWISE_UI_URL: expected the site address without ?query or #fragment, "
                   f"like https://na.myconnectwise.net, got {shown(cfg.connectwise_ui_url)}")
