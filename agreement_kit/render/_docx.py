"""Word renderer: an Agreement -> .docx bytes.

templates/agreement.docx (built by templates/make_agreement_template.py) is
rendered with docxtpl for the parts a maintainer lays out by hand: cover,
header and footer, signature block, schedule of unions. Three marker
paragraphs in it are then replaced with content built here with python-docx:
the table of contents field, the numbered clauses and, when asked for, the
appendix of drafting notes. Drafting notes become native Word comments.

All user text reaches the XML through docxtpl with autoescape or through
python-docx's element API, never by string concatenation.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Literal

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from .._model import Agreement, Block, Clause, Inline, ItemList, Paragraph, Ref, TermUse, Text, letter
from .._resources import templates_dir

__all__ = ["render_docx"]

NoteMode = Literal["comments", "appendix", "none"]

TEMPLATE_NAME = "agreement.docx"
COMMENT_AUTHOR = "Drafting note"
COMMENT_INITIALS = "DN"
CORE_AUTHOR = "agreement-kit"

# Marker values given to the template's {{ contents }}, {{ clauses }} and
# {{ drafting_notes }} paragraphs; the paragraphs holding them are replaced.
_MARK = "\u2063agreement-kit:{}\u2063"
_CONTENTS, _CLAUSES, _NOTES = (_MARK.format(n) for n in ("contents", "clauses", "drafting_notes"))

# Style ids written directly: no lookup by display name per paragraph.
_H1, _H2, _H3 = "Heading1", "Heading2", "Heading3"
_TEXT, _NUMBERED, _ITEM, _NOTE = "ClauseText", "ClauseNumber", "ClauseItem", "NoteText"
_TOC = {1: "TOC1", 2: "TOC2"}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_COPY_KIND = {
    "comments": "Annotated draft: drafting notes appear as Word comments",
    "appendix": "Annotated draft: drafting notes appear in the appendix",
    "none": "Signing copy",
}
_SIDE_LABEL = {"management": "For the employer", "staff": "For the trade unions"}

# A run of text with emphasis: the unit every note and clause line is built from.
Span = tuple[str, bool, bool]


def render_docx(
    agreement: Agreement,
    *,
    notes: NoteMode = "comments",
    timestamp: dt.datetime | None = None,
) -> bytes:
    """Render the agreement as a Word document and return the file's bytes.

    ``notes`` puts the drafting notes in Word comments, in an appendix, or
    nowhere (a signing copy). ``timestamp`` (default: the effective date at
    00:00 UTC) dates the comments and the document properties, so the same
    input always gives the same bytes.
    """
    if notes not in _COPY_KIND:
        raise ValueError(f"notes must be one of {', '.join(_COPY_KIND)}, not {notes!r}")
    when = _utc(timestamp or dt.datetime.combine(agreement.effective, dt.time(), dt.timezone.utc))

    tpl = DocxTemplate(io.BytesIO(_template_bytes()))
    tpl.render(_context(agreement, notes), _jinja_env(), autoescape=True)
    doc: DocumentObject = tpl.docx

    headings = _Builder(doc, _marker(doc, _CLAUSES)).clauses(agreement)
    notes_anchor = _marker(doc, _NOTES)
    if notes == "appendix":
        _Builder(doc, notes_anchor).appendix(agreement)
    _remove(notes_anchor)
    if notes == "comments":
        _add_comments(doc, headings, when)
    _contents(doc, _marker(doc, _CONTENTS))
    _properties(doc, agreement, when)

    out = io.BytesIO()
    doc.save(out)
    return _stable_zip(out.getvalue(), when)


# -- template and context ----------------------------------------------------


@lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    """The template file, read once per process."""
    return (templates_dir() / TEMPLATE_NAME).read_bytes()


class _CachingEnvironment(SandboxedEnvironment):
    """docxtpl compiles each part's XML with from_string on every render; the
    XML of a given template part never changes, so keep the compiled form."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
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


