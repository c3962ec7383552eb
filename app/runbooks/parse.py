"""Turn one runbook file's text into a Runbook, or into errors naming file, line and field.

Which methods exist and which `page` fits a method is the paging registry's knowledge; it is
passed in as `routes` so this package never imports a channel.
"""
from __future__ import annotations

import hashlib
import re
from typing import Protocol

from app.config import is_e164

from .model import DEFAULT_PRIORITIES, DEFAULT_SEVERITY, SEVERITIES, Route, Rule, Runbook, RunbookError
from .yamlsource import Located, YamlSyntaxError, load

CUSTOMER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
KNOWN_TOP = {"customer", "name", "aliases", "match", "connectwise", "greeting", "context",
             "severity", "escalation_rules", "hints", "page_severities", "redact"}
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
    cw = v.mapping(("connectwise",))
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
    if v.errors:
        return None, errors
    runbook = Runbook(
        customer=customer,
        name=v.text(("name",), default=customer),
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
    problem = routes.check_target(method, page.strip())
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

