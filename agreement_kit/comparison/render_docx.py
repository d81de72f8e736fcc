"""Word comparison: the new version of an agreement with every change tracked.

Each difference the comparison found becomes a native Word revision (w:ins,
w:del) by the given author and date, so the reader can step through, accept
or reject changes in Word or LibreOffice; accepting all gives the new
version's text, rejecting all the old. Paragraphs that appear or disappear
have their paragraph mark tracked too, so no empty paragraph is left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml.etree import SubElement

from ..assembly.model import Agreement, Clause, Section
from ..render.word.body import (
    H1,
    H2,
    Builder,
    Span,
    block_lines,
    bookmark,
    bookmark_name,
    page_break_before,
    remove,
    run,
)
from ..render.word.comments import iso
from ..render.word.document import CLAUSES, NOTES, WordDocument, finish, open_template, stamp_time, uk_date
from ..utils.redline import Redline, words_redline
from .compare import AgreementDiff, ClauseDiff, UnitChange

__all__ = ["render_compare_docx"]

SUMMARY_HEADING = "Summary of changes"
# TOCHeading: a heading style that stays out of the contents list
_HEADING, _NORMAL, _BULLET = "TOCHeading", "Normal", "ListBullet"
_INS, _DEL = "w:ins", "w:del"

Line = tuple[str, list[Span]]  # (paragraph style id, runs) as block_lines gives them


def render_compare_docx(diff: AgreementDiff, *, author: str, date: dt.datetime) -> bytes:
    """The new version (the old one if the agreement was withdrawn) with each
    change as a tracked change by ``author`` at ``date``."""
    base = diff.new or diff.old
    assert base is not None  # a diff always has at least one side
    when = stamp_time(base, date)
    doc, markers = open_template(base, _copy_kind(diff), word_classes=True)
    revisions = _Revisions(author, iso(when))
    _Redliner(Builder(markers[CLAUSES]), revisions, diff).write()
    remove(markers[CLAUSES])
    remove(markers[NOTES])
    _summary(doc, diff, author, when)
    return finish(doc, base, markers, when)


def _copy_kind(diff: AgreementDiff) -> str:
    if diff.old is None:
        return "Comparison: the whole agreement is new, shown as tracked insertions"
    if diff.new is None:
        return "Comparison: the whole agreement is withdrawn, shown as tracked deletions"
    old = diff.old
    return (
        f"Comparison: changes since version {old.version}"
        f" (effective {uk_date(old.effective)}) shown as tracked changes"
    )


# -- revisions ---------------------------------------------------------------


class _Revisions:
    """Makes w:ins and w:del marks. One id sequence serves revisions and
    bookmarks: Word wants annotation ids unique across the document."""

    def __init__(self, author: str, date: str) -> None:
        self.author, self.date = author, date
        self.last_id = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def mark(self, tag: str) -> BaseOxmlElement:
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(self.next_id()))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el

    def spans(self, p: CT_P, op: str, spans: Iterable[Span]) -> None:
        """Runs appended to ``p``: op '=' plain, '+' inserted, '-' deleted.
        Links are kept only on plain runs."""
        spans = [s for s in spans if s.text]
        if not spans:
            return
        if op == "=":
            for span in spans:
                run(p, span.text, span.bold, span.italic)
            return
        wrapper = self.mark(_INS if op == "+" else _DEL)
        p.append(wrapper)
        for span in spans:
            run(wrapper, span.text, span.bold, span.italic, deleted=op == "-")

    def redline(self, p: CT_P, redline: Redline) -> None:
        for op, text in redline.runs:
            self.spans(p, op, [Span(text)])

    def paragraph_mark(self, p: CT_P, op: str) -> None:
        """Track the paragraph mark itself (w:pPr/w:rPr, last in w:pPr)."""
        ppr = p.find(qn("w:pPr"))
        SubElement(ppr, qn("w:rPr")).append(self.mark(_INS if op == "+" else _DEL))


class _Redliner:
    """Writes the clauses of a diff in order, section headings as they change."""

    def __init__(self, builder: Builder, revisions: _Revisions, diff: AgreementDiff) -> None:
        self.builder, self.rev, self.diff = builder, revisions, diff
        self.old_sections = _sections_of(diff.old)
        self.new_sections = _sections_of(diff.new)
        self.links = {c.id: bookmark_name(c) for c in diff.new.clauses()} if diff.new else {}
        self.done: set[str] = set()  # section ids with a heading written

    def write(self) -> None:
        for clause_diff in self.diff.clauses:
            self.section(clause_diff.clause_id)
            self.clause(clause_diff)

    def whole(self, op: str, style: str, spans: list[Span], *, page_break: bool = False) -> CT_P:
        """A paragraph that is all plain, all inserted or all deleted."""
        p = self.builder.para(style, page_break=page_break)
        self.rev.spans(p, op, spans)
        if op != "=":
            self.rev.paragraph_mark(p, op)
        return p

    def section(self, clause_id: str) -> None:
        """The heading of the clause's section, once: matched by section id, so
        a renumbered or retitled section is redlined, not replaced."""
        section_id = (self.new_sections.get(clause_id) or self.old_sections[clause_id]).id
        if section_id in self.done:
            return
        first = not self.done
        self.done.add(section_id)
        old, new = _section(self.diff.old, section_id), _section(self.diff.new, section_id)
        self.heading(H1, _section_head(old), _section_head(new), page_break=first)

    def heading(self, style: str, old: str | None, new: str | None, *, page_break: bool = False) -> CT_P:
        if old is None or new is None:
            op = "+" if old is None else "-"
            return self.whole(op, style, [Span(new or old or "")], page_break=page_break)
        p = self.builder.para(style, page_break=page_break)
        if old == new:
            self.rev.spans(p, "=", [Span(new)])
        else:
            self.rev.redline(p, words_redline(old, new))
        return p

    def clause(self, cd: ClauseDiff) -> None:
        title = self.heading(H2, _clause_head(cd.old), _clause_head(cd.new))
        if cd.new is not None:
            first = title.find(qn("w:pPr")).getnext()
            bookmark(first, self.links[cd.clause_id], self.rev.next_id())
        old_lines = _lines(cd.old, {})
        new_lines = _lines(cd.new, self.links)
        for change in cd.units:
            self.unit(change, old_lines, new_lines)

    def unit(self, change: UnitChange, old_lines: list[Line], new_lines: list[Line]) -> None:
        """One paragraph or item; consumes its line(s) from the front of each list."""
        old = old_lines.pop(0) if change.old is not None else None
        new = new_lines.pop(0) if change.new is not None else None
        # The op says which sides a change has: inserted only the new,
        # deleted only the old, equal and changed both (compare's _diff_units).
        if change.op == "equal":
            assert new is not None
            self.whole("=", *new)
        elif change.op == "inserted":
            assert new is not None
            self.whole("+", *new)
        elif change.op == "deleted":
            assert old is not None
            self.whole("-", *old)
        else:
            assert new is not None and change.old is not None and change.new is not None
            p = self.builder.para(new[0])
            old_lead, new_lead = _lead(change.old.label), _lead(change.new.label)
            if old_lead == new_lead:
                self.rev.spans(p, "=", [Span(new_lead)])
            else:  # renumbered: 4.3.2 -> 4.4.2
                self.rev.spans(p, "-", [Span(old_lead)])
                self.rev.spans(p, "+", [Span(new_lead)])
            self.rev.redline(p, change.redline or words_redline(change.old.text, change.new.text))


def _lines(clause: Clause | None, links: dict[str, str]) -> list[Line]:
    """A clause's paragraphs and items in the order compare's units() lists them."""
    return block_lines(clause.blocks, links) if clause is not None else []


def _lead(label: str) -> str:
    return f"{label}\t" if label else ""


def _sections_of(agreement: Agreement | None) -> dict[str, Section]:
    if agreement is None:
        return {}
    return {c.id: s for s in agreement.sections for c in s.clauses}


def _section(agreement: Agreement | None, section_id: str) -> Section | None:
    if agreement is None:
        return None
    return next((s for s in agreement.sections if s.id == section_id), None)


def _section_head(section: Section | None) -> str | None:
    return f"{section.number}. {section.title}" if section is not None else None


def _clause_head(clause: Clause | None) -> str | None:
    return f"{clause.number} {clause.title}" if clause is not None else None


# -- summary -----------------------------------------------------------------


def _summary(doc: WordDocument, diff: AgreementDiff, author: str, when: dt.datetime) -> None:
    """A first page before the cover: every changed, added, removed or moved clause."""
    cover: CT_P = doc.body[0]
    builder = Builder(cover)
    builder.para(_HEADING, [Span(SUMMARY_HEADING)])
    changed = diff.changed()
    intro = f"{diff.summary()}."
    if changed:
        intro += (
            f" Each change is marked in the text as a tracked change by {author},"
            f" dated {uk_date(when.date())}."
        )
    builder.para(_NORMAL, [Span(intro)])
    for clause_diff in changed:
        builder.para(_BULLET, [Span(clause_diff.describe())])
    page_break_before(cover)
