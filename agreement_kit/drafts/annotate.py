"""Their document with every finding as a Word comment on their own paragraph.

Only comment anchors (w:commentRangeStart, w:commentRangeEnd and the
reference run) and the comments part are added: every paragraph's text,
style, numbering and section settings stay exactly as the draft had them.
Comments are added with python-docx's comments API.
"""

from __future__ import annotations

import io
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run
from lxml import etree

from ..load.draft_read import Para
from ..utils.redline import redline_hunks
from .findings import DraftFinding, DraftReview

AUTHOR, INITIALS = "Staff-side review", "SR"


def annotated_docx(review: DraftReview) -> bytes:
    draft = review.draft
    document = draft.document
    for finding in sorted(review.findings, key=lambda f: (f.para, -_rank(f.severity))):
        para = _with_runs(draft.paras, finding.para)
        if para is None:
            continue
        runs = _runs(para, document)
        lines = comment_lines(finding)
        comment = document.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
        for line in lines[1:]:
            comment.add_paragraph(line)
    if review.findings:
        _add_comment_styles(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# The styles python-docx's comments refer to by id, as Word itself defines them. A
# draft that has never held a comment lacks them, and a style referred to but not
# defined is a fault Word repairs on opening.
_COMMENT_STYLES = {
    "CommentText": (
        '<w:style w:type="paragraph" w:styleId="CommentText" {ns}><w:name w:val="annotation text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
    ),
    "CommentReference": (
        '<w:style w:type="character" w:styleId="CommentReference" {ns}><w:name w:val="annotation reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>'
        "<w:semiHidden/><w:unhideWhenUsed/>"
        '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'
    ),
}


_WITH_EFFECTS = "application/vnd.ms-word.stylesWithEffects+xml"


def _add_comment_styles(document: Any) -> None:
    _add_styles(document.styles.element)
    # Word 2010 keeps a second copy of the styles; the two must list the same styles
    for part in document.part.package.iter_parts():
        if part.content_type == _WITH_EFFECTS and hasattr(part, "element"):
            _add_styles(part.element)
        elif part.content_type == _WITH_EFFECTS:
            copy = parse_xml(part.blob)
            _add_styles(copy)
            part._blob = etree.tostring(copy, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_styles(styles: Any) -> None:
    have = {s.get(qn("w:styleId")) for s in styles.iterchildren(qn("w:style"))}
    names = {n.get(qn("w:val")) for n in styles.iter(qn("w:name"))}
    for style_id, xml in _COMMENT_STYLES.items():
        if style_id in have:
            continue
        style = parse_xml(xml.format(ns=nsdecls("w")))
        if style.find(qn("w:name")).get(qn("w:val")) in names:  # a draft's own style of that name
            style.find(qn("w:name")).set(qn("w:val"), style_id)
        basis = style.find(qn("w:basedOn"))
        if basis.get(qn("w:val")) not in have:
            style.remove(basis)
        styles.append(style)


def _rank(severity: str) -> int:
    return ("info", "low", "medium", "high").index(severity)


def _with_runs(paras: list[Para], index: int) -> Para | None:
    """The paragraph, or the nearest one after (then before) it with text to anchor on."""
    order = list(range(index, len(paras))) + list(range(index - 1, -1, -1))
    for i in order:
        if paras[i].text.strip() and _run_elements(paras[i].element):
            return paras[i]
    return None


def _run_elements(p: Any) -> list[Any]:
    """Runs of this paragraph's own text, not deleted text (a comment may not start inside a
    deletion): its direct runs, else those in insertions and hyperlinks."""
    kept = (qn("w:ins"), qn("w:hyperlink"), qn("w:moveTo"))
    direct = [r for r in p.iterchildren(qn("w:r"))]
    nested = [r for r in p.iterchildren(*kept) for r in r.iterchildren(qn("w:r"))]
    return direct or nested


def _runs(para: Para, document: Any) -> list[Run]:
    paragraph = WordParagraph(para.element, document._body)
    elements = _run_elements(para.element)
    return [Run(elements[0], paragraph), Run(elements[-1], paragraph)]


def comment_lines(finding: DraftFinding) -> list[str]:
    lines = [f"[{finding.severity.upper()}] {finding.summary}"]
    lines += [d for d in finding.detail if d]
    if finding.redline is not None and finding.redline.changed:
        model, draft = redline_hunks(finding.redline)
        lines += [f"Model: {model}", f"This draft: {draft}"]
    return lines
