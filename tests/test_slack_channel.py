"""The Slack channel against a loopback fake of Slack's webhook and Web API."""
import json

import pytest
from slack_sdk.models.blocks import Block

from app.paging import PageMessage
from app.paging.slack import SlackChannel, blocks_for

from .conftest import SAMPLES
from .fakes.http import Reply

MESSAGE = PageMessage(severity="P1", customer="Acme Dental", summary="Dentrix server down",
                      callback_number="+15555550142", ticket_number="45234", reference="ND-1001",
                      caller_name="Maria", details="Nobody can see patients.")


def channel(slack, default="", **kw):
    return SlackChannel(default_webhook=default, allowed_hosts=("127.0.0.1", "hooks.slack.com"),
                        api_url=slack.url + "/api/", **kw)


def test_no_url_configured_returns_an_error_not_an_exception(slack):
    result = channel(slack).send("", MESSAGE)
    assert result["sent"] is False
    assert "NIGHTDESK_SLACK_WEBHOOK" in result["error"]
    assert slack.requests == []


def test_a_slack_url_target_is_used_directly(slack):
    target = slack.url + "/services/T1/B1/per-customer"
    result = channel(slack, default=slack.url + "/services/T0/B0/default").send(target, MESSAGE)
    assert result["sent"] is True
    assert [r.path for r in slack.requests] == ["/services/T1/B1/per-customer"]


def test_another_target_uses_the_env_webhook(slack):
    result = channel(slack, default=slack.url + "/services/T0/B0/default").send("", MESSAGE)
    assert result["sent"] is True
    assert [r.path for r in slack.requests] == ["/services/T0/B0/default"]


def test_a_url_on_another_host_is_never_posted_to(slack):
    evil = "https://hooks.slack.com.evil.example/services/T/B/x"
    assert "not allowed" in channel(slack).check_target(evil)
    result = channel(slack, default=slack.url + "/services/T0/B0/default").send(evil, MESSAGE)
    assert result["sent"] is True
    assert [r.path for r in slack.requests] == ["/services/T0/B0/default"]


def test_payload_has_the_subject_and_fallback_text(slack):
    channel(slack, default=slack.url + "/services/T/B/x").send("", MESSAGE)
    [payload] = slack.webhook_posts()
    assert payload["blocks"][0]["type"] == "header"
    assert payload["blocks"][0]["text"]["text"] == ":red_circle: P1 · Acme Dental · Dentrix server down"
    assert payload["blocks"][0]["text"]["emoji"] is True
    first_two = payload["text"].splitlines()[:2]
    assert first_two == ["P1 · Acme Dental · Dentrix server down",
                         "Callback +15555550142 · Ticket 45234 · Ref ND-1001"]


def test_payload_is_a_list_of_valid_blocks(slack):
    channel(slack, default=slack.url + "/services/T/B/x").send("", MESSAGE)
    [payload] = slack.webhook_posts()
    assert isinstance(payload["blocks"], list)
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "context"]
    for raw in payload["blocks"]:
        Block.parse(raw).validate_json()  # slack-sdk's own Block Kit limits
    assert "NightDesk after-hours triage" in payload["blocks"][2]["elements"][0]["text"]


def test_caller_speech_cannot_mention_or_link(slack):
    evil = PageMessage(severity="P1", customer="Acme", summary="<!channel> help <https://evil.example|click>",
                       details="& <@U123> <!here>")
    channel(slack, default=slack.url + "/services/T/B/x").send("", evil)
    payload = json.loads(slack.requests[0].body.decode())
    # The header is plain_text: Slack shows it literally and parses nothing in it.
    assert payload["blocks"][0]["text"]["type"] == "plain_text"
    mrkdwn = json.dumps(payload["blocks"][1:]) + payload["text"]
    assert "<!channel>" not in mrkdwn and "<!here>" not in mrkdwn and "<@U123>" not in mrkdwn
    assert "<https://evil.example" not in mrkdwn
    section = payload["blocks"][1]["text"]["text"]
    assert "&amp; &lt;@U123&gt; &lt;!here&gt;" in section
    assert "&lt;!channel&gt;" in payload["text"]


def test_long_content_is_clipped_to_block_kit_limits():
    long = PageMessage(severity="P2", customer="C" * 100, summary="S" * 100, details="x" * 5000)
    blocks = blocks_for(long)
    assert len(blocks[0]["text"]["text"]) <= 150
    assert len(blocks[1]["text"]["text"]) <= 3000
    assert blocks[1]["text"]["text"].endswith("(truncated)")


@pytest.mark.parametrize("status, body, permanent", [
    (404, "no_service", True), (404, "channel_not_found", True), (400, "invalid_payload", True),
    (410, "channel_is_archived", True), (403, "action_prohibited", True),
    (500, "rollup_error", False), (503, "", False),
])
def test_webhook_errors_are_results_typed_permanent_or_transient(slack, status, body, permanent):
    slack.fail_next(Reply(status, body))
    result = channel(slack, default=slack.url + "/services/T/B/x").send("", MESSAGE)
    assert result["sent"] is False and result["permanent"] is permanent
    assert (body or str(status)) in result["error"]


def test_an_html_500_does_not_leak_into_the_error(slack):
    html = (SAMPLES / "slack" / "server_error_500.html").read_text()
    slack.fail_next(Reply(500, html, {"Content-Type": "text/html"}))
    result = channel(slack, default=slack.url + "/services/T/B/x").send("", MESSAGE)
    assert result["sent"] is False and not result["permanent"]
    assert "<" not in result["error"] and "500" in result["error"]


def test_rate_limit_is_transient_with_retry_after(slack):
    slack.fail_next(Reply(429, "rate_limited", {"Retry-After": "7"}))
    result = channel(slack, default=slack.url + "/services/T/B/x").send("", MESSAGE)
    assert result["sent"] is False and not result["permanent"] and result["retry_after"] == 7.0


def test_unreachable_slack_is_transient():
    dead = SlackChannel(default_webhook="http://127.0.0.1:9/services/T/B/x", allowed_hosts=("127.0.0.1",),
                        timeout=2)
    result = dead.send("", MESSAGE)
    assert result["sent"] is False and not result["permanent"]


def test_bot_mode_posts_to_a_channel_and_keeps_channel_and_ts(slack):
    result = channel(slack, bot_token="xoxb-test").send("#alerts", MESSAGE)
    assert result["sent"] is True
    assert result["receipt"]["channel"] == "#alerts" and result["receipt"]["ts"]
    [request] = slack.requests
    assert request.path == "/api/chat.postMessage"
    assert request.headers["Authorization"] == "Bearer xoxb-test"


def test_bot_mode_not_in_channel_is_permanent(slack):
    sample = json.loads((SAMPLES / "slack" / "chat_postMessage_error.json").read_text())
    assert "not_in_channel" in sample["documented_error_enum"]
    slack.fail_next(Reply(200, {**sample["example"], "error": "not_in_channel"}))
    result = channel(slack, bot_token="xoxb-test").send("#alerts", MESSAGE)
    assert result["permanent"] and "not_in_channel" in result["error"]
    assert "invite the bot to #alerts: /invite @NightDesk" in result["error"]


def test_a_channel_target_without_a_bot_token_says_what_to_set(slack):
    result = channel(slack).send("#alerts", MESSAGE)
    assert result["permanent"] and "SLACK_BOT_TOKEN" in result["error"]
