"""POST /slack/actions: buttons, the snooze menu and the resolve modal.

The ownership change itself is one fast conditional UPDATE done here, so the click is answered
well inside Slack's 3 s and two people clicking at once get one winner. The message update, the
thread reply and the ticket note run in the queue."""
from __future__ import annotations

from flask import abort, current_app, jsonify, request

from app.incidents import ownership
from app.incidents.rows import zone_of
from app.paging import layout
from app.paging.slack_blocks import ACK, RESOLVE, SNOOZE, resolve_modal, who

from . import bp
from .payloads import Malformed, clean_text, incident_id, interaction
from .verify import slack_signed


def _svc():
    return current_app.extensions["nightdesk"]


@bp.post("/actions")
@slack_signed
def actions():
    try:
        payload = interaction(request.form.get("payload"))
    except Malformed as exc:
        abort(400, f"expected a Slack interaction payload ({exc})")
    kind = payload["type"]
    actor = f"slack:{payload['user']['id']}"
    team = (payload.get("team") or {}).get("id", "")
    if kind == "block_actions":
        for action in payload.get("actions", []):
            _block_action(action, actor, team, payload)
        return "", 200
    if kind == "view_submission" and (payload.get("view") or {}).get("callback_id") == RESOLVE:
        return _resolve_submitted(payload, actor)
    return "", 200  # shortcuts, view_closed…: nothing to do, but Slack wants its 200


def _block_action(action: dict, actor: str, team: str, payload: dict) -> None:
    svc = _svc()
    action_id = action.get("action_id", "")
    response_url = payload.get("response_url", "")
    try:
        if action_id == ACK:
            outcome = ownership.acknowledge(svc, incident_id(action.get("value")), actor)
            if not outcome.changed:
                _tell(response_url, already(outcome))
        elif action_id == RESOLVE:
            incident = ownership.by_id(svc, incident_id(action.get("value")))
            if incident is None:
                raise LookupError(action["value"])
            if incident.status == "resolved":
                _tell(response_url, already(ownership.Outcome(False, incident, incident.resolved_by)))
                return
            opened = svc.channels.get("slack").open_view(team, payload.get("trigger_id", ""),
                                                         resolve_modal(incident.id, incident.reference))
            if not opened.sent:
                _tell(response_url, f"Couldn't open the resolve form ({opened.error}). "
                                    f"Try `/nightdesk resolve {incident.reference} <note>`.")
        elif action_id == SNOOZE:
            number, minutes = action["selected_option"]["value"].split(":")
            outcome = ownership.snooze(svc, incident_id(number), actor, int(minutes))
            if not outcome.changed:
                _tell(response_url, already(outcome))
    except (LookupError, ValueError, KeyError):
        _tell(response_url, "That incident no longer exists in NightDesk.")


def _resolve_submitted(payload: dict, actor: str):
    view = payload["view"]
    try:
        number = incident_id(view.get("private_metadata", ""))
    except ValueError:
        abort(400, "the resolve form lost its incident")
    values = (view.get("state") or {}).get("values") or {}
    note = clean_text(((values.get("note") or {}).get("note") or {}).get("value") or "")
    try:
        outcome = ownership.resolve(_svc(), number, actor, note)
    except LookupError:
        return jsonify(response_action="errors", errors={"note": "That incident no longer exists."})
    if not outcome.changed:
        return jsonify(response_action="errors", errors={"note": already(outcome, mention=False)})
    return "", 200  # an empty 200 closes the modal


def already(outcome: ownership.Outcome, mention: bool = True) -> str:
    """What the person who lost the race is told: who got there first, and when."""
    incident = outcome.incident
    holder = who(outcome.holder) if mention else outcome.holder.replace("slack:", "@")
    when = incident.resolved_at if incident.status == "resolved" else incident.acknowledged_at
    stamp = f" at {layout.clock(when, zone_of(_svc(), incident))}" if when else ""
    return f"{incident.reference} was already {incident.status} by {holder}{stamp}."


def _tell(response_url: str, text: str) -> None:
    if response_url:
        _svc().work.later("slack_respond", response_url, text)
