"""A call and what was said in it."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .incidents import Incident


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    customer: Mapped[str] = mapped_column(String(100))
    from_number: Mapped[str] = mapped_column(String(64), default="")
    to_number: Mapped[str] = mapped_column(String(64), default="")
    # ringing → in-progress → completed; the caller's side of the call, not the incident's.
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    reprompts: Mapped[int] = mapped_column(Integer, default=0)
    # The PSA's contacts with the caller's number, {"contacts": [...]} ([] when none); None when
    # nobody asked the PSA (the runbooks knew the caller, no PSA, or it didn't answer in time).
    contact: Mapped[dict | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    turns: Mapped[list["Turn"]] = relationship(back_populates="call", order_by="Turn.seq")
    incident: Mapped["Incident | None"] = relationship(back_populates="call")


class Turn(Base):
    """One thing the caller said, and what NightDesk decided to answer."""
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("call_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    seq: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text, default="")
    speech: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    decision: Mapped[dict | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    call: Mapped[Call] = relationship(back_populates="turns")
