"""pydantic's validation errors as the service manager reads them: `file:line: field: problem`.

pydantic names each problem by its path in the data (`loc`); the YAML loader remembered the line
of every path, so the path finds the line. Field names are the file's own (aliases, not Python's).
"""
from __future__ import annotations

import types
import typing
from typing import Annotated, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .model import RunbookError
from .yamlsource import Located


def located(exc: ValidationError, doc: Located, file: str, schema: type[BaseModel]) -> list[RunbookError]:
    """One RunbookError per problem pydantic found, in the file's line order."""
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        path = tuple(key for key in err["loc"] if key != "[key]")  # a bad key: the key's own line
        out.append(error(doc, file, path, _message(err, schema, path)))
    return sorted(out, key=lambda e: e.line)


def error(doc: Located, file: str, path: tuple, message: str) -> RunbookError:
    return RunbookError(file, doc.line(path), field_name(path), message)


def field_name(path: tuple) -> str:
    """("escalation_rules", 2, "page") → "escalation_rules[2].page"."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _message(err: dict, schema: type[BaseModel], path: tuple) -> str:
    kind = err["type"]
    if kind == "value_error":  # our validators' own sentences
        return str(err["ctx"]["error"])
    if kind == "extra_forbidden":
        section = _model_at(schema, path[:-1])
        known = sorted(f.alias or name for name, f in section.model_fields.items()) if section else []
        return f"unknown field (expected one of: {', '.join(known)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        section = _model_at(schema, path)
        return f"expected {getattr(section, 'shape', 'a mapping')}"
    if kind in ("list_type", "tuple_type"):
        return "expected a list"
    return err["msg"]


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The model that validates the value at `path`, found by walking the annotations."""
    kind: object = model
    for key in path:
        kind = _bare(kind)
        if _is_model(kind):
            field = next((f for name, f in kind.model_fields.items() if (f.alias or name) == key), None)
            if field is None:
                return None
            kind = field.annotation
        else:  # an item of a list, or a value of a mapping
            args = get_args(kind)
            kind = args[-1] if get_origin(kind) is dict else args[0] if args else None
    kind = _bare(kind)
    return kind if _is_model(kind) else None


def _bare(kind):
    """Without Annotated's validators and Optional's None."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif get_origin(kind) in (typing.Union, types.UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        else:
            return kind


def _is_model(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)
