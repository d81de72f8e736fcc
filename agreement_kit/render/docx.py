"""Word renderer: an Agreement -> .docx bytes.

The template (``word.document``) gives the cover, header and footer,
signature block and schedule of unions; the numbered clauses are built into
it (``word.body``), the drafting notes become native Word comments or an
appendix, and the contents list is filled.

All user text reaches the XML escaped: through docxtpl with autoescape, as
the text of an lxml element, or through ``word.wordml.escape`` where
paragraphs and comments are written as XML text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache

from ..assembly.model import Agreement, Block, Clause, Paragraph, letter, plain
from ..load.source_part import ClauseRecord, source_xml
from . import NotesMode
from .notes import note_blocks
from .word.body import H1, H3, NOTE, Builder, Span, bookmark_name, remove, spans
from .word.comments import CommentHead
from .word.document import CLAUSES, NOTES, SIGNING_COPY, WordDocument, finish, open_agreement, stamp_time

__all__ = ["WordDocument", "render_docx"]

COMMENT_AUTHOR = "Drafting note"
COMMENT_INITIALS = "DN"
_COPY_KIND = {
    "comments": "Annotated draft: drafting notes appear as Word comments",
    "appendix": "Annotated draft: drafting notes appear in the appendix",
    "none": SIGNING_COPY,
}
_APPENDIX_INTRO = "These notes explain the thinking behind each clause. They are not part of the agreement."


def render_docx(
    agreement: Agreement,
    *,
    notes: NotesMode = "comments",
    timestamp: dt.datetime | None = None,
    pages: dict[str, int] | None = None,
) -> bytes:
    """Render the agreement as a Word document and return the file's bytes.
    ``pages`` (heading -> page, see render/pdf.py) puts page numbers in the contents.

    ``notes`` puts the drafting notes in Word comments, in an appendix, or
    nowhere (a signing copy). ``timestamp`` (default: SOURCE_DATE_EPOCH if
    set, else the effective date at 00:00 UTC) dates the comments, the
    document properties and the zip entries, so the same input always gives
    the same bytes.
    """
    if notes not in _COPY_KIND:
        raise ValueError(f"notes must be one of {', '.join(_COPY_KIND)}, not {notes!r}")
    when = stamp_time(agreement, timestamp)
    # one native comment per clause with a note, spanning its text, numbered in clause order
    noted = (
        [(c.id, lines) for c in agreement.clauses() if (lines := _note_lines(c))]
        if notes == "comments"
        else []
    )
    comments = {clause_id: n for n, (clause_id, _) in enumerate(noted)}
    doc, markers = open_agreement(agreement, _COPY_KIND[notes], signing=notes == "none", comments=comments)
    head = CommentHead(COMMENT_AUTHOR, COMMENT_INITIALS, when)
    doc.comments.extend(head.comment(n, lines) for n, (_, lines) in enumerate(noted))
    remove(markers[CLAUSES])
    if notes == "appendix":
        _appendix(Builder(markers[NOTES]), agreement)
    remove(markers[NOTES])
    return finish(doc, agreement, markers, when, _source(agreement) if agreement.spec_text else None, pages)


def _source(agreement: Agreement) -> bytes:
    """The spec and each clause's paragraphs as written, for ``import`` to read back."""
    links = {c.id: bookmark_name(c) for c in agreement.clauses()}
    records = [
        ClauseRecord(c.id, agreement.kind, links[c.id], c.title, tuple(_paragraph_texts(c.blocks)))
        for c in agreement.clauses()
    ]
    return source_xml(agreement.spec_text, agreement.library_version, agreement.kind, records)


def _paragraph_texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    """Each paragraph's text as ``block_lines`` writes it (number or letter, a
    tab, the words), without making its runs."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield f"{block.number}\t{plain(block.inlines)}" if block.number else plain(block.inlines)
        else:
            yield from (f"({letter(i)})\t{plain(item)}" for i, item in enumerate(block.items))


# -- drafting notes ------------------------------------------------------------


def _appendix(builder: Builder, agreement: Agreement) -> None:
    builder.para(H1, [Span("Drafting notes")], page_break=True)
    builder.para(NOTE, [Span(_APPENDIX_INTRO, italic=True)])
    for clause in agreement.clauses():
        lines = _note_lines(clause)
        if not lines:
            continue
        builder.para(H3, [Span(f"{clause.number} {clause.title}")])
        for line in lines:
            builder.para(NOTE, line)


def _note_lines(clause: Clause) -> list[list[Span]]:
    """The drafting note of a clause (see ``notes.note_blocks``) as paragraphs of runs."""
    return [list(line) for line in _lines_of_note(note_blocks(clause))]


@lru_cache(maxsize=2048)  # by the note's blocks: in a batch most notes are the same for every employer
def _lines_of_note(blocks: tuple[Block, ...]) -> tuple[tuple[Span, ...], ...]:
    lines: list[tuple[Span, ...]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(tuple(spans(block.inlines)))
        else:
            lines.extend(tuple(spans(item, f"({letter(i)}) ")) for i, item in enumerate(block.items))
    return tuple(lines)
