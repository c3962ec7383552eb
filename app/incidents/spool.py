"""The spool: what a caller said while the database could not take it, kept on local disk.

An append-only directory of small JSON files, one per webhook that could not reach the database:
`<CallSid>.<part>.json`, written aside, fsync'd, renamed into place and the directory fsync'd, so a
file is either whole or absent after a crash or power cut. Nothing is ever rewritten: a call's
files together are its record (its start, each turn, whether the caller heard goodbye, how the
call ended), merged by turn number when the worker replays them (app.incidents.replay).
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path

LOCK = ".drain.lock"
PROBE = ".probe"


class Spool:
    def __init__(self, directory: Path):
        self.dir = Path(directory)

    def keep(self, call_sid: str, part: str, record: dict) -> None:
        """Durably store one part of a call. Raises OSError when the disk can't take it (full,
        read-only): the caller must then hear that nothing was logged."""
        self.dir.mkdir(parents=True, exist_ok=True)
        final = self.dir / f"{call_sid}.{part}.json"
        data = json.dumps({**record, "call_sid": call_sid, "part": part, "at": time.time()})
        self._write(final, data.encode())

    def _write(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._sync_dir()

    def _sync_dir(self) -> None:
        fd = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def probe(self) -> None:
        """/healthz: a few KiB written, fsync'd and removed; raises OSError on a full disk."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / PROBE
        self._write(path, secrets.token_bytes(8192))
        path.unlink(missing_ok=True)

    def has(self, call_sid: str) -> bool:
        return any(self.dir.glob(f"{call_sid}.*.json"))

    def calls(self) -> dict[str, list[Path]]:
        """CallSid → its files, oldest call first."""
        found: dict[str, list[Path]] = {}
        try:
            names = sorted(os.listdir(self.dir))
        except FileNotFoundError:
            return found
        for name in names:
            if name.startswith(".") or not name.endswith(".json"):
                continue
            found.setdefault(name.split(".", 1)[0], []).append(self.dir / name)
        return found

    def count(self) -> int:
        return len(self.calls())

    @staticmethod
    def load(paths: list[Path]) -> dict:
        """One call's files merged: turns by number (a later file wins a number), the rest from
        whichever file says it. A file cut short by a crash can't exist (rename is atomic); one
        that isn't JSON anyway is skipped, not fatal."""
        merged: dict = {"turns": {}, "final": False, "ended": "", "from": "", "to": "",
                        "newest": 0.0, "parts": []}
        for path in paths:
            try:
                part = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            merged["parts"].append(part.get("part", ""))
            merged["newest"] = max(merged["newest"], float(part.get("at", 0)))
            merged["call_sid"] = part.get("call_sid", path.name.split(".", 1)[0])
            for key in ("from", "to"):
                merged[key] = merged[key] or part.get(key, "")
            merged["final"] = merged["final"] or bool(part.get("final"))
            merged["ended"] = part.get("ended") or merged["ended"]
            turn = part.get("turn")
            if turn and isinstance(turn.get("seq"), int):
                merged["turns"][turn["seq"]] = turn
        merged["turns"] = [merged["turns"][seq] for seq in sorted(merged["turns"])]
        return merged

    @staticmethod
    def remove(paths: list[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    @contextmanager
    def draining(self):
        """True for the one process on this host that may drain now (others skip this round)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / LOCK, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def spool_for(config) -> Spool:
    return Spool(config.resolved_spool_dir())
