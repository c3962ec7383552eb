"""Where NightDesk keeps its state and how its web side behaves: the instance directory, the
database and queue, runbooks and prompts, incident links, the MSP's clock."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import BaseModel, Field, SecretStr

from app.config.parsers import (BaseUrl, Bytes, DatabaseUrl, Days, Directory, Flag, QueueUrl,
                                SecretKey, TimeZone)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class ServiceSettings(BaseModel):
    instance_path: Path = Field(PROJECT_ROOT / "instance", validation_alias="NIGHTDESK_INSTANCE_PATH")
    database_url: DatabaseUrl = Field("", validation_alias="DATABASE_URL")
    queue_url: QueueUrl = Field("", validation_alias="QUEUE_URL")
    runbooks_dir: Directory = Field(PROJECT_ROOT / "runbooks", validation_alias="NIGHTDESK_RUNBOOKS_DIR")
    # A larger runbook file is refused unread.
    runbook_max_bytes: Bytes(1_000, 100_000_000) = Field(
        1_000_000, validation_alias="NIGHTDESK_RUNBOOK_MAX_BYTES")
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    public_base_url: BaseUrl = Field("", validation_alias="PUBLIC_BASE_URL")
    debug: Flag = Field(False, validation_alias="FLASK_DEBUG")
    insecure_dev: Flag = Field(False, validation_alias="NIGHTDESK_INSECURE_DEV")
    # Signs incident links in pages; several web hosts must share it.
    secret_key: SecretKey = Field(SecretStr(""), validation_alias="NIGHTDESK_SECRET_KEY")
    # How long those links work.
    link_ttl_days: Days = Field(7, validation_alias="NIGHTDESK_LINK_TTL_DAYS")
    # The MSP's wall clock for times in pages (an IANA name); a runbook's `timezone:` overrides it.
    timezone: TimeZone = Field("UTC", validation_alias="NIGHTDESK_TIMEZONE")
    # Request bodies larger than this are refused with 413 before they are read: Twilio's
    # webhooks and Slack's payloads are a few KiB.
    max_request_bytes: Bytes(4096, 16 * 1024 * 1024) = Field(
        64 * 1024, validation_alias="NIGHTDESK_MAX_REQUEST_BYTES")
    # Where a call is kept on disk while the database can't take it (default instance/spool),
    # drained into the normal intake by the worker once the database is back.
    spool_dir: Path | None = Field(None, validation_alias="NIGHTDESK_SPOOL_DIR")

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'nightdesk.db'}"

    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{self.instance_path / 'queue.db'}"

    def resolved_spool_dir(self) -> Path:
        return Path(self.spool_dir or Path(self.instance_path) / "spool")


def problems(cfg: ServiceSettings) -> Iterator[str]:
    if cfg.insecure_dev and not cfg.debug:
        yield ("NIGHTDESK_INSECURE_DEV: turns Twilio signature checks off and is refused "
               "outside debug mode (set FLASK_DEBUG=1 for local development only)")
