"""Word renderer: an Agreement -> .docx bytes.

templates/agreement.docx (built by templates/make_agreement_template.py) is
rendered with docxtpl's tags for the parts a maintainer lays out by hand:
cover, header and footer, signature block, schedule of unions (see
_wordpackage, which reads the template once per process). Three marker
paragraphs in it are then replaced with content built here: the table of
contents field, the numbered clauses and, when asked for, the appendix of
drafting notes. Drafting notes become native Word comments.

All user text reaches the XML escaped: through docxtpl with autoescape, as
the text of an lxml element, or through _wordxml.escape where paragraphs and
comments are written as XML text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import SubElement, XPath

from ..assembly.model import (
    Agreement,
    Block,
    Clause,
    Inline,
    ItemList,
    Paragraph,
    TermUse,
    Text,
    letter,
)
from ..utils.epoch import fixed_time
from ..utils.resources import templates_dir
from . import NotesMode
from .word.template import WordDocument, load_template
from .word.wordml import W_NS, bookmark_xml, escape, para_xml, parse_fragment, run_xml, spans_xml

__all__ = ["WordDocument", "render_docx"]


TEMPLATE_NAME = "agreement.docx"
COMMENT_AUTHOR = "Drafting note"
COMMENT_INITIALS = "DN"
CORE_AUTHOR = "agreement-kit"

# Marker values given to the template's {{ contents }}, {{ clauses }} and
# {{ drafting_notes }} paragraphs; the paragraphs holding them are replaced.
_MARK = "\u2063agreement-kit:{}\u2063"
CONTENTS, CLAUSES, NOTES = (_MARK.format(n) for n in ("contents", "clauses", "drafting_notes"))

# Style ids written directly: no lookup by display name per paragraph.
H1, H2, H3 = "Heading1", "Heading2", "Heading3"
TEXT, NUMBERED, ITEM, NOTE = "ClauseText", "ClauseNumber", "ClauseItem", "NoteText"
_TOC = {1: "TOC1", 2: "TOC2"}
_W_P, _W_R, _W_T, _W_VAL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:val")
_W_DELTEXT = qn("w:delText")
_W_RPR, _W_B, _W_I, _W_TAB, _W_BR = (qn(f"w:{t}") for t in ("rPr", "b", "i", "tab", "br"))
_W_HYPERLINK, _W_ANCHOR, _W_HISTORY = qn("w:hyperlink"), qn("w:anchor"), qn("w:history")
_W_ID = qn("w:id")
_PSTYLE_PATH = f"{qn('w:pPr')}/{qn('w:pStyle')}"
COMMENT_TEXT, COMMENT_REFERENCE = "CommentText", "CommentReference"
# The mark Word shows at the start of a comment, as python-docx writes it.
_ANNOTATION_REF = f'<w:r><w:rPr><w:rStyle w:val="{COMMENT_REFERENCE}"/></w:rPr><w:annotationRef/></w:r>'
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile(r"(\t|\n)")

# fmt: off
_MONTHS = ("January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December")
# fmt: on
_COPY_KIND = {
    "comments": "Annotated draft: drafting notes appear as Word comments",
    "appendix": "Annotated draft: drafting notes appear in the appendix",
    "none": "Signing copy",
}
_APPENDIX_INTRO = "These notes explain the thinking behind each clause. They are not part of the agreement."
_DEPARTURES = {
    "custom": "the parties replaced the model wording of this clause with their own.",
    "added": "this clause is the parties' own and is not in the model library.",
}
_SIDE_LABEL = {"management": "For the employer", "staff": "For the trade unions"}


class Span(NamedTuple):
    """A run of text: the unit every clause and note line is built from."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None  # bookmark a cross-reference jumps to


def render_docx(
    agreement: Agreement,
    *,
    notes: NotesMode = "comments",
    timestamp: dt.datetime | None = None,
) -> bytes:
    """Render the agreement as a Word document and return the file's bytes.

    ``notes`` puts the drafting notes in Word comments, in an appendix, or
    nowhere (a signing copy). ``timestamp`` (default: SOURCE_DATE_EPOCH if
    set, else the effective date at 00:00 UTC) dates the comments, the
    document properties and the zip entries, so the same input always gives
    the same bytes.
    """
    if notes not in _COPY_KIND:
        raise ValueError(f"notes must be one of {', '.join(_COPY_KIND)}, not {notes!r}")
    when = stamp_time(agreement, timestamp)
    doc, markers = open_template(agreement, _COPY_KIND[notes])
    placed = Builder(markers[CLAUSES]).clauses(agreement)
    remove(markers[CLAUSES])
    if notes == "appendix":
        Builder(markers[NOTES]).appendix(agreement)
    remove(markers[NOTES])
    if notes == "comments":
        _add_comments(doc, placed, when)
    return finish(doc, agreement, markers, when)


