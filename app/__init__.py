"""NightDesk: answers an MSP's after-hours line, triages, tickets and pages."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config


def create_app(config: Config | None = None, services: dict | None = None) -> Flask:
    """Build the app. `services` may replace any of bootstrap's pieces (db, runbooks, triage,
    tickets, channels, work, huey, clock) with fakes."""
    from app import bootstrap, cli, health, web
    from app import slack
    from app.voice import blueprint as voice

    config = config or Config.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_path=str(config.instance_path))
    app.config["NIGHTDESK"] = config
    # Behind a proxy, Twilio signs the public URL: trust one proxy's X-Forwarded-Proto/Host.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1, x_port=1)
    built, huey = bootstrap.build(config, **(services or {}))
    app.extensions["nightdesk"] = built
    app.extensions["huey"] = huey
    app.extensions["twilio_token"] = bootstrap.twilio_token(config)
    app.register_blueprint(voice.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(slack.bp)
    cli.register(app)
    return app
