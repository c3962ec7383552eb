"""slack-sdk's SQLAlchemy stores on NightDesk's database (tables made by migration 0003)."""
from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

SCOPES = ["chat:write", "chat:write.public", "commands", "users:read", "users:read.email", "im:write"]
STATE_TTL_S = 600


def installation_store(client_id: str, engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def stores(app):
    svc = app.extensions["nightdesk"]
    cached = app.extensions.get("slack_stores")
    if cached is None:
        cached = (installation_store(svc.config.slack_client_id, svc.db.engine),
                  SQLAlchemyOAuthStateStore(expiration_seconds=STATE_TTL_S, engine=svc.db.engine))
        app.extensions["slack_stores"] = cached
    return cached


def bot_token_finder(client_id: str, engine):
    """team id → that workspace's bot token, for outbound messages (app.paging.slack)."""
    store = installation_store(client_id, engine)

    def find(team: str) -> str:
        try:
            bot = store.find_bot(enterprise_id=None, team_id=team or None)
        except Exception:  # an unreachable store must not stop a page; SLACK_BOT_TOKEN may serve
            return ""
        return bot.bot_token if bot else ""
    return find