# -- shared with the review and comparison renderers --------------------------


def stamp_time(agreement: Agreement, timestamp: dt.datetime | None) -> dt.datetime:
    """The given time in UTC, else SOURCE_DATE_EPOCH's, else the effective
    date at 00:00 UTC: one fixed time for comments, revisions, properties and
    zip entries, so bytes are reproducible."""
    return _utc(fixed_time(timestamp, agreement.effective))


def open_template(agreement: Agreement, copy_kind: str) -> tuple[WordDocument, dict[str, CT_P]]:
    """The template rendered for this agreement, and its marker paragraphs by
    marker (CONTENTS, CLAUSES, NOTES) for the caller to build at and remove."""
    template = load_template(templates_dir() / TEMPLATE_NAME)
    doc = template.render(_context(agreement, copy_kind), _jinja_env())
    return doc, _markers(doc)


def finish(doc: WordDocument, agreement: Agreement, markers: dict[str, CT_P], when: dt.datetime) -> bytes:
    """Fill the contents list, then package with the properties set and
    every date fixed, so equal input gives equal bytes."""
    _contents(doc, markers[CONTENTS])
    return doc.to_bytes(
        title=agreement.title, subject=agreement.organisation, author=CORE_AUTHOR, language="en-GB", when=when
    )


def iso(when: dt.datetime) -> str:
    """The form Word writes in w:date: 2026-04-01T00:00:00Z."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class NewComment:
    """A comment to add: the runs it spans and its paragraphs."""

    first: CT_R
    last: CT_R
    lines: list[list[Span]]


def add_comments(
    doc: WordDocument, items: Iterable[NewComment], *, author: str, initials: str, when: dt.datetime
) -> None:
    """Native comments, each spanning runs ``first`` to ``last``, a paragraph per line.

    Written as python-docx's add_comment would write them (CommentText
    paragraphs, an annotationRef run, a range and a CommentReference run),
    but the comments part as text: it is never read back, so never parsed."""
    head = f'w:author="{escape(author)}" w:initials="{escape(initials)}" w:date="{iso(when)}"'
    items = list(items)
    base = len(doc.comments)
    for n, item in enumerate(items, start=base):
        doc.comments.append(
            f'<w:comment w:id="{n}" {head}>'
            + "".join(
                para_xml(COMMENT_TEXT, (_ANNOTATION_REF if i == 0 else "") + spans_xml(spans))
                for i, spans in enumerate(item.lines or [[]])
            )
            + "</w:comment>"
        )
    # Each comment's range start, range end and reference run, parsed at once.
    marks = parse_fragment(
        "".join(
            f'<w:commentRangeStart w:id="{n}"/><w:commentRangeEnd w:id="{n}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="{COMMENT_REFERENCE}"/></w:rPr>'
            f'<w:commentReference w:id="{n}"/></w:r>'
            for n in range(base, base + len(items))
        )
    )
    for i, item in enumerate(items):
        start, end, reference = marks[3 * i : 3 * i + 3]
        item.first.addprevious(start)
        item.last.addnext(reference)
        item.last.addnext(end)


# -- template and context ----------------------------------------------------


class _CachingEnvironment(SandboxedEnvironment):
    """docxtpl compiles each part's XML with from_string on every render; the
    XML of a given template part never changes, so keep the compiled form."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) > 64:  # bounded: one entry per template part
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template


@lru_cache(maxsize=1)
def _jinja_env() -> _CachingEnvironment:
    return _CachingEnvironment()


