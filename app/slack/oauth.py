"""GET /slack/install and GET /slack/oauth/callback: Slack's OAuth v2 flow with slack-sdk's
pieces. The one-time state is also set as a cookie in the browser that started the install, so
a callback from any other browser (a forged or leaked link) is refused; each workspace's bot
token, refresh token and expiry go to slack-sdk's installation store (store.py rotates them)."""
from __future__ import annotations

import html

from flask import abort, current_app, make_response, redirect, request
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth import AuthorizeUrlGenerator, OAuthStateUtils
from slack_sdk.oauth.installation_store import Installation

from . import bp
from .store import SCOPES, STATE_TTL_S, api_client, stores

STATE_COOKIE = OAuthStateUtils(expiration_seconds=STATE_TTL_S)


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
    state = states.issue()
    response = redirect(AuthorizeUrlGenerator(
        client_id=config.slack_client_id, scopes=SCOPES, redirect_uri=_redirect_uri(config)).generate(state))
    response.headers.add("Set-Cookie", STATE_COOKIE.build_set_cookie_for_new_state(state))
    return response


@bp.get("/oauth/callback")
def callback():
    config = _settings()
    installations, states = stores(current_app)
    if "error" in request.args:
        return _page(f"Slack said: {request.args['error']}. Nothing was installed.", 400)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not STATE_COOKIE.is_valid_browser(state or None, {"cookie": request.headers.get("Cookie")}):
        current_app.logger.warning("refused a Slack install callback: its state is not this browser's")
        return _page("This install was not started in this browser (or its cookie has expired). "
                     "Start again from /slack/install, in the browser you finish it in.", 403,
                     forget=False)  # a forged link must not cancel this browser's own install
    if not states.consume(state):
        return _page("This install link has expired or was already used. Start again from "
                     "/slack/install.", 400)
    try:
        answer = api_client(config).oauth_v2_access(
            client_id=config.slack_client_id, client_secret=config.slack_client_secret,
            code=code, redirect_uri=_redirect_uri(config))
    except SlackApiError as exc:
        return _page(f"Slack refused the install ({exc.response.get('error', 'error')}).", 400)
    team = answer.get("team") or {}
    installations.save(Installation(
        app_id=answer.get("app_id"), team_id=team.get("id"), team_name=team.get("name"),
        enterprise_id=(answer.get("enterprise") or {}).get("id"),
        bot_token=answer.get("access_token"), bot_id=answer.get("bot_user_id"),
        bot_user_id=answer.get("bot_user_id"), bot_scopes=answer.get("scope", ""),
        # With token rotation on, the bot token lasts 12 hours and this pair renews it.
        bot_refresh_token=answer.get("refresh_token"), bot_token_expires_in=answer.get("expires_in"),
        user_id=(answer.get("authed_user") or {}).get("id"), installed_at=None))
    current_app.logger.info("NightDesk installed in Slack workspace %s (%s)", team.get("name"), team.get("id"))
    return _page(f"NightDesk is installed in {team.get('name', 'your workspace')}. "
                 "Invite it to your alert channels: /invite @NightDesk", 200)


def _page(text: str, status: int, forget: bool = True):
    response = make_response(f"<!doctype html><title>NightDesk</title><p>{html.escape(text)}</p>", status)
    if forget:  # the state has been used (or refused by Slack): the browser drops its cookie
        response.headers.add("Set-Cookie", STATE_COOKIE.build_set_cookie_for_deletion())
    return response
