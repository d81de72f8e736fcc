"""Safe YAML loading that remembers where every value came from.

PyYAML's SafeLoader already refuses ``!!python/...`` tags. On top of it we
keep the line of every key and list item, so that schema errors can name
``file:line``; we refuse duplicate keys (PyYAML silently keeps the last one,
and a lost clause setting is a silent defect); and we bound file size,
nesting and alias expansion so a hostile file cannot exhaust memory.

One rule for what YAML may hold: mappings, lists, text, numbers, true/false,
null and dates, written plainly. Explicit tags (``!!binary``, ``!!set``...)
and merge keys (``<<``) are refused, and so are the YAML 1.1 readings that
silently change a value: ``010`` (octal 8), ``0x1F``, ``1:30`` (base 60,
90), ``1_000`` and ``yes``/``no``/``on``/``off`` as true/false. Each is
refused with its line and field and the way to write what was meant.
Only regular files are read (not a FIFO or a device), and never more than
the size limit.

Files are composed with libyaml (PyYAML's C loader) when it is present and
the text is one it reads exactly as PyYAML's own loader does; anything
refused, or anything the C loader cannot be trusted with, is composed again
by PyYAML's own loader, so every message, line and refusal is the same
whichever loader ran (see ``_compose_fast``).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..utils.errors import InputError, Problem, display_path

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 100  # a spec is a handful of levels deep; deeper is an attack or a mistake

Loc = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Line numbers (1-based) of every key and list item in one YAML file."""

    file: str
    lines: dict[Loc, int] = field(default_factory=dict)
    text: str = ""  # the file as read, when there is one

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
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_INT, _FLOAT, _BOOL = (f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool"))
# Numbers YAML 1.1 reads other than a person would: leading zero (octal), 0x/0o/0b,
# base 60 (1:30 is 90) and underscores.
_SURPRISING_NUMBER = re.compile(r"^[-+]?(0[0-9_]+|0[xob].*|.*:.*|.*_.*)$", re.IGNORECASE)


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """Why a plain scalar would not mean what it says, or None."""
    if node.style:  # quoted or a block: text, as written (plain is None, or "" from libyaml)
        return None
    value = node.value
    if node.tag == _INT and _SURPRISING_NUMBER.match(value):
        return (
            f"{value!r} would not be read as written (YAML reads it as another number);"
            " write the number plainly, or put it in quotes for text"
        )
    if node.tag == _FLOAT and ":" in value:
        return f"{value!r} would be read as a base-60 number; write it plainly, or in quotes for text"
    if node.tag == _BOOL and value.lower() not in ("true", "false"):
        return f"{value!r} would be read as true or false; write true or false, or put it in quotes for text"
    return None


class _Walker:
    def __init__(self, source: SourceMap, exact: bool = True):
        self.source = source
        self.constructor = yaml.SafeLoader("")
        self.nodes = 0
        self.problems: list[Problem] = []
        # Nodes from libyaml place an empty value on the next token's line where
        # PyYAML places it after the previous one: where such a line would be
        # recorded, the file is composed again by PyYAML (_Recompose).
        self.exact = exact

    def walk(self, node: yaml.Node, loc: Loc) -> Any:
        if not self.exact and _empty_plain(node):
            raise _Recompose
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node)
        if len(loc) > MAX_DEPTH:
            raise _TooDeep(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if node.tag not in _PLAIN_TAGS:
            # Scalars are checked by the constructor; collections we walk
            # ourselves, so refuse !!python/... and other tags here.
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag {node.tag!r} is not allowed", node.start_mark
            )
        if isinstance(node, yaml.MappingNode):
            merge = next((k for k, _ in node.value if k.tag == "tag:yaml.org,2002:merge"), None)
            if merge is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not allowed: write each setting out", merge.start_mark
                )
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not self.exact and _empty_plain(key_node):
                    raise _Recompose
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
                out[key] = self._value(value_node, loc + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.source.lines[loc + (index,)] = item.start_mark.line + 1
                items.append(self.walk(item, loc + (index,)))
            return items
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node.tag!r}", node.start_mark)

    def _value(self, node: yaml.Node, loc: Loc) -> Any:
        """A mapping's value: an empty one records no line of its own, so it
        needs no second composing."""
        if self.exact or not _empty_plain(node):
            return self.walk(node, loc)
        exact, self.exact = self.exact, True
        try:
            return self.walk(node, loc)
        finally:
            self.exact = exact

    def scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        line = node.start_mark.line + 1
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(
                Problem(
                    self.source.file,
                    line,
                    dotted(loc),
                    f"the tag {node.tag!r} is not allowed: write plain values",
                )
            )
            return None
        problem = _scalar_problem(node)
        if problem is None:
            try:
                return self.constructor.construct_object(node, deep=True)
            # 2026-02-30, a 5,000-digit number, !!int six, !!int with no value
            except (ValueError, OverflowError, IndexError) as exc:
                problem = _construct_problem(node, exc)
        self.problems.append(Problem(self.source.file, line, dotted(loc), problem))
        return None


