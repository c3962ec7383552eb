"""The fallback reads the situation: security as a class, scope from later answers, things that
are not emergencies, one security question, rule none, signals and reasons — and nothing of a
customer's in product code."""
import re
import time

import pytest

from app.config import PROJECT_ROOT
from app.triage import TriageContext, fallback_decide
from app.triage.questions import QUESTIONS

SECURITY_Q = QUESTIONS["security"]
SCOPE_Q = QUESTIONS["scope"]


def decide(books, *turns, customer="acme-dental", final=False, caller_id="+15555550142"):
    pairs = [("greeting", turns[0])] + [(q, a) for q, a in zip(turns[1::2], turns[2::2])]
    return fallback_decide(TriageContext(books.get(customer), pairs, caller_id=caller_id,
                                         force_final=final))


@pytest.mark.parametrize("speech", [
    "Sorry to bother you, it's probably nothing, my phone kept buzzing with sign in requests so I pressed approve to make it stop.",
    "there's an admin account in our microsoft portal nobody recognises",
    "a guy called saying he was from IT and had me install a program so he could fix my email",
    "one of our staff handed in her notice today and she's downloading all the client files onto a usb drive",
    "my work laptop was stolen from my car, it has patient files on it",
    "our office manager wired the payment to the new bank account in the vendor's email and the vendor says they never sent it",
    "the antivirus on the server says it quarantined something called invoice exe",
    "last week i typed my microsoft password into a page from an email that looked off",
    "I got an alert about a sign-in to my account from Russia",
    "please don't wake anyone but every file on the shared drive has a weird extension and there's a note asking for bitcoin",
])
def test_security_told_calmly_or_in_jargon_pages_the_security_rule_at_once(books, speech):
    d = decide(books, speech)
    assert (d.severity, d.rule, d.action) == ("P1", 2, "final"), d.reason
    assert d.signals["kind"] == "security" and d.signals["security"]
    assert "security:" in d.reason  # the reason names the signals used


def test_downplaying_never_lowers_a_security_call(books):
    calm = decide(books, "Someone logged into my email from another country. No rush, don't wake anyone, tomorrow is fine.")
    assert calm.severity == "P1" and "not lowered" in calm.reason


def test_a_possible_security_call_gets_one_question_and_the_answer_decides(books):
    first = decide(books, "I think we got hacked, there are weird emails in the inbox")
    assert (first.action, first.question, first.question_kind) == ("ask", SECURITY_Q, "security")
    cleared = decide(books, "I think we got hacked, there are weird emails in the inbox", SECURITY_Q,
                     "No, nobody clicked anything, it's just spam")
    assert cleared.severity in ("P3", "P4") and cleared.rule is None and cleared.action == "final"
    confirmed = decide(books, "I think we got hacked, there are weird emails in the inbox", SECURITY_Q,
                       "Yes, I typed my password into the page")
    assert (confirmed.severity, confirmed.rule) == ("P1", 2)
    unsure = decide(books, "I think we got hacked, there are weird emails in the inbox", SECURITY_Q,
                    "I'm not sure.")
    assert (unsure.severity, unsure.rule) == ("P1", 2)  # between paging and the morning: page
    assert unsure.action == "final"  # one question only


def test_a_possible_security_call_the_caller_hangs_up_on_still_pages(books):
    d = decide(books, "there was a suspicious popup on the front desk computer", final=True)
    assert (d.severity, d.rule) == ("P1", 2)


def test_scale_that_arrives_in_a_later_answer(books):
    first = decide(books, "Good evening, sorry to bother you. The schedule won't load.")
    assert first.question_kind == "scope"
    later = decide(books, "Good evening, sorry to bother you. The schedule won't load.", SCOPE_Q,
                   "All three clinics, none of us can see tomorrow's patients")
    assert later.severity == "P1" and "later answer" in later.reason


def test_scale_that_shrinks_in_a_later_answer(books):
    first = decide(books, "The whole server is down!")
    assert first.question_kind == "scope"
    later = decide(books, "The whole server is down!", SCOPE_Q,
                   "oh actually it's just one folder, everything else opens")
    assert (later.severity, later.rule) == ("P3", None)
    assert later.signals["scale"] == "one" and later.signals["scale_late"]


