"""HaloPSA: where tickets are opened through Halo's API (an API application with client
credentials); none of these set means another PSA or local tickets."""
from __future__ import annotations

from typing import Iterator

from pydantic import BaseModel, Field, SecretStr

from app.config.parsers import BaseUrl


class HaloSettings(BaseModel):
    # The Halo site, e.g. https://msp.halopsa.com (its API is under /api).
    halo_base_url: BaseUrl = Field("", validation_alias="HALO_BASE_URL")
    halo_client_id: str = Field("", validation_alias="HALO_CLIENT_ID")
    halo_client_secret: SecretStr = Field(SecretStr(""), validation_alias="HALO_CLIENT_SECRET")
    # Hosted Halo names its tenant on the token request; on-premises usually has none.
    halo_tenant: str = Field("", validation_alias="HALO_TENANT")
    # The authorisation server when it is not the site's own /auth (its /token issues tokens).
    halo_auth_url: BaseUrl = Field("", validation_alias="HALO_AUTH_URL")
    halo_timeout: float = 5.0
    # A retry has no caller waiting on it: a slow Halo gets this long to answer.
    halo_retry_timeout: float = 30.0

    @property
    def halo_enabled(self) -> bool:
        return bool(self.halo_base_url)


def problems(cfg: HaloSettings) -> Iterator[str]:
    names = {
        "HALO_BASE_URL": cfg.halo_base_url,
        "HALO_CLIENT_ID": cfg.halo_client_id,
        "HALO_CLIENT_SECRET": cfg.halo_client_secret,
    }
    given = [k for k, v in names.items() if v]
    if given and len(given) != len(names):
        missing = next(k for k, v in names.items() if not v)
        yield f"{missing}: required when {given[0]} is set (HaloPSA needs all three)"
    for name, value in (("HALO_TENANT", cfg.halo_tenant), ("HALO_AUTH_URL", cfg.halo_auth_url)):
        if value and not cfg.halo_base_url:
            yield f"{name}: only used with HALO_BASE_URL (set both, or neither)"
