"""`flask --app wsgi tickets check` and the PSA part of `runbooks check`, against each PSA's
loopback fake: what an MSP sees when credentials, a company, a board or queue, a priority or a
status is wrong, and exit 0 when everything is there."""
from __future__ import annotations

import pytest

from .fakes.autotask import FakeAutotask
from .fakes.connectwise import FakeConnectWise
from .fakes.halopsa import FakeHalo

RULES = """
escalation_rules:
  - trigger: "anything urgent"
    page: ""
    method: slack
"""


def only(runbooks_dir, name: str, text: str) -> None:
    """The runbooks directory holds this one runbook."""
    for path in runbooks_dir.glob("*.yaml"):
        path.unlink()
    (runbooks_dir / name).write_text(text + RULES)


def settings(env: dict) -> dict:
    return {key.lower(): value for key, value in env.items()}


class Result:
    """The command's exit code and output, with runbook paths as they'd show from the project
    folder (the tests' runbooks live in a temporary one)."""

    def __init__(self, result, runbooks_dir):
        self.exit_code = result.exit_code
        self.output = result.output.replace(f"{runbooks_dir.parent}/", "")


def run(make_app, env: dict, *command: str) -> Result:
    app = make_app(settings(env))
    result = app.test_cli_runner().invoke(args=list(command or ("tickets", "check")))
    return Result(result, app.extensions["nightdesk"].config.runbooks_dir)


@pytest.fixture
def cw():
    server = FakeConnectWise()
    yield server
    server.close()


@pytest.fixture
def autotask():
    server = FakeAutotask()
    yield server
    server.close()


@pytest.fixture
def halo():
    server = FakeHalo()
    yield server
    server.close()


# --- ConnectWise --------------------------------------------------------------------------------

def test_connectwise_with_every_runbook_there_is_ok_and_exit_0(make_app, cw):
    result = run(make_app, cw.settings())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["PSA: ConnectWise (CONNECTWISE_* settings)", "credentials: ok"]
    assert [line.split()[0] for line in lines[2:]] == ["ok"] * 3


def test_connectwise_refusing_the_keys_says_so_in_its_words_without_the_key(make_app, cw):
    result = run(make_app, {**cw.settings(), "CONNECTWISE_PRIVATE_KEY": "wrong-private-key"})
    assert result.exit_code == 1
    assert "credentials: refused: ConnectWise refused (401): Authentication failed." in result.output
    assert "wrong-private-key" not in result.output and "ok   " not in result.output


def test_connectwise_names_the_missing_company_board_priority_and_status(make_app, cw, runbooks_dir):
    only(runbooks_dir, "acme.yaml", """\
customer: acme
connectwise:
  company: AcmeDentl
  board: "Help Desk - After Hours"
  priorities: {P1: "Priority 1 - Fire"}
  statuses: {acknowledged: Asigned, resolved: ">Closed"}
""")
    result = run(make_app, cw.settings())
    assert result.exit_code == 1
    out = result.output
    assert 'runbooks/acme.yaml:3: connectwise.company: no company with identifier "AcmeDentl" in ConnectWise' in out
    assert 'runbooks/acme.yaml:5: connectwise.priorities.P1: no priority named "Priority 1 - Fire" in ' \
           'ConnectWise (it has: "Priority 1 - Emergency Response"' in out
    assert 'runbooks/acme.yaml:6: connectwise.statuses.acknowledged: no status on board ' \
           '"Help Desk - After Hours" named "Asigned" in ConnectWise (it has: "New", "Assigned", ">Closed")' in out
    assert "statuses.resolved" not in out and "priorities.P2" not in out
    cw.boards = {}
    out = run(make_app, cw.settings()).output
    assert 'runbooks/acme.yaml:4: connectwise.board: no board named "Help Desk - After Hours" in ConnectWise' in out


def test_a_default_priority_connectwise_lacks_says_it_is_nightdesks_default(make_app, cw):
    cw.priorities = ["Priority 1 - Emergency Response"]
    out = run(make_app, cw.settings()).output
    assert 'acme-dental.yaml:8: connectwise.priorities.P2: no priority named "Priority 2 - Quick Response" ' \
           'in ConnectWise (it has: "Priority 1 - Emergency Response") (NightDesk\'s default name: give ' \
           "your PSA's under connectwise.priorities)" in out


def test_an_unreachable_connectwise_exits_2(make_app, cw):
    result = run(make_app, {**cw.settings(), "CONNECTWISE_BASE_URL": "http://127.0.0.1:9/v4_6_release/apis/3.0"})
    assert result.exit_code == 2
    assert "credentials: no answer: ConnectWise unreachable (ConnectionError)" in result.output


def test_runbooks_check_with_connectwise_needs_a_company(make_app, cw, runbooks_dir):
    only(runbooks_dir, "acme.yaml", "customer: acme\ntickets:\n  board: After Hours\n")
    result = run(make_app, cw.settings(), "runbooks", "check")
    assert result.exit_code == 1
    assert "runbooks/acme.yaml:2: tickets.company: required: the ConnectWise company identifier" in result.output
    assert cw.requests == []  # offline: ConnectWise isn't asked


# --- Autotask -----------------------------------------------------------------------------------

AUTOTASK_RUNBOOK = """\
customer: acme
tickets:
  company: "174"
  queue: After Hours
  priorities: {P1: Critical, P2: High, P3: Medium, P4: Low}
  statuses: {acknowledged: In Progress, resolved: Complete}
"""


