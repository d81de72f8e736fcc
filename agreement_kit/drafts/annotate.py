"""Their document with every finding as a Word comment on their own paragraph.

Only comment anchors (w:commentRangeStart, w:commentRangeEnd and the
reference run) and the comments part are added: every paragraph's text,
style, numbering and section settings stay exactly as the draft had them.
Comments are added with python-docx's comments API.
"""

from __future__ import annotations

import io
from typing import Any

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

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
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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


