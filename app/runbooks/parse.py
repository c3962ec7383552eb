"""Turn one runbook file's text into a Runbook, or into errors naming file, line and field.

Which methods exist and which `page` fits a method is the paging registry's knowledge; it is
passed in as `routes` so this package never imports a channel.
"""
from __future__ import annotations

import hashlib
import re
from typing import Protocol

from app.config import is_e164, is_timezone

from datetime import datetime, timedelta

from .model import (DEFAULT_PRIORITIES, DEFAULT_SEVERITY, EVENTS, ONCALL, SEVERITIES, Route, Rule,
                    Runbook, RunbookError, Step)
from .yamlsource import Located, YamlSyntaxError, load

CUSTOMER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
KNOWN_TOP = {"customer", "name", "aliases", "match", "connectwise", "greeting", "context",
             "severity", "escalation_rules", "hints", "page_severities", "redact", "slack",
             "escalation", "oncall", "timezone"}
KNOWN_RULE = {"trigger", "page", "method", "severity", "keywords", "fallback"}


class Routes(Protocol):
    def methods(self) -> list[str]: ...
    def check_target(self, method: str, page: str) -> str | None: ...


def parse(text: str, file: str, stem: str, routes: Routes) -> tuple[Runbook | None, list[RunbookError]]:
    errors: list[RunbookError] = []
    try:
        doc = load(text)
    except YamlSyntaxError as exc:
        return None, [RunbookError(file, exc.line, "", f"YAML syntax: {exc.message}")]
    v = _Checker(doc, file, errors)
    data = doc.data
    if not isinstance(data, dict):
        v.error((), "the file must be a mapping with escalation_rules at the top")
        return None, errors
    for key in data:
        if key not in KNOWN_TOP:
            v.error((key,), f"unknown field (expected one of: {', '.join(sorted(KNOWN_TOP))})")

    customer = v.text(("customer",), default=stem.lstrip("_") or stem)
    if customer and not CUSTOMER_ID.match(customer):
        v.error(("customer",), "use lowercase letters, digits, - and _ (it names the customer in "
                               "tickets and pages)")
    match = v.mapping(("match",))
    numbers = tuple(v.phone_list(("match", "numbers"), match.get("numbers")))
    callers = tuple(v.phone_list(("match", "callers"), match.get("callers")))
    for key in v.mapping(("connectwise",)):
        if key not in ("company", "board", "priorities", "statuses"):
            v.error(("connectwise", key), "unknown field (expected one of: board, company, "
                                          "priorities, statuses)")
    priorities = dict(DEFAULT_PRIORITIES)
    for sev, name in v.mapping(("connectwise", "priorities")).items():
        if sev not in SEVERITIES:
            v.error(("connectwise", "priorities", sev), "expected P1, P2, P3 or P4")
        elif not isinstance(name, str) or not name.strip():
            v.error(("connectwise", "priorities", sev), "expected a ConnectWise priority name")
        else:
            priorities[sev] = name.strip()
    severity = dict(DEFAULT_SEVERITY)
    for sev, text_ in v.mapping(("severity",)).items():
        if sev not in SEVERITIES:
            v.error(("severity", sev), "expected P1, P2, P3 or P4")
        elif not isinstance(text_, str) or not text_.strip():
            v.error(("severity", sev), "expected a sentence describing this severity")
        else:
            severity[sev] = text_.strip()
    page_sev = v.str_list(("page_severities",), data.get("page_severities", ["P1", "P2"]))
    for i, sev in enumerate(page_sev):
        if sev not in SEVERITIES:
            v.error(("page_severities", i), f"{sev!r} is not one of P1, P2, P3, P4")

    rules = tuple(_rules(v, data, routes))
    steps, repeat = _escalation(v, routes)
    rotation = _rotation(v)
    if rotation is None and any(r.page == ONCALL for rule in rules for r in (rule.route, rule.fallback) if r) \
            or rotation is None and any(r.page == ONCALL for step in steps for r in step.routes):
        v.error(("oncall",), "a page uses {oncall} but the runbook has no oncall rotation")
    slack = v.mapping(("slack",))
    for key in slack:
        if key not in ("channel", "workspace", "events"):
            v.error(("slack", key), "unknown field (expected one of: channel, events, workspace)")
    channel = v.text(("slack", "channel"))
    if channel and routes.check_target("slack", channel):
        v.error(("slack", "channel"), "expected a channel: #name or a channel ID")
    events = v.str_list(("slack", "events"), slack.get("events", list(EVENTS)))
    for i, event in enumerate(events):
        if event not in EVENTS:
            v.error(("slack", "events", i), f"{event!r} is not one of: {', '.join(EVENTS)}")
    statuses = {}
    for key, name in v.mapping(("connectwise", "statuses")).items():
        if key not in ("acknowledged", "resolved"):
            v.error(("connectwise", "statuses", key), "expected acknowledged or resolved")
        elif not isinstance(name, str) or not name.strip():
            v.error(("connectwise", "statuses", key), "expected a ConnectWise status name")
        else:
            statuses[key] = name.strip()
    name = v.text(("name",), default=customer)
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in name):
        # It becomes an email Subject and every page's first line: one line of printable text.
        v.error(("name",), "must be one line of text (no line breaks or control characters)")
    zone = v.text(("timezone",))
    if zone and not is_timezone(zone):
        v.error(("timezone",), f"{zone!r} is not an IANA time zone (like America/New_York)")
    if v.errors:
        return None, errors
    runbook = Runbook(
        customer=customer,
        name=name, timezone=zone,
        file=file,
        version=hashlib.sha1(text.encode()).hexdigest()[:12],
        rules=rules,
        numbers=numbers,
        callers=callers,
        aliases=tuple(v.str_list(("aliases",), data.get("aliases", []))),
        cw_company=v.text(("connectwise", "company")),
        cw_board=v.text(("connectwise", "board")),
        cw_priorities=priorities,
        greeting=v.text(("greeting",)),
        context=v.text(("context",)),
        severity=severity,
        hints=tuple(v.str_list(("hints",), data.get("hints", []))),
        page_severities=frozenset(page_sev),
        is_default=stem.startswith("_default"),
        redact=v.flag(("redact",), default=True),
        steps=steps, repeat=repeat, oncall=rotation,
        slack_channel=channel, slack_workspace=v.text(("slack", "workspace")),
        slack_events=frozenset(events), cw_statuses=statuses,
        lines={"customer": doc.line(("customer",)),
               **{n: doc.line(("match", "numbers", i)) for i, n in enumerate(numbers)},
               **{n: doc.line(("match", "callers", i)) for i, n in enumerate(callers)}},
    )
    return (None, errors) if errors else (runbook, errors)


