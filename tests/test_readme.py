"""What the README shows works as written: every runbook example validates, and every command
is one a fresh checkout has (Make targets, or the project's .venv — never a global tool)."""
import itertools
import re
import shlex
import subprocess

import pytest

from app.config import PROJECT_ROOT
from app.runbooks.parse import parse

from .test_runbooks import ROUTES

README = (PROJECT_ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, re.S)
SPANS = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", README, flags=re.S))
COMMAND_WORDS = ("make", "flask", "python", "python3", "pip", "gunicorn", "honcho", "pytest",
                 "lint-imports", ".venv/bin/")


def runbook_examples() -> list[str]:
    return [text for lang, text in BLOCKS if lang == "yaml" and "escalation_rules" in text]


def commands() -> list[str]:
    """Shell lines of ```sh blocks and inline spans that start with a command."""
    found = []
    for lang, text in BLOCKS:
        if lang in ("sh", "bash", "console"):
            joined = re.sub(r"\\\n\s*", " ", text)
            found += [line.split("#")[0].strip() for line in joined.splitlines() if line.strip()]
    for span in SPANS:
        words = [w for w in span.split() if "=" not in w or w.startswith(".")]
        if words and words[0].startswith(COMMAND_WORDS):
            found.append(span)
    return found


def test_the_readme_shows_runbooks_and_commands():
    assert runbook_examples() and len(commands()) >= 5


@pytest.mark.parametrize("text", runbook_examples())
def test_every_runbook_example_in_the_readme_validates(text):
    book, errors = parse(text, "README.md", "readme-example", ROUTES)
    assert errors == [] and book is not None


@pytest.mark.parametrize("command", commands())
def test_every_readme_command_works_as_written_on_a_fresh_checkout(command, make_app):
    words = [w for w in shlex.split(command.replace("…", "x")) if not re.match(r"^[A-Z_]+=", w)]
    program = words[0]
    assert program == "make" or program.startswith(".venv/bin/"), \
        f"{command!r}: a fresh machine has no global tool; use make or .venv/bin/…"
    if program == "make":
        target = words[1] if len(words) > 1 else ""
        done = subprocess.run(["make", "-n", target], cwd=PROJECT_ROOT, capture_output=True)
        assert done.returncode == 0, f"no make target {target!r}"
    elif program == ".venv/bin/flask":
        args = [w for w in words[1:] if not w.isupper()]  # CUSTOMER and the like are placeholders
        args = args[2:] if args[:2] == ["--app", "wsgi"] else args
        path = list(itertools.takewhile(lambda w: not w.startswith("-") and w != "x", args))
        result = make_app().test_cli_runner().invoke(args=[*path, "--help"])
        assert result.exit_code == 0, f"{command!r}: {result.output}"
    elif program == ".venv/bin/python":
        script = words[1] if words[1] != "-m" else words[2].replace(".", "/") + ".py"
        assert (PROJECT_ROOT / script).exists(), f"{command!r}: no {script}"
