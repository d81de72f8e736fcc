"""A facility-time report as Markdown, HTML and Word, from one outline.

``outline()`` lays the figures out as a title, lead lines and sections
(heading, paragraphs, one table, paragraphs); each format walks the same
outline, escaping every value: Markdown with render/markdown's escape, HTML
through the shared autoescaping environment and stylesheet, Word with
render/word's table and paragraph builders over the agreement template's
styles.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from ..assembly.facility_cost import pounds
from ..render.html import html_environment, stylesheet
from ..render.markdown import escape, guard_start
from ..render.word.body import TEXT_WIDTH
from ..render.word.wordml import para_xml, parse_fragment, run_xml, table_xml
from ..render.word.zip_package import write_zip
from ..utils.resources import templates_dir

TEMPLATE = "facility-time.html.j2"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    before: tuple[str, ...] = ()
    table: Table | None = None
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outline:
    title: str
    lead: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


# -- Markdown -------------------------------------------------------------------


def render_markdown(doc: Outline) -> str:
    out = [f"# {escape(doc.title)}", ""]
    out += [line for text in doc.lead for line in (guard_start(escape(text)), "")]
    for section in doc.sections:
        out += [f"## {escape(section.heading)}", ""]
        out += [line for text in section.before for line in (guard_start(escape(text)), "")]
        if section.table:
            t = section.table
            out.append("| " + " | ".join(escape(c) for c in t.columns) + " |")
            out.append("|" + " --- |" * len(t.columns))
            out += ["| " + " | ".join(escape(c) or "&nbsp;" for c in row) + " |" for row in t.rows]
            out.append("")
        out += [line for text in section.after for line in (guard_start(escape(text)), "")]
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML -----------------------------------------------------------------------


def render_html(doc: Outline) -> str:
    template = html_environment().get_template(TEMPLATE)
    return template.render(doc=doc, css=stylesheet("report.css"))


# -- Word -----------------------------------------------------------------------

_TITLE, _H1, _NORMAL, _TABLE_TEXT, _TABLE = "Title", "Heading1", "Normal", "TableText", "AgreementTable"


def render_docx(doc: Outline, when: dt.datetime) -> bytes:
    """The report on the agreement template's page and styles, without its
    headers, footers or agreement text; every zip entry dated ``when``."""
    word = Document(str(templates_dir() / "agreement.docx"))
    body = word.element.body
    section_properties = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not section_properties:
            body.remove(child)
    if section_properties is not None:
        for ref in section_properties.findall(qn("w:headerReference")) + section_properties.findall(
            qn("w:footerReference")
        ):
            section_properties.remove(ref)
        title_page = section_properties.find(qn("w:titlePg"))
        if title_page is not None:
            section_properties.remove(title_page)
    xml = [para_xml(_TITLE, run_xml(doc.title))]
    xml += [para_xml(_NORMAL, run_xml(text)) for text in doc.lead]
    for section in doc.sections:
        xml.append(para_xml(_H1, run_xml(section.heading)))
        xml += [para_xml(_NORMAL, run_xml(text)) for text in section.before]
        if section.table:
            xml.append(_table(section.table))
            xml.append(para_xml(_NORMAL))
        xml += [para_xml(_NORMAL, run_xml(text)) for text in section.after]
    for element in parse_fragment("".join(xml)):
        if section_properties is not None:
            section_properties.addprevious(element)
        else:
            body.append(element)
    props = word.core_properties
    props.title, props.author, props.subject = doc.title, "agreement-kit", "Facility time"
    props.created = props.modified = when.replace(tzinfo=None)
    props.last_modified_by, props.revision = "agreement-kit", 1
    saved = io.BytesIO()
    word.save(saved)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return write_zip(members, when)


def _table(table: Table) -> str:
    weights = table.widths or (1,) * len(table.columns)
    widths = tuple(TEXT_WIDTH * w // sum(weights) for w in weights)
    header = [para_xml(_TABLE_TEXT, run_xml(c, bold=True)) for c in table.columns]
    rows = [[para_xml(_TABLE_TEXT, run_xml(c) if c else "") for c in row] for row in table.rows]
    return table_xml(_TABLE, widths, [header, *rows], header_rows=1)


# -- helpers the outline shares ---------------------------------------------------


def money(value: Any) -> str:
    return "\u2014" if value is None else pounds(float(value))


def percent(value: Any, places: int = 2) -> str:
    return "\u2014" if value is None else f"{float(value):.{places}f}%"
