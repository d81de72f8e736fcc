"""Build templates/agreement.docx, the Word template the .docx renderer fills.

When to run it: after changing anything below (page, styles, cover, header
and footer, signature block, marker paragraphs), from the repository root:

    python templates/make_agreement_template.py

and commit the rebuilt agreement.docx with the change. The output is
byte-for-byte reproducible, and a test fails while the committed template
differs from what this script builds, so the two cannot drift apart. Edit
this script, never the .docx by hand in Word: Word rewrites the whole
package and splits the Jinja tags across runs.

The template is a docxtpl (Jinja) document. What it holds:

- the page (A4, margins), UK English defaults and every style the renderer
  uses: Title, Subtitle, Heading 1-3, "Clause Text", "Clause Number",
  "Clause Item", "Note Text", "Cover Text", "Cover Label", "Table Text",
  "toc 1"/"toc 2", "annotation text" and "annotation reference" (Word
  comments), and the table styles "Agreement Table" and "Signature Table";
- the cover, the header and footer and the signature block, written with
  docxtpl tags ({{ title }}, {%p for %}, {%tr for %}; see the context built
  in agreement_kit/render/word/document.py);
- the clause numbering as Word's own lists (numbering.xml): "Agreement
  clauses" numbers sections 3., clauses 3.2 and paragraphs 3.2.1, and
  "Agreement items" letters (a), (b); the renderer attaches them to
  paragraphs directly and finds them by these names;
- four marker paragraphs, ``{{ contents }}``, ``{{ clauses }}``,
  ``{{ schedules }}`` and ``{{ drafting_notes }}``: the renderer replaces each
  with content it builds in code (the table of contents field, the numbered
  clauses, the schedules as tables in the "Agreement Table" style, the
  appendix of drafting notes). Move them to move that content; keep each
  alone in its own paragraph.

Style ids matter: the renderer writes paragraphs by style id (Heading1,
Heading2, ClauseText, ClauseNumber, ClauseItem, NoteText, TOC1, TOC2,
CommentText, CommentReference), so rename a style's display name freely but
keep its id.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parent / "agreement.docx"

FONT = "Arial"
BLUE = RGBColor(0x00, 0x5E, 0xB8)  # NHS blue
DARK = RGBColor(0x23, 0x1F, 0x20)
GREY = RGBColor(0x42, 0x55, 0x63)
RULE = "AEB7BD"  # table and header rules
SHADE = "E8EDEE"  # table header fill

PAGE_W, PAGE_H, MARGIN = Mm(210), Mm(297), Mm(25)
TEXT_W = PAGE_W - 2 * MARGIN
INDENT = Mm(15)  # clause text sits here; numbers hang to its left
ITEM_INDENT = Mm(25)  # lettered items


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'docPropsVTypes">'
    b"<Application>agreement-kit</Application><DocSecurity>0</DocSecurity></Properties>"
)


def main(out: Path = OUT) -> Path:
    doc = Document()
    _clean_package(doc)
    _page(doc)
    _styles(doc)
    _numbering(doc)
    _settings(doc)
    _header_footer(doc)
    _body(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(_stable_zip(buffer.getvalue()))
    return out


def _stable_zip(data: bytes) -> bytes:
    """Fixed member dates, so rebuilding an unchanged template changes no bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info))
    return out.getvalue()


# -- package ---------------------------------------------------------------


