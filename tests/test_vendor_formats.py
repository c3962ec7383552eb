"""Vendor formats: Slack mrkdwn that stays literal, Teams Markdown escaped, SMS in GSM-7, the
manifest's scopes, and the runbook fields pages depend on (a one-line name, a time zone)."""
import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from slack_sdk.models.blocks import Block

from app.bootstrap import channels_for as channels
from app.config import PROJECT_ROOT, Config
from app.paging import PageMessage
from app.paging.slack import SlackChannel
from app.paging.slack_blocks import SECTION_MAX, blocks_for, clip, escape, fallback_text
from app.paging.sms import SEGMENT, gsm7, septets, sms_body
from app.paging.teams import card_for, literal
from app.runbooks.parse import parse

from .test_paging import open_p1, runbook

EVIL = "call me *now* _please_ ~x~ `y` https://evil.example #general @here > quoted"


# --- Slack ---------------------------------------------------------------------------------

def mrkdwn_objects(blocks: list[dict]) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(blocks)
    return found


def test_every_mrkdwn_text_with_caller_words_is_verbatim_and_defused():
    message = PageMessage(severity="P1", customer="Acme", summary=EVIL, caller_name="*Bob*",
                          details="Caller: more *now* at https://evil.example #general\n> second",
                          rule="rule *x*", incident_id=3)
    blocks = blocks_for(message)
    objects = mrkdwn_objects(blocks)
    assert objects and all(o.get("verbatim") is True for o in objects)
    section = blocks[1]["text"]["text"]
    # No pair of formatting marks survives around a word: *now* can't become bold, nor `y` code.
    for mark in "*_~`":
        assert f"{mark}now{mark}" not in section and f"{mark}please{mark}" not in section
        assert f"{mark}y{mark}" not in section
    assert "*Bob*" not in section and "Bob" in section
    assert "\n&gt;" not in section  # no line of caller text opens a block quote
    assert "https://evil.example" in section  # shown, but verbatim: not auto-linked
    for raw in blocks:
        Block.parse(raw).validate_json()


def test_the_plain_text_header_is_not_entity_escaped():
    blocks = blocks_for(PageMessage(severity="P2", customer="Smith & Sons", summary="Q&A <server> down"))
    assert blocks[0]["text"] == {"type": "plain_text", "emoji": True,
                                 "text": ":large_orange_circle: P2 · Smith & Sons · Q&A <server> down"}


@pytest.mark.parametrize("limit", range(2990, 3001))
def test_clipping_never_cuts_inside_an_entity(limit):
    text = escape("x" * 2980 + "&" * 40)
    clipped = clip(text, limit, "…")
    assert len(clipped) <= limit
    body = clipped[:-1]
    assert body.endswith(("&amp;", "x")) and not body.endswith(("&", "&a", "&am", "&amp"))


def test_a_long_section_of_entities_is_clipped_whole():
    blocks = blocks_for(PageMessage(severity="P1", customer="A", summary="s", details="&<>" * 2000))
    section = blocks[1]["text"]["text"]
    assert len(section) <= SECTION_MAX and section.endswith("… (truncated)")
    assert section[: -len("… (truncated)")].endswith(";")


def test_fallback_text_is_escaped_and_defused():
    text = fallback_text(PageMessage(severity="P1", customer="A", summary="<!here> *now*"))
    assert "<!here>" not in text and "*now*" not in text


def test_the_manifest_asks_only_for_scopes_nightdesk_uses():
    manifest = yaml.safe_load((PROJECT_ROOT / "app" / "slack" / "manifest.yaml").read_text())
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert "im:write" not in scopes
    from app.slack.store import SCOPES
    assert sorted(SCOPES) == sorted(scopes)


# --- Teams ---------------------------------------------------------------------------------

def rendered(text: str) -> str:
    """What a CommonMark renderer (as Adaptive Cards hosts use) makes of a TextBlock's text."""
    return MarkdownIt("commonmark").render(text)


def test_teams_caller_and_llm_text_never_becomes_a_link_or_formatting():
    message = PageMessage(severity="P1", customer="Acme [x](https://evil.example)",
                          summary="[click](https://evil.example) **urgent**", caller_name="_Bob_",
                          details="Caller: <https://evil.example> # heading\n- item\n1. one")
    card = card_for(message)["attachments"][0]["content"]
    texts = [card["body"][0]["text"], *[f["value"] for f in card["body"][1]["facts"]], card["body"][2]["text"]]
    for text in texts:
        html = rendered(text)
        for tag in ("<a ", "<strong>", "<em>", "<h1>", "<ul>", "<ol>", "<code>"):
            assert tag not in html, (text, html)
    assert "[click](https://evil.example) **urgent**" in rendered(texts[0])


