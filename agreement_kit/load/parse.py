"""Turn pydantic's errors into ``file:line: field: message`` problems."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .. import __version__
from ..utils import cache
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
        elif isinstance(node, (dict, list)) and part not in ("str", "int") and not _is_tag(part, node):
            out.append(part)  # a missing or unknown field: name it, though the data lacks it
            node = None
    return tuple(out)


# Tags of the spec's unions, named so that no field shares a name with one.
SPEC_TAGS = {"clause-id", "clause-with-reason", "own-clause"}


def _is_tag(part: Any, node: Any) -> bool:
    """A union's tag in pydantic's loc: one of the spec's, a library parameter's
    ``type`` (the tag of that union is the value of the node's own type field),
    or a validator function's name."""
    if not isinstance(part, str):
        return False
    if part in SPEC_TAGS or part.startswith("function-"):
        return True
    return isinstance(node, dict) and node.get("type") == part


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the closest of ``choices`` (case aside), or ""."""
    by_fold = {c.casefold(): c for c in choices}
    if word.casefold() in by_fold and by_fold[word.casefold()] != word:
        return f"; did you mean {by_fold[word.casefold()]!r}?"
    from difflib import get_close_matches  # only for a word that needs a hint

    close = get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.75)
    return f"; did you mean {by_fold[close[0]]!r}?" if close else ""


@lru_cache(maxsize=16)
def field_names(model: type[BaseModel]) -> frozenset[str]:
    """Every field name of ``model`` and of the models inside it."""
    names: set[str] = set()
    pending: list[Any] = [model]
    seen: set[Any] = set()
    while pending:
        kind = pending.pop()
        if kind in seen:
            continue
        seen.add(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names.update(kind.model_fields)
            pending.extend(f.annotation for f in kind.model_fields.values())
        else:
            pending.extend(get_args(kind))
    return frozenset(names)


def _message(error: ErrorDetails, known: frozenset[str] = frozenset()) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        field = str(error["loc"][-1]) if error["loc"] else ""
        hint = did_you_mean(field, known)
        return f"unknown field{hint or ' (check the spelling; see the JSON Schema for the allowed fields)'}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a set of fields (key: value lines), not " + _kind_of(error.get("input"))
    if kind == "list_type":
        return "must be a list (lines starting with '- '), not " + _kind_of(error.get("input"))
    msg = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "\\." in pattern:
            msg = "not a clause id (lowercase words joined by dots, e.g. meetings.frequency)"
        else:
            allowed = (
                "lowercase letters, digits, _ or -" if "\\-" in pattern else "lowercase letters, digits and _"
            )
            msg = f"{error.get('input')!r} is not a valid name ({allowed}, starting with a letter)"
    elif kind == "string_unicode":
        msg = "contains a character that is not valid Unicode text (a lone surrogate?)"
    elif kind == "literal_error":
        msg = f"{error.get('input')!r} is not allowed; {msg[0].lower()}{msg[1:]}"
    return msg


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"{value!r}"


def problems_from(
    exc: ValidationError, data: Any, source: SourceMap, known: frozenset[str] = frozenset()
) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for error in exc.errors(include_url=False):
        loc = data_loc(data, error["loc"])
        # A missing field is reported at its parent, which has a line.
        msg = _message(error, known)
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
        raise InputError(problems_from(exc, data, source, field_names(model))) from None


def checked_key(folder: Path, files: Iterable[Path]) -> str:
    """The per-user cache key of data files once read and checked here: the
    files, the versions of this package, pydantic and PyYAML, and the code of
    this layer (the models and the loading). Raises OSError if a file cannot
    be read."""
    import pydantic
    import yaml

    parts: list[bytes | str] = [str(folder), __version__, pydantic.VERSION, yaml.__version__]
    for path in files:
        parts += [path.name, path.read_bytes()]
    for code in sorted(Path(__file__).parent.glob("*.py")):
        parts += [code.name, code.read_bytes()]
    return cache.key(*parts)
