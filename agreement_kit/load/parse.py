"""Turn pydantic's errors into ``file:line: field: message`` problems."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..utils.errors import InputError, Problem
from .yaml_source import Loc, SourceMap

M = TypeVar("M", bound=BaseModel)


def data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Drop the parts of a pydantic ``loc`` that are not in the data (union tags)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(node, (dict, list)) and part not in ("str", "int") and not _is_tag(part):
            out.append(part)  # a missing or unknown field: name it, though the data lacks it
            node = None
    return tuple(out)


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        part in {"id", "entry", "custom", "text", "integer", "choice", "boolean", "date", "list"}
        or part.startswith("function-")
    )


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see the JSON Schema for the allowed fields)"
    if kind == "missing":
        return "required field is missing"
    msg = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "\\." in pattern:
            msg = "not a clause id (lowercase words joined by dots, e.g. meetings.frequency)"
        else:
            msg = f"{error.get('input')!r} is not a valid name (lowercase letters, digits, _ or -)"
    elif kind == "string_unicode":
        msg = "contains a character that is not valid Unicode text (a lone surrogate?)"
    elif kind == "literal_error":
        msg = f"{error.get('input')!r} is not allowed; {msg[0].lower()}{msg[1:]}"
    return msg


def problems_from(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for error in exc.errors(include_url=False):
        loc = data_loc(data, error["loc"])
        # A missing field is reported at its parent, which has a line.
        msg = _message(error)
        if (loc, msg) in seen:
            continue
        seen.add((loc, msg))
        out.append(source.problem(loc, msg))
    return out


def parse(model: type[M], data: Any, source: SourceMap) -> M:
    """Validate ``data`` as ``model``; raise InputError listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, data, source)) from None
