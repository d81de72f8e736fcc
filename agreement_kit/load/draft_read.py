"""Read a Word draft into paragraphs and clauses (heading plus body).

python-docx opens the package (after ``guard`` has checked it); this module
reads each body paragraph as if every tracked change were accepted (inserted
and moved-to text kept, deleted and moved-from text dropped), with field
results, tabs and breaks as text; comments are not in the body and so never
read as clause text. A paragraph in a Word list is read with the number Word
shows in front of it (load/list_numbers.py), as if it were typed: most
drafts written in Word number their clauses that way. Headings are found by
style (Heading 1-9, an outline level) or, in drafts that use none, as short
bold paragraphs that carry a number, typed or automatic.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from .draft_guard import MAX_PARAGRAPHS, DraftError
from .list_numbers import ListNumbers

NUMBER = re.compile(r"^\s*(?:(?:clause|section|article|part)\s+)?(\d+(?:\.\d+)*)\.?(?:\s+|\t|$)", re.I)
ITEM = re.compile(r"^\s*\(?(?:[a-z]{1,3}|[ivx]{1,5}|\d{1,2})\)\s+")
BACK_MATTER = re.compile(r"^\s*(schedule|appendix|annex|signatures?|signed\b|signatories)", re.I)
TOC_STYLE = re.compile(r"^(toc|contents)\s*(\d|heading)", re.I)
HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)

_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_HYPHEN = qn("w:noBreakHyphen")
_DROPPED = {qn("w:del"), qn("w:moveFrom")}
_CHANGES = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"), qn("w:pPrChange"), qn("w:rPrChange"))
_P, _TXBX = qn("w:p"), qn("w:txbxContent")


@dataclass
class Para:
    index: int  # in document order, tables included
    element: Any  # the w:p, to anchor comments on
    text: str
    style: str
    level: int | None  # heading level, None for body text
    number: str | None  # a typed number, "4.3"
    in_table: bool
    changes: int  # tracked changes pending in it
    label: str = ""  # the list number Word shows in front of it, which ``text`` starts with

    @property
    def words(self) -> str:
        """The text without the list number Word shows (a typed number stays)."""
        return self.text[len(self.label) :].lstrip() if self.label else self.text


@dataclass
class Segment:
    index: int
    heading: str  # without its number
    number: str | None
    section: str  # the heading above it, if any
    paras: list[Para] = field(default_factory=list)  # the heading first, then the body

    @property
    def body(self) -> str:
        return "\n".join(ITEM.sub("", _strip_number(p.words)) for p in self.paras[1:] if p.text.strip())

    @property
    def text(self) -> str:
        return (self.heading + "\n" + self.body).strip()


@dataclass
class Draft:
    path: Path
    document: WordDocument
    paras: list[Para]
    front: list[Para]  # before the first heading: the cover
    segments: list[Segment]

    @property
    def full_text(self) -> str:
        return "\n".join(p.text for p in self.paras)


def open_draft(path: Path, data: bytes) -> Draft:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise DraftError(path, f"not a Word document we can read ({type(exc).__name__}: {exc})") from None
    paras = read_paragraphs(path, document)
    front, segments = split(paras)
    return Draft(path, document, paras, front, segments)


def read_paragraphs(path: Path, document: WordDocument) -> list[Para]:
    body = document.element.body
    out: list[Para] = []
    styles_cache: dict[str, tuple[str, int | None, bool]] = {}
    numbers = list_numbers(document)
    for p in body.iter(_P):
        if _inside_textbox(p, body):
            continue
        if len(out) >= MAX_PARAGRAPHS:
            raise DraftError(path, f"more than {MAX_PARAGRAPHS:,} paragraphs; too large to review")
        para = WordParagraph(p, document._body)
        style_id = p.style or ""
        if style_id not in styles_cache:
            styles_cache[style_id] = _style_info(para)
        style, style_level, style_bold = styles_cache[style_id]
        label = numbers.label(p)
        shown = label.text if label is not None and not label.bullet else ""
        text = " ".join(f"{shown} {paragraph_text(p)}".split())
        level = _outline_level(p)
        if level is None:
            level = style_level
        number_match = NUMBER.match(text)
        number = number_match.group(1) if number_match and "." in number_match.group(0) else None
        if level is None and not TOC_STYLE.match(style) and _looks_like_heading(p, text, style_bold):
            if number_match and (number_match.group(0).strip().endswith(".") or "." in number_match.group(1)):
                level = number_match.group(1).count(".") + 1
            elif label is not None:
                level = label.level + 1
        changes = sum(1 for tag in _CHANGES for _ in p.iter(tag))
        in_table = any(a.tag == qn("w:tc") for a in p.iterancestors())
        out.append(Para(len(out), p, text, style, level, number, in_table, changes, shown))
    return out


def list_numbers(document: WordDocument) -> ListNumbers:
    """The draft's list numbering, from its numbering and styles parts (without
    asking python-docx for a numbering part, which would add an empty one)."""
    numbering = next(
        (
            r.target_part
            for r in document.part.rels.values()
            if r.reltype == RT.NUMBERING and not r.is_external
        ),
        None,
    )
    return ListNumbers(getattr(numbering, "element", None), document.styles.element)


def paragraph_text(p: Any) -> str:
    """The paragraph's words as if its tracked changes were accepted."""
    pieces = []
    for el in p.iter(_T, _TAB, _BR, _CR, _HYPHEN):
        if _dropped(el, p):
            continue
        if el.tag == _T:
            pieces.append(el.text or "")
        elif el.tag == _HYPHEN:
            pieces.append("-")
        else:
            pieces.append(" ")
    return "".join(pieces)


