"""The inbound Slack app, on slack-bolt: buttons and modals (/slack/actions), /nightdesk
(/slack/commands), and installation (/slack/install, /slack/oauth/callback). Outbound messages
live in app.paging."""
from flask import Blueprint

bp = Blueprint("slack", __name__, url_prefix="/slack")

from . import routes  # noqa: E402,F401  (routes register on bp)
