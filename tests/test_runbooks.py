import logging
import os
import time
from pathlib import Path

import pytest

from app.bootstrap import channels_for as channels
from app.config import PROJECT_ROOT, Config
from app.runbooks import RunbookStore, check_directory

SEED = """\
escalation_rules:
  - trigger: "site-wide outage / multiple users affected"
    page: ""            # empty: the channel's default target from the environment
    method: slack
  - trigger: "P1 — direct Slack per customer"
    page: "https://hooks.slack.com/services/T/B/your-per-customer-webhook"
    method: slack
  - trigger: "security incident"
    page: oncall@msp.com
    method: email
"""

ROUTES = channels(Config())


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    # Two writes within one mtime tick must still look changed.
    stamp = time.time_ns() + len(text)
    os.utime(path, ns=(stamp, stamp))
    return path


def store(directory) -> RunbookStore:
    return RunbookStore(directory, ROUTES, min_interval=0)


def test_the_seed_format_loads_unchanged(tmp_path):
    write(tmp_path, "seed.yaml", SEED)
    books = store(tmp_path).all()
    assert [b.customer for b in books] == ["seed"]
    rules = books[0].rules
    assert [(r.method, r.page) for r in rules] == [
        ("slack", ""), ("slack", "https://hooks.slack.com/services/T/B/your-per-customer-webhook"),
        ("email", "oncall@msp.com")]


def test_the_shipped_examples_are_valid():
    books, errors = check_directory(PROJECT_ROOT / "runbooks", ROUTES)
    assert errors == []
    assert {b.customer for b in books} >= {"default", "acme-dental", "northwind"}
    assert sum(1 for b in books if b.is_default) == 1


@pytest.mark.parametrize("edit, line, field, words", [
    (("method: email", "method: pager"), 10, "escalation_rules[2].method", "unknown method 'pager'"),
    (('trigger: "security incident"', 'trigger: ""'), 8, "escalation_rules[2].trigger", "must not be empty"),
    (("page: oncall@msp.com", "page: +15551234567"), 9, "escalation_rules[2].page", "not an email"),
    (('page: "https://hooks.slack.com/services/T/B/your-per-customer-webhook"',
      'page: "https://hooks.slack.com.evil.io/services/T/B/x"'), 6, "escalation_rules[1].page",
     "not allowed"),
])
def test_errors_name_file_line_and_field(tmp_path, edit, line, field, words):
    write(tmp_path, "acme.yaml", SEED.replace(*edit))
    errors = store(tmp_path).errors()
    assert len(errors) == 1
    err = errors[0]
    assert (Path(err.file).name, err.line, err.field) == ("acme.yaml", line, field)
    assert words in err.message
    assert str(err).startswith(f"{err.file}:{line}: {field}: ")


def test_a_bad_e164_number_is_named(tmp_path):
    write(tmp_path, "acme.yaml", "match:\n  numbers: ['+15555550101', '555-0102']\n" + SEED)
    [err] = store(tmp_path).errors()
    assert (err.line, err.field) == (2, "match.numbers[1]")
    assert "E.164" in err.message


def test_sms_page_must_be_a_number(tmp_path):
    write(tmp_path, "acme.yaml", SEED + "  - trigger: texts\n    page: oncall\n    method: sms\n")
    [err] = store(tmp_path).errors()
    assert (err.line, err.field) == (12, "escalation_rules[3].page")


def test_duplicate_numbers_across_customers_are_refused_in_the_later_file(tmp_path):
    write(tmp_path, "a.yaml", "match:\n  numbers: ['+15555550101']\n" + SEED)
    write(tmp_path, "b.yaml", "match:\n  numbers: ['+15555550109', '+15555550101']\n" + SEED)
    s = store(tmp_path)
    [err] = s.errors()
    assert (Path(err.file).name, err.line, err.field) == ("b.yaml", 2, "match.numbers")
    assert "already matched to a" in err.message
    assert s.for_call("+15555550101", "").customer == "a"


def test_yaml_syntax_error_names_the_line(tmp_path):
    write(tmp_path, "acme.yaml", SEED.replace("    method: email", "    method: [email"))
    [err] = store(tmp_path).errors()
    assert err.line == 10 and "YAML syntax" in err.message


def test_unknown_fields_are_reported_not_ignored(tmp_path):
    write(tmp_path, "acme.yaml", "custmer: acme\n" + SEED)
    [err] = store(tmp_path).errors()
    assert (err.line, err.field) == (1, "custmer") and "unknown field" in err.message


def test_edits_reload_without_restart(tmp_path):
    write(tmp_path, "acme.yaml", "name: Acme\n" + SEED)
    s = store(tmp_path)
    assert s.get("acme").name == "Acme"
    write(tmp_path, "acme.yaml", "name: Acme Dental\n" + SEED)
    assert s.get("acme").name == "Acme Dental"


