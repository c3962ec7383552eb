"""Config: every setting, its areas' fields together, read from the environment once at start-up."""
from __future__ import annotations

import os
from typing import Mapping

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.config import autotask, connectwise, halopsa, service, slack
from app.config.autotask import AutotaskSettings
from app.config.checks import without_password
from app.config.connectwise import ConnectWiseSettings
from app.config.environment import read, variables
from app.config.errors import ConfigError, config_error
from app.config.halopsa import HaloSettings
from app.config.paging import PagingSettings
from app.config.service import ServiceSettings
from app.config.slack import SlackSettings
from app.config.voice import VoiceSettings
from app.config.workers import WorkerSettings


class Config(BaseSettings, ServiceSettings, VoiceSettings, ConnectWiseSettings, AutotaskSettings,
             HaloSettings, SlackSettings, PagingSettings, WorkerSettings):
    """Config.from_env() reads and checks the environment. Config(**values) is the defaults with
    those values and never reads the environment (tests and tools build one so, by field name).
    Secrets are SecretStr: .get_secret_value() where a client needs the text; repr and str show
    stars, and URLs are shown without their password."""

    model_config = SettingsConfigDict(frozen=True, case_sensitive=True, validate_by_name=True,
                                      validate_by_alias=True, extra="forbid")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        # Only the given values: from_env() is the one place that reads variables, so a test's
        # Config() is the same on every machine whatever its environment holds.
        return (init_settings,)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Config":
        """The settings from `env` (default os.environ); ConfigError names every bad variable."""
        try:
            cfg = cls(**read(cls, os.environ if env is None else env))
        except ValidationError as exc:
            raise config_error(exc, variables(cls)) from None
        problems = [*service.problems(cfg), *slack.problems(cfg), *connectwise.problems(cfg),
                    *autotask.problems(cfg), *halopsa.problems(cfg)]
        if problems:
            raise ConfigError(problems)
        return cfg

    @property
    def msp_alert_methods(self) -> tuple[str, ...]:
        """The MSP-wide default routes for a P1 nobody could be paged for, in the order they are
        tried: NIGHTDESK_SLACK_WEBHOOK, then NIGHTDESK_ALERT_EMAIL (the ones that are set)."""
        return tuple(method for method, target in (("slack", self.slack_webhook),
                                                   ("email", self.alert_email)) if target)

    def replace(self, **changes) -> "Config":
        return type(self)(**{**self.__dict__, **changes})

    def __repr_args__(self):
        for name, value in super().__repr_args__():
            yield name, without_password(value) if isinstance(value, str) and "://" in value else value
