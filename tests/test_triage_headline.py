"""A page a tech can read half asleep: the headline names the problem, never "Hi." or the
caller's introduction — with and without the LLM, punctuated or not."""
import pytest

from app.triage import TriageContext, fallback_decide

from .conftest import TwilioCaller, drain, recording_channels


@pytest.mark.parametrize("speech, problem", [
    ("Hi. This is Tom from the front desk. The main server is down and nobody can work.",
     "The main server is down and nobody can work"),
    ("hi this is tom from the front desk the main server is down and nobody can work",
     "The main server is down and nobody can work"),
    ("Hello, good evening, sorry to bother you so late. My name is Maria Lopez, I'm at Riverside. "
     "The internet is down at Riverside.", "The internet is down at Riverside"),
    ("yeah hi its maria at main street dentrix wont open on any computer",
     "Dentrix wont open on any computer"),
    ("This is the CEO's assistant, she can't get into her email before a board call at 6am.",
     "She can't get into her email before a board call at 6am"),
    ("um hello im calling from the front office the phones are dead",
     "The phones are dead"),
])
def test_the_fallback_headline_names_the_problem(books, speech, problem):
    d = fallback_decide(TriageContext(books.get("acme-dental"), [("greeting", speech)],
                                      caller_id="+15555550142", force_final=True))
    assert d.summary == problem


def test_scale_from_a_later_answer_joins_the_headline(books):
    turns = [("greeting", "hi this is tom from the front desk the main server is down"),
             ("Is it just you, or is everyone affected?", "the whole office, about 30 people")]
    d = fallback_decide(TriageContext(books.get("acme-dental"), turns, caller_id="+15555550142"))
    assert d.summary == "The main server is down — whole office (30)" and d.severity == "P1"


def first_headline(app, slack, said: str) -> str:
    """One call that says `said` and hangs up: the first line of the one page it raised."""
    caller = TwilioCaller(app.test_client())
    caller.post("/voice/incoming")
    caller.post("/voice/gather?turn=1", SpeechResult=said)
    drain(app)
    caller.post("/voice/status", CallStatus="completed")
    drain(app)
    [(_, message)] = slack.sent
    return message.headline_lines()[0]


def test_without_the_llm_the_page_headline_is_the_problem(make_app):
    registry, slack = recording_channels()
    app = make_app(channels=registry)
    assert first_headline(app, slack, "Hi. this is tom from the front desk the main server is "
                          "down and nobody can work") == ("P1 · Acme Dental · The main server is "
                                                          "down and nobody can work")


@pytest.mark.parametrize("model_summary, shown", [
    ("Hi.", "The main server is down and nobody can work"),
    ("Hi, this is Tom from the front desk.", "The main server is down and nobody can work"),
    ("Hi, this is Tom: main server down, whole office can't work",
     "Main server down, whole office can't work"),
    ("Main server down, whole office (30) can't work", "Main server down, whole office (30) can't work"),
])
def test_with_the_llm_a_greeting_never_heads_the_page(make_app, llm_server, model_summary, shown):
    llm_server.answer(severity="P1", rule=0, summary=model_summary, reason="Server down for all.")
    registry, slack = recording_channels()
    app = make_app({"openai_api_key": "sk-test", "openai_base_url": llm_server.base_url,
                    "triage_timeout": 2.0}, channels=registry)
    said = "Hi. This is Tom from the front desk. The main server is down and nobody can work."
    assert first_headline(app, slack, said) == f"P1 · Acme Dental · {shown}"
