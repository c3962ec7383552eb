"""Start-up's error text: one line per set-but-invalid variable, naming it and what is wrong."""
from __future__ import annotations

from typing import Iterable

from pydantic import ValidationError


class ConfigError(ValueError):
    """Set-but-invalid environment variables; str() is one line per variable, naming it."""

    def __init__(self, problems: Iterable[str]):
        self.problems = [" ".join(problem.split()) for problem in problems]
        super().__init__("\n".join(self.problems))


def config_error(exc: ValidationError, variables: dict[str, str]) -> ConfigError:
    """pydantic's report (several lines per error, with the input) → our lines, input left out:
    a parser's message already quotes the value as it is safe to show (a URL without password).
    `variables` maps a field name to its variable, for an error reported under the field."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        where = str(error["loc"][0]) if error["loc"] else "settings"
        reason = error["ctx"]["error"] if error["type"] == "value_error" else error["msg"]
        lines.append(f"{variables.get(where, where)}: {reason}")
    return ConfigError(lines)
