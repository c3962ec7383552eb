"""A runbook's life across edits and restarts: the last good version survives a restart, each
error reaches the log once, reloads don't grow memory, and commands take what a manager types."""
import gc
import logging
import os
import subprocess
import sys

import yaml

from app.config import PROJECT_ROOT
from app.models import Database
from app.runbooks import RunbookStore
from app.runbooks.archive import DbArchive

from .test_runbooks import ROUTES, SEED, write

ACME = "name: Acme\nmatch:\n  numbers: ['+15555550101']\n" + SEED
BROKEN = ACME.replace("method: email", "method: emial")


def test_a_restart_still_serves_the_last_good_version_of_a_now_broken_file(tmp_path, database_url):
    books = tmp_path / "books"
    books.mkdir()
    write(books, "acme.yaml", ACME)
    db = Database(database_url)
    before = RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db))
    assert before.get("acme").name == "Acme"
    write(books, "acme.yaml", BROKEN)
    # A new process (a deploy, a crash) starts while the file is broken.
    after = RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db))
    assert after.for_call("+15555550101", "").customer == "acme"
    assert "emial" in str(after.errors())
    write(books, "acme.yaml", ACME.replace("name: Acme", "name: Acme fixed"))
    assert after.get("acme").name == "Acme fixed" and after.errors() == []
    db.dispose()


def test_a_broken_edit_is_logged_once_between_every_process(tmp_path, database_url, caplog):
    books = tmp_path / "books"
    books.mkdir()
    write(books, "acme.yaml", BROKEN)
    db = Database(database_url)
    processes = [RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db))
                 for _ in range(3)]  # two web workers and the queue worker
    with caplog.at_level(logging.ERROR):
        for store in processes:
            store.refresh()
        assert sum("emial" in r.getMessage() for r in caplog.records) == 1
        write(books, "acme.yaml", BROKEN.replace("emial", "e-mail"))  # a new broken edit
        for store in processes:
            store.refresh()
        assert sum("e-mail" in r.getMessage() for r in caplog.records) == 1
    db.dispose()


