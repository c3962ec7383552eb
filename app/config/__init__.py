"""Settings from the environment, validated once at start-up.

Every variable is optional: with none set NightDesk runs on the embedded default (SQLite database
and queue under instance/, the example runbooks, local tickets). Variables that are set but
invalid raise ConfigError: one line per variable, naming it and what is wrong.

The fields live with their area (service, voice, connectwise, autotask, slack, paging, workers); parsers.py
turns a variable's text into a value, checks.py says what a valid value looks like.
"""
from app.config.checks import SLACK_CHANNEL, is_e164, is_email, is_timezone
from app.config.errors import ConfigError
from app.config.parsers import FALSE_WORDS, TRUE_WORDS
from app.config.service import PROJECT_ROOT
from app.config.settings import Config
from app.config.workers import WORKER_THREADS

__all__ = ["Config", "ConfigError", "PROJECT_ROOT", "SLACK_CHANNEL", "TRUE_WORDS", "FALSE_WORDS",
           "WORKER_THREADS", "is_e164", "is_email", "is_timezone"]
