"""Reuse an LLM decision for identical input (transcript, caller ID, runbook version, prompt
version, model): a retried job or a re-run costs no second call and gets the same answer."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy.exc import IntegrityError

from app.models import Database, TriageCache


def cache_key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class DbDecisionCache:
    def __init__(self, db: Database):
        self.db = db

    def get(self, key: str) -> dict | None:
        with self.db.session() as s:
            row = s.get(TriageCache, key)
            return dict(row.decision) if row else None

    def put(self, key: str, decision: dict) -> None:
        try:
            with self.db.session() as s:
                s.add(TriageCache(key=key, decision=decision))
        except IntegrityError:
            pass  # another worker cached the same input first


class MemoryDecisionCache:
    """For tests and the evaluation bench."""

    def __init__(self):
        self.data: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        return self.data.get(key)

    def put(self, key: str, decision: dict) -> None:
        self.data.setdefault(key, decision)