@pytest.mark.parametrize("speech", [
    "the backup failed again last night, same as last week, everything is working",
    "we got an alert that the router failed over to the backup line, internet still works",
    "building management says the power is out at our office, nobody is in until monday",
    "the server is making a clicking noise but everything is still running",
    "the office internet is down but the warehouse doesn't need it and nobody's in the office",
])
def test_scary_words_with_nobody_affected_tonight_do_not_page(books, speech):
    d = decide(books, speech, final=True)
    assert d.severity in ("P3", "P4") and d.rule is None, d.reason


@pytest.mark.parametrize("speech, customer", [
    ("none of the guests can get on the wifi, every floor", "northwind"),
    ("the badge readers are dead, nobody on the night shift can get in the building", "northwind"),
    ("the card terminals won't take cards at all the registers and we open in ten minutes", "acme-dental"),
    ("the air conditioning in the server room quit and it's getting really hot in there", "acme-dental"),
])
def test_outages_of_systems_no_vocabulary_names_page(books, speech, customer):
    d = decide(books, speech, customer=customer, final=True)
    assert d.severity in ("P1", "P2") and d.signals["kind"] == "outage", d.reason
    rule = books.get(customer).rule(d.rule)
    assert rule is not None and "security" not in rule.trigger


def test_a_p3_call_has_no_rule(books):
    d = decide(books, "My mouse stopped working, everyone else is fine", final=True)
    assert (d.severity, d.rule) == ("P3", None) and "rule none" in d.reason


def test_the_decision_carries_structured_signals(books):
    d = decide(books, "Email is down for everyone at all three clinics", final=True)
    assert d.signals["outage"] and d.signals["scale"] == "all" and d.signals["critical"]
    assert d.signals["security"] == [] and d.signals["kind"] == "outage"


def test_one_turn_is_read_up_to_a_cap_in_linear_time(books):
    huge = "the server is down and nobody can work " * 20000  # 780,000 characters
    started = time.perf_counter()
    d = decide(books, huge, final=True)
    assert time.perf_counter() - started < 0.5 and d.severity == "P1"
    for speech in ("hi " * 600 + "the server is down", "a" * 5000, "no " * 2000, "can't " * 400):
        started = time.perf_counter()
        decide(books, speech, final=True)
        assert time.perf_counter() - started < 0.05  # the worst a capped turn costs


def test_no_customer_words_in_product_code(books):
    words = set()
    for book in books.all():
        if book.is_default:
            continue
        words |= {book.name, book.customer, *book.aliases, *book.hints}
    words = {w.lower() for w in words if len(w) > 3}
    source = " ".join(p.read_text().lower() for p in (PROJECT_ROOT / "app" / "triage").glob("*.py"))
    assert "riverside" in words and "northwind" in words
    leaked = sorted(w for w in words if re.search(rf"\b{re.escape(w)}\b", source))
    assert leaked == []


@pytest.mark.parametrize("speech", [
    "I'm locked out, I think I typed my password wrong too many times",
    "I left my laptop charger at the office, can I get a new one?",
    "I entered the wrong code on the alarm panel",
    "Can someone approve my time off request?",
    "Our intern is leaving Friday, please disable her account then",
    "I approved the Windows update and now it's restarting",
])
def test_everyday_calls_with_security_words_are_not_security(books, speech):
    d = decide(books, speech, final=True)
    assert d.signals["kind"] != "security" and d.severity in ("P3", "P4"), d.reason


def test_a_caller_who_only_said_hello_is_asked_what_the_problem_is(books):
    first = decide(books, "Hi, is this the IT support line?")
    assert (first.action, first.question_kind) == ("ask", "other")
    later = decide(books, "Hi, is this the IT support line?", first.question,
                   "yes sorry, the server is down and nobody can see patients")
    assert (later.severity, later.rule, later.action) == ("P1", 0, "final")
