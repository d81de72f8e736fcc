"""The small markup clause text is written in.

- Paragraphs are separated by a blank line.
- A line starting with ``- `` is a lettered sub-item: (a), (b)...; a line
  that follows an item without a blank line continues it.
- ``*italic*`` and ``**bold**``; a backslash makes ``\\*``, ``\\[`` or a
  leading ``\\-`` literal.
- ``[[meetings.quorum]]`` is a cross-reference by clause id (rendered as
  "clause 4.3"); ``[[Forum]]`` is a use of a defined term.

Values that Jinja put into the text arrive as placeholders and are never
parsed as markup (see ``_templating``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .model import Block, Inline, ItemList, Paragraph, Ref, TermUse, Text
from .templating import CLOSE, OPEN

_CLAUSE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_TERM = re.compile(r"^[A-Z][A-Za-z' \-]*$")
_TOKEN = re.compile(
    r"\\[*\[\]\\-]"  # escaped character
    r"|\*\*|\*"  # emphasis markers
    r"|\[\[([^\[\]]*)\]\]"  # reference or term
    rf"|{OPEN}(\d+){CLOSE}"  # a value placed by Jinja
)


class MarkupError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def parse(
    text: str,
    literals: list[str],
    ref_label: Callable[[str], str],
    on_term: Callable[[str], None],
) -> tuple[Block, ...]:
    """Parse rendered clause text into blocks.

    ``ref_label`` turns a clause id into its label or raises MarkupError;
    ``on_term`` is told of every defined term used.
    """
    blocks: list[Block] = []
    for is_list, line, parts in layout(text):
        if is_list:
            blocks.append(ItemList(tuple(_inlines(ops, literals, ref_label, on_term, line) for ops in parts)))
        else:
            blocks.append(Paragraph(_inlines(parts[0], literals, ref_label, on_term, line)))
    return tuple(blocks)


# -- the parse of a text, kept for the next agreement -----------------------------
#
# Most clause text is the same words for every employer of a batch: what
# differs (names, numbers) arrives as values, placeholders in the text. So
# the parse of a text is kept, keyed on the text alone: its blocks, and for
# each paragraph or item the steps that build its inlines from the values,
# cross-references and terms of the agreement at hand. Replaying the steps
# asks ``ref_label`` and ``on_term`` in the same order, raises the same
# errors and gives the same inlines as parsing afresh. Steps are tuples of
# strings, numbers and frozen inlines, so what is kept is never changed.

PARSE_CACHE_SIZE = 4096  # texts kept; a batch of one base spec uses about 200
PARSE_CACHE_LONGEST = 20_000  # characters: longer texts (rare) are parsed afresh

# steps: (_WORDS, Text) | (_VALUES, pieces, bold, italic) | (_REF_TO, id) |
# (_TERM_USE, term, TermUse) | (_FAIL, message); a piece is text or a value's index.
# Words alone (most paragraphs) are one step, (_FIXED, the inlines).
_WORDS, _VALUES, _REF_TO, _TERM_USE, _FAIL, _FIXED = range(6)
Steps = tuple[tuple[Any, ...], ...]
Layout = tuple[tuple[bool, int, tuple[Steps, ...]], ...]


def layout(text: str) -> Layout:
    """The text's blocks as (is a list, line, steps of each paragraph or item);
    kept for texts up to PARSE_CACHE_LONGEST characters."""
    return _kept_layout(text) if len(text) <= PARSE_CACHE_LONGEST else _layout(text)


def _layout(text: str) -> Layout:
    blocks: list[tuple[bool, int, tuple[Steps, ...]]] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    start_line = 1

    def flush() -> None:
        nonlocal paragraph, items
        if paragraph:
            blocks.append((False, start_line, (_steps(" ".join(paragraph)),)))
        if items:
            blocks.append((True, start_line, tuple(_steps(" ".join(item)) for item in items)))
        paragraph, items = [], []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("- "):
            if paragraph:
                blocks.append((False, start_line, (_steps(" ".join(paragraph)),)))
                paragraph = []
            items.append([line[2:].strip()])
            start_line = number
        elif items:
            items[-1].append(line)
        else:
            if not paragraph:
                start_line = number
            paragraph.append(line)
    flush()
    return tuple(blocks)


_kept_layout = lru_cache(maxsize=PARSE_CACHE_SIZE)(_layout)


def _steps(text: str) -> Steps:
    """How to build a paragraph's inlines: text in its style, values by their
    index, cross-references and terms by name, and errors found in the text."""
    if _TOKEN.search(text) is None:  # plain words: the common case, one run of text
        return ((_FIXED, (Text(text),)),) if text else ()
    steps: list[tuple[Any, ...]] = []
    bold = italic = False
    pos = 0
    buffer: list[str | int] = []  # text, and values by index, in the current style
    valued = False  # a value is in the buffer
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start > pos:
            buffer.append(text[pos:start])
        pos = match.end()
        token = match.group(0)
        lead = token[0]
        if lead == "\\":
            buffer.append(token[1])
            continue
        if match.group(2) is not None:
            buffer.append(int(match.group(2)))  # a value: text in the current style
            valued = True
            continue
        if buffer:
            _emit(steps, buffer, valued, bold, italic)
            valued = False
        if token == "**":
            bold = not bold
        elif token == "*":
            italic = not italic
        else:
            target = match.group(1).strip()
            if _CLAUSE_ID.match(target):
                steps.append((_REF_TO, target))
            elif _TERM.match(target):
                steps.append((_TERM_USE, target, TermUse(target, bold, italic)))
            else:
                steps.append((_FAIL, f"[[{target}]] is neither a clause id nor a defined term"))
    buffer.append(text[pos:])
    _emit(steps, buffer, valued, bold, italic)
    if bold or italic:
        steps.append((_FAIL, "emphasis opened with * or ** is not closed"))
    if all(step[0] == _WORDS for step in steps):
        return ((_FIXED, tuple(step[1] for step in steps)),) if steps else ()
    return tuple(steps)


def _emit(steps: list[tuple[Any, ...]], buffer: list[Any], valued: bool, bold: bool, italic: bool) -> None:
    """End the text gathered in one style: a step of words (merged with the
    step before when it has the same style, as _append would) or of values."""
    if valued:
        steps.append((_VALUES, tuple(buffer), bold, italic))
    elif joined := "".join(buffer):
        last = steps[-1][1] if steps and steps[-1][0] == _WORDS else None
        if last is not None and last.bold == bold and last.italic == italic:
            steps[-1] = (_WORDS, Text(last.text + joined, bold, italic))
        else:
            steps.append((_WORDS, Text(joined, bold, italic)))
    buffer.clear()


def _inlines(
    steps: Steps,
    literals: list[str],
    ref_label: Callable[[str], str],
    on_term: Callable[[str], None],
    line: int,
) -> tuple[Inline, ...]:
    if len(steps) == 1 and steps[0][0] == _FIXED:
        return steps[0][1]
    out: list[Inline] = []
    for step in steps:
        kind = step[0]
        if kind == _WORDS:
            _append(out, step[1])
        elif kind == _VALUES:
            text = "".join(literals[p] if isinstance(p, int) else p for p in step[1])
            _append(out, Text(text, step[2], step[3]))
        else:
            try:
                if kind == _REF_TO:
                    out.append(Ref(step[1], ref_label(step[1])))
                elif kind == _TERM_USE:
                    on_term(step[1])
                    out.append(step[2])
                else:
                    raise MarkupError(step[1])
            except MarkupError as exc:
                exc.line = exc.line or line  # kept as raised: the assembler tells its kinds apart
                raise
    return _one_of_equals(tuple(out))


# Equal inlines are made one object: a paragraph with a term or a cross-reference
# is built afresh for each agreement, yet in a batch it is nearly always equal to
# the last employer's, and a renderer can then keep its work for the object
# (utils/by_identity.py) instead of hashing every paragraph it writes.
INTERNED_SIZE = 2048
_interned: dict[tuple[Inline, ...], tuple[Inline, ...]] = {}


def _one_of_equals(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    kept = _interned.get(inlines)
    if kept is not None:
        return kept
    if len(_interned) >= INTERNED_SIZE:
        _interned.clear()
    _interned[inlines] = inlines
    return inlines


def _append(out: list[Inline], item: Text) -> None:
    """Merge adjacent text of the same style, so renderers write fewer runs."""
    if not item.text:
        return
    if out and isinstance(out[-1], Text) and (out[-1].bold, out[-1].italic) == (item.bold, item.italic):
        out[-1] = Text(out[-1].text + item.text, item.bold, item.italic)
    else:
        out.append(item)


def number_paragraphs(blocks: tuple[Block, ...], number: str) -> tuple[Block, ...]:
    """Give each paragraph a sub-number (4.3.1...) when a clause has more than one."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    if len(paragraphs) < 2:
        return blocks
    out, n = [], 0
    for block in blocks:
        if isinstance(block, Paragraph):
            n += 1
            block = Paragraph(block.inlines, f"{number}.{n}")
        out.append(block)
    return tuple(out)
