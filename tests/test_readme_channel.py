"""README "Adding a channel" works as written: its example module is built from the README's text
as a module of app.paging, registered by the README's own channels_for line into the registry
bootstrap builds, reached by a runbook route, and tested by the README's own test. And what the
section asks of a new channel holds for every channel there is (the import contracts)."""
import configparser
import importlib.util
import re
import sys

import pytest

from app.bootstrap import channels_for
from app.config import PROJECT_ROOT
from app.runbooks.parse import parse

README = (PROJECT_ROOT / "README.md").read_text()
SECTION = README.split("### Adding a channel", 1)[1].split("\n## ", 1)[0]
MODULE, REGISTER, TEST = re.findall(r"```python\n(.*?)```", SECTION, re.S)
NAME = re.search(r"from app\.paging\.(\w+) import", TEST)[1]  # the module the README's test imports
CONTRACTS = configparser.ConfigParser()
CONTRACTS.read(PROJECT_ROOT / ".importlinter")


@pytest.fixture
def example(monkeypatch):
    """The README's module, importable as app.paging.<name> while the test runs."""
    name = f"app.paging.{NAME}"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = "app.paging"
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(MODULE, f"README.md:{name}", "exec"), module.__dict__)
    return module


def test_the_section_shows_a_module_its_registration_and_its_test():
    assert "class " in MODULE and "def test_" in TEST and f"`app/paging/{NAME}.py`" in SECTION
    assert REGISTER.strip().endswith(",") and REGISTER.count("\n") == 1


def test_the_readme_channel_joins_the_registry_and_a_runbook_reaches_it(example, config):
    channel = eval(REGISTER.strip().rstrip(","), vars(example))  # the line channels_for gains
    registry = channels_for(config)
    registry.register(channel)
    assert channel.method in registry.methods()
    text = (f"customer: hooks\nname: Hooks\nescalation_rules:\n"
            f"  - {{trigger: anything, method: {channel.method}, page: \"https://hooks.example/p\"}}\n")
    book, errors = parse(text, "hooks.yaml", "hooks", registry)
    assert errors == [] and book.rules[0].method == channel.method
    _, errors = parse(text.replace("https://", "http://"), "hooks.yaml", "hooks", registry)
    assert errors and "https" in str(errors[0])  # a bad target is found when the runbook loads


def test_the_readme_test_passes_against_the_readme_channel(example):
    tests: dict = {}
    exec(compile(TEST, "README.md:test", "exec"), tests)
    ran = [test() or name for name, test in tests.items() if name.startswith("test_")]
    assert ran


def test_the_contracts_the_readme_names_hold_every_channel(config):
    """Each channel bootstrap registers is in both contracts the section names, so a channel
    added without them fails here, not only in review."""
    contracts = {CONTRACTS[s]["name"]: CONTRACTS[s] for s in CONTRACTS.sections() if "name" in CONTRACTS[s]}
    independent = contracts["Channels never import each other"]["modules"].split()
    hidden = contracts["Orchestration imports no vendor SDK and no concrete adapter, only ports"][
        "forbidden_modules"].split()
    for name in contracts:
        if name.startswith(("Channels", "Orchestration")):
            assert f"`{' '.join(name.split())}`" in " ".join(SECTION.split()), name
    for method in channels_for(config).methods():
        module = type(channels_for(config).get(method)).__module__
        assert module in independent and module in hidden, f"{module} is outside the contracts"
