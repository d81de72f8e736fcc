"""WordprocessingML written as text, for the bulk of a document.

Building hundreds of paragraphs element by element through python-docx's
element classes cost more than the rest of a render put together; writing
them as XML text and parsing it once with lxml is several times faster, and
an agreement's text is never parsed at all (see template.Spliced).
Every piece of text and every attribute value passes through ``escape``:
nothing a user typed can reach the markup itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from lxml import etree

# python-docx's parser settings (blank text dropped, entities left alone), without
# its element classes: importing python-docx takes longer than rendering a document.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BREAKS = re.compile(r"(\t|\n)")


class SpanLike(Protocol):
    # Read-only, so a NamedTuple (whose fields cannot be set) satisfies it.
    @property
    def text(self) -> str: ...
    @property
    def bold(self) -> bool: ...
    @property
    def italic(self) -> bool: ...
    @property
    def link(self) -> str | None: ...
    @property
    def number(self) -> str | None: ...


def qn(tag: str) -> str:
    """``w:p`` -> ``{W_NS}p``, as python-docx's qn gives for the w: prefix."""
    prefix, name = tag.split(":")
    if prefix != "w":
        raise ValueError(f"only the w: namespace is known here, not {prefix}:")
    return f"{{{W_NS}}}{name}"


def escape(text: str) -> str:
    # str.replace runs in C; str.translate with a dict looks up every character
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run_xml(text: str, bold: bool = False, italic: bool = False, style: str | None = None) -> str:
    """One run; a tab or newline in the text becomes w:tab or w:br."""
    if not (style or bold or italic or "\t" in text or "\n" in text):  # most runs: plain text
        return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    props = ""
    if style or bold or italic:
        props = (
            "<w:rPr>"
            + (f'<w:rStyle w:val="{escape(style)}"/>' if style else "")
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + "</w:rPr>"
        )
    body = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            body.append("<w:tab/>")
        elif piece == "\n":
            body.append("<w:br/>")
        elif piece:
            body.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{props}{''.join(body)}</w:r>"


def spans_xml(spans: Iterable[SpanLike]) -> str:
    """Runs for spans. A span with a link and the number it ends with (a
    cross-reference, "clause 3.2") keeps its words as text and has the number
    as a REF field to that bookmark; with a link alone, it is a hyperlink."""
    out = []
    for span in spans:
        if span.link and span.number and span.text.endswith(span.number):
            words = span.text[: -len(span.number)]
            out.append(run_xml(words, span.bold, span.italic) if words else "")
            out.append(ref_xml(span.link, span.number, span.bold, span.italic))
            continue
        r = run_xml(span.text, span.bold, span.italic)
        if span.link:
            r = f'<w:hyperlink w:anchor="{escape(span.link)}" w:history="1">{r}</w:hyperlink>'
        out.append(r)
    return "".join(out)


def ref_xml(bookmark: str, shown: str, bold: bool = False, italic: bool = False) -> str:
    """A REF field to ``bookmark``: the list number of the paragraph it marks
    as Word shows it (\\n: "3.2" for a level written "%1.%2"), and a link
    there (\\h). ``shown`` is the result as it stands, so the document reads
    right before any field update, and Word need not ask to update on opening;
    after a clause is inserted by hand, updating fields renumbers the reference."""
    result = run_xml(shown, bold, italic)
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> REF {escape(bookmark)} \\n \\h </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{result}'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def para_xml(
    style_id: str, content: str = "", *, page_break: bool = False, num: tuple[int, int] | None = None
) -> str:
    """A paragraph; ``num`` (w:numId, level) puts it in a Word list."""
    brk = "<w:pageBreakBefore/>" if page_break else ""
    if num is not None:
        brk += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    return f'<w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/>{brk}</w:pPr>{content}</w:p>'


def bookmark_xml(bookmark_id: int, name: str, content: str) -> str:
    return (
        f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{escape(name)}"/>{content}'
        f'<w:bookmarkEnd w:id="{bookmark_id}"/>'
    )


def table_xml(
    style_id: str, widths: tuple[int, ...], rows: Iterable[Iterable[str]], *, header_rows: int = 0
) -> str:
    """A table of fixed column ``widths`` (twips) whose cells hold the given
    paragraphs' XML. Word reads the cell widths, LibreOffice the grid and w:tblW.
    The first ``header_rows`` repeat at the top of each page; a row whose cells
    are all empty paragraphs is given room to write in."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = []
    for index, row in enumerate(rows):
        cells = list(row)
        props = ""
        if index < header_rows:
            props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        elif all(_EMPTY_PARAGRAPH.fullmatch(c) for c in cells):
            props = f'<w:trPr><w:trHeight w:val="{_WRITING_ROOM}" w:hRule="atLeast"/></w:trPr>'
        body.append(
            f"<w:tr>{props}"
            + "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                for w, cell in zip(widths, cells, strict=True)
            )
            + "</w:tr>"
        )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(style_id)}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0"'
        f' w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )


_EMPTY_PARAGRAPH = re.compile(r"<w:p>(<w:pPr>.*?</w:pPr>)?</w:p>")
_WRITING_ROOM = 510  # twips, 9 mm: a row of a form to fill in by hand


def parse_xml(xml: str | bytes) -> Any:
    """The root element of a part, parsed as python-docx parses it."""
    return etree.fromstring(xml, _PARSER)


def parse_fragment(xml: str) -> list[Any]:
    """Elements from a run of sibling WordprocessingML elements."""
    return list(parse_xml(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
