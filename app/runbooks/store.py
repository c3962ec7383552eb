"""The live set of runbooks: loaded from a directory, reloaded when files change.

A file that fails validation never replaces that customer's last good version and never touches
any other customer. Every process (web and worker) keeps its own store and notices edits by
checking file stamps at most once a second, so no restart and no shared state are needed.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

from .model import Runbook, RunbookError
from .parse import Routes, parse

log = logging.getLogger(__name__)
DEFAULT_STEM = "_default"


class RunbookStore:
    def __init__(self, directory: Path, routes: Routes, min_interval: float = 1.0):
        self.directory = Path(directory)
        self.routes = routes
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple] = {}
        self._parsed: dict[str, tuple[Runbook | None, list[RunbookError]]] = {}
        self._good: dict[str, Runbook] = {}  # file name → last good runbook
        self._errors: dict[str, list[RunbookError]] = {}
        self._checked = 0.0
        self.refresh(force=True)

    # --- reading -----------------------------------------------------------------------------
    def all(self) -> list[Runbook]:
        self.refresh()
        return sorted(self._good.values(), key=lambda r: r.file)

    def errors(self) -> list[RunbookError]:
        self.refresh()
        return [e for file in sorted(self._errors) for e in self._errors[file]]

    def get(self, customer: str) -> Runbook | None:
        return next((r for r in self.all() if r.customer == customer), None)

    def default(self) -> Runbook | None:
        return next((r for r in self.all() if r.is_default), None)

    def for_call(self, to_number: str, from_number: str) -> Runbook | None:
        """The dialed number decides first (an MSP may give each customer a number); then a known
        caller ID; else the default runbook, whose agent asks which company the caller is with."""
        books = self.all()
        for book in books:
            if to_number and to_number in book.numbers:
                return book
        for book in books:
            if from_number and from_number in book.callers:
                return book
        return self.default()

    def find_by_name(self, speech: str) -> Runbook | None:
        words = _normal(speech)
        for book in self.all():
            if book.is_default:
                continue
            for name in (book.name, book.customer, *book.aliases):
                if name and re.search(rf"\b{re.escape(_normal(name))}\b", words):
                    return book
        return None

    # --- loading -----------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.min_interval:
            return
        with self._lock:
            self._checked = now
            stamps = self._scan()
            if stamps == self._stamps and not force:
                return
            for name, stamp in stamps.items():
                if force or self._stamps.get(name) != stamp:
                    self._parse_file(name)
            for gone in set(self._parsed) - set(stamps):
                self._parsed.pop(gone, None)
                self._good.pop(gone, None)
                log.warning("runbook %s removed: that customer is no longer matched", gone)
            self._stamps = stamps
            self._settle()

    def _scan(self) -> dict[str, tuple]:
        stamps = {}
        for path in sorted(self.directory.glob("*.y*ml")):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            stamps[path.name] = (st.st_mtime_ns, st.st_size)
        return stamps

    def _parse_file(self, name: str) -> None:
        path = self.directory / name
        shown = _shown_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._parsed[name] = (None, [RunbookError(shown, 1, "", f"cannot read: {exc}")])
            return
        self._parsed[name] = parse(text, shown, path.stem, self.routes)

    def _settle(self) -> None:
        """Decide which version of each file is live, with cross-file checks (one customer id per
        file, one customer per number) done against the files that were already good."""
        errors: dict[str, list[RunbookError]] = {}
        candidates: dict[str, Runbook | None] = {}
        for name, (book, errs) in self._parsed.items():
            errors[name] = list(errs)
            candidates[name] = book
        owners: dict[str, tuple[str, str]] = {}  # number → (file, customer)
        ids: dict[str, str] = {}
        for name in sorted(candidates, key=lambda n: (n not in self._good, n)):
            book = candidates[name]
            if book is None:
                continue
            clash = self._clashes(book, owners, ids)
            if clash:
                errors[name].extend(clash)
                candidates[name] = None
                continue
            for number in (*book.numbers, *book.callers):
                owners[number] = (book.file, book.customer)
            ids[book.customer] = book.file
        for name, book in candidates.items():
            if book is not None:
                if self._good.get(name) is not book:
                    log.info("runbook %s loaded (customer %s, version %s)", book.file,
                             book.customer, book.version)
                self._good[name] = book
            elif errors[name]:
                kept = self._good.get(name)
                for err in errors[name]:
                    log.error("RUNBOOK ERROR %s", err)
                if kept:
                    log.error("runbook %s: keeping the last good version (%s) live for %s",
                              kept.file, kept.version, kept.customer)
                else:
                    log.error("runbook %s: no good version yet; its callers reach the default "
                              "runbook", _shown_path(self.directory / name))
        self._errors = {k: v for k, v in errors.items() if v}

    @staticmethod
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


def check_directory(directory: Path, routes: Routes) -> tuple[list[Runbook], list[RunbookError]]:
    """A fresh, complete validation of every file (what `runbooks check` prints)."""
    store = RunbookStore(directory, routes)
    errors = store.errors()
    if not any(p for p in Path(directory).glob("*.y*ml")):
        errors.append(RunbookError(str(directory), 1, "", "no runbook files (*.yaml) found"))
    return store.all(), errors


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
