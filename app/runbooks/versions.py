"""Which version of each runbook file is live, once the changed files are parsed.

A file that fails validation never replaces that customer's last good version and never touches
any other customer. The archive (the database, in a running install) keeps each file's last good
text across restarts and decides which process reports a broken edit, so each error reaches the
log once.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Callable

from .archive import RunbookArchive
from .model import Runbook, RunbookError

log = logging.getLogger(__name__)

Parsed = tuple[Runbook | None, list[RunbookError]]


class LiveVersions:
    def __init__(self, archive: RunbookArchive, report: bool,
                 reparse: Callable[[str, str], Runbook | None], shown: Callable[[str], str]):
        """`reparse(name, text)`: the runbook in an archived text (None if it no longer passes);
        `shown(name)`: the file as a log line names it."""
        self.archive, self.report = archive, report
        self._reparse, self._shown = reparse, shown
        self.good: dict[str, Runbook] = {}  # file name → the live runbook
        self.errors: dict[str, list[RunbookError]] = {}  # file name → why it is not live as read

    def forget(self, name: str) -> None:
        self.good = {k: v for k, v in self.good.items() if k != name}

    def settle(self, parsed: dict[str, Parsed], texts: dict[str, tuple[str, str]]) -> None:
        """Decide which version of each file is live, with cross-file checks (one customer id per
        file, one customer per number). Versions that were already live, or kept in the archive
        from before a restart, claim their numbers first, so a new or edited file can never take
        a number away from a customer whose runbook was accepted earlier. `texts`: file name →
        (version, text) as read."""
        errors = {name: list(errs) for name, (_, errs) in parsed.items()}
        fresh = {name: book for name, (book, _) in parsed.items() if book is not None}
        # One archive query per reload: only files without a live version need it.
        archived = self.archive.last_good_many(sorted(set(parsed) - set(self.good)))
        kept = {}  # broken files: the version that stays live
        for name in errors:
            if name not in fresh and (old := self.good.get(name) or self._archived(name, archived)):
                kept[name] = old

        def established(name: str) -> bool:
            """Live before this settle, or the very version the archive kept as good."""
            if name in self.good or name not in fresh:
                return True
            return name in archived and archived[name][0] == fresh[name].version

        owners: dict[str, tuple[str, str]] = {}  # number → (file, customer)
        ids: dict[str, str] = {}
        good: dict[str, Runbook] = {}
        for name in sorted({*fresh, *kept}, key=lambda n: (not established(n), n)):
            for book in (fresh.get(name), kept.get(name) or self.good.get(name)):
                if book is None:
                    continue
                clash = _clashes(book, owners, ids)
                if clash:
                    errors[name].extend(e for e in clash if e not in errors[name])
                    continue
                for number in (*book.numbers, *book.callers):
                    owners[number] = (book.file, book.customer)
                ids[book.customer] = book.file
                good[name] = book
                break
        for name, book in good.items():
            if fresh.get(name) is book and self.good.get(name) is not book:
                log.info("runbook %s loaded (customer %s, version %s)", book.file,
                         book.customer, book.version)
                self.archive.keep(name, book.version, texts[name][1])
        self.good = good  # one assignment: readers iterate either the old dict or this one
        for name, errs in errors.items():
            if errs:  # a file with errors is never the live version: either it failed or it clashed
                self._report(name, errs, texts.get(name, ("",))[0])
        self.errors = {k: v for k, v in errors.items() if v}

    def _archived(self, name: str, archived: dict[str, tuple[str, str]]) -> Runbook | None:
        """The last good version the archive kept, for a file that is broken since a restart."""
        return self._reparse(name, archived[name][1]) if name in archived else None

    def _report(self, name: str, errors: list[RunbookError], read_version: str) -> None:
        """Log a broken file once per broken version, across every process sharing the archive."""
        version = read_version + ":" + hashlib.sha1(str(errors).encode()).hexdigest()[:6]
        if not self.report or not self.archive.claim_report(name, version):
            return
        for err in errors:
            log.error("RUNBOOK ERROR %s", err)
        kept = self.good.get(name)
        if kept:
            log.error("runbook %s: keeping the last good version (%s) live for %s",
                      kept.file, kept.version, kept.customer)
        else:
            log.error("runbook %s: no good version yet; its callers reach the default runbook",
                      self._shown(name))


def _clashes(book: Runbook, owners: dict, ids: dict) -> list[RunbookError]:
    out = []
    if book.customer in ids and ids[book.customer] != book.file:
        out.append(RunbookError(book.file, book.lines.get("customer", 1), "customer",
                                f"{book.customer!r} is already used by {ids[book.customer]}"))
    for field, numbers in (("match.numbers", book.numbers), ("match.callers", book.callers)):
        for number in numbers:
            owner = owners.get(number)
            if owner and owner[1] != book.customer:
                out.append(RunbookError(book.file, book.lines.get(number, 1), field,
                                        f"{number} is already matched to {owner[1]} in {owner[0]}"))
    return out
