"""Parse YAML while remembering the line of every value, so errors can name file, line and field."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path_ = tuple  # a field path such as ("escalation_rules", 1, "page")


@dataclass
class Located:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of the value at path, or of the nearest parent that exists."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


# A runbook is a page of settings. Aliases let a small file stand for an enormous one (the
# "billion laughs"), so expansion is budgeted: a real runbook uses a few hundred values.
MAX_VALUES = 20_000
MAX_DEPTH = 32


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load(text: str) -> Located:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # For an unclosed bracket or quote the problem is found at the end of the file; the line
        # that opened it (the context) is where the service manager should look.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        message = f"{exc.problem or exc}".strip()
        if exc.context and exc.problem_mark and exc.context_mark:
            message = f"{exc.context} here, then {message} at line {exc.problem_mark.line + 1}"
        raise YamlSyntaxError(line, message) from None
    out = Located(data=None)
    if node is None:
        out.data = {}
        return out
    # A loader per file: a shared one keeps every node it ever constructed in its memo, so each
    # reload of a runbook would grow the process for good.
    loader = yaml.SafeLoader("")
    try:
        out.data = _build(node, (), out.lines, loader, [MAX_VALUES])
    finally:
        loader.dispose()
    return out


def _build(node, path: Path_, lines: dict, loader, budget: list):
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlSyntaxError(node.start_mark.line + 1, f"more than {MAX_VALUES} values once "
                              "aliases (*name) are expanded: refused so a runbook can't exhaust memory")
    if len(path) > MAX_DEPTH:
        raise YamlSyntaxError(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels "
                              "(an alias that refers to itself?)")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(
                key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in result:
                raise YamlSyntaxError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            child = path + (key,)
            result[key] = _build(value_node, child, lines, loader, budget)
            lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), lines, loader, budget) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:int" and node.value.startswith("+"):
        return node.value  # an unquoted phone number (+15551234567) keeps its plus sign
    return loader.construct_object(node, deep=True)
