"""The body of a Word document built in code: clause paragraphs, runs, bookmarks.

Paragraphs and runs are made with lxml directly: python-docx's add_run and
style setters search the element for insertion points on every call, which
dominated the render time of a full agreement. A whole agreement's clauses
are written as XML text and parsed once (see wordml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from lxml.etree import SubElement

from ...assembly.model import (
    Agreement,
    Block,
    Clause,
    Inline,
    Paragraph,
    Ref,
    Schedule,
    TermUse,
    Text,
    letter,
)
from ...load.source_part import bookmark_number, clause_bookmark
from ...utils.by_identity import KeptByIdentity
from .comments import mark_runs, own_runs
from .lists import CLAUSE, PARAGRAPH, SECTION, Lists
from .wordml import bookmark_xml, para_xml, qn, run_xml, spans_xml, table_xml

if TYPE_CHECKING:  # python-docx is imported where its elements are made (paragraph, bookmark)
    from docx.oxml.text.paragraph import CT_P
    from docx.oxml.text.run import CT_R

# Style ids written directly: no lookup by display name per paragraph.
H1, H2, H3 = "Heading1", "Heading2", "Heading3"
TEXT, NUMBERED, ITEM, NOTE = "ClauseText", "ClauseNumber", "ClauseItem", "NoteText"
_W_R, _W_T, _W_VAL = qn("w:r"), qn("w:t"), qn("w:val")
_W_DELTEXT = qn("w:delText")
_W_RPR, _W_B, _W_I, _W_TAB, _W_BR = (qn(f"w:{t}") for t in ("rPr", "b", "i", "tab", "br"))
_W_HYPERLINK, _W_ANCHOR, _W_HISTORY = qn("w:hyperlink"), qn("w:anchor"), qn("w:history")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile(r"(\t|\n)")


class Span(NamedTuple):
    """A run of text: the unit every clause and note line is built from."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None  # bookmark a cross-reference jumps to
    number: str | None = None  # a cross-reference's clause number, shown as a field


def remove(p: CT_P) -> None:
    p.getparent().remove(p)


def page_break_before(p: CT_P) -> None:
    p.get_or_add_pPr().pageBreakBefore_val = True


@dataclass
class Anchored:
    """A clause as placed in the document: the runs its comment will span."""

    clause: Clause
    first: CT_R
    last: CT_R


class Builder:
    """Writes paragraphs in front of a marker paragraph."""

    def __init__(self, anchor: CT_P, links: dict[str, str] | None = None) -> None:
        self.anchor = anchor
        self.links = links or {}  # clause id -> bookmark of its heading

    def para(self, style_id: str, spans: Iterable[Span] = (), *, page_break: bool = False) -> CT_P:
        p = paragraph(style_id, page_break=page_break)
        self.anchor.addprevious(p)
        for span in spans:
            if span.link:
                link = SubElement(p, _W_HYPERLINK)
                link.set(_W_ANCHOR, span.link)
                link.set(_W_HISTORY, "1")
                run(link, span.text, span.bold, span.italic)
            else:
                run(p, span.text, span.bold, span.italic)
        return p

    def blocks(self, blocks: tuple[Block, ...]) -> list[CT_P]:
        return [self.para(style, spans) for style, spans in block_lines(blocks, self.links)]


@dataclass(frozen=True)
class ClauseBody:
    """Every section and clause of an agreement as WordprocessingML text, with
    the paragraphs each clause spans: written into the document's own XML before
    it is parsed, because lxml moves a large fragment between documents in time
    that grows faster than its size (or, in an agreement, never parsed at all)."""

    xml: str
    count: int  # paragraphs
    extent: tuple[tuple[Clause, int, int], ...]  # each clause's first and last paragraph
    item_lists: int = 0  # lettered lists, each a list of its own in the numbering part
    headings: str = ""  # the section and clause headings' paragraphs alone, for the contents

    def place(self, anchor: CT_P) -> list[Anchored]:
        """The clauses as parsed, ending just before ``anchor``: with the runs a comment on each spans."""
        paragraphs = list(anchor.itersiblings(preceding=True))[: self.count][::-1]
        placed = []
        for clause, first, last in self.extent:
            # on the clause's text, not its heading: converters (pandoc, LibreOffice) then
            # keep the heading clean; a clause with no text is anchored on its heading
            text_runs = (r for p in paragraphs[first + 1 : last + 1] if (r := p.find(_W_R)) is not None)
            body = next(text_runs, None)
            heading_run = body if body is not None else paragraphs[first].find(_W_R)
            # the last run outside a link (a run inside one cannot end a comment)
            runs = next(r for p in reversed(paragraphs[first : last + 1]) if (r := p.findall(_W_R)))
            placed.append(Anchored(clause, heading_run, runs[-1]))
        return placed