def _clean_package(doc: DocumentObject) -> None:
    """Drop the stock template's thumbnail, stale styles copy and metadata."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.rels.pop(rid)
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = APP_XML
    for rid, rel in list(doc.part.rels.items()):
        # Word 2010 reads stylesWithEffects.xml in preference to styles.xml;
        # customXml holds the stock template's empty bibliography
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            doc.part.drop_rel(rid)
    cp = doc.core_properties
    cp.author = cp.title = cp.subject = cp.keywords = cp.comments = cp.category = ""
    cp.last_modified_by = ""
    cp.revision = 1
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin = section.bottom_margin = MARGIN
    section.left_margin = section.right_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(12)
    section.different_first_page_header_footer = True  # a bare cover


# -- styles ----------------------------------------------------------------


def _styles(doc: DocumentObject) -> None:
    styles = doc.styles
    _doc_defaults(doc)
    for style in list(styles):
        # keep the style gallery short: drop the stock coloured table styles
        if style.type == WD_STYLE_TYPE.TABLE and style.name not in ("Normal Table", "Table Grid"):
            style.element.getparent().remove(style.element)

    _para(styles["Normal"], size=11, after=6, line=1.15)
    _para(styles["Title"], size=28, bold=True, color=BLUE, before=0, after=12, line=1.0)
    _para(styles["Subtitle"], size=16, color=DARK, after=24, line=1.0)
    _para(
        styles["Heading 1"],
        size=14,
        bold=True,
        color=BLUE,
        before=18,
        after=6,
        keep=True,
        outline=0,
    )
    _para(
        styles["Heading 2"],
        size=11,
        bold=True,
        color=DARK,
        before=10,
        after=4,
        keep=True,
        outline=1,
    )
    _para(styles["Heading 3"], size=11, bold=True, color=GREY, before=8, after=3, keep=True, outline=2)
    _para(styles["TOC Heading"], size=14, bold=True, color=BLUE, before=0, after=12, outline=9)
    _para(styles["Header"], size=8.5, color=GREY, after=0, line=1.0)
    _para(styles["Footer"], size=8.5, color=GREY, after=0, line=1.0)
    for name in ("Header", "Footer"):
        _right_tab(styles[name])

    clause_text = _add(doc, "Clause Text", "ClauseText")
    _para(clause_text, left=INDENT, after=6)
    clause_number = _add(doc, "Clause Number", "ClauseNumber", based_on="ClauseText")
    _para(clause_number, left=INDENT, hanging=INDENT, tabs=(INDENT,))
    clause_item = _add(doc, "Clause Item", "ClauseItem", based_on="ClauseText")
    _para(clause_item, left=ITEM_INDENT, hanging=ITEM_INDENT - INDENT, tabs=(ITEM_INDENT,), after=4)
    note = _add(doc, "Note Text", "NoteText")
    _para(note, size=10, after=4, color=DARK)
    cover = _add(doc, "Cover Text", "CoverText")
    _para(cover, size=12, after=4)
    label = _add(doc, "Cover Label", "CoverLabel")
    _para(label, size=9, bold=True, color=GREY, before=12, after=2, caps=True)
    table_text = _add(doc, "Table Text", "TableText")
    _para(table_text, size=10, before=2, after=2, line=1.0)

    toc1 = _add(doc, "toc 1", "TOC1", next_id="Normal")
    _para(toc1, bold=True, before=6, after=2, keep=True)  # a section title never ends the contents page alone
    toc2 = _add(doc, "toc 2", "TOC2", next_id="Normal")
    _para(toc2, size=10, left=Mm(8), after=1)
    for toc in (toc1, toc2):
        _right_tab(toc, leader=True)

    comment_text = _add(doc, "annotation text", "CommentText")
    _para(comment_text, size=10, after=3, line=1.0)
    comment_ref = doc.styles.add_style("annotation reference", WD_STYLE_TYPE.CHARACTER)
    comment_ref.style_id = "CommentReference"
    comment_ref.font.size = Pt(8)
    for style in (comment_text, comment_ref):
        style.hidden = False
        style.unhide_when_used = True

    _table_style(doc, "Agreement Table", "AgreementTable", borders=True)
    _table_style(doc, "Signature Table", "SignatureTable", borders=False)


def _doc_defaults(doc: DocumentObject) -> None:
    """Arial 11pt, UK English, for every story (body, notes, comments)."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    size, size_cs = OxmlElement("w:sz"), OxmlElement("w:szCs")
    size.set(qn("w:val"), "22")
    size_cs.set(qn("w:val"), "22")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.extend([fonts, size, size_cs, lang])
    # theme fonts in the stock styles would override Arial; drop them
    for el in styles.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            el.attrib.pop(qn(f"w:{attr}"), None)
    for el in styles.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            el.attrib.pop(qn(f"w:{attr}"), None)


def _add(
    doc: DocumentObject,
    name: str,
    style_id: str,
    *,
    based_on: str = "Normal",
    next_id: str | None = None,
) -> BaseStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = doc.styles.get_by_id(based_on, WD_STYLE_TYPE.PARAGRAPH)
    style.quick_style = True
    if next_id:
        style.next_paragraph_style = doc.styles.get_by_id(next_id, WD_STYLE_TYPE.PARAGRAPH)
    return style


def _para(
    style: BaseStyle,
    *,
    size: float | None = None,
    bold: bool | None = None,
    color: RGBColor | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    keep: bool = False,
    outline: int | None = None,
    left: int | None = None,
    hanging: int | None = None,
    tabs: tuple[int, ...] = (),
    caps: bool = False,
) -> None:
    """Set a paragraph style's look from scratch (stock borders, numbering and theme gone)."""
    el = style.element
    for tag in ("w:pPr", "w:rPr"):
        old = el.find(qn(tag))
        if old is not None:
            el.remove(old)
    font, fmt = style.font, style.paragraph_format
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    if caps:
        font.all_caps = True
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if keep:
        fmt.keep_with_next = True
        fmt.keep_together = True
    if left is not None:
        fmt.left_indent = left
    if hanging is not None:
        fmt.first_line_indent = -hanging
    for pos in tabs:
        fmt.tab_stops.add_tab_stop(pos)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        el.get_or_add_pPr().append(lvl)


