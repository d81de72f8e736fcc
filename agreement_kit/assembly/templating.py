"""Jinja2 for clause text: sandboxed, strict, and values kept as data.

Clause libraries may come from third parties, so templates run in Jinja2's
sandbox with StrictUndefined (a missing value is an error, never a blank).

Every ``{{ expression }}`` result passes through ``finalize``, which files
the value in a side table and leaves a private-use placeholder in the text.
The markup parser then sees only the library's own words; a spec value such
as ``**[[x]]**`` or ``{{ 7*7 }}`` comes back out as literal text.

A template cannot exhaust the machine either. The immutable sandbox refuses
changing the values it is given (``org.update()`` cannot alter the
organisation for later clauses); ``**`` and ``*`` refuse results over
MAX_INT_BITS bits or MAX_SEQUENCE items; ``range`` counts every item against
MAX_ITERATIONS per render, so nested loops end; the output stops at
MAX_OUTPUT characters; deep recursion is an error; and in the main thread a
render is stopped after MAX_SECONDS. Each limit is an error naming the clause.
"""

from __future__ import annotations

import atexit
import datetime as dt
import marshal
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..load.params import ChoiceValue
from ..utils import cache

OPEN, CLOSE = "\ue000", "\ue001"

MAX_INT_BITS = 4_000  # far beyond any count an agreement needs; 9**(9**9) would never finish
MAX_SEQUENCE = 100_000  # characters or items that ``*`` may make
MAX_ITERATIONS = 200_000  # range() items per render, across all loops
MAX_OUTPUT = 500_000  # characters one template may write
MAX_SECONDS = 2.0

_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_literals: ContextVar[list[str]] = ContextVar("literals")
_budget: ContextVar[list[int]] = ContextVar("budget")  # range items left in this render


class TemplateLimit(SecurityError):
    """A template went past one of the limits above."""


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
    # A value sits inside a sentence: line breaks and tabs become a space; every
    # other character (no-break and doubled spaces included) stays as typed.
    return _BREAKS.sub(" ", value) if isinstance(value, str) else str(value)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        power = operator == "**" and isinstance(left, int) and isinstance(right, int)
        if power and right > 0 and abs(left) > 1 and right * abs(left).bit_length() > MAX_INT_BITS:
            raise TemplateLimit(f"{left} ** {right} is too large a number")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise TemplateLimit("a product too large to be a number in an agreement")
            elif isinstance(left, int) or isinstance(right, int):
                count, seq = (left, right) if isinstance(left, int) else (right, left)
                if count * _size(seq) > MAX_SEQUENCE:
                    raise TemplateLimit(f"repeating text or a list would make over {MAX_SEQUENCE:,} items")
        return super().call_binop(context, operator, left, right)


def _counted_range(*args: int) -> Any:
    budget = _budget.get()
    for item in range(*args):
        budget[0] -= 1
        if budget[0] < 0:
            raise TemplateLimit(f"loops ran past {MAX_ITERATIONS:,} steps")
        yield item


def _finalize(value: Any) -> str:
    table = _literals.get()
    table.append(format_value(value))
    return f"{OPEN}{len(table) - 1}{CLOSE}"


def _environment() -> _Environment:
    env = _Environment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(words=words, uk_date=uk_date, and_list=and_list, plural=plural)
    env.globals["range"] = _counted_range
    return env


_ENV = _environment()