def uk_date(value: dt.date) -> str:
    """1 April 2026 (no locale dependence)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _context(agreement: Agreement, copy_kind: str) -> dict[str, Any]:
    return {
        "title": agreement.title,
        "short_title": agreement.short_title,
        "organisation": agreement.organisation,
        "short_name": agreement.short_name,
        "parties": [{"name": p.name, "role": p.role} for p in agreement.parties],
        "unions": [
            {"name": u.name, "short_name": u.short_name, "represents": u.represents or "\u2014"}
            for u in agreement.unions
        ],
        "version": agreement.version,
        "effective": uk_date(agreement.effective),
        "review": uk_date(agreement.review) if agreement.review else "",
        "library_version": agreement.library_version,
        "copy_kind": copy_kind,
        "signature_sides": _signature_sides(agreement),
        "contents": CONTENTS,
        "clauses": CLAUSES,
        "drafting_notes": NOTES,
    }


def _signature_sides(agreement: Agreement) -> list[dict[str, Any]]:
    """Signatories grouped by side; a side nobody is named for gets blank rows
    to sign, one per employer or per union."""
    named: dict[str, list[dict[str, str]]] = {}
    for s in agreement.signatories:
        detail = f"{s.role}, {s.organisation}" if s.organisation else s.role
        named.setdefault(s.side, []).append({"name": s.name, "detail": detail})
    blank = {
        "management": [{"name": "", "detail": f"For {p.name}"} for p in agreement.parties],
        "staff": [{"name": "", "detail": f"For {u.name}"} for u in agreement.unions],
    }
    sides = [*_SIDE_LABEL, *(s for s in named if s not in _SIDE_LABEL)]
    label = dict(_SIDE_LABEL)
    if len(agreement.parties) > 1:
        label["management"] = "For the employers"
    return [
        {
            "label": label.get(side, f"For the {side} side"),
            "rows": named.get(side) or blank.get(side, []),
        }
        for side in sides
    ]


# -- body built in code ------------------------------------------------------
# Paragraphs and runs are made with lxml directly: python-docx's add_run and
# style setters search the element for insertion points on every call, which
# dominated the render time of a full agreement.


def _markers(doc: WordDocument) -> dict[str, CT_P]:
    """The template's marker paragraphs, found in one pass."""
    wanted = {CONTENTS, CLAUSES, NOTES}
    found = {}
    for p in doc.body.iterchildren(_W_P):
        text = _text(p)
        if text in wanted:
            found[text] = p
    missing = sorted(m.strip("\u2063").split(":")[1] for m in wanted - found.keys())
    if missing:
        raise LookupError(f"the Word template has no {{{{ {missing[0]} }}}} paragraph")
    return found


def _text(p: CT_P) -> str:
    return "".join(p.itertext(_W_T))


def insert_before(anchor: CT_P, elements: list[Any]) -> None:
    """Put elements in front of ``anchor``: one move for all, not a call each."""
    parent = anchor.getparent()
    at = parent.index(anchor)
    parent[at:at] = elements


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

    def clauses(self, agreement: Agreement) -> list[Anchored]:
        """Every section and clause, written as XML text and parsed once (see
        _wordxml); returns each clause with the runs a comment on it spans."""
        self.links = {c.id: bookmark_name(c) for c in agreement.clauses()}
        xml: list[str] = []
        extent: list[tuple[Clause, int, int]] = []  # each clause's first and last paragraph
        bookmark_id = 0
        for index, section in enumerate(agreement.sections):
            xml.append(para_xml(H1, run_xml(f"{section.number}. {section.title}"), page_break=index == 0))
            for clause in section.clauses:
                bookmark_id += 1
                first = len(xml)
                heading = run_xml(f"{clause.number} {clause.title}")
                xml.append(para_xml(H2, bookmark_xml(bookmark_id, self.links[clause.id], heading)))
                xml.extend(
                    para_xml(style, spans_xml(spans))
                    for style, spans in block_lines(clause.blocks, self.links)
                )
                extent.append((clause, first, len(xml) - 1))
        paragraphs = parse_fragment("".join(xml))
        insert_before(self.anchor, paragraphs)
        placed = []
        for clause, first, last in extent:
            heading_run = paragraphs[first].find(_W_R)
            # the last run outside a link (a run inside one cannot end a comment)
            runs = next(r for p in reversed(paragraphs[first : last + 1]) if (r := p.findall(_W_R)))
            placed.append(Anchored(clause, heading_run, runs[-1]))
        return placed

    def blocks(self, blocks: tuple[Block, ...]) -> list[CT_P]:
        return [self.para(style, spans) for style, spans in block_lines(blocks, self.links)]

    def appendix(self, agreement: Agreement) -> None:
        self.para(H1, [Span("Drafting notes")], page_break=True)
        self.para(NOTE, [Span(_APPENDIX_INTRO, italic=True)])
        for clause in agreement.clauses():
            lines = _note_lines(clause)
            if not lines:
                continue
            self.para(H3, [Span(f"{clause.number} {clause.title}")])
            for spans in lines:
                self.para(NOTE, spans)


