"""Tables beside the incidents: the triage cache, runbook versions, the health probe."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class TriageCache(Base):
    """LLM decisions by input: the same transcript, runbook version and prompt reuse the answer."""
    __tablename__ = "triage_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision: Mapped[dict] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunbookVersion(Base):
    """Per runbook file: the last version that validated (so a restart with a broken file still
    serves that customer) and the last broken version already reported (so web and worker
    processes report a broken edit once between them)."""
    __tablename__ = "runbook_versions"
    file: Mapped[str] = mapped_column(String(255), primary_key=True)
    good_version: Mapped[str] = mapped_column(String(40), default="")
    good_text: Mapped[str] = mapped_column(Text, default="")
    reported_version: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthProbe(Base):
    """What /healthz writes (and replaces) to prove the database takes writes: a few pages, so
    that a database that can no longer grow fails here before it fails a caller."""
    __tablename__ = "health_probes"
    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(80))
    padding: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
