"""Render an agreement as one standalone HTML5 page.

The page is built straight from the model with Jinja2 (autoescaping on, a
missing value an error), not by way of Markdown, so every value the parties
typed appears exactly as typed. The stylesheet is embedded so the file can
be mailed or opened from disk, and has print rules for A4.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..assembly.model import Agreement, Block, Clause, Inline, Paragraph, Ref, TermUse, letter
from ..utils import cache
from ..utils.resources import templates_dir
from . import NOTES_MODES, NotesMode
from .markdown import long_date, signatory_groups
from .notes import note_blocks

TEMPLATE = "agreement.html.j2"
STYLESHEET = "agreement.css"
BASE_STYLESHEET = "base.css"


def anchor(kind: str, number: str) -> str:
    """``("clause", "3.2")`` -> ``clause-3-2``: an id usable in a URL fragment."""
    return f"{kind}-{number.replace('.', '-')}"


def _esc(text: str) -> str:
    """The characters markupsafe escapes, escaped the same way, but without
    a Markup object per run of text (str.replace runs in C)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def _inline_html(inlines: Iterable[Inline], numbers: dict[str, str]) -> str:
    """Inline content as HTML; a reference to a clause of this agreement links to it."""
    parts: list[str] = []
    for item in inlines:
        if isinstance(item, Ref):
            number = numbers.get(item.clause_id)
            # A clause of the other agreement ("clause 2.1 of the Recognition
            # Agreement") has no target on this page.
            if number is None or not item.label.endswith(number):
                parts.append(_esc(item.label))
            else:
                parts.append(
                    f'<a class="ref" href="#{_esc(anchor("clause", number))}">{_esc(item.label)}</a>'
                )
            continue
        if isinstance(item, TermUse):
            html = f'<span class="term">{_esc(item.term)}</span>'
        else:
            html = _esc(item.text)
        if item.italic:
            html = f"<em>{html}</em>"
        if item.bold:
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return "".join(parts)


def _block_html(block: Block, numbers: dict[str, str]) -> str:
    """A paragraph (with its number, 4.3.2, when it has one) or a lettered list."""
    lines = _lines(block)
    if sum(map(len, lines)) > KEPT_INLINES:
        return _build_block_html(block, numbers)
    # a cross-reference links only to a clause of this page: its number is part of the key
    targets = tuple(numbers.get(i.clause_id) for line in lines for i in line if isinstance(i, Ref))
    return _kept_block_html(block, targets)


# Blocks kept with their HTML: in a batch most of an agreement's paragraphs
# are the same for every employer. A block is a frozen value; with the numbers
# of the clauses it refers to, its HTML depends on nothing else. A block of
# more than KEPT_INLINES inlines (the definitions, which name the
# organisation) is written afresh, not kept: it is mostly one employer's own.
# blocks kept: one employer's agreements use about 600, most the same for every
# employer; what is one employer's own (its name in a sentence) soon makes way
BLOCK_CACHE_SIZE = 1024
KEPT_INLINES = 64


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _kept_block_html(block: Block, targets: tuple[str | None, ...]) -> str:
    refs = [i.clause_id for line in _lines(block) for i in line if isinstance(i, Ref)]
    numbers = {ref: number for ref, number in zip(refs, targets, strict=True) if number is not None}
    return _build_block_html(block, numbers)


def _lines(block: Block) -> tuple[tuple[Inline, ...], ...]:
    return (block.inlines,) if isinstance(block, Paragraph) else block.items


def _build_block_html(block: Block, numbers: dict[str, str]) -> str:
    if isinstance(block, Paragraph):
        if block.number:
            return (
                f'<p class="para numbered"><span class="num">{_esc(block.number)}</span> '
                f"{_inline_html(block.inlines, numbers)}</p>"
            )
        return f'<p class="para">{_inline_html(block.inlines, numbers)}</p>'
    items = "".join(
        f'  <li><span class="num">({letter(i)})</span> {_inline_html(item, numbers)}</li>\n'
        for i, item in enumerate(block.items)
    )
    return f'<ol class="items">\n{items}</ol>'


class _KeptCode(jinja2.BytecodeCache):
    """The code Jinja makes of each page template, kept in the per-user cache
    (utils/cache.py) under a hash of the template's name, Jinja's version and
    this module, which sets the environment up; Jinja itself checks that the
    template's source is the one the code was made from."""

    def _names(self, bucket: jinja2.bccache.Bucket) -> tuple[str, str]:
        prefix = f"html-jinja-{cache.key(bucket.key)[:8]}-"
        return prefix, f"{prefix}{cache.key(jinja2.__version__, Path(__file__).read_bytes())}.bytecode"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            payload = cache.read(self._names(bucket)[1])
        except OSError:
            return
        if payload:
            bucket.bytecode_from_string(payload)  # a stale or damaged entry leaves the bucket empty

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            prefix, name = self._names(bucket)
        except OSError:
            return
        cache.write(name, bucket.bytecode_to_string(), replaces=prefix)


@lru_cache(maxsize=1)
def html_environment() -> jinja2.Environment:
    """The Jinja environment of every HTML page (agreement and reports):
    autoescape on, and a missing value an error rather than a silent blank."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        bytecode_cache=_KeptCode(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["letter"] = letter
    env.filters["anchor"] = lambda number, kind: anchor(kind, number)
    return env


@lru_cache(maxsize=8)
def stylesheet(name: str = STYLESHEET) -> Markup:
    """The shared base.css and a page's own stylesheet from templates/, to
    embed in the page's <style>."""
    # Read as-is rather than through Jinja: CSS braces are not template syntax.
    css = "\n".join((templates_dir() / n).read_text(encoding="utf-8") for n in (BASE_STYLESHEET, name))
    return Markup(css.replace("</", "<\\/"))


def render_html(agreement: Agreement, *, notes: NotesMode = "comments") -> str:
    """The agreement as a standalone HTML page, with drafting notes beside
    each clause, as an appendix, or left out."""
    if notes not in NOTES_MODES:
        raise ValueError(f"notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    numbers = {c.id: c.number for c in agreement.clauses()}
    clause_notes: dict[str, tuple[Block, ...]] = {}
    if notes != "none":
        clause_notes = {c.id: nb for c in agreement.clauses() if (nb := note_blocks(c))}

    def block(value: Block) -> Markup:
        return Markup(_block_html(value, numbers))

    def blocks(values: Iterable[Block]) -> Markup:
        return Markup("".join(_block_html(b, numbers) + "\n" for b in values))

    def note_of(clause: Clause) -> tuple[Block, ...]:
        return clause_notes.get(clause.id, ())

    template = html_environment().get_template(TEMPLATE)
    return template.render(
        a=agreement,
        notes=notes,
        note_of=note_of,
        has_notes=bool(clause_notes),
        block=block,
        blocks=blocks,
        signatory_groups=signatory_groups(agreement),
        css=stylesheet(),
    )
