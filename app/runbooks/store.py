"""The live set of runbooks: loaded from a directory, reloaded when files change.

Every process (web and worker) keeps its own store and notices edits by checking file stamps at
most once a second, so no restart is needed. Which version of each file is live (a broken edit
keeps the last good one; no customer can take another's number) is app.runbooks.versions' call.
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
from .versions import LiveVersions, Parsed

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
        self.background = background
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple] | None = None
        self._parsed: dict[str, Parsed] = {}
        self._texts: dict[str, tuple[str, str]] = {}  # file name → (version, text) as read
        self._live = LiveVersions(archive or MemoryArchive(), report, self._reparse,
                                  lambda name: _shown_path(self.directory / name))
        self._checked = 0.0

    # --- reading -----------------------------------------------------------------------------
    def all(self) -> list[Runbook]:
        self.refresh()
        return sorted(self._live.good.values(), key=lambda r: r.file)

    def errors(self) -> list[RunbookError]:
        self.refresh()
        errors = self._live.errors
        return [e for file in sorted(errors) for e in errors[file]]

    def get(self, customer: str) -> Runbook | None:
        return next((r for r in self.all() if r.customer == customer), None)

    def by_file(self, name: str) -> Runbook | None:
        """By file name, with or without .yaml: what a service manager sees in the folder."""
        self.refresh()
        return next((book for file, book in sorted(self._live.good.items())
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
            self._live.forget(gone)
            log.warning("runbook %s removed: that customer is no longer matched", gone)
        self._live.settle(self._parsed, self._texts)
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

    def _reparse(self, name: str, text: str) -> Runbook | None:
        path = self.directory / name
        book, errors = _parse_safely(text, _shown_path(path), path.stem, self.routes)
        return None if errors else book


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
