"""Customer runbooks: YAML files, validated with file/line/field errors, hot-reloaded."""
from .model import SEVERITIES, Route, Rule, Runbook, RunbookError
from .store import RunbookStore, check_directory

__all__ = ["SEVERITIES", "Route", "Rule", "Runbook", "RunbookError", "RunbookStore",
           "check_directory"]
