"""Word review copy: the agreement with each review finding as a comment.

A staff-side chair reads the organisation's agreement as it stands, with
the review's findings in the margin of the clause each one concerns. A
finding about something the agreement lacks (a recommended clause that was
removed, a checklist item nothing covers) has no clause to sit on, so it is
listed in a section at the end; a table on the first page counts them all.
"""

from __future__ import annotations

import datetime as dt

from docx.oxml.text.paragraph import CT_P

from ..assembly.model import Agreement
from ..load.source_part import clause_bookmark
from ..render.notes import sentence
from ..render.word.body import (
    H1,
    NOTE,
    Anchored,
    Builder,
    Span,
    page_break_before,
    remove,
)
from ..render.word.comments import CommentHead, NewComment, add_comments
from ..render.word.document import CLAUSES, NOTES, WordDocument, finish, open_with_clauses, stamp_time
from ..render.word.wordml import para_xml, parse_fragment, run_xml, table_xml
from ..utils.redline import redline_hunks
from .review import SEVERITIES, Finding, severity_rank

__all__ = ["render_review_docx"]

REVIEW_AUTHOR = "Staff-side review"
REVIEW_INITIALS = "SR"
UNTIED_HEADING = "Review findings not tied to a clause"
SUMMARY_HEADING = "Staff-side review"
_COPY_KIND = "Staff-side review: findings appear as Word comments"
# TOCHeading: a heading style that stays out of the contents list
_HEADING, _NORMAL, _TABLE_TEXT, _TABLE = "TOCHeading", "Normal", "TableText", "AgreementTable"
_COLUMNS = (2551, 1417)  # 45 mm and 25 mm, in twips


def render_review_docx(
    agreement: Agreement, findings: list[Finding], *, timestamp: dt.datetime | None = None
) -> bytes:
    """The agreement as a clean copy, each finding a native Word comment on
    its clause. Findings about another agreement of the set are left out.
    ``timestamp`` (default: SOURCE_DATE_EPOCH if set, else the effective
    date) dates the comments."""
    when = stamp_time(agreement, timestamp)
    doc, markers, anchored = open_with_clauses(agreement, _COPY_KIND, word_classes=True)
    placed = {a.clause.id: a for a in anchored}
    remove(markers[CLAUSES])

    mine = [f for f in findings if f.agreement == agreement.kind]
    tied = [(f.clause_id, f) for f in mine if f.clause_id in placed]
    untied = [f for f in mine if f.clause_id not in placed]
    _comments(doc, placed, tied, when)
    if untied:
        _untied_section(Builder(markers[NOTES]), untied)
    remove(markers[NOTES])
    _summary(doc, mine, len(untied))
    return finish(doc, agreement, markers, when)


# -- comments ----------------------------------------------------------------


def _comments(
    doc: WordDocument, placed: dict[str, Anchored], tied: list[tuple[str, Finding]], when: dt.datetime
) -> None:
    """Comments in document order (then worst first), so their ids follow the
    page. ``tied`` pairs each finding with the id of the placed clause it is on."""
    order = {cid: i for i, cid in enumerate(placed)}
    ordered = sorted(tied, key=lambda t: (order[t[0]], -severity_rank(t[1].severity)))
    items = (NewComment(placed[cid].first, placed[cid].last, comment_lines(f)) for cid, f in ordered)
    add_comments(doc.comments, items, CommentHead(REVIEW_AUTHOR, REVIEW_INITIALS, when))


def comment_lines(finding: Finding) -> list[list[Span]]:
    """ "[HIGH] summary", each detail as a paragraph, then the model's words
    against this draft's where the finding is about wording."""
    lines = [[Span(f"[{finding.severity.upper()}] ", bold=True), Span(finding.summary)]]
    lines += [[Span(d)] for d in finding.detail if d]
    if finding.redline is not None and finding.redline.changed:
        model, draft = redline_hunks(finding.redline)
        lines.append([Span("Model: ", bold=True), Span(model)])
        lines.append([Span("This draft: ", bold=True), Span(draft)])
    return lines


# -- findings without a clause, and the summary ------------------------------


def _untied_section(builder: Builder, untied: list[Finding]) -> None:
    builder.para(H1, [Span(UNTIED_HEADING)], page_break=True)
    for finding in untied:
        text = " ".join([sentence(finding.summary), *(sentence(d) for d in finding.detail if d)])
        builder.para(NOTE, [Span(f"[{finding.severity.upper()}] ", bold=True), Span(text)])


def _summary(doc: WordDocument, findings: list[Finding], untied: int) -> None:
    """A first page before the cover: what the review found, by severity, then
    each finding with a link to its clause."""
    cover: CT_P = doc.body[0]
    builder = Builder(cover)
    builder.para(_HEADING, [Span(SUMMARY_HEADING)])
    builder.para(_NORMAL, [Span(_summarysentence(len(findings), untied))])
    counts = {s: sum(f.severity == s for f in findings) for s in reversed(SEVERITIES)}
    rows = [("Severity", "Findings"), *((s.capitalize(), str(n)) for s, n in counts.items())]
    rows.append(("Total", str(len(findings))))
    cells = (
        [para_xml(_TABLE_TEXT, run_xml(text, bold=index in (0, len(rows) - 1))) for text in row]
        for index, row in enumerate(rows)
    )
    (table,) = parse_fragment(table_xml(_TABLE, _COLUMNS, cells))
    cover.addprevious(table)
    # Then every finding, worst first, its clause a link to the clause itself.
    if findings:
        builder.para(_NORMAL, [Span("The findings, most serious first", bold=True)])
    for finding in sorted(findings, key=lambda f: -severity_rank(f.severity)):
        spans = [Span(f"[{finding.severity.upper()}] ", bold=True)]
        if finding.clause_number:
            where = f"{finding.clause_number} {finding.clause_title}"
            spans.append(Span(where, link=clause_bookmark(finding.clause_number)))
            spans.append(Span(": "))
        spans.append(Span(sentence(finding.summary)))
        builder.para(_NORMAL, spans)
    page_break_before(cover)


def _summarysentence(total: int, untied: int) -> str:
    if not total:
        return "The review found nothing to report on this agreement."
    found = f"The review found {total} point{'s' * (total != 1)} on this agreement"
    listed = f"listed under \u201c{UNTIED_HEADING}\u201d at the end"
    tied = total - untied
    if not untied:
        where = "a comment on the clause" if total == 1 else "comments on the clauses"
        return f"{found}, shown as {where} concerned."
    if not tied:
        return f"{found}, about what the agreement lacks, {listed}."
    return (
        f"{found}. {tied} {'is' if tied == 1 else 'are'} shown as comments on the clauses"
        f" concerned; {untied} about what the agreement lacks {'is' if untied == 1 else 'are'}"
        f" {listed}."
    )
