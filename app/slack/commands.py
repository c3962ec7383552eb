"""POST /slack/commands: `/nightdesk incidents | ack <id> | resolve <id> [note] | oncall | status |
test | help`. Each verb parses, makes one orchestration call and words the answer; the answer is
bolt's ack() (inside Slack's 3 s), ephemeral unless it changed something others should see."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from app.incidents import commands, overview, rehearsal

from . import replies
from .payloads import clean_text

EVERY_NAME = re.compile(".*")  # the workspace chooses what to call the command


@dataclass(frozen=True)
class Asked:
    rest: str       # what followed the verb
    actor: str      # "slack:U…"
    body: dict      # the command's form


def register(bolt, svc, pending: Callable[[], int]) -> None:
    """`pending` counts the queue's waiting jobs, for `status`."""

    @bolt.command(EVERY_NAME)
    def nightdesk(ack, body):
        verb, _, rest = clean_text(body.get("text") or "").strip().partition(" ")
        asked = Asked(rest.strip(), f"slack:{body['user_id']}", body)
        verb = verb.lower() or "help"
        if verb == "status":
            return ack(**_private(replies.status(overview.status(svc, pending))))
        answer = VERBS.get(verb)
        ack(**(answer(svc, asked) if answer else _private(replies.unknown(verb))))


def _incidents(svc, asked: Asked) -> dict:
    return _private(replies.incidents(overview.open_incidents(svc)))


def _ack(svc, asked: Asked) -> dict:
    typed = asked.rest.split(" ")[0]
    change = commands.acknowledge_typed(svc, typed, asked.actor)
    if change is None:
        return _private(replies.not_found(typed, "ack ND-1042"))
    return _public(replies.acknowledged(change, asked.actor)) if change.changed else \
        _private(replies.already(change))


def _resolve(svc, asked: Asked) -> dict:
    typed, _, note = asked.rest.partition(" ")
    change = commands.resolve_typed(svc, typed, asked.actor, note)
    if change is None:
        return _private(replies.not_found(typed, "resolve ND-1042 [note]"))
    return _public(replies.resolved(change, asked.actor, note)) if change.changed else \
        _private(replies.already(change))


def _oncall(svc, asked: Asked) -> dict:
    return _private(replies.on_call(overview.on_call_now(svc)))


def _test(svc, asked: Asked) -> dict:
    rehearsal.post_test_incident(svc, asked.body.get("channel_id", ""), asked.body.get("team_id", ""),
                                 asked.actor)
    return _public(replies.rehearsal(asked.actor))


def _help(svc, asked: Asked) -> dict:
    return _private(replies.HELP)


def _private(text: str) -> dict:
    return {"text": text, "response_type": "ephemeral"}


def _public(text: str) -> dict:
    return {"text": text, "response_type": "in_channel"}


VERBS = {"incidents": _incidents, "ack": _ack, "resolve": _resolve, "oncall": _oncall,
         "test": _test, "help": _help}
