"""A Word document from the agreement template, ready for a body to be built into.

templates/agreement.docx (built by templates/make_agreement_template.py) is
rendered with docxtpl's tags for the parts a maintainer lays out by hand:
cover, header and footer, signature block, schedule of unions. Marker
paragraphs in it (contents, clauses, schedules, drafting notes) are where
the callers build; ``finish`` fills the contents list and packages the
document with fixed dates. An agreement's clauses and schedules are spliced
in as text when it is packaged (``open_agreement``); the review document,
which places comments on parsed runs, has them parsed (``open_with_clauses``).
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XPath, _ProcessingInstruction

from ...assembly.model import Agreement, Schedule
from ...load.list_numbers import ListNumbers, paragraph_numbering
from ...utils import cache
from ...utils.epoch import fixed_time
from ...utils.resources import templates_dir
from .body import (
    H1,
    H2,
    Anchored,
    ClauseBody,
    clause_body,
    remove,
    schedule_heading_xml,
    schedule_xml,
)
from .lists import NUMBERING
from .template import SPLICE, Spliced, WordDocument, load_template
from .wordml import W_NS, para_xml, parse_fragment, qn, run_xml

if TYPE_CHECKING:
    from docx.oxml.text.paragraph import CT_P

TEMPLATE_NAME = "agreement.docx"
CORE_AUTHOR = "agreement-kit"

# Marker values given to the template's {{ contents }}, {{ clauses }} and
# {{ drafting_notes }} paragraphs; the paragraphs holding them are replaced.
_MARK = "\u2063agreement-kit:{}\u2063"
SIGNING_COPY = "Signing copy"
CONTENTS, CLAUSES, SCHEDULES, NOTES = (
    _MARK.format(n) for n in ("contents", "clauses", "schedules", "drafting_notes")
)

_TOC = {1: "TOC1", 2: "TOC2"}
_LEVELS = {H1: 1, H2: 2}
_W_T, _W_VAL = qn("w:t"), qn("w:val")
_PSTYLE_PATH = f"{qn('w:pPr')}/{qn('w:pStyle')}"

# fmt: off
_MONTHS = ("January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December")
# fmt: on
_SIDE_LABEL = {"management": "For the employer", "staff": "For the trade unions"}


def stamp_time(agreement: Agreement, timestamp: dt.datetime | None) -> dt.datetime:
    """The given time in UTC, else SOURCE_DATE_EPOCH's, else the effective
    date at 00:00 UTC: one fixed time for comments, revisions, properties and
    zip entries, so bytes are reproducible."""
    return _utc(fixed_time(timestamp, agreement.effective))


def open_template(
    agreement: Agreement,
    copy_kind: str,
    clauses: ClauseBody | None = None,
    schedules: tuple[Schedule, ...] = (),
    *,
    word_classes: bool = False,
    splice: bool = False,
) -> tuple[WordDocument, dict[str, CT_P]]:
    """The template rendered for this agreement, and its marker paragraphs by
    marker (CONTENTS, CLAUSES, SCHEDULES, NOTES) for the caller to build at and
    remove. ``clauses`` and ``schedules``, when given, are already in place
    before their markers (``finish`` removes the SCHEDULES marker): parsed, or
    with ``splice`` spliced in as text when the document is packaged.
    ``word_classes``: the document's elements are python-docx's, for a caller
    that uses their methods (page_break_before)."""
    template = load_template(templates_dir() / TEMPLATE_NAME)
    pieces = {CLAUSES: Spliced(clauses.xml, clauses.headings)} if clauses is not None else {}
    if schedules:
        numbers = frozenset(c.number for c in agreement.clauses())
        pieces[SCHEDULES] = Spliced(
            "".join(schedule_xml(s, numbers) for s in schedules),
            "".join(schedule_heading_xml(s) for s in schedules),
        )
    context = _context(agreement, copy_kind)
    if splice:
        doc = template.render(context, _jinja_env(), spliced=pieces, word_classes=word_classes)
    else:
        before = {marker: piece.xml for marker, piece in pieces.items()}
        doc = template.render(context, _jinja_env(), before=before, word_classes=word_classes)
    return doc, _markers(doc)


def open_with_clauses(
    agreement: Agreement, copy_kind: str, *, signing: bool = False, word_classes: bool = False
) -> tuple[WordDocument, dict[str, CT_P], list[Anchored]]:
    """The template with the agreement's numbered clauses in place of the CLAUSES
    marker (which is left for the caller to remove), its schedules (those of a
    signing copy when ``signing``), and where each clause sits."""
    doc, markers, body = _with_clauses(agreement, copy_kind, signing, word_classes=word_classes)
    return doc, markers, body.place(markers[CLAUSES])


def open_agreement(
    agreement: Agreement, copy_kind: str, *, signing: bool = False, comments: dict[str, int] | None = None
) -> tuple[WordDocument, dict[str, CT_P]]:
    """As ``open_with_clauses``, for a document that needs no clause parsed:
    the clauses and schedules are spliced in as text when it is packaged, so
    the body parsed and written back is the template's alone. ``comments``
    (clause id -> number) marks those clauses' runs for their comments."""
    doc, markers, _ = _with_clauses(agreement, copy_kind, signing, comments=comments, splice=True)
    return doc, markers


