"""The Slack app as bolt builds it, one per Flask app: bolt's signature check with our clock, our
replay and shape checks, the listeners, and the OAuth flow when SLACK_CLIENT_ID is set."""
from __future__ import annotations

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize

from . import actions, commands, oauth
from .guard import NoReplays, SignedBySlack, WellFormed
from .store import api_client, stores


def build(svc, pending, flask_app) -> App:
    """`pending` counts the queue's waiting jobs (for `/nightdesk status`)."""
    config = svc.config
    flow = None
    if config.slack_client_id and config.slack_client_secret.get_secret_value():
        flow = oauth.settings(config, *stores(flask_app))
    bolt = App(
        name="nightdesk",
        # Bolt would otherwise read SLACK_BOT_TOKEN itself and call auth.test at start-up.
        client=api_client(config),
        signing_secret=config.slack_signing_secret.get_secret_value(),
        request_verification_enabled=False,  # replaced by SignedBySlack: the same check, our clock
        before_authorize=SignedBySlack(config.slack_signing_secret.get_secret_value(), svc.clock),
        authorize=_NoLookup(),
        oauth_settings=flow,
        # A listener runs in the request, and bolt answers when it returns. Each does its one
        # fast database write there and leaves anything slow to the queue, so the answer is well
        # inside Slack's 3 s, the write is done before Slack hears "ok", and no thread outlives a
        # gunicorn sync worker's request.
        process_before_response=True,
    )
    bolt.use(NoReplays(svc.limiter))
    bolt.use(WellFormed())
    actions.register(bolt, svc)
    commands.register(bolt, svc, pending)
    return bolt


class _NoLookup(Authorize):
    """No installation lookup per request. Listeners never call Slack with bolt's client: the
    resolve form opens through the paging channel, which finds (and rotates) the workspace's
    token itself, and answers go through the queue. A lookup here would be a database read on
    every click, and a refusal for a workspace served by SLACK_BOT_TOKEN alone."""

    def __call__(self, *, context, enterprise_id, team_id, user_id, **actors):
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
