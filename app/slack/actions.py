"""POST /slack/actions: the page's buttons, its snooze menu and the resolve form.

The ownership change itself is one fast conditional UPDATE, made in the request (bolt answers once
the listener returns: process_before_response), so the click is answered well inside Slack's 3 s
and two people clicking at once get one winner. The
message update, the thread reply and the ticket note run in the queue; so does telling the person
who lost a race (the `slack_respond` job posts to the interaction's response_url)."""
from __future__ import annotations

import re

from slack_bolt import BoltResponse

from app.incidents import commands
from app.incidents.work import Job
from app.paging.slack_blocks import ACK, RESOLVE, SNOOZE, resolve_modal

from . import replies
from .payloads import clean_text, incident_id

ANY = re.compile(".*")


def register(bolt, svc) -> None:
    def tell(body: dict, text: str) -> None:
        if body.get("response_url"):
            svc.work.later(Job.SLACK_RESPOND, body["response_url"], text)

    def actor(body: dict) -> str:
        return f"slack:{body['user']['id']}"

    @bolt.action(ACK)
    def acknowledge(ack, body, action):
        ack()
        try:
            change = commands.acknowledge(svc, incident_id(action.get("value")), actor(body))
        except (LookupError, ValueError):
            return tell(body, replies.GONE)
        if not change.changed:
            tell(body, replies.already(change))

    @bolt.action(SNOOZE)
    def snooze(ack, body, action):
        ack()
        try:
            number, minutes = (action.get("selected_option") or {})["value"].split(":")
            change = commands.snooze(svc, incident_id(number), actor(body), int(minutes))
        except (LookupError, ValueError, KeyError):
            return tell(body, replies.GONE)
        if not change.changed:
            tell(body, replies.already(change))

    @bolt.action(RESOLVE)
    def open_resolve_form(ack, body, action):
        ack()
        try:
            form = commands.open_resolve_form(svc, incident_id(action.get("value")),
                                              (body.get("team") or {}).get("id", ""), body.get("trigger_id", ""),
                                              resolve_modal)
        except (LookupError, ValueError):
            return tell(body, replies.GONE)
        if form.change is not None:
            tell(body, replies.already(form.change))
        elif not form.opened:
            tell(body, f"Couldn't open the resolve form ({form.error}). "
                       f"Try `/nightdesk resolve {form.reference} <note>`.")

    @bolt.action(ANY)
    def other_button(ack):  # the ticket link button, and any other: Slack wants its 200
        ack()

    @bolt.view(RESOLVE)
    def resolve_submitted(ack, body, view):
        try:
            number = incident_id(view.get("private_metadata", ""))
        except ValueError:
            return BoltResponse(status=400, body="The resolve form lost its incident.")
        values = (view.get("state") or {}).get("values") or {}
        note = clean_text(((values.get("note") or {}).get("note") or {}).get("value") or "")
        try:
            change = commands.resolve(svc, number, actor(body), note)
        except LookupError:
            return ack(response_action="errors", errors={"note": "That incident no longer exists."})
        if not change.changed:
            return ack(response_action="errors", errors={"note": replies.already(change, mention=False)})
        ack()  # an empty 200 closes the form

    @bolt.view(ANY)
    def other_form(ack):
        ack()
