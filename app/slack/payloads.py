"""The shapes of Slack's interaction payloads and slash-command forms, checked before use.

A signed request is Slack's, but its JSON can still hold a list where a dict belongs, a number
where a string belongs, a NUL, or an id longer than its column: each would be a 500 (or, on
PostgreSQL, a database error); so would bolt's own reading of them. Malformed shapes are refused
with 400 (guard.WellFormed, once the signature is checked); free text is cleaned.
"""
from __future__ import annotations

import json
import re

# Slack ids (U0123ABCD, T…, C…, W…); 40 fits every column that stores one.
SLACK_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_TEXT = 3000  # Slack's limit for a plain_text_input and a slash command's text is lower
MAX_DB_ID = 2**31 - 1  # PostgreSQL's integer
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL and friends; keeps \t \n \r


class Malformed(ValueError):
    """Not a payload shape Slack sends; str() says which part."""


def clean_text(value: str) -> str:
    return _CONTROLS.sub("", value[:MAX_TEXT * 2])[:MAX_TEXT]


def incident_id(value) -> int:
    """An incident id from a button value or private_metadata; ValueError if it can't be one."""
    if not isinstance(value, str) or len(value) > 20:
        raise ValueError(f"not an incident id: {str(value)[:40]!r}")
    number = int(value)
    if not 1 <= number <= MAX_DB_ID:
        raise ValueError(f"not an incident id: {number}")
    return number


def slack_id(value, what: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not SLACK_ID.fullmatch(value):
        raise Malformed(f"{what} is not a Slack id")
    return value


def interaction(raw) -> dict:
    """The `payload` form field, parsed and checked: every part the handlers read has the type
    they expect (optional parts may be missing)."""
    if not isinstance(raw, str):
        raise Malformed("payload is missing")
    try:
        payload = json.loads(raw)
    except ValueError:
        raise Malformed("payload is not JSON") from None
    _need(payload, dict, "payload")
    _need(payload.get("type"), str, "type")
    _need(payload.get("user"), dict, "user")
    slack_id(payload["user"].get("id"), "user.id")
    team = payload.get("team")
    if team is not None:
        _need(team, dict, "team")
        slack_id(team.get("id"), "team.id", required=False)
    for key in ("response_url", "trigger_id"):
        _optional(payload.get(key), str, key)
    actions = payload.get("actions", [])
    _need(actions, list, "actions")
    for action in actions:
        _need(action, dict, "actions[]")
        _optional(action.get("action_id"), str, "action_id")
        _optional(action.get("value"), str, "action value")
        option = action.get("selected_option")
        if option is not None:
            _need(option, dict, "selected_option")
            _need(option.get("value"), str, "selected_option.value")
    view = payload.get("view")
    if view is not None:
        _view(view)
    return payload


def _view(view) -> None:
    _need(view, dict, "view")
    _optional(view.get("callback_id"), str, "view.callback_id")
    _optional(view.get("private_metadata"), str, "view.private_metadata")
    _optional(view.get("type"), str, "view.type")
    view.setdefault("type", "modal")  # Slack always sends it, and bolt's matchers read it unchecked
    state = view.get("state")
    if state is None:
        return
    _need(state, dict, "view.state")
    values = state.get("values", {})
    _need(values, dict, "view.state.values")
    for block in values.values():
        _need(block, dict, "view.state.values block")
        for element in block.values():
            _need(element, dict, "view.state.values element")
            _optional(element.get("value"), str, "input value")


def _need(value, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        raise Malformed(f"{what}: expected {kind.__name__}")


def _optional(value, kind: type, what: str) -> None:
    if value is not None:
        _need(value, kind, what)


def command(form) -> dict:
    """A slash command's form as bolt reads it. The endpoint serves whatever command Slack posts
    to it (a workspace may name it differently); a form without one is read as /nightdesk."""
    if form.get("ssl_check"):
        return form.to_dict()  # Slack's certificate check: bolt answers it
    slack_id(form.get("user_id"), "user_id")
    for key in ("team_id", "channel_id"):
        slack_id(form.get(key), key, required=False)
    body = form.to_dict()
    body["command"] = body.get("command") or "/nightdesk"
    return body