def test_autotask_with_the_runbook_there_is_ok_and_exit_0(make_app, autotask, runbooks_dir):
    only(runbooks_dir, "acme.yaml", AUTOTASK_RUNBOOK)
    result = run(make_app, autotask.settings())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["PSA: Autotask (AUTOTASK_* settings)", "credentials: ok",
                                          "ok   runbooks/acme.yaml"]


def test_autotask_names_the_missing_company_queue_priority_and_status(make_app, autotask, runbooks_dir):
    only(runbooks_dir, "acme.yaml", AUTOTASK_RUNBOOK.replace('"174"', '"175"').replace(
        "After Hours", "Night Shift").replace("P2: High", "P2: Urgent").replace("Complete", "Done"))
    result = run(make_app, autotask.settings())
    assert result.exit_code == 1
    out = result.output
    assert "runbooks/acme.yaml:3: tickets.company: Autotask has no company with id 175" in out
    assert "runbooks/acme.yaml:4: tickets.queue: Autotask has no queue named 'Night Shift' " \
           "(it has: Level I Support, After Hours)" in out
    assert "runbooks/acme.yaml:5: tickets.priorities.P2: Autotask has no priority named 'Urgent'" in out
    assert "runbooks/acme.yaml:6: tickets.statuses.resolved: Autotask has no ticket status named 'Done'" in out
    assert "priorities.P1" not in out and "statuses.acknowledged" not in out


def test_autotask_refusing_the_secret_is_refused_credentials(make_app, autotask, runbooks_dir):
    only(runbooks_dir, "acme.yaml", AUTOTASK_RUNBOOK)
    result = run(make_app, {**autotask.settings(), "AUTOTASK_SECRET": "not-the-secret"})
    assert result.exit_code == 1
    assert "credentials: refused: Autotask refused (401)" in result.output
    assert "not-the-secret" not in result.output


def test_runbooks_check_with_autotask_catches_a_company_name(make_app, autotask, runbooks_dir):
    only(runbooks_dir, "acme.yaml", AUTOTASK_RUNBOOK.replace('"174"', "AcmeDental"))
    result = run(make_app, autotask.settings(), "runbooks", "check")
    assert result.exit_code == 1
    assert "runbooks/acme.yaml:3: tickets.company: Autotask needs the company's numeric id (the number " \
           "in its Autotask page), got 'AcmeDental'" in result.output
    assert "ok   runbooks/acme.yaml" not in result.output
    assert autotask.requests == []  # offline: Autotask isn't asked


def test_runbooks_check_without_a_psa_takes_any_company(make_app, runbooks_dir):
    only(runbooks_dir, "acme.yaml", AUTOTASK_RUNBOOK.replace('"174"', "AcmeDental"))
    result = run(make_app, {}, "runbooks", "check")
    assert result.exit_code == 0, result.output


# --- HaloPSA ------------------------------------------------------------------------------------

HALO_RUNBOOK = """\
customer: acme
tickets:
  company: Acme Dental
  queue: After Hours
  statuses: {acknowledged: In Progress, resolved: Closed}
"""


@pytest.mark.parametrize("company", ["Acme Dental", '"12"'])
def test_halo_with_the_runbook_there_is_ok_and_exit_0(make_app, halo, runbooks_dir, company):
    only(runbooks_dir, "acme.yaml", HALO_RUNBOOK.replace("Acme Dental", company))
    result = run(make_app, halo.settings())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["PSA: HaloPSA (HALO_* settings)", "credentials: ok",
                                          "ok   runbooks/acme.yaml"]


@pytest.mark.parametrize("company, said", [
    ("Acme Dentl", "Halo has no client named 'Acme Dentl'"), ('"99"', "Halo has no client with id 99")])
def test_halo_names_the_missing_client_team_and_status(make_app, halo, runbooks_dir, company, said):
    only(runbooks_dir, "acme.yaml", HALO_RUNBOOK.replace("Acme Dental", company).replace(
        "After Hours", "Night Team").replace("Closed", "Shut"))
    result = run(make_app, halo.settings())
    assert result.exit_code == 1
    out = result.output
    assert f"runbooks/acme.yaml:3: tickets.company: {said}" in out
    assert 'runbooks/acme.yaml:4: tickets.queue: no team named "Night Team" in HaloPSA ' \
           '(it has: "Service Desk", "After Hours")' in out
    assert "runbooks/acme.yaml:5: tickets.statuses.resolved: Halo has no ticket status named 'Shut'" in out


def test_halo_refusing_the_client_secret_says_so_without_it(make_app, halo, runbooks_dir):
    only(runbooks_dir, "acme.yaml", HALO_RUNBOOK)
    result = run(make_app, {**halo.settings(), "HALO_CLIENT_SECRET": "not-the-halo-secret"})
    assert result.exit_code == 1
    assert "credentials: refused: Halo refused NightDesk's API credentials (401): invalid_client: " \
           "Invalid client credentials" in result.output
    assert "not-the-halo-secret" not in result.output


# --- no PSA -------------------------------------------------------------------------------------

def test_without_a_psa_local_tickets_take_every_runbook(make_app):
    result = run(make_app, {})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PSA: none configured: tickets are numbered and kept by NightDesk")
    assert result.output.count("ok   ") == 3
