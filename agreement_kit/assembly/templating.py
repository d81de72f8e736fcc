"""Jinja2 for clause text: sandboxed, strict, and values kept as data.

Clause libraries may come from third parties, so templates run in Jinja2's
sandbox with StrictUndefined (a missing value is an error, never a blank).

Every ``{{ expression }}`` result passes through ``finalize``, which files
the value in a side table and leaves a private-use placeholder in the text.
The markup parser then sees only the library's own words; a spec value such
as ``**[[x]]**`` or ``{{ 7*7 }}`` comes back out as literal text.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..load.params import ChoiceValue

OPEN, CLOSE = "\ue000", "\ue001"

_literals: ContextVar[list[str]] = ContextVar("literals")

_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def words(n: int) -> str:
    """Numbers up to twenty in words, as legal drafting writes them."""
    return _SMALL[n] if isinstance(n, int) and 0 <= n <= 20 else str(n)


def uk_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def and_list(items: Any) -> str:
    items = [format_value(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    return singular if n == 1 else (plural_form or singular + "s")


def format_value(value: Any) -> str:
    if isinstance(value, ChoiceValue):
        return value.words
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return uk_date(value)
    if isinstance(value, (list, tuple)):
        return and_list(value)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _finalize(value: Any) -> str:
    table = _literals.get()
    table.append(format_value(value))
    return f"{OPEN}{len(table) - 1}{CLOSE}"


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(words=words, uk_date=uk_date, and_list=and_list, plural=plural)
    return env


_ENV = _environment()


class ClauseTemplateError(Exception):
    """A clause template failed; ``line`` is 1-based within the template."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@lru_cache(maxsize=4096)
def _compile(source: str):
    return _ENV.from_string(source)


def render(source: str, context: dict[str, Any]) -> tuple[str, list[str]]:
    """Render a clause template; return the text with placeholders, and the literals."""
    if OPEN in source or CLOSE in source:
        raise ClauseTemplateError("contains a reserved private-use character (U+E000/U+E001)")
    if "{" not in source:
        # No Jinja syntax: Jinja would give the text back with its newlines
        # normalised and one trailing newline dropped. Most notes are like this,
        # so they skip the compile and its cache as well as the render.
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        return text[:-1] if text.endswith("\n") else text, []
    try:
        template = _compile(source)
    except TemplateSyntaxError as exc:
        raise ClauseTemplateError(f"template syntax: {exc.message}", exc.lineno) from None
    table: list[str] = []
    token = _literals.set(table)
    try:
        text = template.render(context)
    except UndefinedError as exc:
        raise ClauseTemplateError(f"template uses an undefined value: {exc.message}") from None
    except SecurityError as exc:
        raise ClauseTemplateError(f"template not allowed by the sandbox: {exc}") from None
    except TemplateError as exc:
        raise ClauseTemplateError(f"template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise ClauseTemplateError(f"template error: {type(exc).__name__}: {exc}") from None
    finally:
        _literals.reset(token)
    return text, table