def _right_tab(style: BaseStyle, leader: bool = False) -> None:
    style.paragraph_format.tab_stops.add_tab_stop(
        TEXT_W, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS if leader else WD_TAB_LEADER.SPACES
    )


def _table_style(doc: DocumentObject, name: str, style_id: str, *, borders: bool) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.style_id = style_id
    style.base_style = doc.styles.get_by_id("TableNormal", WD_STYLE_TYPE.TABLE)
    el = style.element
    tbl_pr = OxmlElement("w:tblPr")
    if borders:
        tbl_pr.append(_borders("w:tblBorders", ("top", "left", "bottom", "right", "insideH", "insideV")))
    mar = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", 100), ("bottom", 40), ("right", 100)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    tbl_pr.append(mar)
    el.append(tbl_pr)
    if borders:
        # the header row: bold on a pale fill
        first = OxmlElement("w:tblStylePr")
        first.set(qn("w:type"), "firstRow")
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:b"))
        tc_pr = OxmlElement("w:tcPr")
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), SHADE)
        tc_pr.append(shd)
        first.extend([rpr, tc_pr])
        el.append(first)


def _borders(tag: str, sides: tuple[str, ...], size: int = 4, color: str = RULE) -> OxmlElement:
    box = OxmlElement(tag)
    for side in sides:
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), color)
        box.append(b)
    return box


# -- numbering ---------------------------------------------------------------

CLAUSE_LIST, ITEM_LIST = "Agreement clauses", "Agreement items"
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbering(doc: DocumentObject) -> None:
    """Two lists: the clauses' three levels, and lettered items. Attached to
    paragraphs by the renderer, not to the Heading styles: schedules and the
    signatures use Heading 1 too and are not numbered. Indents and tab stops
    are those of the Clause Number and Clause Item styles, so a number hangs
    where the typed numbers used to. Section and clause numbers are followed
    by a space, as typed headings were; a paragraph number by a tab."""
    numbering = doc.part.numbering_part.element
    indent, item_indent = Length(INDENT).twips, Length(ITEM_INDENT).twips

    def level(ilvl: int, fmt: str, text: str, suffix: str, left: int, hanging: int) -> str:
        ind = f'w:hanging="{hanging}"' if hanging else 'w:firstLine="0"'
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" {ind}/></w:pPr></w:lvl>'
        )

    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.iterchildren(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.iterchildren(qn("w:num"))]
    clauses_id, items_id = max(abstract_ids) + 1, max(abstract_ids) + 2
    abstract = [
        f'<w:abstractNum {_W_NS} w:abstractNumId="{clauses_id}"><w:nsid w:val="41474331"/>'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{CLAUSE_LIST}"/>'
        + level(0, "decimal", "%1.", "space", 0, 0)
        + level(1, "decimal", "%1.%2", "space", 0, 0)
        + level(2, "decimal", "%1.%2.%3", "tab", indent, indent)
        + "</w:abstractNum>",
        f'<w:abstractNum {_W_NS} w:abstractNumId="{items_id}"><w:nsid w:val="41474932"/>'
        f'<w:multiLevelType w:val="singleLevel"/><w:name w:val="{ITEM_LIST}"/>'
        + level(0, "lowerLetter", "(%1)", "tab", item_indent, item_indent - indent)
        + "</w:abstractNum>",
    ]
    nums = [
        f'<w:num {_W_NS} w:numId="{max(num_ids) + 1 + i}"><w:abstractNumId w:val="{a}"/></w:num>'
        for i, a in enumerate((clauses_id, items_id))
    ]
    # schema order: every abstractNum before the first num
    first_num = numbering.find(qn("w:num"))
    for xml in abstract:
        first_num.addprevious(parse_xml(xml))
    for xml in nums:
        numbering.append(parse_xml(xml))


# -- settings, header, footer -----------------------------------------------


def _settings(doc: DocumentObject) -> None:
    """UK English. Fields are not marked for update on opening: Word would ask first,
    and every field's shown text (contents, cross-references) is already right."""
    settings = doc.settings.element
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.find(qn("w:characterSpacingControl")).addprevious(lang)
    lang.set(qn("w:val"), "en-GB")


