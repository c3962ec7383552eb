"""Worker threads per lane (app.lanes), so that one slow vendor never starves the other kinds
of work: LLM calls, tickets, pages (every channel), the rest."""
from __future__ import annotations

from pydantic import BaseModel, Field

from app.config.parsers import Count

# Defaults sized for waiting, not computing: each thread spends its job on a vendor's network
# answer (LLM 1.5 s, ticket 0.5 s, page 0.3 s), holding no database session meanwhile, so 50
# calls at once need at least that many LLM calls in flight (bench/dead_air.py at 50 calls on
# PostgreSQL + Redis, question turn over the LLM, median: 4 triage threads 7.1 s, 32 1.18 s, 64
# 0.96 s). An idle thread costs little: on Redis it blocks, on SQLite the 100 threads poll for
# about 11% of a core (8.5% with 32 triage threads).
WORKER_THREADS = {"triage": 64, "tickets": 16, "pages": 16, "other": 4}


class WorkerSettings(BaseModel):
    triage_threads: Count(1, 128) = Field(WORKER_THREADS["triage"], validation_alias="NIGHTDESK_TRIAGE_THREADS")
    ticket_threads: Count(1, 128) = Field(WORKER_THREADS["tickets"], validation_alias="NIGHTDESK_TICKET_THREADS")
    page_threads: Count(1, 128) = Field(WORKER_THREADS["pages"], validation_alias="NIGHTDESK_PAGE_THREADS")
    other_threads: Count(1, 128) = Field(WORKER_THREADS["other"], validation_alias="NIGHTDESK_OTHER_THREADS")

    @property
    def worker_threads(self) -> dict[str, int]:
        return {"triage": self.triage_threads, "tickets": self.ticket_threads,
                "pages": self.page_threads, "other": self.other_threads}
