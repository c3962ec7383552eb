"""Issue 9: the fallback decides by the kind of call, not by remembered calls, and the guardrail's
floor holds only on what was stated outright. Runbooks here are written in the tests (made up),
so nothing depends on a data set's customer."""
import re
import textwrap

import pytest

from app.config import PROJECT_ROOT
from app.triage import TriageContext, fallback_decide
from app.triage.agent import guard
from app.triage.decision import Decision
from app.triage.runbook_words import book_words
from app.triage.questions import QUESTIONS
from bench.triage_eval import store

SCOPE_Q, SECURITY_Q = QUESTIONS["scope"], QUESTIONS["security"]

# A made-up chain of pharmacies: one of them never closes; only P1 wakes anyone.
PHARMACY = """\
customer: test-pharmacy
name: Test Pharmacy Group
match: {numbers: ["+15555550777"]}
connectwise: {company: TestPharmacy, board: After Hours}
greeting: Pharmacy IT. What's wrong?
context: >-
  Six pharmacies open 8am to 8pm; the Quayside pharmacy is open 24 hours. Each has a dispensing
  system and two card terminals. Head office works 9 to 5.
page_severities: [P1]
escalation_rules:
  - trigger: "a pharmacy that is open can't dispense or take payment"
    page: ""
    method: slack
    severity: P1
    keywords: ["dispensing system", "card terminals"]
  - trigger: "security incident"
    page: ""
    method: slack
    severity: P1
"""


@pytest.fixture
def pharmacy(tmp_path):
    (tmp_path / "test-pharmacy.yaml").write_text(PHARMACY)
    (tmp_path / "_default.yaml").write_text(textwrap.dedent("""\
        customer: default
        name: Unknown caller
        greeting: Which company?
        connectwise: {company: Catchall, board: After Hours}
        escalation_rules:
          - {trigger: "any urgent call", page: "", method: slack}
        """))
    return store(tmp_path)


def decide(books, *turns, customer="acme-dental", final=False):
    pairs = [("greeting", turns[0])] + [(q, a) for q, a in zip(turns[1::2], turns[2::2])]
    return fallback_decide(TriageContext(books.get(customer), pairs, caller_id="+15555550142",
                                         force_final=final))


@pytest.mark.parametrize("speech", [
    "my phone kept going off with the authenticator asking is this you and in the end I said yes",
    "I had a text saying someone signed into my account from Lagos, and I'm at home in Ohio",
    "a receptionist we let go today still has her login and she's been in the system tonight",
    "a few days ago I logged into what I thought was our supplier portal from an email link, "
    "today I noticed the address was spelled wrong",
    "someone nicked the stock tablet from the front desk, it's logged into the ordering system",
    "the gate log shows the badge of a driver we sacked last month was used tonight",
])
def test_security_in_words_no_list_anticipated_pages_the_security_rule(books, speech):
    d = decide(books, speech)
    assert (d.severity, d.rule) == ("P1", 2), d.reason
    assert "security:" in d.reason


@pytest.mark.parametrize("turns", [
    ["The antivirus on my laptop quarantined a potentially unwanted program from a coupon "
     "toolbar I downloaded. The laptop seems fine."],
    ["My email is sending me messages from myself saying pay bitcoin because they have my password.",
     SECURITY_Q, "No, I haven't paid or clicked anything."],
    ["Hi, the backup software sent the failed email again, third night in a row. Nothing else is "
     "wrong."],
    ["The alert says the internet went over to the backup line. Everything is working."],
    ["My OneDrive says sync is paused. No rush."],
])
def test_scary_words_with_nobody_affected_tonight_wake_nobody(books, turns):
    d = decide(books, *turns, final=True)
    assert not books.get("acme-dental").pages_for(d.severity), d.reason
    assert d.rule is None and d.signals["kind"] != "security"


def test_a_whole_server_that_is_one_folder_is_asked_about_and_waits_for_the_morning(books):
    first = decide(books, "The whole office server is down, nothing opens!")
    assert (first.action, first.question) == ("ask", SCOPE_Q)
    shrunk = decide(books, "The whole office server is down, nothing opens!", SCOPE_Q,
                    "Oh wait, it's just the one folder, everything else opens fine.")
    assert shrunk.severity in ("P3", "P4") and shrunk.rule is None, shrunk.reason


