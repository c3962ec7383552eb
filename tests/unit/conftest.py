"""Orchestration unit tests: every port a recording fake (tests/fakes/ports.py), the clock the
test's own, jobs run by hand from RecordingWork.asked. No app, no queue, no network."""
from __future__ import annotations

import pytest

from ..fakes.ports import empty, empty_database, make_services, runbook

# Acme, as the tests page it: a P1 outage to a Slack channel, a P1 security rule to email with a
# Slack fallback, a P2 to another channel; then SMS after 10 minutes and the manager after 15.
ACME = """
customer: acme
name: Acme Dental
connectwise: {company: AcmeDental, board: After Hours}
escalation_rules:
  - trigger: site-wide outage
    method: slack
    page: "#acme-outage"
    severity: P1
  - trigger: security incident
    method: email
    page: oncall@msp.example
    severity: P1
    fallback: {method: slack, page: "#acme-security"}
  - trigger: one clinic down
    method: slack
    page: "#acme"
    severity: P2
escalation:
  steps:
    - after: 10
      page: [{method: sms, page: "+15555550111"}]
    - after: 15
      page: [{method: email, page: manager@msp.example}]
"""

# One rule, no escalation: what the shipped _default.yaml looks like.
DEFAULT = """
customer: default
name: Unknown caller
escalation_rules:
  - trigger: any urgent call
    method: slack
    page: ""
"""


@pytest.fixture(scope="session")
def instance(tmp_path_factory):
    """The instance folder every test shares: only its database is ever written."""
    return tmp_path_factory.mktemp("unit")


@pytest.fixture(scope="session")
def database(instance):
    db = empty_database(instance / "nightdesk.db")
    yield db
    db.dispose()


@pytest.fixture
def make(instance, database):
    """make(*books, channels_=..., tickets=..., clock=..., **config) -> Services on fakes, on an
    emptied database."""
    empty(database)

    def build(*books, **kwargs):
        return make_services(instance, *(books or (runbook(ACME),)), db=database, **kwargs)

    return build
