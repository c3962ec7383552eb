"""Autotask PSA: where tickets are opened (the API user, its secret and the integration code, or
none of them). The API's zone is found from the username unless AUTOTASK_BASE_URL names it."""
from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr

from app.config.checks import shown
from app.config.parsers import BaseUrl, Email


class AutotaskSettings(BaseModel):
    autotask_username: Email = Field("", validation_alias="AUTOTASK_USERNAME")
    autotask_secret: SecretStr = Field(SecretStr(""), validation_alias="AUTOTASK_SECRET")
    autotask_integration_code: SecretStr = Field(SecretStr(""), validation_alias="AUTOTASK_INTEGRATION_CODE")
    # The zone's REST root (https://webservices5.autotask.net/ATServicesRest); default: asked of
    # Autotask's zone lookup for the username, once per process.
    autotask_base_url: BaseUrl = Field("", validation_alias="AUTOTASK_BASE_URL")
    autotask_timeout: float = 5.0
    # A retry has no caller waiting on it: a slow Autotask gets this long to answer.
    autotask_retry_timeout: float = 30.0

    @property
    def autotask_enabled(self) -> bool:
        return bool(self.autotask_username)


def problems(cfg: AutotaskSettings) -> Iterator[str]:
    names = {
        "AUTOTASK_USERNAME": cfg.autotask_username,
        "AUTOTASK_SECRET": cfg.autotask_secret,
        "AUTOTASK_INTEGRATION_CODE": cfg.autotask_integration_code,
    }
    given = [k for k, v in names.items() if v]
    if given and len(given) != len(names):
        missing = next(k for k, v in names.items() if not v)
        yield f"{missing}: required when {given[0]} is set (Autotask needs all three)"
    if cfg.autotask_base_url:
        parts = urlsplit(cfg.autotask_base_url)
        if not given:
            yield "AUTOTASK_BASE_URL: only used with AUTOTASK_USERNAME, AUTOTASK_SECRET and AUTOTASK_INTEGRATION_CODE"
        elif parts.query or parts.fragment:
            yield (f"AUTOTASK_BASE_URL: expected the zone's REST root without ?query or #fragment, like "
                   f"https://webservices5.autotask.net/ATServicesRest, got {shown(cfg.autotask_base_url)}")
