"""Check a spec's parameter values against the clause's declared types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import library_models as lm
from .spec_models import _xml_safe


class ChoiceValue(str):
    """A choice parameter: compares as its key, prints as its words."""

    words: str

    def __new__(cls, key: str, words: str) -> ChoiceValue:
        obj = super().__new__(cls, key)
        obj.words = words
        return obj


class ParamError(ValueError):
    pass


def coerce(param: lm.Param, value: Any) -> Any:
    """The value as the template sees it, or ParamError saying what is wrong."""
    if isinstance(param, lm.IntegerParam):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(f"must be a whole number, not {_describe(value)}")
        if param.min is not None and value < param.min:
            raise ParamError(f"{value} is below the minimum of {param.min}")
        if param.max is not None and value > param.max:
            raise ParamError(f"{value} is above the maximum of {param.max}")
        return value
    if isinstance(param, lm.TextParam):
        if not isinstance(value, str):
            raise ParamError(f"must be text, not {_describe(value)} (quote it in YAML)")
        if not value.strip():
            raise ParamError("must not be empty")
        if len(value) > param.max_length:
            raise ParamError(f"is {len(value)} characters; the limit is {param.max_length}")
        return _safe(value)
    if isinstance(param, lm.ChoiceParam):
        if not isinstance(value, str) or value not in param.choices:
            raise ParamError(f"{value!r} is not one of: {', '.join(param.choices)}")
        return ChoiceValue(value, param.choices[value])
    if isinstance(param, lm.BooleanParam):
        if not isinstance(value, bool):
            raise ParamError(f"must be true or false, not {_describe(value)}")
        return value
    if isinstance(param, lm.DateParam):
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ParamError(f"must be a date written YYYY-MM-DD, not {_describe(value)}")
    if isinstance(param, lm.ListParam):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ParamError("must be a list of non-empty text items")
        if len(value) < param.min_items:
            raise ParamError(f"needs at least {param.min_items} items")
        return [_safe(v) for v in value]
    raise ParamError(f"unsupported parameter type {param.type}")  # pragma: no cover


def _safe(value: str) -> str:
    try:
        return _xml_safe(value)
    except ValueError as exc:
        raise ParamError(str(exc)) from None


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    kind = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)
    shown = repr(value) if not isinstance(value, (list, dict)) else ""
    return f"{kind} {shown}".strip()


def example_value(param: lm.Param) -> Any:
    """A value of the right type for a parameter with no default (library checks)."""
    if param.default is not None:
        return param.default
    return {
        "text": "Example",
        "integer": param.min if isinstance(param, lm.IntegerParam) and param.min is not None else 1,
        "boolean": True,
        "date": dt.date(2026, 4, 1),
        "list": ["Example"] * max(1, getattr(param, "min_items", 1)),
    }.get(param.type) or next(iter(getattr(param, "choices", {"x": "x"})))
