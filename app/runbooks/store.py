"""The live set of runbooks: loaded from a directory, reloaded when files change.

A file that fails validation never replaces that customer's last good version and never touches
any other customer. Every process (web and worker) keeps its own store and notices edits by
checking file stamps at most once a second, so no restart is needed. The archive (the database,
in a running install) keeps each file's last good text across restarts and decides which process
reports a broken edit, so each error reaches the log once.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from pathlib import Path

from .archive import MemoryArchive, RunbookArchive
from .model import Runbook, RunbookError
from .parse import Routes, parse

log = logging.getLogger(__name__)
DEFAULT_STEM = "_default"


class RunbookStore:
    def __init__(self, directory: Path, routes: Routes, min_interval: float = 1.0,
                 archive: RunbookArchive | None = None, report: bool = True,
                 background: bool = False, max_bytes: int = 1_000_000):
        """Files are read on first use (or `refresh()`), so a command that never needs them,
        like `runbooks check` with its own fresh store, doesn't report their errors twice.
        With `background`, edits after the first load are parsed in a thread of their own: a
        request never waits for a parse, it answers from the versions already live."""
        self.directory = Path(directory)
        self.routes = routes
        self.min_interval = min_interval
        self.archive = archive or MemoryArchive()
        self.report = report
        self.background = background
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple] | None = None
        self._parsed: dict[str, tuple[Runbook | None, list[RunbookError]]] = {}
        self._texts: dict[str, tuple[str, str]] = {}  # file name → (version, text) as read
        self._good: dict[str, Runbook] = {}  # file name → last good runbook
        self._errors: dict[str, list[RunbookError]] = {}
        self._checked = 0.0

    # --- reading -----------------------------------------------------------------------------
    def all(self) -> list[Runbook]:
        self.refresh()
        return sorted(self._good.values(), key=lambda r: r.file)

    def errors(self) -> list[RunbookError]:
        self.refresh()
        return [e for file in sorted(self._errors) for e in self._errors[file]]

    def get(self, customer: str) -> Runbook | None:
        return next((r for r in self.all() if r.customer == customer), None)

    def by_file(self, name: str) -> Runbook | None:
        """By file name, with or without .yaml: what a service manager sees in the folder."""
        self.refresh()
        return next((book for file, book in sorted(self._good.items())
                     if name in (file, Path(file).stem)), None)

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
        if not force and self._stamps is not None and now - self._checked < self.min_interval:
            return
        if force or self._stamps is None or not self.background:
            with self._lock:
                self._checked = now
                self._apply(self._scan(), force)
            return
        if not self._lock.acquire(blocking=False):
            return  # a reload is under way: serve what is live
        self._checked = now
        try:
            stamps = self._scan()
            changed = stamps != self._stamps
        except BaseException:
            self._lock.release()
            raise
        if not changed:
            self._lock.release()
            return
        try:
            threading.Thread(target=self._apply_and_release, args=(stamps,), daemon=True,
                             name="runbook-reload").start()
        except BaseException:  # no thread, no release: the next request must be able to retry
            self._lock.release()
            raise

    def _apply_and_release(self, stamps: dict[str, tuple]) -> None:
        try:
            self._apply(stamps, False)
        except Exception:  # a reload that fails leaves the live versions as they were
            log.exception("runbook reload failed; the versions already live stay live")
        finally:
            self._lock.release()

    def _apply(self, stamps: dict[str, tuple], force: bool) -> None:
        """Parse what changed and settle which versions are live (the caller holds the lock)."""
        if stamps == self._stamps and not force:
            return
        force = force or self._stamps is None
        for name, stamp in stamps.items():
            if force or self._stamps.get(name) != stamp:
                self._parse_file(name, stamp[1])
        for gone in set(self._parsed) - set(stamps):
            self._parsed.pop(gone, None)
            self._good = {k: v for k, v in self._good.items() if k != gone}
            log.warning("runbook %s removed: that customer is no longer matched", gone)
        self._settle()
        self._stamps = stamps  # only now: until the live set is settled, readers keep the old one

    def _scan(self) -> dict[str, tuple]:
        stamps = {}
        for path in sorted(self.directory.glob("*.y*ml")):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            stamps[path.name] = (st.st_mtime_ns, st.st_size)
        return stamps

    def _parse_file(self, name: str, size: int) -> None:
        path = self.directory / name
        shown = _shown_path(path)
        if size > self.max_bytes:  # refused unread: a huge file must not stall every process
            self._parsed[name] = (None, [RunbookError(
                shown, 1, "", f"the file is {size:,} bytes; a runbook may be at most "
                              f"{self.max_bytes:,} (NIGHTDESK_RUNBOOK_MAX_BYTES)")])
            self._texts[name] = (f"size-{size}", "")
            return
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raw = str(exc).encode()
            self._parsed[name] = (None, [RunbookError(shown, 1, "", f"cannot read: {exc}")])
        else:
            self._parsed[name] = _parse_safely(text, shown, path.stem, self.routes)
            self._texts[name] = (_version(raw), text)
        if self._parsed[name][0] is None:
            self._texts[name] = (_version(raw), "")

    def _archived(self, name: str) -> Runbook | None:
        """The last good version the archive kept, for a file that is broken since a restart."""
        kept = self.archive.last_good(name)
        if kept is None:
            return None
        path = self.directory / name
        book, errors = _parse_safely(kept[1], _shown_path(path), path.stem, self.routes)
        return None if errors else book

    def _settle(self) -> None:
        """Decide which version of each file is live, with cross-file checks (one customer id per
        file, one customer per number). Versions that were already live, or kept in the archive
        from before a restart, claim their numbers first, so a new or edited file can never take
        a number away from a customer whose runbook was accepted earlier."""
        errors = {name: list(errs) for name, (_, errs) in self._parsed.items()}
        fresh = {name: book for name, (book, _) in self._parsed.items() if book is not None}
        kept = {}  # broken files: the version that stays live
        for name in errors:
            if name not in fresh and (old := self._good.get(name) or self._archived(name)):
                kept[name] = old
        owners: dict[str, tuple[str, str]] = {}  # number → (file, customer)
        ids: dict[str, str] = {}
        good: dict[str, Runbook] = {}
        for name in sorted({*fresh, *kept}, key=lambda n: (not self._established(n, fresh), n)):
            for book in (fresh.get(name), kept.get(name) or self._good.get(name)):
                if book is None:
                    continue
                clash = self._clashes(book, owners, ids)
                if clash:
                    errors[name].extend(e for e in clash if e not in errors[name])
                    continue
                for number in (*book.numbers, *book.callers):
                    owners[number] = (book.file, book.customer)
                ids[book.customer] = book.file
                good[name] = book
                break
        for name, book in good.items():
            if fresh.get(name) is book and self._good.get(name) is not book:
                log.info("runbook %s loaded (customer %s, version %s)", book.file,
                         book.customer, book.version)
                self.archive.keep(name, book.version, self._texts[name][1])
        self._good = good  # one assignment: readers iterate either the old dict or this one
        for name, errs in errors.items():
            if errs:  # a file with errors is never the live version: either it failed or it clashed
                self._report(name, errs)
        self._errors = {k: v for k, v in errors.items() if v}

    def _established(self, name: str, fresh: dict[str, Runbook]) -> bool:
        """Live before this settle, or the very version the archive kept as good."""
        if name in self._good or name not in fresh:
            return True
        last = self.archive.last_good(name)
        return last is not None and last[0] == fresh[name].version

    def _report(self, name: str, errors: list[RunbookError]) -> None:
        """Log a broken file once per broken version, across every process sharing the archive."""
        version = self._texts.get(name, ("",))[0] + ":" + _version(str(errors).encode())[:6]
        if not self.report or not self.archive.claim_report(name, version):
            return
        for err in errors:
            log.error("RUNBOOK ERROR %s", err)
        kept = self._good.get(name)
        if kept:
            log.error("runbook %s: keeping the last good version (%s) live for %s",
                      kept.file, kept.version, kept.customer)
        else:
            log.error("runbook %s: no good version yet; its callers reach the default runbook",
                      _shown_path(self.directory / name))

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
    store = RunbookStore(directory, routes, report=False)
    errors = store.errors()
    if not any(p for p in Path(directory).glob("*.y*ml")):
        errors.append(RunbookError(str(directory), 1, "", "no runbook files (*.yaml) found"))
    return store.all(), errors


def _parse_safely(text: str, shown: str, stem: str, routes: Routes):
    """parse(), with any failure of the YAML library (a control character, a date that isn't
    one, an unknown tag, nesting past Python's recursion limit) turned into that file's error."""
    try:
        return parse(text, shown, stem, routes)
    except RecursionError:
        return None, [RunbookError(shown, 1, "", "cannot parse: nested too deeply")]
    except Exception as exc:  # noqa: BLE001 — one bad file must never stop the others loading
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        if isinstance(getattr(exc, "position", None), int):  # the reader counts characters
            line = text.count("\n", 0, exc.position) + 1
        detail = " ".join(str(exc).split())[:300]
        return None, [RunbookError(shown, line, "", f"cannot parse: {detail}")]


def _version(raw: bytes) -> str:
    return hashlib.sha1(raw).hexdigest()[:12]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
