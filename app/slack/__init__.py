"""The inbound Slack app: buttons and modals (/slack/actions), /nightdesk (/slack/commands), and
installation (/slack/install, /slack/oauth/callback). Outbound messages live in app.paging."""
from flask import Blueprint

bp = Blueprint("slack", __name__, url_prefix="/slack")

from . import actions, commands, oauth  # noqa: E402,F401  (routes register on bp)