def _context(agreement: Agreement, notes: NoteMode) -> dict[str, Any]:
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
        "copy_kind": _COPY_KIND[notes],
        "signature_sides": _signature_sides(agreement),
        "contents": _CONTENTS,
        "clauses": _CLAUSES,
        "drafting_notes": _NOTES,
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
        {"label": label.get(side, f"For the {side} side"), "rows": named.get(side) or blank.get(side, [])}
        for side in sides
    ]


# -- body built in code ------------------------------------------------------


def _marker(doc: DocumentObject, mark: str) -> DocxParagraph:
    for p in doc.element.body.iterchildren(qn("w:p")):
        para = DocxParagraph(p, doc._body)
        if para.text == mark:
            return para
    raise LookupError(f"the Word template has no {mark.strip(chr(0x2063))} paragraph")


def _remove(paragraph: DocxParagraph) -> None:
    paragraph._p.getparent().remove(paragraph._p)


@dataclass
class _Anchored:
    """A clause as placed in the document: where its comment will go."""

    clause: Clause
    first: Run
    last: Run


class _Builder:
    """Writes paragraphs in front of a marker paragraph, then removes it."""

    def __init__(self, doc: DocumentObject, anchor: DocxParagraph) -> None:
        self.doc, self.anchor = doc, anchor

    def para(self, style_id: str, spans: Iterable[Span] = ()) -> DocxParagraph:
        p = OxmlElement("w:p")
        self.anchor._p.addprevious(p)
        para = DocxParagraph(p, self.anchor._parent)
        p.style = style_id
        for text, bold, italic in spans:
            _run(para, text, bold, italic)
        return para

    def clauses(self, agreement: Agreement) -> list[_Anchored]:
        placed = []
        for index, section in enumerate(agreement.sections):
            heading = self.para(_H1, [(f"{section.number}. {section.title}", False, False)])
            if index == 0:
                heading.paragraph_format.page_break_before = True
            for clause in section.clauses:
                title = self.para(_H2, [(f"{clause.number} {clause.title}", False, False)])
                last = title.runs[-1]
                for para in self.blocks(clause.blocks, numbered=True):
                    if para.runs:
                        last = para.runs[-1]
                placed.append(_Anchored(clause, title.runs[0], last))
        _remove(self.anchor)
        return placed

    def blocks(self, blocks: tuple[Block, ...], *, numbered: bool) -> list[DocxParagraph]:
        out = []
        for block in blocks:
            if isinstance(block, Paragraph):
                if numbered and block.number:
                    out.append(self.para(_NUMBERED, [(f"{block.number}\t", False, False), *_spans(block.inlines)]))
                else:
                    out.append(self.para(_TEXT if numbered else _NOTE, _spans(block.inlines)))
            else:
                for i, item in enumerate(block.items):
                    out.append(self.para(_ITEM, [(f"({letter(i)})\t", False, False), *_spans(item)]))
        return out

    def appendix(self, agreement: Agreement) -> None:
        heading = self.para(_H1, [("Drafting notes", False, False)])
        heading.paragraph_format.page_break_before = True
        self.para(_NOTE, [(
            "These notes explain the thinking behind each clause. They are not part of the agreement.",
            False, True,
        )])
        for clause in agreement.clauses():
            lines = _note_lines(clause)
            if not lines:
                continue
            self.para(_H3, [(f"{clause.number} {clause.title}", False, False)])
            for spans in lines:
                self.para(_NOTE, spans)


def _run(para: DocxParagraph, text: str, bold: bool, italic: bool) -> Run:
    run = para.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return run


