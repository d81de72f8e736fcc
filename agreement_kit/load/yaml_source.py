"""Safe YAML loading that remembers where every value came from.

PyYAML's SafeLoader already refuses ``!!python/...`` tags. On top of it we
keep the line of every key and list item, so that schema errors can name
``file:line``; we refuse duplicate keys (PyYAML silently keeps the last one,
and a lost clause setting is a silent defect); and we bound file size and
alias expansion so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..utils.errors import InputError, Problem, display_path

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000

Loc = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Line numbers (1-based) of every key and list item in one YAML file."""

    file: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest located parent."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Loc, message: str, *, severity: str = "error") -> Problem:
        return Problem(self.file, self.line_of(loc), dotted(loc), message, severity)


def dotted(loc: Loc) -> str:
    """``('clauses', 3, 'params')`` -> ``clauses[3].params``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Walker:
    def __init__(self, source: SourceMap):
        self.source = source
        self.constructor = yaml.SafeLoader("")
        self.nodes = 0
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            # Scalars are checked by the constructor; collections we walk
            # ourselves, so refuse !!python/... and other tags here.
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag {node.tag!r} is not allowed", node.start_mark
            )
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, bool, float)) or key is None:
                    self.problems.append(
                        Problem(
                            self.source.file,
                            key_node.start_mark.line + 1,
                            dotted(loc),
                            "keys must be plain text",
                        )
                    )
                    continue
                key = str(key) if not isinstance(key, str) else key
                if key in out:
                    self.problems.append(
                        Problem(
                            self.source.file,
                            key_node.start_mark.line + 1,
                            dotted(loc + (key,)),
                            f"duplicate key (first given on line {self.source.lines[loc + (key,)]})",
                        )
                    )
                    continue
                self.source.lines[loc + (key,)] = key_node.start_mark.line + 1
                out[key] = self.walk(value_node, loc + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.source.lines[loc + (index,)] = item.start_mark.line + 1
                items.append(self.walk(item, loc + (index,)))
            return items
        return self.constructor.construct_object(node, deep=True)


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def load_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Load one YAML file; raise ``InputError`` naming file and line on any fault."""
    name = display_path(path)
    source = SourceMap(name)

    def fail(message: str, line: int | None = None) -> InputError:
        return InputError([Problem(name, line, "", message)])

    if path.is_dir():
        raise fail("is a directory, not a YAML file")
    if not path.exists():
        raise fail("no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise fail(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise fail(f"YAML syntax: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise fail(f"YAML syntax: {exc}") from None
    if node is None:
        raise fail("file is empty")
    source.lines[()] = node.start_mark.line + 1
    walker = _Walker(source)
    try:
        data = walker.walk(node, ())
    except _TooLarge as exc:
        raise fail(
            f"document expands to more than {MAX_NODES:,} values (alias expansion?)",
            exc.node.start_mark.line + 1,
        ) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise fail(f"unsupported YAML: {exc.problem}", mark.line + 1 if mark else None) from None
    if walker.problems:
        raise InputError(walker.problems)
    return data, source