def _header_footer(doc: DocumentObject) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.add_run("{{ short_name }}")
    header.add_run("\t{{ title }}")
    _para_border(header, "bottom")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.add_run("Version {{ version }}\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    # the cover has its own (empty) first-page header and footer
    section.first_page_header.paragraphs[0].style = doc.styles["Header"]
    section.first_page_footer.paragraphs[0].style = doc.styles["Footer"]


def _field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result until Word updates it."""

    def fld(kind: str) -> OxmlElement:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    paragraph.add_run()._r.append(fld("separate"))
    paragraph.add_run(cached)
    paragraph.add_run()._r.append(fld("end"))


def _para_border(paragraph: Paragraph, side: str, size: int = 4, color: str = RULE) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = _borders("w:pBdr", (side,), size=size, color=color)
    bdr[0].set(qn("w:space"), "4")
    # pBdr sits before spacing/tabs in CT_PPr order; insert at the front after pStyle
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(bdr)
    else:
        ppr.insert(0, bdr)


# -- body ------------------------------------------------------------------


def _body(doc: DocumentObject) -> None:
    _cover(doc)
    contents = doc.add_paragraph("Contents", style="TOC Heading")
    contents.paragraph_format.page_break_before = True
    doc.add_paragraph("{{ contents }}")
    doc.add_paragraph("{{ clauses }}")
    _signatures(doc)
    doc.add_paragraph("{{ schedules }}")
    doc.add_paragraph("{{ drafting_notes }}")


def _cover(doc: DocumentObject) -> None:
    title = doc.add_paragraph("{{ title }}", style="Title")
    title.paragraph_format.space_before = Mm(40)
    doc.add_paragraph("{{ organisation }}", style="Subtitle")

    doc.add_paragraph("Between", style="Cover Label")
    doc.add_paragraph("{%p for party in parties %}")
    party = doc.add_paragraph(style="Cover Text")
    party.add_run("{{ party.name }}").bold = True
    party.add_run("{% if party.role %}, {{ party.role }}{% endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("and the recognised trade unions", style="Cover Label")
    doc.add_paragraph("{%p for union in unions %}")
    doc.add_paragraph(style="Cover Text").add_run("{{ union.name }}").bold = True
    doc.add_paragraph("{%p endfor %}")

    gap = doc.add_paragraph("About this document", style="Cover Label")
    gap.paragraph_format.space_before = Mm(20)
    rows = [
        ("Version", "{{ version }}"),
        ("Effective from", "{{ effective }}"),
        ("{%tr if review %}",),
        ("Review date", "{{ review }}"),
        ("{%tr endif %}",),
        ("{%tr if library_version %}",),
        ("Clause library", "version {{ library_version }}"),
        ("{%tr endif %}",),
        ("This copy", "{{ copy_kind }}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Signature Table"]
    for row in rows:
        cells = table.add_row().cells
        if len(row) == 1:  # a docxtpl row tag
            cells[0].paragraphs[0].add_run(row[0])
            continue
        label, value = row
        cells[0].paragraphs[0].style = doc.styles["Table Text"]
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].style = doc.styles["Table Text"]
        cells[1].paragraphs[0].add_run(value)
    _widths(table, (Mm(40), TEXT_W - Mm(40)))


def _signatures(doc: DocumentObject) -> None:
    heading = doc.add_paragraph("Signatures", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    doc.add_paragraph(
        "Signed for the parties to record that they accept this agreement and will work to it.",
        style="Normal",
    )
    doc.add_paragraph("{%p for side in signature_sides %}")
    doc.add_paragraph("{{ side.label }}", style="Heading 3")
    table = doc.add_table(rows=4, cols=3)
    table.style = doc.styles["Signature Table"]
    _header_row(table.rows[0], ("Name and role", "Signature", "Date"), doc)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for s in side.rows %}")
    name_cell, sign_cell, date_cell = table.rows[2].cells
    name = name_cell.paragraphs[0]
    name.style = doc.styles["Table Text"]
    name.add_run("{{ s.name }}").bold = True
    detail = name_cell.add_paragraph(style="Table Text")
    detail.add_run("{{ s.detail }}")
    for cell in (sign_cell, date_cell):
        # the line to sign on: a paragraph rule, inset so the two lines stay apart
        line = cell.paragraphs[0]
        line.style = doc.styles["Table Text"]
        line.paragraph_format.right_indent = Mm(6)
        _para_border(line, "bottom", size=8, color="231F20")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    _row_height(table.rows[2], Mm(18))
    table.rows[2]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _widths(table, (Mm(70), Mm(55), TEXT_W - Mm(125)))
    doc.add_paragraph("{%p endfor %}")


def _header_row(row, labels: tuple[str, ...], doc: DocumentObject) -> None:
    for cell, label in zip(row.cells, labels, strict=True):
        p = cell.paragraphs[0]
        p.style = doc.styles["Table Text"]
        p.add_run(label).bold = True
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # repeat on each page
    tr_pr.append(header)


def _widths(table: Table, widths: tuple[int, ...]) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(Length(w).twips for w in widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width


def _row_height(row, height: int) -> None:
    row.height = height
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


if __name__ == "__main__":
    print(f"wrote {main()}")
