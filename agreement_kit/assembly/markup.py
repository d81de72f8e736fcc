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
    paragraph: list[str] = []
    items: list[list[str]] = []
    start_line = 1

    def flush() -> None:
        nonlocal paragraph, items
        if paragraph:
            blocks.append(Paragraph(_inlines(" ".join(paragraph), literals, ref_label, on_term, start_line)))
        if items:
            blocks.append(
                ItemList(
                    tuple(
                        _inlines(" ".join(item), literals, ref_label, on_term, start_line) for item in items
                    )
                )
            )
        paragraph, items = [], []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("- "):
            if paragraph:
                blocks.append(
                    Paragraph(_inlines(" ".join(paragraph), literals, ref_label, on_term, start_line))
                )
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


def _inlines(
    text: str,
    literals: list[str],
    ref_label: Callable[[str], str],
    on_term: Callable[[str], None],
    line: int,
) -> tuple[Inline, ...]:
    if _TOKEN.search(text) is None:  # plain words: the common case, one run of text
        return (Text(text),) if text else ()
    out: list[Inline] = []
    bold = italic = False
    pos = 0
    buffer: list[str] = []

    def emit() -> None:
        joined = "".join(buffer)
        buffer.clear()
        if joined:
            _append(out, Text(joined, bold, italic))

    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            buffer.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if token.startswith("\\"):
            buffer.append(token[1])
        elif token == "**":
            emit()
            bold = not bold
        elif token == "*":
            emit()
            italic = not italic
        elif match.group(2) is not None:
            buffer.append(literals[int(match.group(2))])  # a value: text in the current style
        else:
            emit()
            target = match.group(1).strip()
            try:
                if _CLAUSE_ID.match(target):
                    out.append(Ref(target, ref_label(target)))
                elif _TERM.match(target):
                    on_term(target)
                    out.append(TermUse(target, bold, italic))
                else:
                    raise MarkupError(f"[[{target}]] is neither a clause id nor a defined term")
            except MarkupError as exc:
                exc.line = exc.line or line  # kept as raised: the assembler tells its kinds apart
                raise
    buffer.append(text[pos:])
    emit()
    if bold or italic:
        raise MarkupError("emphasis opened with * or ** is not closed", line)
    return tuple(out)


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
