"""GET /slack/install and GET /slack/oauth/callback: Slack's OAuth v2 flow with a one-time state,
storing each workspace's bot token with slack-sdk's installation store."""
from __future__ import annotations

import html

from flask import abort, current_app, redirect, request
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth import AuthorizeUrlGenerator
from slack_sdk.oauth.installation_store import Installation

from . import bp
from .store import SCOPES, stores


def _settings():
    config = current_app.extensions["nightdesk"].config
    if not (config.slack_client_id and config.slack_client_secret):
        abort(404, "The Slack app isn't configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).")
    return config


def _redirect_uri(config) -> str:
    base = config.public_base_url or request.host_url.rstrip("/")
    return f"{base}/slack/oauth/callback"


@bp.get("/install")
def install():
    config = _settings()
    installations, states = stores(current_app)
    url = AuthorizeUrlGenerator(client_id=config.slack_client_id, scopes=SCOPES,
                                redirect_uri=_redirect_uri(config)).generate(states.issue())
    return redirect(url)


@bp.get("/oauth/callback")
def callback():
    config = _settings()
    installations, states = stores(current_app)
    if "error" in request.args:
        return _page(f"Slack said: {request.args['error']}. Nothing was installed."), 400
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not state or not states.consume(state):
        return _page("This install link has expired or was already used. Start again from "
                     "/slack/install."), 400
    kwargs = {"base_url": config.slack_api_url.rstrip("/") + "/"} if config.slack_api_url else {}
    try:
        answer = WebClient(**kwargs).oauth_v2_access(
            client_id=config.slack_client_id, client_secret=config.slack_client_secret,
            code=code, redirect_uri=_redirect_uri(config))
    except SlackApiError as exc:
        return _page(f"Slack refused the install ({exc.response.get('error', 'error')})."), 400
    team = answer.get("team") or {}
    installations.save(Installation(
        app_id=answer.get("app_id"), team_id=team.get("id"), team_name=team.get("name"),
        enterprise_id=(answer.get("enterprise") or {}).get("id"),
        bot_token=answer.get("access_token"), bot_id=answer.get("bot_user_id"),
        bot_user_id=answer.get("bot_user_id"), bot_scopes=answer.get("scope", ""),
        user_id=(answer.get("authed_user") or {}).get("id"), installed_at=None))
    current_app.logger.info("NightDesk installed in Slack workspace %s (%s)", team.get("name"), team.get("id"))
    return _page(f"NightDesk is installed in {team.get('name', 'your workspace')}. "
                 "Invite it to your alert channels: /invite @NightDesk")


def _page(text: str) -> str:
    return f"<!doctype html><title>NightDesk</title><p>{html.escape(text)}</p>"