def _spans(inlines: Iterable[Inline]) -> list[Span]:
    out: list[Span] = []
    for item in inlines:
        if isinstance(item, Text):
            out.append((item.text, item.bold, item.italic))
        elif isinstance(item, TermUse):
            out.append((item.term, item.bold, item.italic))
        elif isinstance(item, Ref):
            out.append((item.label, False, False))
    return [s for s in out if s[0]]


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
            lines.extend([(f"({letter(i)}) ", False, False), *_spans(item)] for i, item in enumerate(block.items))
    if not lines:
        return []
    if clause.citations:
        lines.append([("Cites: ", True, False), ("; ".join(c.short for c in clause.citations), False, False)])
    prov = clause.provenance
    if prov.source == "custom":
        lines.append([("Departs from the model: ", True, False), (
            "the parties replaced the model wording of this clause with their own. "
            + (f"Reason given: {prov.reason}" if prov.reason else "No reason was recorded."),
            False, False,
        )])
    elif prov.source == "added":
        lines.append([("Departs from the model: ", True, False), (
            "this clause is the parties' own and is not in the model library. "
            + (f"Reason given: {prov.reason}" if prov.reason else "No reason was recorded."),
            False, False,
        )])
    if prov.variant and prov.recommended_variant and prov.variant != prov.recommended_variant:
        lines.append([("Variant chosen: ", True, False), (
            f"\u201c{prov.variant_label or prov.variant}\u201d; the library recommends "
            f"the \u201c{prov.recommended_variant}\u201d variant.",
            False, False,
        )])
    return lines


def _add_comments(doc: DocumentObject, placed: list[_Anchored], when: dt.datetime) -> None:
    """One native comment per clause with a note, spanning its heading and text."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for item in placed:
        lines = _note_lines(item.clause)
        if not lines:
            continue
        comment = doc.add_comment([item.first, item.last], text="", author=COMMENT_AUTHOR,
                                  initials=COMMENT_INITIALS)
        comment._comment_elm.set(qn("w:date"), stamp)
        para = comment.paragraphs[0]
        for index, spans in enumerate(lines):
            if index:
                para = comment.add_paragraph()
            for text, bold, italic in spans:
                _run(para, text, bold, italic)


# -- contents, properties, packaging -----------------------------------------


def _contents(doc: DocumentObject, anchor: DocxParagraph) -> None:
    """A TOC field over Heading 1-2, pre-filled with the headings so readers
    that do not update fields still show a contents list."""
    entries = []
    levels = {_H1: 1, _H2: 2}
    for p in doc.element.body.iterchildren(qn("w:p")):
        level = levels.get(p.style)
        if level:
            entries.append((level, DocxParagraph(p, doc._body).text))
    builder = _Builder(doc, anchor)
    paras = [builder.para(_TOC[level], [(text, False, False)]) for level, text in entries]
    if not paras:
        paras = [builder.para(_TOC[1])]
    first, last = paras[0]._p, paras[-1]._p
    begin = [_fld_char("begin", dirty=True), _instr(' TOC \\o "1-2" \\h \\z \\u '), _fld_char("separate")]
    ppr = first.pPr
    for offset, el in enumerate(begin):
        run = OxmlElement("w:r")
        run.append(el)
        if ppr is not None:
            first.insert(list(first).index(ppr) + 1 + offset, run)
        else:
            first.insert(offset, run)
    end = OxmlElement("w:r")
    end.append(_fld_char("end"))
    last.append(end)
    _remove(anchor)


def _fld_char(kind: str, dirty: bool = False) -> Any:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        el.set(qn("w:dirty"), "true")
    return el


def _instr(code: str) -> Any:
    el = OxmlElement("w:instrText")
    el.set(qn("xml:space"), "preserve")
    el.text = code
    return el


def _properties(doc: DocumentObject, agreement: Agreement, when: dt.datetime) -> None:
    cp = doc.core_properties
    cp.title = agreement.title
    cp.subject = agreement.organisation
    cp.author = cp.last_modified_by = CORE_AUTHOR
    cp.language = "en-GB"
    cp.created = cp.modified = when.replace(tzinfo=None)
    for tag in ("cp:lastPrinted", "cp:revision"):
        for el in cp._element.findall(qn(tag)):
            cp._element.remove(el)


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def _stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with fixed member dates so equal input gives equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info))
    return out.getvalue()
