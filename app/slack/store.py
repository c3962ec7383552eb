"""slack-sdk's SQLAlchemy stores on NightDesk's database (tables made by migration 0003), and the
bot-token lookup for outbound messages, which rotates a token before it expires."""
from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

log = logging.getLogger(__name__)
SCOPES = ["chat:write", "chat:write.public", "commands", "users:read", "users:read.email"]
STATE_TTL_S = 600
# A rotating bot token lives 12 hours; it is renewed once less than this is left (Bolt's default).
ROTATE_BEFORE_MIN = 120


def installation_store(client_id: str, engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def api_client(config) -> WebClient:
    """A token-less client for oauth.v2.access (SLACK_API_URL points it elsewhere in tests)."""
    return WebClient(base_url=config.slack_api_url.rstrip("/") + "/") if config.slack_api_url else WebClient()


def stores(app):
    svc = app.extensions["nightdesk"]
    cached = app.extensions.get("slack_stores")
    if cached is None:
        cached = (installation_store(svc.config.slack_client_id, svc.db.engine),
                  SQLAlchemyOAuthStateStore(expiration_seconds=STATE_TTL_S, engine=svc.db.engine))
        app.extensions["slack_stores"] = cached
    return cached


def bot_token_finder(config, engine):
    """team id → that workspace's bot token, for outbound messages (app.paging.slack). A token
    that expires within ROTATE_BEFORE_MIN is exchanged for a new one first, and the new pair is
    stored, so a rotating installation keeps working past its first 12 hours."""
    store = installation_store(config.slack_client_id, engine)
    rotator = TokenRotator(client_id=config.slack_client_id,
                           client_secret=config.slack_client_secret.get_secret_value(),
                           client=api_client(config))
    rotating = threading.Lock()  # one exchange at a time: a refresh token is spent by its use

    def find(team: str) -> str:
        try:
            bot = store.find_bot(enterprise_id=None, team_id=team or None)
            if bot is None or not bot.bot_refresh_token:
                return bot.bot_token if bot else ""
            with rotating:
                bot = store.find_bot(enterprise_id=None, team_id=team or None)  # another thread's?
                fresh = rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=ROTATE_BEFORE_MIN)
                if fresh is not None:
                    store.save_bot(fresh)
                    log.info("Slack bot token rotated for workspace %s", bot.team_id)
                    bot = fresh
        except SlackTokenRotationError as exc:
            log.error("Slack bot token rotation failed for workspace %s: %s (reinstall the app "
                      "if this persists)", team or "default", exc.api_error.response.get("error"))
            return bot.bot_token  # still valid until it expires; the send says if not
        except Exception as exc:  # an unreachable store must not stop a page; SLACK_BOT_TOKEN may serve
            # The type only: a database error's text can carry the token it was writing.
            log.warning("Slack installation store unreachable (%s)", type(exc).__name__)
            return ""
        return bot.bot_token
    return find