def test_teams_escaping_leaves_ordinary_text_alone():
    assert literal("Callback +15555550142 · ND-1014, 3 users.") == "Callback +15555550142 · ND-1014, 3 users."


# --- SMS -----------------------------------------------------------------------------------

def test_sms_transliterates_everything_outside_gsm7():
    assert gsm7("“Dentrix” — down · ça va? 👍 `x`") == "\"Dentrix\" - down - ca va? :thumbsup: 'x'"
    assert gsm7("Müller café £5") == "Müller café £5"  # in the GSM-7 alphabet already


@pytest.mark.parametrize("summary", [
    "short", "é" * 200, "€" * 200, "[{}]" * 60, "漢字" * 80, "a" * 100,
])
def test_an_sms_page_is_always_one_gsm7_segment(summary):
    message = PageMessage(severity="P1", customer="Customer with a long name " * 3, summary=summary,
                          callback_number="+15555550142", ticket_number="4523499", reference="ND-1014",
                          triggered=datetime(2026, 1, 5, 7, 0), timezone="America/Los_Angeles")
    body = sms_body(message)
    body.encode("gsm03.38")
    assert septets(body) <= SEGMENT
    assert "Callback +15555550142, Ticket 4523499\n" in body
    assert body.endswith("\n23:00 PST. #1014: 1=ack 2=resolve 3=snooze")  # the code replaces Ref ND-1014


# --- Runbooks: a one-line name, a time zone --------------------------------------------------

ROUTES = channels(Config())
RULES = """escalation_rules:
  - trigger: "outage"
    page: ""
    method: slack
"""


@pytest.mark.parametrize("name", ['"Acme\\nDental"', '"Acme\\rBcc: x@example.com"', '"Acme\\tDental"',
                                  "|\n  Acme\n  Dental"])
def test_a_runbook_name_with_a_line_break_or_control_character_is_refused(name):
    book, errors = parse(f"customer: acme\nname: {name}\n{RULES}", "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None
    [error] = errors
    assert str(error).startswith("runbooks/acme.yaml:2: name: must be one line of text")


def test_a_runbook_time_zone_is_validated_with_file_line_and_field():
    book, errors = parse(f"customer: acme\n{RULES}timezone: Mars/Olympus\n", "runbooks/acme.yaml", "acme", ROUTES)
    assert book is None
    assert [str(e) for e in errors] == [
        "runbooks/acme.yaml:6: timezone: 'Mars/Olympus' is not an IANA time zone (like America/New_York)"]
    book, errors = parse(f"customer: acme\n{RULES}timezone: Europe/London\n", "runbooks/acme.yaml", "acme", ROUTES)
    assert errors == [] and book.timezone == "Europe/London"


def test_pages_show_the_msp_time_zone_or_the_runbooks(make_app, runbooks_dir, slack, clock):
    runbook(runbooks_dir, "globex", "+15555550303", slack.url + "/services/globex/page")
    runbook(runbooks_dir, "initech", "+15555550404", slack.url + "/services/initech/page",
            extra="timezone: Asia/Tokyo\n")
    app = make_app({"slack_webhook_hosts": ("127.0.0.1",), "timezone": "America/Chicago"})
    from .conftest import drain
    open_p1(app, "+15555550303")
    open_p1(app, "+15555550404")
    drain(app)
    from zoneinfo import ZoneInfo
    from datetime import timezone
    utc = clock.now.replace(tzinfo=timezone.utc)
    chicago = utc.astimezone(ZoneInfo("America/Chicago"))
    tokyo = utc.astimezone(ZoneInfo("Asia/Tokyo"))
    posts = {r.path.split("/")[2]: json.loads(r.body) for r in slack.requests}
    assert f"Triggered {chicago:%H:%M} {chicago.tzname()}" in posts["globex"]["text"]
    assert f"Triggered {tokyo:%H:%M} JST" in posts["initech"]["text"]
    assert "UTC" not in posts["globex"]["text"] + posts["initech"]["text"]


def test_every_shipped_runbook_still_loads():
    for path in sorted(Path(PROJECT_ROOT / "runbooks").glob("*.yaml")):
        book, errors = parse(path.read_text(), str(path), path.stem, ROUTES)
        assert errors == [], errors
