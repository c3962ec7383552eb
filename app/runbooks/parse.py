"""Turn one runbook file's text into a Runbook, or into errors naming file, line and field.

The YAML loader keeps each value's line; pydantic (app.runbooks.schema) checks every field and
reports every problem at once; the few checks that span sections run after it; the result is
built into the plain objects of app.runbooks.model that the rest of the service uses.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from pydantic import ValidationError

from .errors import error, located
from .model import (DEFAULT_PRIORITIES, DEFAULT_SEVERITY, ONCALL, Route, Rule, Runbook, RunbookError,
                    Step)
from .oncall import Override, Person, Rotation
from .schema import Routes, RunbookFile
from .yamlsource import Located, YamlSyntaxError, load

__all__ = ["Routes", "parse"]


def parse(text: str, file: str, stem: str, routes: Routes) -> tuple[Runbook | None, list[RunbookError]]:
    try:
        doc = load(text)
    except YamlSyntaxError as exc:
        return None, [RunbookError(file, exc.line, "", f"YAML syntax: {exc.message}")]
    data = doc.data
    if not isinstance(data, dict):
        return None, [error(doc, file, (), f"the file must be {RunbookFile.shape}")]
    if data.get("customer") is None:  # the file name is the customer id
        data = {**data, "customer": stem.lstrip("_") or stem}
    try:
        spec = RunbookFile.model_validate(data, context={"routes": routes})
    except ValidationError as exc:
        return None, located(exc, doc, file, RunbookFile)
    errors = [error(doc, file, path, message) for path, message in _across_sections(spec)]
    if errors:
        return None, errors
    return _runbook(spec, doc, text, file, stem), []


def _across_sections(spec: RunbookFile):
    """(path, problem) for what no single section can check on its own."""
    names = {p.name for p in spec.oncall.people} if spec.oncall else set()
    for i, override in enumerate(spec.oncall.overrides if spec.oncall else ()):
        if override.name not in names:
            yield ("oncall", "overrides", i, "name"), "expected the name of one of the people"
    routes = [r for rule in spec.escalation_rules for r in (rule, rule.fallback) if r]
    routes += [r for step in spec.escalation.steps for r in step.page]
    if spec.oncall is None and any(r.page == ONCALL for r in routes):
        yield ("oncall",), "a page uses {oncall} but the runbook has no oncall rotation"
    for i, rule in enumerate(spec.escalation_rules):
        if rule.every and rule.method != "call":
            yield ("escalation_rules", i, "every"), "only a method: call rule is rung again"
    for i, step in enumerate(spec.escalation.steps):
        if step.every and not any(r.method == "call" for r in step.page):
            yield ("escalation", "steps", i, "every"), \
                "only calls are placed again: this step has no method: call target"
    if {"tickets", "connectwise"} <= spec.model_fields_set:
        yield ("connectwise",), "give tickets: or its older name connectwise:, not both"
    tickets = _tickets(spec)
    if tickets.board and tickets.queue:
        section = "tickets" if "tickets" in spec.model_fields_set else "connectwise"
        yield (section, "queue"), "board and queue are the same field: give one of them"


def _tickets(spec: RunbookFile):
    return spec.connectwise if "connectwise" in spec.model_fields_set else spec.tickets


def _runbook(spec: RunbookFile, doc: Located, text: str, file: str, stem: str) -> Runbook:
    cw, slack, match = _tickets(spec), spec.slack, spec.match
    return Runbook(
        customer=spec.customer,
        name=spec.customer if spec.name is None else spec.name,
        timezone=spec.timezone,
        file=file,
        version=hashlib.sha1(text.encode()).hexdigest()[:12],
        rules=tuple(Rule(index=i, trigger=r.trigger, route=_route(r), severity=r.severity,
                         keywords=tuple(k.lower() for k in r.keywords),
                         fallback=_route(r.fallback) if r.fallback else None, every=r.every)
                    for i, r in enumerate(spec.escalation_rules)),
        numbers=match.numbers,
        callers=match.callers,
        aliases=spec.aliases,
        cw_company=cw.company,
        cw_board=cw.board or cw.queue,
        cw_priorities={**DEFAULT_PRIORITIES, **cw.priorities},
        greeting=spec.greeting,
        context=spec.context,
        severity={**DEFAULT_SEVERITY, **spec.severity},
        hints=spec.hints,
        page_severities=frozenset(spec.page_severities),
        is_default=stem.startswith("_default"),
        redact=spec.redact is not False,
        record=spec.record is True,
        steps=tuple(Step(after=s.after, routes=tuple(_route(r) for r in s.page), every=s.every)
                    for s in spec.escalation.steps),
        repeat=spec.escalation.repeat,
        ack_timeout=spec.escalation.ack_timeout,
        oncall=_rotation(spec),
        slack_channel=slack.channel, slack_workspace=slack.workspace,
        slack_events=frozenset(slack.events), cw_statuses=dict(cw.statuses),
        # Where cross-file checks (one customer per id and per number) point.
        lines={"customer": doc.line(("customer",)),
               **{n: doc.line(("match", "numbers", i)) for i, n in enumerate(match.numbers)},
               **{n: doc.line(("match", "callers", i)) for i, n in enumerate(match.callers)}},
        tickets_at=_tickets_at(spec, doc),
    )


def _tickets_at(spec: RunbookFile, doc: Located) -> dict[str, tuple[str, int, bool]]:
    """Each tickets: field's name as the file spells it, its line (a field left out: its
    section's) and whether the file gives it."""
    section = "connectwise" if "connectwise" in spec.model_fields_set else "tickets"
    keys = {"company": "company", "board": "queue" if _tickets(spec).queue else "board"}
    keys |= {f"priorities.{s}": f"priorities.{s}" for s in DEFAULT_PRIORITIES}
    keys |= {f"statuses.{s}": f"statuses.{s}" for s in ("acknowledged", "resolved")}
    return {key: (f"{section}.{name}", doc.line(path := (section, *name.split("."))), path in doc.lines)
            for key, name in keys.items()}


def _route(spec) -> Route:
    return Route(method=spec.method, page=spec.page)


def _rotation(spec: RunbookFile) -> Rotation | None:
    if spec.oncall is None:
        return None
    people = tuple(Person(name=p.name, sms=p.sms, email=p.email, slack=p.slack, phone=p.phone)
                   for p in spec.oncall.people)
    by_name = {p.name: p for p in people}
    overrides = tuple(Override(o.start, o.end, by_name[o.name]) for o in spec.oncall.overrides)
    period = timedelta(days=1 if spec.oncall.rotation == "daily" else 7)
    return Rotation(people, spec.oncall.handoff, period, overrides)