def clause_body(agreement: Agreement, lists: Lists, comments: dict[str, int] | None = None) -> ClauseBody:
    """Sections, clause headings and numbered paragraphs numbered by Word, in
    the clause list; lettered items each in a list of their own. The numbers
    are the model's: Word counts the same way (see tests). ``comments`` (clause
    id -> comment number) marks each such clause's runs as ``place`` and
    ``add_comments`` would, in the text."""
    links = {c.id: bookmark_name(c) for c in agreement.clauses()}
    xml: list[str] = []
    headings: list[str] = []
    extent: list[tuple[Clause, int, int]] = []
    bookmark_id = 0
    item_lists = 0
    for index, section in enumerate(agreement.sections):
        xml.append(para_xml(H1, run_xml(section.title), page_break=index == 0, num=(lists.clauses, SECTION)))
        headings.append(xml[-1])
        for clause in section.clauses:
            bookmark_id += 1
            heading = bookmark_xml(bookmark_id, links[clause.id], run_xml(clause.title))
            # (style, content, list) of each paragraph, so a comment can mark its runs
            paragraphs: list[tuple[str, str, tuple[int, int] | None]] = [
                (H2, heading, (lists.clauses, CLAUSE))
            ]
            for block in clause.blocks:
                if isinstance(block, Paragraph):
                    num = (lists.clauses, PARAGRAPH) if block.number else None
                    style = NUMBERED if block.number else TEXT
                    paragraphs.append((style, _runs_xml(block.inlines, links), num))
                else:
                    num = (lists.item_list(item_lists), 0)
                    item_lists += 1
                    paragraphs.extend((ITEM, _runs_xml(i, links), num) for i in block.items)
            contents = [content for _, content, _ in paragraphs]
            if comments and clause.id in comments:
                _mark_clause(contents, comments[clause.id])
            first = len(xml)
            xml.extend(
                para_xml(style, content, num=num)
                for (style, _, num), content in zip(paragraphs, contents, strict=True)
            )
            extent.append((clause, first, len(xml) - 1))
            headings.append(xml[first])
    return ClauseBody("".join(xml), len(xml), tuple(extent), item_lists, "".join(headings))


# The runs of a paragraph with no cross-reference (whose link depends on the
# agreement's numbering), kept for the very inlines the markup parse gives
# (equal inlines are one object): in a batch, most of every employer's paragraphs.
RUNS_KEPT = 2048
_kept_runs: KeptByIdentity[str] = KeptByIdentity(RUNS_KEPT)


def _runs_xml(inlines: tuple[Inline, ...], links: dict[str, str]) -> str:
    kept = _kept_runs.get(inlines)
    if kept is not None:
        return kept
    xml = spans_xml(spans(inlines, "", links))
    if all(type(item) is not Ref for item in inlines):
        _kept_runs.put(inlines, xml)
    return xml


def _mark_clause(contents: list[str], n: int) -> None:
    """Comment ``n`` over a clause's paragraphs (heading first), where ``place``
    anchors one: from the first run of its text (of its heading when its text
    has none) to the last run of its last paragraph that has one."""
    first = last = None
    for i in range(1, len(contents)):
        if (runs := own_runs(contents[i])) is not None:
            first = (i, runs[0])
            break
    for i in range(len(contents) - 1, -1, -1):
        if (runs := own_runs(contents[i])) is not None:
            last = (i, runs[1])
            break
    heading = own_runs(contents[0])
    assert heading is not None and last is not None  # a heading always has its title's run
    mark_runs(contents, n, first or (0, heading[0]), last)


# The text width of the template's page (A4 less two 25 mm margins), in twips.
TEXT_WIDTH = 9071
NORMAL, TABLE_TEXT, TABLE = "Normal", "TableText", "AgreementTable"


