"""The web entry point (gunicorn wsgi:app, flask --app wsgi …)."""
from app import create_app_or_exit

# 3 is gunicorn's "worker failed to boot": the master stops, instead of starting workers that
# fail the same way in a loop.
app = create_app_or_exit(code=3)