def _with_clauses(
    agreement: Agreement,
    copy_kind: str,
    signing: bool,
    *,
    comments: dict[str, int] | None = None,
    splice: bool = False,
    word_classes: bool = False,
) -> tuple[WordDocument, dict[str, CT_P], ClauseBody]:
    """The template with the clauses and schedules before their markers, and their lettered lists."""
    lists = load_template(templates_dir() / TEMPLATE_NAME).lists
    body = clause_body(agreement, lists, comments)
    schedules = agreement.schedules_for(signing)
    doc, markers = open_template(
        agreement, copy_kind, body, schedules, word_classes=word_classes, splice=splice
    )
    if body.item_lists:
        doc.rendered[NUMBERING] = lists.part_with(body.item_lists)
    return doc, markers, body


def finish(
    doc: WordDocument,
    agreement: Agreement,
    markers: dict[str, CT_P],
    when: dt.datetime,
    source: bytes | None = None,
    pages: dict[str, int] | None = None,
) -> bytes:
    """Fill the contents list (with page numbers when ``pages`` gives them), then
    package with the properties set and every date fixed, so equal input gives
    equal bytes."""
    remove(markers[SCHEDULES])
    _contents(doc, markers[CONTENTS], pages)
    return doc.to_bytes(
        title=agreement.title,
        subject=agreement.organisation,
        author=CORE_AUTHOR,
        language="en-GB",
        when=when,
        source=source,
    )


# -- template and context ----------------------------------------------------


class _CachingEnvironment(SandboxedEnvironment):
    """docxtpl compiles each part's XML with from_string on every render; the
    XML of a given template part never changes, so keep the compiled form: in
    this process, and its code in the per-user cache for the next ones."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}
        self._kept: dict[str, CodeType] | None = None

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) > 64:  # bounded: one entry per template part
                self._compiled.clear()
            # as from_string makes it, from code compiled now or in an earlier run
            code = self._code(source)
            template = self.template_class.from_code(self, code, self.make_globals(None), None)
            self._compiled[source] = template
        return template

    def _code(self, source: str) -> CodeType:
        if self._kept is None:
            self._kept = _read_code()
        code = self._kept.get(source)
        if code is None:
            code = self._kept[source] = self.compile(source)
            _write_code(self._kept)
        return code


# The code of the template's parts is kept under a hash of Jinja's version and
# of this module, which sets the environment up (utils/cache.py adds Python's).
_MAX_KEPT = 16  # parts: a template has five; older entries go first


def _code_file() -> tuple[str, str]:
    import jinja2

    prefix = f"word-jinja-{cache.key(__file__)[:8]}-"
    return prefix, f"{prefix}{cache.key(jinja2.__version__, Path(__file__).read_bytes())}.marshal"


def _read_code() -> dict[str, CodeType]:
    try:
        payload = cache.read(_code_file()[1])
        table = marshal.loads(payload) if payload else {}
    except (ValueError, EOFError, TypeError, OSError):  # a damaged entry is a miss
        return {}
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _write_code(table: dict[str, CodeType]) -> None:
    kept = dict(list(table.items())[-_MAX_KEPT:])
    try:
        prefix, name = _code_file()
        cache.write(name, marshal.dumps(kept), replaces=prefix)
    except (ValueError, OSError):  # marshal refuses something unexpected: keep nothing
        return


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
        # which library drafted it matters to those reviewing a draft, not on the signed copy
        "library_version": "" if copy_kind == SIGNING_COPY else agreement.library_version,
        "copy_kind": copy_kind,
        "signature_sides": _signature_sides(agreement),
        "contents": CONTENTS,
        "clauses": CLAUSES,
        "schedules": SCHEDULES,
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


# -- markers and contents ------------------------------------------------------


# Paragraphs that may be markers: every marker holds U+2063, which lxml looks for
# in one pass (reading every body paragraph's text in Python took 1.3 ms a document).
_MAYBE_MARKERS = XPath("w:p[contains(string(.), '\u2063')]", namespaces={"w": W_NS}, smart_strings=False)


def _markers(doc: WordDocument) -> dict[str, CT_P]:
    """The template's marker paragraphs, found in one pass."""
    wanted = {CONTENTS, CLAUSES, SCHEDULES, NOTES}
    found = {}
    for p in _MAYBE_MARKERS(doc.body):
        text = _text(p)
        if text in wanted:
            found[text] = p
    missing = sorted(m.strip("\u2063").split(":")[1] for m in wanted - found.keys())
    if missing:
        raise LookupError(f"the Word template has no {{{{ {missing[0]} }}}} paragraph")
    return found