def test_the_site_the_runbook_says_never_closes_is_the_whole_night_operation(pharmacy):
    night = decide(pharmacy, "The phones at Quayside are dead, no dial tone on any of them.",
                   customer="test-pharmacy", final=True)
    assert night.severity == "P1" and night.rule == 0, night.reason  # the only P1 pages here
    only = decide(pharmacy, "The dispensing system at Quayside shows no data.", SCOPE_Q,
                  "It's the only one we have.", customer="test-pharmacy", final=True)
    assert only.severity == "P1", only.reason


def test_a_closed_shop_needed_at_opening_is_the_morning_at_risk_not_a_night_page(pharmacy):
    d = decide(pharmacy, "All the card terminals at the Hillview pharmacy are offline. We're "
               "closed now, we open at eight.", customer="test-pharmacy", final=True)
    assert d.severity == "P2" and "closed now" in d.reason  # P2 wakes nobody in this runbook


@pytest.mark.parametrize("speech", [
    "the card machines not work, customers angry, I am alone in the shop",
    "Power went off to the whole building, the wifi and the desk computers are still off.",
    "None of the room keys are working tonight, guests keep coming back to the desk.",
])
def test_whole_site_outages_told_plainly_page(books, speech):
    d = decide(books, speech, final=True)
    assert books.get("acme-dental").pages_for(d.severity) and d.rule is not None, d.reason


def test_a_broken_thing_nobody_said_anyone_needs_waits_for_the_morning(books):
    d = decide(books, "The music system in the waiting room stopped playing.", SCOPE_Q,
               "I'm not sure.")
    assert d.severity == "P3" and d.rule is None and "nothing critical" in d.reason


def test_what_matters_said_to_work_keeps_a_side_outage_for_the_morning(books):
    d = decide(books, "The wifi in the staff lounge is down.", SCOPE_Q,
               "Just the lounge, the clinic wifi and Dentrix are fine.", final=True)
    assert d.severity == "P3" and d.rule is None, d.reason


def model_says(books, severity, speech, customer="acme-dental"):
    ctx = TriageContext(books.get(customer), [("greeting", speech)], caller_id="+15555550142")
    return guard(Decision(action="final", severity=severity, summary="x", path="llm"), ctx)


@pytest.mark.parametrize("speech", [
    "The whole file server is down, nothing opens!",            # a system's scale, not people's
    "I think the whole phone system is down, nobody can call us.",  # a guess
    "The backup failed on the server again, nobody can restore anything tonight.",  # a warning
    "Everyone's internet is down at the Riverside clinic but we're closed till 7.",  # nobody in
])
def test_the_floor_does_not_overrule_a_model_on_anything_less_than_a_stated_stoppage(books, speech):
    d = model_says(books, "P3", speech)
    assert d.severity == "P3" and "guardrail" not in d.reason


def test_the_floor_holds_on_a_stoppage_stated_outright(books):
    d = model_says(books, "P4", "Email is down for everyone at all three clinics, none of us can "
                   "work.")
    assert d.severity == "P2" and "guardrail" in d.reason


def test_no_data_set_customer_words_in_product_code():
    """Names, aliases, hints and the places the fallback reads from each data set's runbooks."""
    words = set()
    for folder in ("dev_more", "dev_fresh", "triage_format_sample"):
        for book in store(PROJECT_ROOT / "tests" / "data" / folder / "runbooks").all():
            if not book.is_default:
                read = book_words(book)
                words |= {book.name, book.customer, *book.aliases, *book.hints, *read.night_sites}
                sites = set(read.sites.single) | {" ".join(p) for ps in read.sites.by_pair.values()
                                                  for p in ps}
                words |= {s for s in sites if _proper_name(s, book.context or "")}
    words = {w.lower() for w in words if len(w) > 3}
    source = " ".join(p.read_text().lower() for p in (PROJECT_ROOT / "app" / "triage").glob("*.py"))
    assert {"eastgate", "station road", "gullwing"} <= words
    leaked = sorted(w for w in words if re.search(rf"\b{re.escape(w)}\b", source))
    assert leaked == []


def _proper_name(phrase: str, context: str) -> bool:
    """A place the context writes with capitals ("Station Road"), not "(sales, accounting)"."""
    found = re.search(rf"\b{re.escape(phrase)}\b", context, re.IGNORECASE)
    return bool(found) and found.group(0)[0].isupper()