def test_a_broken_edit_keeps_the_last_good_version_and_spares_the_others(tmp_path, caplog):
    write(tmp_path, "acme.yaml", "name: Acme\nmatch:\n  numbers: ['+15555550101']\n" + SEED)
    write(tmp_path, "globex.yaml", "name: Globex\nmatch:\n  numbers: ['+15555550202']\n" + SEED)
    s = store(tmp_path)
    good = s.get("acme")
    with caplog.at_level(logging.ERROR):
        write(tmp_path, "acme.yaml", "name: Acme\nmatch:\n  numbers: ['+15555550101']\n"
              + SEED.replace("method: email", "method: emial"))
        assert s.get("acme") is good
    assert s.for_call("+15555550101", "").customer == "acme"
    assert s.for_call("+15555550202", "").name == "Globex"
    assert any("keeping the last good version" in r.message for r in caplog.records)
    assert any("emial" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    write(tmp_path, "acme.yaml", "name: Acme fixed\nmatch:\n  numbers: ['+15555550101']\n" + SEED)
    assert s.get("acme").name == "Acme fixed" and s.errors() == []


def test_callers_are_matched_by_dialed_number_then_caller_id_then_default(runbooks_dir):
    s = store(runbooks_dir)
    assert s.for_call("+15555550101", "+15555550250").customer == "acme-dental"
    assert s.for_call("+15555559999", "+15555550250").customer == "northwind"
    assert s.for_call("+15555559999", "+15555559998").is_default
    assert s.find_by_name("hi it's Dave from northwind, the scanners are down").customer == "northwind"


def test_runbooks_check_prints_errors_and_exits_non_zero(make_app, runbooks_dir):
    write(runbooks_dir, "broken.yaml", SEED.replace("method: email", "method: fax"))
    app = make_app()
    result = app.test_cli_runner().invoke(args=["runbooks", "check"])
    assert result.exit_code == 1
    assert "broken.yaml:10: escalation_rules[2].method: unknown method 'fax'" in result.output


def test_runbooks_check_passes_on_valid_files(make_app):
    result = make_app().test_cli_runner().invoke(args=["runbooks", "check"])
    assert result.exit_code == 0, result.output
    assert "3 runbooks valid" in result.output


CHAIN = """
escalation:
  steps:
    - after: 5
      page:
        - {method: sms, page: "{oncall}"}
        - {method: email, page: manager@msp.example}
  repeat: 1
oncall:
  rotation: daily
  handoff: "2026-11-01T09:00:00-05:00"
  people:
    - {name: Jane, sms: "+15555550111"}
    - {name: Bob, sms: "+15555550112"}
  overrides:
    - {from: "2026-11-10T00:00:00-05:00", to: "2026-11-11T00:00:00-05:00", name: Jane}
slack:
  channel: "#acme-alerts"
  events: [acknowledged, resolved]
"""


def test_escalation_chain_rotation_and_slack_settings_load(tmp_path):
    from datetime import datetime, timezone
    write(tmp_path, "acme.yaml", SEED + CHAIN)
    book = store(tmp_path).get("acme")
    assert [(s.after, [(r.method, r.page) for r in s.routes]) for s in book.steps] == [
        (5, [("sms", "{oncall}"), ("email", "manager@msp.example")])]
    assert book.repeat == 1 and book.slack_channel == "#acme-alerts"
    from app.incidents.escalation import chain
    assert len(chain(book)) == 2  # the steps, then once more (repeat: 1)
    assert book.slack_events == frozenset({"acknowledged", "resolved"})
    at = lambda text: datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None)
    assert book.oncall.on_call(at("2026-11-01T10:00:00-05:00")).name == "Jane"
    assert book.oncall.on_call(at("2026-11-02T10:00:00-05:00")).name == "Bob"   # daily hand-off
    assert book.oncall.on_call(at("2026-11-03T08:59:00-05:00")).name == "Bob"
    assert book.oncall.on_call(at("2026-11-03T09:00:00-05:00")).name == "Jane"
    assert book.oncall.on_call(at("2026-11-10T12:00:00-05:00")).name == "Jane"  # an override
    assert book.oncall.on_call(at("2026-11-11T12:00:00-05:00")).name == "Jane"  # its own shift


@pytest.mark.parametrize("edit, field, words", [
    (("after: 5", "after: 0"), "escalation.steps[0].after", "1 to 1440"),
    (("method: sms, page", "method: pager, page"), "escalation.steps[0].page[0].method", "unknown method"),
    (("rotation: daily", "rotation: hourly"), "oncall.rotation", "daily or weekly"),
    (('handoff: "2026-11-01T09:00:00-05:00"', 'handoff: "2026-11-01 09:00"'), "oncall.handoff", "UTC offset"),
    (("name: Jane}\nslack", "name: Janet}\nslack"), "oncall.overrides[0].name", "one of the people"),
    (('channel: "#acme-alerts"', 'channel: "acme alerts"'), "slack.channel", "a channel"),
    (("events: [acknowledged, resolved]", "events: [acked]"), "slack.events[0]", "not one of"),
])
def test_chain_rotation_and_slack_errors_name_the_field(tmp_path, edit, field, words):
    write(tmp_path, "acme.yaml", SEED + CHAIN.replace(*edit))
    errors = store(tmp_path).errors()
    assert any(e.field == field and words in e.message for e in errors), [str(e) for e in errors]


def test_oncall_target_needs_a_rotation(tmp_path):
    chain = CHAIN[:CHAIN.index("oncall:")]
    write(tmp_path, "acme.yaml", SEED + chain)
    [err] = store(tmp_path).errors()
    assert err.field == "oncall" and "{oncall}" in err.message