def schedule_xml(schedule: Schedule, numbers: frozenset[str] = frozenset()) -> str:
    """A schedule on a page of its own: heading, introduction and a table whose
    header row repeats on each page. A cell's "clause 7.2", where 7.2 is one of
    ``numbers`` (this agreement's clauses), is a cross-reference field as in
    the clauses, so it follows a clause inserted in Word."""
    total = sum(schedule.widths)
    widths = tuple(TEXT_WIDTH * w // total for w in schedule.widths)
    header = [para_xml(TABLE_TEXT, run_xml(c, bold=True)) for c in schedule.columns]
    rows = [[para_xml(TABLE_TEXT, _cell_xml(c, numbers)) for c in row] for row in schedule.rows]
    return (
        schedule_heading_xml(schedule)
        + (para_xml(NORMAL, run_xml(schedule.intro)) if schedule.intro else "")
        + table_xml(TABLE, widths, [header, *rows], header_rows=1)
    )


def schedule_heading_xml(schedule: Schedule) -> str:
    """A schedule's heading paragraph, on a page of its own."""
    return para_xml(H1, run_xml(schedule.heading), page_break=True)


# "clause 7.2", but not "clause 7.2 of the Recognition Agreement" (no bookmark of this document)
_CLAUSE_REF = re.compile(r"\bclause (\d+(?:\.\d+)+)\b(?! of the )")


def _cell_xml(text: str, numbers: frozenset[str]) -> str:
    if "clause " not in text:  # most cells: no regular-expression search
        return run_xml(text) if text else ""
    spans, at = [], 0
    for found in _CLAUSE_REF.finditer(text):
        number = found.group(1)
        if number in numbers:
            spans.append(Span(text[at : found.start()]))
            spans.append(Span(found.group(0), link=clause_bookmark(number), number=number))
            at = found.end()
    spans.append(Span(text[at:]))
    return spans_xml(s for s in spans if s.text)


def block_lines(
    blocks: tuple[Block, ...], links: dict[str, str] | None = None
) -> list[tuple[str, list[Span]]]:
    """Clause text as (style id, runs), a paragraph per unit: numbered
    paragraphs (4.3.1) and lettered items (a) carry their number as text
    before a tab, against a hanging indent (the redline and the record of
    what was written; the agreement itself is numbered by Word, see clause_body)."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            style, lead = (NUMBERED, f"{block.number}\t") if block.number else (TEXT, "")
            out.append((style, spans(block.inlines, lead, links)))
        else:
            for i, item in enumerate(block.items):
                out.append((ITEM, spans(item, f"({letter(i)})\t", links)))
    return out


def paragraph(style_id: str, *, page_break: bool = False) -> CT_P:
    from docx.oxml import OxmlElement

    p = OxmlElement("w:p")
    ppr = SubElement(p, qn("w:pPr"))
    SubElement(ppr, qn("w:pStyle")).set(_W_VAL, style_id)
    if page_break:
        SubElement(ppr, qn("w:pageBreakBefore"))
    return p


def run(parent: Any, text: str, bold: bool = False, italic: bool = False, *, deleted: bool = False) -> CT_R:
    """Append a run; tabs and line breaks become w:tab and w:br. The text of
    a ``deleted`` run (inside a w:del revision) must be w:delText, not w:t."""
    r = SubElement(parent, _W_R)
    if bold or italic:
        rpr = SubElement(r, _W_RPR)
        if bold:
            SubElement(rpr, _W_B)
        if italic:
            SubElement(rpr, _W_I)
    for piece in _BREAKS.split(text):
        if piece == "\t":
            SubElement(r, _W_TAB)
        elif piece == "\n":
            SubElement(r, _W_BR)
        elif piece:
            t = SubElement(r, _W_DELTEXT if deleted else _W_T)
            t.set(_XML_SPACE, "preserve")
            t.text = piece
    return r


def bookmark_name(clause: Clause) -> str:
    return clause_bookmark(clause.number)


def bookmark(target: Any, name: str, bookmark_id: int) -> None:
    """Mark a heading run (or revision) as the target of cross-references to its clause."""
    from docx.oxml import OxmlElement

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    target.addprevious(start)
    target.addnext(end)


def spans(inlines: Iterable[Inline], lead: str = "", links: dict[str, str] | None = None) -> list[Span]:
    """Inline content as runs: a term prints as itself, a cross-reference as
    its label, linked to the clause's heading when that clause is in this
    agreement (not when it is in the other agreement of the set)."""
    links = links or {}
    out: list[Span] = []
    pending: list[str] = [lead]  # text of the run being gathered: same look, no link
    look = (False, False)
    for item in inlines:
        # isinstance lets mypy narrow ``item``; testing the commonest first (most
        # inlines are Text, then TermUse; a Ref is rare) keeps this hot loop as
        # fast as a dispatch on type(item).
        if isinstance(item, Text):
            text, bold, italic = item.text, item.bold, item.italic
        elif isinstance(item, TermUse):
            text, bold, italic = item.term, item.bold, item.italic
        else:
            link = links.get(item.clause_id)
            if link is not None:
                _flush(out, pending, look)
                out.append(Span(item.label, link=link, number=bookmark_number(link)))
                continue
            text, bold, italic = item.label, False, False
        if (bold, italic) != look:
            _flush(out, pending, look)
            look = (bold, italic)
        pending.append(text)
    _flush(out, pending, look)
    return out


def _flush(out: list[Span], pending: list[str], look: tuple[bool, bool]) -> None:
    """End the run being gathered (runs of the same look are merged: fewer,
    longer runs make a smaller document that Word shows the same)."""
    text = "".join(pending)
    if text:
        out.append(Span(text, *look))
    pending.clear()
