"""Where the store keeps each runbook's last good text, shared by every process of an install.

Without it a restart would forget the last good version of a file that is now broken, and that
customer's callers would fall through to the default runbook. It also lets web and worker
processes agree on who reports a broken edit, so the log shows each error once.
"""
from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.models import Database, RunbookVersion, utcnow

log = logging.getLogger(__name__)


class RunbookArchive(Protocol):
    def keep(self, file: str, version: str, text: str) -> None:
        """Remember `text` as the last good version of `file`."""

    def last_good_many(self, files: list[str]) -> dict[str, tuple[str, str]]:
        """File → (version, text) of its last good version, for those of `files` ever kept."""

    def claim_report(self, file: str, version: str) -> bool:
        """True for exactly one process per broken (file, version): the one that logs it."""


class MemoryArchive:
    """One process's memory: what tests and `runbooks check` use."""

    def __init__(self):
        self.good: dict[str, tuple[str, str]] = {}
        self.reported: dict[str, str] = {}

    def keep(self, file: str, version: str, text: str) -> None:
        self.good[file] = (version, text)
        self.reported.pop(file, None)  # broken again later, even the same way: report it again

    def last_good_many(self, files: list[str]) -> dict[str, tuple[str, str]]:
        return {file: self.good[file] for file in files if file in self.good}

    def claim_report(self, file: str, version: str) -> bool:
        if self.reported.get(file) == version:
            return False
        self.reported[file] = version
        return True


class DbArchive:
    """The install's database. A database that is down costs the archive, never the runbooks:
    every method degrades to "nothing kept" and logs why."""

    def __init__(self, db: Database):
        self.db = db

    def keep(self, file: str, version: str, text: str) -> None:
        try:
            with self.db.session() as s:
                row = s.get(RunbookVersion, file)
                if row is None:
                    s.add(RunbookVersion(file=file, good_version=version, good_text=text))
                elif row.good_version != version:
                    row.good_version, row.good_text, row.updated_at = version, text, utcnow()
                    row.reported_version = ""  # a later break, even the same one, is news again
        except IntegrityError:
            pass  # another process kept the same file at the same moment
        except SQLAlchemyError as exc:
            log.warning("runbook %s: could not keep its last good version: %s", file, exc)

    def last_good_many(self, files: list[str]) -> dict[str, tuple[str, str]]:
        if not files:
            return {}
        try:
            with self.db.session() as s:
                rows = s.scalars(select(RunbookVersion).where(RunbookVersion.file.in_(files)))
                return {row.file: (row.good_version, row.good_text) for row in rows if row.good_text}
        except SQLAlchemyError as exc:
            log.warning("runbooks %s: could not read their last good versions: %s",
                        ", ".join(files), exc)
            return {}

    def claim_report(self, file: str, version: str) -> bool:
        try:
            with self.db.session() as s:
                if s.get(RunbookVersion, file) is None:
                    s.add(RunbookVersion(file=file, reported_version=version))
                    return True
                done = s.execute(update(RunbookVersion).where(
                    RunbookVersion.file == file, RunbookVersion.reported_version != version)
                    .values(reported_version=version))
                return done.rowcount == 1
        except IntegrityError:
            return False  # another process inserted the row first: it reports
        except SQLAlchemyError:
            return True  # better twice in the log than not at all