def block_lines(
    blocks: tuple[Block, ...], links: dict[str, str] | None = None
) -> list[tuple[str, list[Span]]]:
    """Clause text as (style id, runs), a paragraph per unit: numbered
    paragraphs (4.3.1) and lettered items (a) carry their number as text
    before a tab, against a hanging indent."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            style, lead = (NUMBERED, f"{block.number}\t") if block.number else (TEXT, "")
            out.append((style, _spans(block.inlines, lead, links)))
        else:
            for i, item in enumerate(block.items):
                out.append((ITEM, _spans(item, f"({letter(i)})\t", links)))
    return out


def paragraph(style_id: str, *, page_break: bool = False) -> CT_P:
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
    return "clause_" + clause.number.replace(".", "_")


def bookmark(target: Any, name: str, bookmark_id: int) -> None:
    """Mark a heading run (or revision) as the target of cross-references to its clause."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    target.addprevious(start)
    target.addnext(end)


def _spans(inlines: Iterable[Inline], lead: str = "", links: dict[str, str] | None = None) -> list[Span]:
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
                out.append(Span(item.label, link=link))
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


# -- drafting notes ------------------------------------------------------------


def _note_lines(clause: Clause) -> list[list[Span]]:
    """The drafting note of a clause as paragraphs: the note, its citations,
    and where the wording came from when that is not the recommended model.
    Empty for a clause without a note (only a clause the parties added can
    lack one)."""
    lines: list[list[Span]] = []
    for block in clause.note:
        if isinstance(block, Paragraph):
            lines.append(_spans(block.inlines))
        elif isinstance(block, ItemList):
            lines.extend(_spans(item, f"({letter(i)}) ") for i, item in enumerate(block.items))
    if not lines:
        return []
    if clause.citations:
        lines.append([Span("Cites: ", bold=True), Span("; ".join(c.short for c in clause.citations))])
    prov = clause.provenance
    departure = _DEPARTURES.get(prov.source)
    if departure:
        reason = f"Reason given: {prov.reason}" if prov.reason else "No reason was recorded."
        lines.append([Span("Departs from the model: ", bold=True), Span(f"{departure} {reason}")])
    if prov.variant and prov.recommended_variant and prov.variant != prov.recommended_variant:
        chosen = (
            f"\u201c{prov.variant_label or prov.variant}\u201d; the library recommends"
            f" the \u201c{prov.recommended_variant}\u201d variant."
        )
        lines.append([Span("Variant chosen: ", bold=True), Span(chosen)])
    return lines


def _add_comments(doc: WordDocument, placed: list[Anchored], when: dt.datetime) -> None:
    """One native comment per clause with a note, spanning its heading and text."""
    items = (NewComment(p.first, p.last, lines) for p in placed if (lines := _note_lines(p.clause)))
    add_comments(doc, items, author=COMMENT_AUTHOR, initials=COMMENT_INITIALS, when=when)


# -- contents, properties, packaging -----------------------------------------


_HEADINGS = XPath(
    f"w:p[w:pPr/w:pStyle[@w:val='{H1}' or @w:val='{H2}']]", namespaces={"w": W_NS}, smart_strings=False
)


def _contents(doc: WordDocument, anchor: CT_P) -> None:
    """A TOC field over Heading 1-2, pre-filled with the headings so readers
    that do not update fields still show a contents list."""
    levels = {H1: 1, H2: 2}
    entries = []
    for p in _HEADINGS(doc.body):
        text = _text(p)
        if text:  # a heading deleted as a tracked change has no w:t
            entries.append((levels[p.find(_PSTYLE_PATH).get(_W_VAL)], text))
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    lines = [(_TOC[level], run_xml(text)) for level, text in entries] or [(_TOC[1], "")]
    xml = "".join(
        para_xml(style, (begin if i == 0 else "") + body + (end if i == len(lines) - 1 else ""))
        for i, (style, body) in enumerate(lines)
    )
    insert_before(anchor, parse_fragment(xml))
    remove(anchor)


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)
