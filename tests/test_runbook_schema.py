"""What a service manager sees from the runbook schema: every problem in a file on its own line
with file, line and field, and phone numbers taken in any usual spacing and kept as E.164."""
from pathlib import Path

import pytest

from app.runbooks.parse import parse

from .test_runbooks import CHAIN, ROUTES, SEED, store, write


def test_every_problem_in_a_file_is_reported_on_its_own_line():
    text = ("colour: red\n"
            "match: {numbers: ['555-0102']}\n"
            "connectwise: {company: Acme, boardd: Help}\n"
            + SEED.replace("method: email", "method: fax").replace('trigger: "security incident"',
                                                                  'trigger: ""'))
    book, errors = parse(text, "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None
    assert [str(e).split(": ", 2)[:2] for e in errors] == [
        ["runbooks/acme.yaml:1", "colour"],
        ["runbooks/acme.yaml:2", "match.numbers[0]"],
        ["runbooks/acme.yaml:3", "connectwise.boardd"],
        ["runbooks/acme.yaml:11", "escalation_rules[2].trigger"],
        ["runbooks/acme.yaml:13", "escalation_rules[2].method"]]
    assert "expected one of: board, company, priorities, queue, statuses" in str(errors[2])


def test_a_number_written_with_spaces_is_kept_as_e164_and_matches_the_call(tmp_path):
    write(tmp_path, "acme.yaml", "match:\n  numbers: ['+1 (555) 555-0101']\n"
                                 "  callers: [+1 555 555 0142]\n" + SEED)
    s = store(tmp_path)
    book = s.get("acme")
    assert (book.numbers, book.callers) == (("+15555550101",), ("+15555550142",))
    assert s.for_call("+15555550101", "").customer == "acme"
    assert s.for_call("+15555559999", "+15555550142").customer == "acme"


def test_one_number_written_two_ways_in_two_files_is_refused_in_the_later_file(tmp_path):
    write(tmp_path, "a.yaml", "match:\n  numbers: ['+15555550101']\n" + SEED)
    write(tmp_path, "b.yaml", "match:\n  numbers: ['+1 555-555-0101']\n" + SEED)
    s = store(tmp_path)
    [err] = s.errors()
    assert (Path(err.file).name, err.line, err.field) == ("b.yaml", 2, "match.numbers")
    assert "+15555550101 is already matched to a" in err.message


def test_an_on_call_number_is_kept_as_e164_and_a_bad_one_is_named(tmp_path):
    write(tmp_path, "acme.yaml", SEED + CHAIN.replace('"+15555550112"', '"+1 555 555 0112"'))
    book = store(tmp_path).get("acme")
    assert [p.sms for p in book.oncall.people] == ["+15555550111", "+15555550112"]
    write(tmp_path, "bad.yaml", SEED + CHAIN.replace('"+15555550112"', '"+1 555 CALL BOB"'))
    [err] = store(tmp_path).errors()
    assert (Path(err.file).name, err.field) == ("bad.yaml", "oncall.people[1].sms")
    assert str(err).endswith("'+1 555 CALL BOB' is not an E.164 number (like +15551234567)")
    assert err.line == (SEED + CHAIN).splitlines().index('    - {name: Bob, sms: "+15555550112"}') + 1


def test_an_sms_page_written_with_spaces_is_kept_as_e164_and_other_methods_are_unchanged():
    text = SEED + ("  - trigger: texts\n    page: '+1 555 555 0111'\n    method: sms\n"
                   "    fallback: {method: email, page: '+1 555 555 0111'}\n")
    book, errors = parse(text, "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None and [(e.line, e.field) for e in errors] == [(14, "escalation_rules[3].fallback.page")]
    book, errors = parse(text.replace("method: email, ", "method: sms, "), "acme.yaml", "acme", ROUTES)
    assert errors == [] and [(r.route.page, r.fallback.page) for r in book.rules[3:]] == [
        ("+15555550111", "+15555550111")]


def test_the_neutral_tickets_section_loads_and_connectwise_stays_its_alias():
    neutral = ("tickets:\n  company: '29684'\n  queue: After Hours\n"
               "  priorities: {P1: Critical}\n  statuses: {acknowledged: In Progress}\n" + SEED)
    book, errors = parse(neutral, "runbooks/acme.yaml", "acme", ROUTES)
    assert errors == []
    assert (book.cw_company, book.cw_board, book.cw_priorities["P1"], book.cw_statuses) == (
        "29684", "After Hours", "Critical", {"acknowledged": "In Progress"})
    seed, errors = parse("connectwise: {company: Acme, board: Help Desk}\n" + SEED,
                         "runbooks/acme.yaml", "acme", ROUTES)
    assert errors == [] and (seed.cw_company, seed.cw_board) == ("Acme", "Help Desk")


def test_tickets_and_connectwise_together_or_board_and_queue_together_are_refused():
    both = "tickets: {company: A}\nconnectwise: {company: B}\n" + SEED
    book, errors = parse(both, "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None and [str(e) for e in errors] == [
        "runbooks/acme.yaml:2: connectwise: give tickets: or its older name connectwise:, not both"]
    twice = "tickets:\n  board: Help Desk\n  queue: After Hours\n" + SEED
    book, errors = parse(twice, "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None and [str(e) for e in errors] == [
        "runbooks/acme.yaml:3: tickets.queue: board and queue are the same field: give one of them"]


CALLING = """\
escalation_rules:
  - trigger: "P1 — phone the on-call technician"
    page: "{oncall}"
    method: call
    every: 5
escalation:
  ack_timeout: 30
  steps:
    - after: 10
      every: 3
      page: [{method: call, page: "+15555550111"}, {method: email, page: manager@msp.example}]
oncall:
  handoff: "2026-01-05T09:00:00-05:00"
  people:
    - {name: Jane, sms: "+15555550111", phone: "+1 555 555 0123"}
    - {name: Bob, sms: "+15555550112"}
"""


def test_every_ack_timeout_and_a_persons_phone_load():
    book, errors = parse(CALLING, "runbooks/acme.yaml", "acme", ROUTES)
    assert errors == []
    assert (book.rules[0].every, book.steps[0].every, book.ack_timeout) == (5, 3, 30)
    assert book.call_repeats == 3  # repeat: 0 → the default bound
    jane, bob = book.oncall.people
    assert jane.phone == "+15555550123"   # E.164, as sms is kept
    assert (jane.target("call"), jane.target("sms")) == ("+15555550123", "+15555550111")
    assert bob.target("call") == "+15555550112"  # no phone: the sms number is rung


@pytest.mark.parametrize("edit, line, field, words", [
    (("    every: 5", "    every: 0"), 5, "escalation_rules[0].every", "minutes between calls, 1 to 1440"),
    (("method: call\n", "method: sms\n"), 5, "escalation_rules[0].every", "only a method: call rule"),
    (("{method: call, page: \"+15555550111\"}", "{method: sms, page: \"+15555550111\"}"), 10,
     "escalation.steps[0].every", "this step has no method: call target"),
    (("every: 3", "every: soon"), 10, "escalation.steps[0].every", "minutes between calls"),
    (("ack_timeout: 30", "ack_timeout: 0"), 7, "escalation.ack_timeout", "1 to 1440"),
    (('phone: "+1 555 555 0123"', 'phone: "555-0123"'), 15, "oncall.people[0].phone", "not an E.164 number"),
])
def test_every_ack_timeout_and_phone_errors_name_file_line_and_field(edit, line, field, words):
    book, errors = parse(CALLING.replace(*edit), "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None
    [error] = errors
    assert str(error).startswith(f"runbooks/acme.yaml:{line}: {field}: "), str(error)
    assert words in error.message