def _rules(v: "_Checker", data: dict, routes: Routes):
    raw = data.get("escalation_rules")
    if not isinstance(raw, list) or not raw:
        v.error(("escalation_rules",), "expected a list with at least one rule "
                                       "(trigger, page, method)")
        return
    for i, item in enumerate(raw):
        base = ("escalation_rules", i)
        if not isinstance(item, dict):
            v.error(base, "expected a mapping with trigger, page and method")
            continue
        for key in item:
            if key not in KNOWN_RULE:
                v.error(base + (key,), f"unknown field (expected one of: {', '.join(sorted(KNOWN_RULE))})")
        trigger = v.text(base + ("trigger",))
        if not trigger:
            v.error(base + ("trigger",), "must not be empty: it tells triage when this rule applies")
        route = _route(v, base, item, routes)
        fallback = None
        if "fallback" in item:
            fb = item["fallback"]
            if not isinstance(fb, dict):
                v.error(base + ("fallback",), "expected a mapping with page and method")
            else:
                fallback = _route(v, base + ("fallback",), fb, routes)
        sev = item.get("severity")
        if sev is not None and sev not in SEVERITIES:
            v.error(base + ("severity",), f"{sev!r} is not one of P1, P2, P3, P4")
        keywords = v.str_list(base + ("keywords",), item.get("keywords", []))
        if route:
            yield Rule(index=i, trigger=trigger, route=route, severity=sev,
                       keywords=tuple(k.lower() for k in keywords), fallback=fallback)


def _escalation(v: "_Checker", routes: Routes) -> tuple[tuple[Step, ...], int]:
    chain = v.mapping(("escalation",))
    for key in chain:
        if key not in ("steps", "repeat"):
            v.error(("escalation", key), "unknown field (expected one of: repeat, steps)")
    repeat = chain.get("repeat", 0)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 0 <= repeat <= 10:
        v.error(("escalation", "repeat"), "expected a whole number from 0 to 10")
        repeat = 0
    raw = chain.get("steps", [])
    if not isinstance(raw, list):
        v.error(("escalation", "steps"), "expected a list of steps (after, page)")
        return (), repeat
    steps = []
    for i, item in enumerate(raw):
        base = ("escalation", "steps", i)
        if not isinstance(item, dict):
            v.error(base, "expected a mapping with after (minutes) and page (a list of targets)")
            continue
        after = item.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or not 1 <= after <= 1440:
            v.error(base + ("after",), "expected minutes without an acknowledgement, 1 to 1440")
            continue
        targets = item.get("page")
        if not isinstance(targets, list) or not targets:
            v.error(base + ("page",), "expected a list of targets, each with method and page")
            continue
        found = []
        for j, target in enumerate(targets):
            if not isinstance(target, dict):
                v.error(base + ("page", j), "expected a mapping with method and page")
                continue
            route = _route(v, base + ("page", j), target, routes)
            if route:
                found.append(route)
        if found:
            steps.append(Step(after=after, routes=tuple(found)))
    return tuple(steps), repeat


