"""NightDesk: answers an MSP's after-hours line, triages, tickets and pages."""
from __future__ import annotations

import logging
import sys

import click

from flask import Flask, Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, ConfigError


def create_app(config: Config | None = None, services: dict | None = None) -> Flask:
    """Build the app. `services` may replace any of bootstrap's pieces (db, runbooks, triage,
    tickets, channels, work, huey, clock) with fakes."""
    from app import bootstrap, cli, health, metrics, web
    from app import slack
    from app.sms import incoming as sms_incoming, status as sms_status
    from app.voice import blueprint as voice
    from app.voice import page_call, recording_status

    config = config or Config.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_path=str(config.instance_path))
    app.config["NIGHTDESK"] = config
    # A body over this is answered 413 before it is read (Werkzeug checks Content-Length, and
    # counts the bytes of a chunked body), so one huge field can't hold a web thread.
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    # Behind a proxy, Twilio signs the public URL: trust one proxy's X-Forwarded-Proto/Host.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1, x_port=1)
    built, huey = bootstrap.build(config, **(services or {}))
    app.extensions["nightdesk"] = built
    metrics.instrument(built)
    app.extensions["huey"] = huey
    app.extensions["twilio_token"] = bootstrap.twilio_token(config)
    # simulate-call builds a private copy of this app (its own database and queue) with it.
    app.extensions["create_app"] = create_app
    app.register_blueprint(voice.bp)
    app.register_blueprint(page_call.bp)
    app.register_blueprint(recording_status.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(slack.bp)
    app.register_blueprint(sms_status.bp)
    app.register_blueprint(sms_incoming.bp)
    app.register_error_handler(SQLAlchemyError, _database_unavailable)
    cli.register(app, bootstrap.PSAS)
    if click.get_current_context(silent=True) is None:
        # A serving process reports broken runbooks at start-up, not at the first call; a CLI
        # command reads them only if it needs them (`runbooks check` validates on its own).
        built.runbooks.refresh()
    return app


def _database_unavailable(exc: SQLAlchemyError):
    """A webhook that reached the database while it was down: 503 (the sender tries again; Twilio
    and Slack do), one line in the log instead of a traceback, never a 500. The voice webhooks
    keep the caller talking without the database on their own (app.voice.outage)."""
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
    logging.getLogger("app").error("%s: database unavailable: %s", request.path, reason)
    return Response("The database is unavailable; try again shortly.\n", status=503,
                    mimetype="text/plain", headers={"Retry-After": "5"})


def create_app_or_exit(code: int = 2) -> Flask:
    """create_app() for an entry point (web, worker, CLI): an invalid setting or a database that
    doesn't answer is one line on stderr and an exit, never a traceback."""
    from app.bootstrap import Unreachable
    try:
        return create_app()
    except ConfigError as exc:
        sys.stderr.writelines(f"nightdesk: configuration error: {problem}\n" for problem in exc.problems)
    except Unreachable as exc:
        sys.stderr.write(f"nightdesk: {exc}\n")
    sys.exit(code)