def _dropped(el: Any, p: Any) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag in _DROPPED or ancestor.tag == _P:  # deleted, or a nested paragraph (a text box)
            return True
    return False


def _inside_textbox(p: Any, body: Any) -> bool:
    for ancestor in p.iterancestors():
        if ancestor is body:
            return False
        if ancestor.tag == _TXBX:
            return True
    return False


def _style_info(para: WordParagraph) -> tuple[str, int | None, bool]:
    """(name, heading level, bold) from the paragraph style and the styles it is based on."""
    try:
        style = para.style
    except (KeyError, ValueError):
        return "", None, False
    name = style.name or "" if style is not None else ""
    level, bold = None, False
    seen = 0
    while style is not None and seen < 10:
        seen += 1
        found = HEADING_STYLE.match(style.name or "")
        if level is None and found:
            level = int(found.group(1))
        if level is None and (style.name or "").lower() == "title":
            level = 0
        ppr = style.element.pPr
        outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if level is None and outline is not None and outline.get(qn("w:val")) not in (None, "9"):
            level = int(outline.get(qn("w:val"))) + 1
        bold = bold or bool(style.font.bold)
        style = style.base_style
    return name, level, bold


def _outline_level(p: Any) -> int | None:
    ppr = p.pPr
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if outline is None or outline.get(qn("w:val")) in (None, "9"):
        return None
    return int(outline.get(qn("w:val"))) + 1


def _looks_like_heading(p: Any, text: str, style_bold: bool) -> bool:
    """A short line in bold throughout, not ending as a sentence does."""
    if not text or len(text) > 120 or len(text.split()) > 14 or text.endswith((".", ":", ";", ",")):
        return False
    runs = [r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(_T)).strip()]
    if not runs:
        return False
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        b = rpr.find(qn("w:b")) if rpr is not None else None
        on = style_bold if b is None else b.get(qn("w:val"), "true") not in ("0", "false", "off")
        if not on:
            return False
    return True


def _strip_number(text: str) -> str:
    found = NUMBER.match(text)
    return text[found.end() :] if found and "." in found.group(0) else text


def split(paras: list[Para]) -> tuple[list[Para], list[Segment]]:
    """The cover, then each clause: a heading with the body up to the next heading.
    A heading directly followed by a deeper one titles a section; schedules and
    signatures after the clauses are not clauses."""
    front: list[Para] = []
    segments: list[Segment] = []
    current: Segment | None = None
    section = ""
    ended = False
    for i, para in enumerate(paras):
        if TOC_STYLE.match(para.style) or (para.level == 0):
            if current is None:
                front.append(para)
            continue
        if para.level is not None and para.text:
            if BACK_MATTER.match(para.words):
                ended = True
            if ended:
                continue
            following = next((q for q in paras[i + 1 :] if q.text and not TOC_STYLE.match(q.style)), None)
            heading = _strip_number(para.words).strip()
            if following is not None and following.level is not None and following.level > para.level:
                section = heading
                current = None
                continue
            current = Segment(len(segments), heading, para.number, section, [para])
            segments.append(current)
        elif current is None or ended:
            if not segments:
                front.append(para)
        else:
            current.paras.append(para)
    return front, segments
