"""Ticket systems (PSAs) picked by configuration: each PSA module offers one `PSA` entry, bootstrap
lists them, and the one whose settings are present opens the tickets (none: NightDesk's own
local tickets). A new PSA is one module plus its line in bootstrap.PSAS."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from app.config import Config, ConfigError

from .port import PlaceProblem, TicketPlace, TicketSystem


@dataclass(frozen=True)
class PSA:
    name: str                                   # as logs and metrics say it
    configured: Callable[[Config], bool]        # its settings are present
    build: Callable[[Config], TicketSystem]
    # What `runbooks check` can tell of a runbook's tickets: section without asking the PSA.
    validate_place: Callable[[TicketPlace], list[PlaceProblem]] | None = None
    title: str = ""                             # as `tickets check` names it to the MSP
    settings: str = ""                          # the environment variables that choose it


class PSARegistry:
    def __init__(self, psas: Sequence[PSA], otherwise: Callable[[], TicketSystem]):
        self.psas = list(psas)
        self.otherwise = otherwise  # no PSA configured (local tickets)

    def chosen(self, config: Config) -> PSA | None:
        found = [psa for psa in self.psas if psa.configured(config)]
        if len(found) > 1:
            raise ConfigError([f"settings for {' and '.join(p.name for p in found)} are both set: "
                               "NightDesk opens tickets in one PSA, so set one of them"])
        return found[0] if found else None

    def build(self, config: Config) -> TicketSystem:
        psa = self.chosen(config)
        return psa.build(config) if psa else self.otherwise()
