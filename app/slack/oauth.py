"""GET /slack/install and GET /slack/oauth/callback: Slack's OAuth v2 flow, run by bolt's OAuthFlow.
The one-time state is also set as a cookie in the browser that started the install, so a callback
from any other browser (a forged or leaked link) is refused; each workspace's bot token, refresh
token and expiry go to slack-sdk's installation store (tables of migration 0003; store.py rotates
the tokens for outbound messages). The pages the installer sees are ours."""
from __future__ import annotations

import html
import logging
import re

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from .store import ROTATE_BEFORE_MIN, SCOPES, STATE_TTL_S

log = logging.getLogger("app.slack")
INSTALL_PATH, CALLBACK_PATH = "/slack/install", "/slack/oauth/callback"


class _NoOAuthCode(logging.Filter):
    """Bolt's line for a failed code exchange quotes the one-time OAuth code: keep it out of logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "code:" in message:
            record.msg, record.args = re.sub(r"code: \S+", "code: ***", message), ()
        return True


# Bolt's OAuth flow logs through its App's logger.
logging.getLogger("slack_bolt.App").addFilter(_NoOAuthCode())


def settings(config, installations, states) -> OAuthSettings:
    """Without PUBLIC_BASE_URL the redirect URI is left out, and Slack uses the app's own."""
    return OAuthSettings(
        client_id=config.slack_client_id, client_secret=config.slack_client_secret.get_secret_value(),
        scopes=SCOPES, user_scopes=[],
        redirect_uri=f"{config.public_base_url}{CALLBACK_PATH}" if config.public_base_url else None,
        install_path=INSTALL_PATH, redirect_uri_path=CALLBACK_PATH,
        install_page_rendering_enabled=False,  # /slack/install goes straight to Slack
        callback_options=CallbackOptions(success=_installed, failure=_refused),
        installation_store=installations, state_store=states, state_expiration_seconds=STATE_TTL_S,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MIN)


def _installed(args: SuccessArgs) -> BoltResponse:
    done = args.installation
    log.info("NightDesk installed in Slack workspace %s (%s)", done.team_name, done.team_id)
    return _page(args, f"NightDesk is installed in {done.team_name or 'your workspace'}. "
                       "Invite it to your alert channels: /invite @NightDesk", 200)


def _refused(args: FailureArgs) -> BoltResponse:
    reason = args.reason
    if reason == "invalid_browser":
        log.warning("refused a Slack install callback: its state is not this browser's")
        return _page(args, "This install was not started in this browser (or its cookie has expired). "
                           "Start again from /slack/install, in the browser you finish it in.", 403,
                     forget=False)  # a forged link must not cancel this browser's own install
    if reason == "invalid_state":
        return _page(args, "This install link has expired or was already used. Start again from "
                           "/slack/install.", 400)
    if reason in ("invalid_code", "missing_code"):
        return _page(args, "Slack refused the install (its code could not be exchanged). Start "
                           "again from /slack/install.", 400)
    if reason == "storage_error":
        return _page(args, "Slack accepted the install but NightDesk could not store it. Try again "
                           "in a minute.", 503)
    return _page(args, f"Slack said: {reason}. Nothing was installed.", 400)  # ?error=access_denied…


def _page(args, text: str, status: int, forget: bool = True) -> BoltResponse:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if forget:  # the state has been used (or refused by Slack): the browser drops its cookie
        headers["Set-Cookie"] = [args.settings.state_utils.build_set_cookie_for_deletion()]
    return BoltResponse(status=status, headers=headers,
                        body=f"<!doctype html><title>NightDesk</title><p>{html.escape(text)}</p>")
