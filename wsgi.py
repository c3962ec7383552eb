"""The web entry point (gunicorn wsgi:app, flask --app wsgi …)."""
import sys

from app import create_app
from app.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    sys.stderr.write(f"nightdesk: configuration error: {exc}\n")
    sys.exit(2)