def _text(p: CT_P) -> str:
    return "".join(p.itertext(_W_T))


# Heading 1-2 paragraphs of the body, and the placeholders of what is spliced in, in document order.
_HEADINGS = XPath(
    f"w:p[w:pPr/w:pStyle[@w:val='{H1}' or @w:val='{H2}']] | processing-instruction('{SPLICE}')",
    namespaces={"w": W_NS},
    smart_strings=False,
)
# a paragraph's text, as _text reads it, in one call into lxml (quicker than itertext here)
_TEXT_OF = XPath(".//w:t/text()", namespaces={"w": W_NS}, smart_strings=False)


def _contents(doc: WordDocument, anchor: CT_P, pages: dict[str, int] | None = None) -> None:
    """A TOC field over Heading 1-2, pre-filled with the headings so readers
    that do not update fields still show a contents list; with ``pages``
    (heading text -> page, from a laid-out copy), with their page numbers."""
    pages = pages or {}
    entries = []
    # a numbered heading's number is Word's (a list), not its text; the deeper
    # levels of the list left out here change no heading's number
    numbers = ListNumbers(doc.rendered.get(NUMBERING) or doc.template.lists.part)
    for level, numbering, text in _headings(doc):
        label = numbers.label_of(numbering)
        if text:  # a heading deleted as a tracked change has no w:t
            entries.append((level, f"{label.text} {text}" if label else text))
    begin = (
        # Not marked dirty: Word would ask on opening whether to update fields. The
        # entries are filled in already; Word's "Update field" adds page numbers.
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    lines = [
        (_TOC[level], run_xml(text) + (run_xml(f"\t{pages[text]}") if text in pages else ""))
        for level, text in entries
    ] or [(_TOC[1], "")]
    xml = "".join(
        para_xml(style, (begin if i == 0 else "") + body + (end if i == len(lines) - 1 else ""))
        for i, (style, body) in enumerate(lines)
    )
    doc.splice_before(anchor, xml)  # written as text when packaged: never parsed
    remove(anchor)


Heading = tuple[int, str, str]  # level (1 or 2), what places it in a list, its text


def _headings(doc: WordDocument) -> Iterator[Heading]:
    """The body's Heading 1-2 paragraphs in order, those of a spliced piece
    read from its headings alone."""
    for node in _HEADINGS(doc.body):
        if isinstance(node, _ProcessingInstruction):
            headings = doc.spliced[node.text].headings
            yield from _spliced_headings(headings) if headings else ()
        else:
            yield _heading(node)


def _heading(p: CT_P) -> Heading:
    return _LEVELS[p.find(_PSTYLE_PATH).get(_W_VAL)], paragraph_numbering(p), "".join(_TEXT_OF(p))


# In a batch every employer's clause headings are the same paragraphs: read once.
@lru_cache(maxsize=64)
def _spliced_headings(headings: str) -> tuple[Heading, ...]:
    return tuple(_heading(p) for p in parse_fragment(headings))


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)
