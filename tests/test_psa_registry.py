"""Which ticket system opens the tickets is configuration, never code: the PSA whose settings are
set, local tickets when none is, and a clear error when two are."""
from __future__ import annotations

import pytest

from app.bootstrap import PSAS, tickets_for
from app.config import Config, ConfigError
from app.tickets.connectwise import ConnectWiseTickets
from app.tickets.local import LocalTickets
from app.tickets.registry import PSA, PSARegistry

CONNECTWISE = {"connectwise_base_url": "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
               "connectwise_company": "msp", "connectwise_public_key": "pub",
               "connectwise_private_key": "priv", "connectwise_client_id": "cid"}


def test_no_psa_settings_means_local_tickets():
    assert isinstance(tickets_for(Config()), LocalTickets)


def test_connectwise_settings_pick_connectwise():
    tickets = tickets_for(Config(**CONNECTWISE))
    assert isinstance(tickets, ConnectWiseTickets) and tickets.name == "connectwise"
    assert PSAS.chosen(Config(**CONNECTWISE)).name == "connectwise"


def test_two_configured_psas_are_a_configuration_error_naming_both():
    other = PSA("otherpsa", configured=lambda config: True, build=lambda config: LocalTickets())
    registry = PSARegistry([*PSAS.psas, other], otherwise=LocalTickets)
    with pytest.raises(ConfigError, match="connectwise and otherpsa"):
        registry.build(Config(**CONNECTWISE))
    assert registry.chosen(Config()).name == "otherpsa"