def _construct_problem(node: yaml.ScalarNode, exc: Exception) -> str:
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"{node.value!r} is not a real date ({exc}); write a date as YYYY-MM-DD, e.g. 2026-07-01"
    if node.tag == _INT and len(node.value) > 100:
        return f"a number of {len(node.value):,} digits is not a sensible value"
    kind = node.tag.rsplit(":", 1)[-1]
    if not node.value:
        return f"no value given for the tag {kind}; write the value, or leave the tag out"
    return f"{node.value!r} cannot be read as {kind}"


def _empty_plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value == ""


class _Recompose(Exception):
    """The fast composing cannot give what PyYAML's own loader gives: compose again."""


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


class _TooDeep(_TooLarge):
    pass


def _read_regular(path: Path, fail) -> bytes:
    """The bytes of a regular file, reading no more than the limit (a size from stat can lie)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:  # a symlink loop, a name too long, no permission...
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise fail("is a directory, not a YAML file")
    if not stat.S_ISREG(st.st_mode):
        raise fail("is not a regular file (a pipe, device or socket); give a .yaml file")
    if st.st_size > MAX_FILE_BYTES:
        raise fail(f"file is {st.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"file is over {MAX_FILE_BYTES:,} bytes, the limit")
    return raw


def load_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Load one YAML file; raise ``InputError`` naming file and line on any fault."""
    name = display_path(path)
    source = SourceMap(name)

    def fail(message: str, line: int | None = None) -> InputError:
        return InputError([Problem(name, line, "", message)])

    raw = _read_regular(path, fail)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte {exc.start})") from None
    fast = _compose_fast(text)
    if fast is not None:
        fast_source = SourceMap(name, text=text)
        fast_source.lines[()] = fast.start_mark.line + 1
        walker = _Walker(fast_source, exact=False)
        try:
            data = walker.walk(fast, ())
            if not walker.problems:
                return data, fast_source
        except (_Recompose, _TooLarge, yaml.YAMLError):
            pass  # composed again below, so that the message is PyYAML's own
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or ""
        if "'\\t'" in problem or "\t" in problem:
            problem += " (indent with spaces: YAML does not allow tabs for indentation)"
        raise fail(f"YAML syntax: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise fail(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise fail(f"nested more than {MAX_DEPTH} levels deep") from None
    if node is None:
        raise fail("file is empty")
    source.text = text
    source.lines[()] = node.start_mark.line + 1
    walker = _Walker(source)
    try:
        data = walker.walk(node, ())
    except _TooDeep as exc:
        raise fail(f"nested more than {MAX_DEPTH} levels deep", exc.node.start_mark.line + 1) from None
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


# libyaml and PyYAML's own loader differ on a few things: tabs as separators,
# a byte order mark or a Unicode line break (U+0085, U+2028, U+2029) inside
# the text, and a comment straight after a block scalar's "|" or ">". Such
# files go to PyYAML alone.
_C_DIFFERS = re.compile(r"[\t\ufeff\x85\u2028\u2029]|[|>][-+0-9]*#")


def _c_parser() -> type | None:
    """libyaml's parser under PyYAML's composer. libyaml's own composer
    recurses in C with no limit (a few thousand nested brackets overflow the
    stack), so only the events come from C; PyYAML's composer stops at
    Python's recursion limit like the loader it replaces."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return None
    from yaml.composer import Composer
    from yaml.resolver import Resolver

    class _CComposer(CParser, Resolver):
        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        compose_node = Composer.compose_node
        compose_scalar_node = Composer.compose_scalar_node
        compose_sequence_node = Composer.compose_sequence_node
        compose_mapping_node = Composer.compose_mapping_node

        def __init__(self, text: str):
            CParser.__init__(self, text)
            Resolver.__init__(self)
            self.anchors: dict[str, yaml.Node] = {}

    return _CComposer


_CLoader = _c_parser()


def _compose_fast(text: str) -> yaml.Node | None:
    """The file composed from libyaml's events, or None when PyYAML's own
    loader must compose it: no libyaml, text libyaml reads differently, an
    empty file, or any error (its message then comes from PyYAML)."""
    if _CLoader is None or _C_DIFFERS.search(text):
        return None
    parser = _CLoader(text)
    try:
        return parser.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        parser.dispose()
