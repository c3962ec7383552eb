"""The Flask routes, handed to bolt's Flask adapter. Bolt reads a body NightDesk has already
checked (payloads.py): its own reader raises on a payload that isn't a JSON object (a 500) and
reads a command whose text contains the word "payload" as empty. What bolt verifies is still
the raw body, as Slack signed it."""
from __future__ import annotations

import json

from flask import Request, abort, current_app, request
from slack_bolt import BoltRequest
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.adapter.flask.handler import to_flask_response

from . import bp
from .guard import MALFORMED
from .payloads import Malformed, command, interaction


class Handler(SlackRequestHandler):
    def handle(self, req: Request):
        if req.method != "POST":
            return super().handle(req)  # the OAuth flow's two pages
        return to_flask_response(self.app.dispatch(checked_request(req)))


def checked_request(req: Request) -> BoltRequest:
    signed = req.get_data(cache=True, as_text=True)  # before the form is parsed, which reads it
    problem, body = "", None
    try:
        body = command(req.form) if req.path.endswith("/commands") else interaction(req.form.get("payload"))
    except Malformed as exc:
        problem = str(exc)
    query = req.query_string.decode("utf-8")
    try:
        bolt = BoltRequest(body=json.dumps(body) if body is not None else "", query=query,
                           headers=req.headers)
    except (AttributeError, TypeError, KeyError, ValueError):  # a part bolt's context reader trips on
        bolt, problem = BoltRequest(body="", query=query, headers=req.headers), "unexpected shape"
    bolt.raw_body = signed  # what bolt's signature check reads
    bolt.context["nightdesk_path"] = req.path
    if problem:
        bolt.context[MALFORMED] = problem
    return bolt


def _handler() -> Handler:
    return current_app.extensions["slack_bolt"]


@bp.post("/actions")
def actions():
    return _handler().handle(request)


@bp.post("/commands")
def commands():
    return _handler().handle(request)


@bp.get("/install")
@bp.get("/oauth/callback")
def install():
    if _handler().app.oauth_flow is None:
        abort(404, "The Slack app isn't configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).")
    return _handler().handle(request)


@bp.record_once
def _build(state) -> None:
    from .bolt_app import build
    app = state.app
    svc = app.extensions["nightdesk"]
    app.extensions["slack_bolt"] = Handler(build(svc, lambda: app.extensions["huey"].pending_count(), app))