def test_runbooks_check_prints_each_error_once(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    write(books, "acme.yaml", BROKEN)
    env = {**os.environ, "NIGHTDESK_RUNBOOKS_DIR": str(books),
           "NIGHTDESK_INSTANCE_PATH": str(tmp_path / "instance")}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "runbooks", "check"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert output.count("unknown method 'emial'") == 1, output


def test_reloading_a_runbook_does_not_grow_memory(tmp_path):
    store = RunbookStore(tmp_path, ROUTES, min_interval=0)

    def nodes_after(reloads: int) -> int:
        for i in range(reloads):
            write(tmp_path, "acme.yaml", ACME.replace("Acme", f"Acme {i}"))
            store.refresh()
        gc.collect()
        return sum(isinstance(o, yaml.Node) for o in gc.get_objects())

    assert nodes_after(25) == nodes_after(50)


def test_test_page_takes_the_file_name_and_lists_the_ids_when_it_knows_neither(make_app):
    runner = make_app().test_cli_runner()
    by_file = runner.invoke(args=["runbooks", "test-page", "northwind-logistics"])
    assert "no runbook" not in by_file.output and "rule 0" in by_file.output
    unknown = runner.invoke(args=["runbooks", "test-page", "northwnd"])
    assert unknown.exit_code == 2
    assert "northwind (northwind-logistics.yaml)" in unknown.output
    assert "acme-dental (acme-dental.yaml)" in unknown.output


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def test_an_alias_bomb_is_refused_and_spares_the_other_customers(tmp_path):
    write(tmp_path, "globex.yaml", "name: Globex\nmatch:\n  numbers: ['+15555550202']\n" + SEED)
    write(tmp_path, "acme.yaml", ACME)
    store = RunbookStore(tmp_path, ROUTES, min_interval=0, background=True)
    assert store.get("acme").name == "Acme"
    write(tmp_path, "acme.yaml", LAUGHS + ACME)  # 9**9 values once expanded
    store.refresh(force=True)
    [error] = store.errors()
    assert "acme.yaml" in str(error) and "aliases" in str(error)
    assert store.get("acme").name == "Acme"  # the last good version stays live
    assert store.for_call("+15555550202", "").name == "Globex"
    write(tmp_path, "acme.yaml", ACME.replace("name: Acme", "name: Acme fixed"))
    store.refresh(force=True)
    assert store.get("acme").name == "Acme fixed" and store.errors() == []


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    write(tmp_path, "acme.yaml", "loop: &loop [*loop]\n" + ACME)
    [error] = RunbookStore(tmp_path, ROUTES).errors()
    assert "nested deeper" in str(error)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    write(tmp_path, "acme.yaml", ACME + "context: >-\n" + "  padding words here\n" * 3000)
    reads = []
    real = type(tmp_path).read_bytes
    monkeypatch.setattr(type(tmp_path), "read_bytes", lambda self: reads.append(self.name) or real(self))
    store = RunbookStore(tmp_path, ROUTES, max_bytes=50_000)
    [error] = store.errors()
    assert "may be at most 50,000" in str(error) and "NIGHTDESK_RUNBOOK_MAX_BYTES" in str(error)
    assert reads == []


def test_a_broken_file_is_parsed_once_not_on_every_refresh(tmp_path, monkeypatch):
    from app.runbooks import store as store_module
    parsed = []
    real = store_module.parse
    monkeypatch.setattr(store_module, "parse", lambda text, file, *a: parsed.append(file) or real(text, file, *a))
    write(tmp_path, "acme.yaml", BROKEN)
    store = RunbookStore(tmp_path, ROUTES, min_interval=0, background=True)
    for _ in range(20):
        store.for_call("+15555550101", "")
    assert len(parsed) == 1


def test_a_call_never_waits_for_a_runbook_being_parsed(tmp_path):
    """An edit parses in the background: a reader answers from the live versions meanwhile."""
    import threading

    gate = threading.Event()

    class SlowRoutes:
        def methods(self):
            return ROUTES.methods()

        def check_target(self, method, page):
            if page == "slow@msp.example":
                gate.wait(30)  # a parse that takes as long as the test wants
            return ROUTES.check_target(method, page)

    write(tmp_path, "acme.yaml", ACME)
    store = RunbookStore(tmp_path, SlowRoutes(), min_interval=0, background=True)
    store.refresh()  # the start-up load
    write(tmp_path, "acme.yaml", ACME.replace("oncall@msp.com", "slow@msp.example"))
    answers = []
    reader = threading.Thread(target=lambda: [answers.append(store.for_call("+15555550101", ""))
                                              for _ in range(3)])
    reader.start()
    reader.join(10)
    parsing = not gate.is_set()
    gate.set()
    assert parsing and len(answers) == 3 and answers[0].customer == "acme"


PATHOLOGICAL = {
    "formfeed": "name: Acme\x0c\n",  # a control character the YAML reader refuses
    "bad-date": "name: Acme\nstarted: 2024-13-01\n",  # looks like a date, isn't one
    "binary": "name: !!binary zzz\n",
    "python-tag": "name: !!python/object:os.system {}\n",
    "deep": "name: " + "[" * 5000 + "]" * 5000 + "\n",
}


def test_a_file_the_yaml_library_chokes_on_is_that_files_error_only(tmp_path):
    """Whatever the YAML library raises, the manager sees the file named and every other
    customer keeps paging."""
    books = tmp_path / "books"
    books.mkdir()
    write(books, "acme.yaml", ACME)
    store = RunbookStore(books, ROUTES, min_interval=0)
    assert store.get("acme")
    for name, text in PATHOLOGICAL.items():
        write(books, f"{name}.yaml", text)
    assert store.get("acme").name == "Acme"
    errors = {e.file.rsplit("/", 1)[-1]: str(e) for e in store.errors()}
    assert set(errors) == {f"{name}.yaml" for name in PATHOLOGICAL}, errors
    assert all("cannot parse" in e or "yaml" in e.lower() for e in errors.values()), errors


def test_the_service_starts_with_such_a_file_in_the_folder(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    write(books, "acme.yaml", ACME)
    write(books, "deep.yaml", PATHOLOGICAL["deep"])
    env = {**os.environ, "NIGHTDESK_RUNBOOKS_DIR": str(books),
           "NIGHTDESK_INSTANCE_PATH": str(tmp_path / "instance")}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "runbooks", "check"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "deep.yaml" in output and "Traceback" not in output, output


BETA = ACME.replace("name: Acme", "name: Beta")


def restarted_with(books, db, changes: dict[str, str]) -> RunbookStore:
    """zulu.yaml accepted by one process; then `changes` written; then a fresh process."""
    write(books, "zulu.yaml", ACME)
    assert RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db)).get("zulu")
    for name, text in changes.items():
        write(books, name, text)
    return RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db))


def test_after_a_restart_a_new_file_cannot_take_an_accepted_customers_number(tmp_path, database_url):
    """'aaa.yaml' sorts first, but 'zulu.yaml' had the number before the restart: it keeps it."""
    (books := tmp_path / "books").mkdir()
    db = Database(database_url)
    # aaa.yaml is added while the service is down, and claims the same number.
    after = restarted_with(books, db, {"aaa.yaml": BETA})
    assert after.for_call("+15555550101", "").customer == "zulu"
    assert "already matched to zulu" in str(after.errors())
    db.dispose()


def test_a_broken_file_kept_from_the_archive_still_owns_its_number(tmp_path, database_url):
    (books := tmp_path / "books").mkdir()
    db = Database(database_url)
    after = restarted_with(books, db, {"zulu.yaml": BROKEN, "aaa.yaml": BETA})
    assert after.for_call("+15555550101", "").customer == "zulu"
    assert after.get("aaa") is None and "already matched to zulu" in str(after.errors())
    db.dispose()


def test_a_live_version_kept_through_a_broken_edit_still_owns_its_number(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    write(books, "zulu.yaml", ACME)
    store = RunbookStore(books, ROUTES, min_interval=0)
    assert store.get("zulu")
    write(books, "zulu.yaml", BROKEN)
    write(books, "aaa.yaml", BETA)
    assert store.for_call("+15555550101", "").customer == "zulu"
    assert store.get("aaa") is None


def test_the_same_break_after_a_fix_is_reported_again(tmp_path, database_url, caplog):
    books = tmp_path / "books"
    books.mkdir()
    db = Database(database_url)
    store = RunbookStore(books, ROUTES, min_interval=0, archive=DbArchive(db))
    with caplog.at_level(logging.ERROR):
        for text in (BROKEN, ACME, BROKEN):
            write(books, "acme.yaml", text)
            store.refresh(force=True)
        assert sum("emial" in r.getMessage() for r in caplog.records) == 2
    db.dispose()