def _rotation(v: "_Checker"):
    raw = v.mapping(("oncall",))
    if not raw:
        return None
    from .oncall import Override, Person, Rotation
    kind = raw.get("rotation", "weekly")
    if kind not in ("daily", "weekly"):
        v.error(("oncall", "rotation"), "expected daily or weekly")
        return None
    handoff = v.moment(("oncall", "handoff"))
    people = []
    for i, item in enumerate(raw.get("people") or []):
        base = ("oncall", "people", i)
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            v.error(base, "expected a mapping with at least a name")
            continue
        person = Person(name=str(item["name"]).strip(), sms=str(item.get("sms", "") or ""),
                        email=str(item.get("email", "") or ""), slack=str(item.get("slack", "") or ""))
        if person.sms and not is_e164(person.sms):
            v.error(base + ("sms",), f"{person.sms!r} is not an E.164 number")
        people.append(person)
    if not people:
        v.error(("oncall", "people"), "expected at least one person")
        return None
    by_name = {p.name: p for p in people}
    overrides = []
    for i, item in enumerate(raw.get("overrides") or []):
        base = ("oncall", "overrides", i)
        start, end = v.moment(base + ("from",)), v.moment(base + ("to",))
        who = by_name.get(str((item or {}).get("name", "")).strip()) if isinstance(item, dict) else None
        if who is None:
            v.error(base + ("name",), "expected the name of one of the people")
        elif start and end and end <= start:
            v.error(base + ("to",), "must be after from")
        elif start and end:
            overrides.append(Override(start, end, who))
    if handoff is None:
        return None
    period = timedelta(days=1 if kind == "daily" else 7)
    return Rotation(tuple(people), handoff, period, tuple(overrides))


def _route(v: "_Checker", base: tuple, item: dict, routes: Routes) -> Route | None:
    method = item.get("method")
    page = item.get("page", "")
    if page is None:
        page = ""
    if not isinstance(method, str) or not method.strip():
        v.error(base + ("method",), f"required: one of {', '.join(routes.methods())}")
        return None
    method = method.strip().lower()
    if method not in routes.methods():
        v.error(base + ("method",), f"unknown method {method!r} (expected one of: "
                                    f"{', '.join(routes.methods())})")
        return None
    if not isinstance(page, str):
        v.error(base + ("page",), "expected text: a target for the method, or \"\" for its default")
        return None
    problem = None if page.strip() == ONCALL else routes.check_target(method, page.strip())
    if problem:
        v.error(base + ("page",), problem)
        return None
    return Route(method=method, page=page.strip())


class _Checker:
    def __init__(self, doc: Located, file: str, errors: list[RunbookError]):
        self.doc, self.file, self.errors = doc, file, errors

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(RunbookError(self.file, self.doc.line(path), _field(path), message))

    def get(self, path: tuple):
        value = self.doc.data
        for key in path:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return None
        return value

    def text(self, path: tuple, default: str = "") -> str:
        value = self.get(path)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(path, "expected text")
            return default
        return str(value).strip()

    def moment(self, path: tuple):
        """An ISO 8601 time with its UTC offset ("2026-11-02T09:00:00-05:00")."""
        value = self.get(path)
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                parsed = None
        else:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.error(path, "expected a time with its UTC offset, like 2026-11-02T09:00:00-05:00")
            return None
        return parsed

    def flag(self, path: tuple, default: bool) -> bool:
        value = self.get(path)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, "expected true or false")
            return default
        return value

    def mapping(self, path: tuple) -> dict:
        value = self.get(path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, "expected a mapping")
            return {}
        return value

    def str_list(self, path: tuple, value) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "expected a list")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(path + (i,), "expected non-empty text")
            else:
                out.append(item.strip())
        return out

    def phone_list(self, path: tuple, value) -> list[str]:
        out = []
        for i, raw in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
            number = str(raw).strip() if isinstance(raw, (str, int)) else ""
            if not is_e164(number):
                self.error(path + (i,), f"{raw!r} is not an E.164 number (like +15551234567)")
            else:
                out.append(number)
        return out


def _field(path: tuple) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out