class ClauseTemplateError(Exception):
    """A clause template failed; ``line`` is 1-based within the template."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@lru_cache(maxsize=4096)
def template_names(source: str) -> frozenset[str]:
    """The names a template reads from its context (empty when it is not valid
    Jinja); kept between runs with the compiled templates."""
    global _NEW
    if "{" not in source:
        return frozenset()
    table = _code_table()
    known = table.get(f"\0names\0{source}")  # no tag starts with \0
    if isinstance(known, frozenset):
        return known
    try:
        names = frozenset(meta.find_undeclared_variables(_ENV.parse(source)))
    except TemplateSyntaxError:
        names = frozenset()
    table[f"\0names\0{source}"] = names
    _NEW += 1
    return names


# A line of words that ends in a block tag ("...to the Forum.{% endif %}") keeps
# its line break: trim_blocks is for lines that hold only a tag, and eating the
# break after a sentence would join it to the next paragraph.
# (Done line by line: the regular expression this replaces,
# ^(?!\s*\{%)(.*\S.*?)(?<!\+)%\}[ \t]*$, took time in the square of a line's length.)
def _keep_breaks(source: str) -> str:
    if "%}" not in source:
        return source
    lines = source.split("\n")
    for index, line in enumerate(lines):
        words = line.rstrip(" \t")
        if (
            words.endswith("%}")
            and not words.endswith("+%}")
            and words[:-2].strip()
            and not line.lstrip().startswith("{%")
        ):
            lines[index] = words[:-2] + "+%}"
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def _compile(source: str) -> Template:
    return from_source(_ENV, "clause", _keep_breaks(source))


# -- compiled templates kept between runs ----------------------------------------
#
# Compiling is most of a first use of a template (a cold build compiles about
# 250). The Python code Jinja makes of each is kept in the per-user cache
# (utils/cache.py), under a hash of Jinja's and Python's versions and of this
# module and integrity.py, which set up the environments, and is read back the
# next time: the template is the one Jinja's from_string would give.

# (and the names each template reads: see template_names)
_CODE: dict[str, CodeType | frozenset[str]] | None = None  # this run's table: read on first use
_NEW = 0  # templates compiled in this run that the cache did not hold
_MAX_CODE = 4_000  # templates kept; past this, only this run's


def _code_file() -> tuple[str, str]:
    import jinja2

    from . import integrity

    prefix = f"templates-{cache.key(__file__)[:8]}-"
    parts: list[bytes | str] = [
        jinja2.__version__,
        Path(__file__).read_bytes(),
        Path(integrity.__file__).read_bytes(),
    ]
    return prefix, f"{prefix}{cache.key(*parts)}.marshal"


def _code_table() -> dict[str, CodeType | frozenset[str]]:
    global _CODE
    if _CODE is None:
        _CODE = {}
        try:
            payload = cache.read(_code_file()[1])
            table = marshal.loads(payload) if payload else {}
            if isinstance(table, dict):
                _CODE = {k: v for k, v in table.items() if isinstance(k, str) and _kept(v)}
        except (ValueError, EOFError, TypeError, OSError):  # a damaged entry is a miss
            pass
        atexit.register(save_compiled)
    return _CODE


def _kept(value: object) -> bool:
    return isinstance(value, CodeType) or (
        isinstance(value, frozenset) and all(isinstance(n, str) for n in value)
    )


def from_source(env: Environment, tag: str, source: str) -> Template:
    """``env.from_string(source)``, its code kept between runs under ``tag``
    (one tag per environment)."""
    global _NEW
    table = _code_table()
    name = f"{tag}\0{source}"
    code = table.get(name)
    if not isinstance(code, CodeType):
        code = env.compile(source)
        table[name] = code
        _NEW += 1
    # The environment's globals as a dict, not the ChainMap over them Jinja
    # keeps: every render copies them into its context, and copying a dict runs
    # in C where a ChainMap is read key by key in Python. The globals of these
    # environments are set when they are made, before any template.
    return env.template_class.from_code(env, code, dict(env.make_globals(None)), None)


def expression_from_source(env: Environment, tag: str, source: str) -> TemplateExpression:
    """``env.compile_expression(source, undefined_to_none=False)``, its code kept
    between runs under ``tag`` (one tag per environment). A first compile goes
    through Jinja's own, errors and all; the code kept is that of the template
    it builds round the expression, built again the same way."""
    global _NEW
    table = _code_table()
    name = f"{tag}\0{source}"
    code = table.get(name)
    if isinstance(code, CodeType):
        template = env.template_class.from_code(env, code, env.make_globals(None), None)
        return TemplateExpression(template, False)
    expression = env.compile_expression(source, undefined_to_none=False)
    node = Parser(env, source, state="variable").parse_expression()
    node.set_environment(env)
    body: list[nodes.Node] = [nodes.Assign(nodes.Name("result", "store"), node, lineno=1)]
    table[name] = env.compile(nodes.Template(body, lineno=1))
    _NEW += 1
    return expression


def save_compiled() -> None:
    """Keep this run's newly compiled templates (at exit; a no-op when none)."""
    global _NEW
    if not _NEW or _CODE is None:
        return
    table = _CODE if len(_CODE) <= _MAX_CODE else dict(list(_CODE.items())[-_NEW:][-_MAX_CODE:])
    prefix, name = _code_file()
    try:
        cache.write(name, marshal.dumps(table), replaces=prefix)
    except ValueError:  # marshal refuses something unexpected: keep nothing
        return
    _NEW = 0


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
    token, budget = _literals.set(table), _budget.set([MAX_ITERATIONS])
    try:
        with _time_limit():
            text = _bounded(template.generate(context), table)
    except UndefinedError as exc:
        raise ClauseTemplateError(f"template uses an undefined value: {exc.message}") from None
    except TemplateLimit as exc:
        raise ClauseTemplateError(f"template goes past a limit: {exc}") from None
    except SecurityError as exc:
        raise ClauseTemplateError(f"template not allowed by the sandbox: {exc}") from None
    except RecursionError:
        raise ClauseTemplateError("template calls itself too deeply (a macro that recurses?)") from None
    except TemplateError as exc:
        raise ClauseTemplateError(f"template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise ClauseTemplateError(f"template error: {type(exc).__name__}: {exc}") from None
    finally:
        _literals.reset(token)
        _budget.reset(budget)
    return text, table


def _bounded(chunks: Any, table: list[str]) -> str:
    """The rendered text, stopped once it and its values pass MAX_OUTPUT characters."""
    out, size = [], 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size + sum(map(len, table)) > MAX_OUTPUT:
            raise TemplateLimit(f"it writes more than {MAX_OUTPUT:,} characters")
    return "".join(out)


@contextmanager
def _time_limit() -> Iterator[None]:
    """Stop a render after MAX_SECONDS; only the main thread can take a signal, so
    elsewhere the counted loops and size limits stand alone."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise TemplateLimit(f"it ran for more than {MAX_SECONDS:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
