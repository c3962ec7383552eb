"""Reading the variables: pydantic-settings' environment source, over any mapping."""
from __future__ import annotations

from typing import Mapping

from pydantic_settings import BaseSettings, EnvSettingsSource


def variables(settings_cls: type[BaseSettings]) -> dict[str, str]:
    """Field name → the environment variable it is read from (a field without one is never read)."""
    return {name: field.validation_alias for name, field in settings_cls.model_fields.items()
            if isinstance(field.validation_alias, str)}


class EnvironmentSource(EnvSettingsSource):
    """The variables the settings name, exactly as spelled, from `environ` (the process
    environment, or a test's dict) instead of always os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        super().__init__(settings_cls, case_sensitive=True)
        named = set(variables(settings_cls).values())
        self.env_vars = {name: value for name, value in environ.items() if name in named}


def read(settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> dict[str, str]:
    """Each set variable's text, trimmed. Set but empty counts as unset (the default applies),
    except for a true/false flag, where empty has always meant false."""
    flags = {variable for name, variable in variables(settings_cls).items()
             if settings_cls.model_fields[name].annotation is bool}
    texts = {name: str(value).strip() for name, value in EnvironmentSource(settings_cls, environ)().items()}
    return {name: text for name, text in texts.items() if text or name in flags}
