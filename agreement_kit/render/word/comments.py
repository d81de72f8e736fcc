"""Native Word comments, as python-docx's add_comment writes them: each a
w:comment of CommentText paragraphs (the first opening with an annotationRef
run) in the comments part, and in the body a range start, a range end and a
CommentReference run. Written as text: the comments part is never read back.

Two ways to place them: ``add_comments`` on runs of a parsed body (the review
document, whose clauses are parsed), and ``mark_runs`` on a paragraph's XML
text before it is ever parsed (an agreement, whose clauses never are).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .wordml import SpanLike, escape, para_xml, parse_fragment, spans_xml

if TYPE_CHECKING:
    from docx.oxml.text.run import CT_R

COMMENT_TEXT, COMMENT_REFERENCE = "CommentText", "CommentReference"
# The mark Word shows at the start of a comment, as python-docx writes it.
_ANNOTATION_REF = f'<w:r><w:rPr><w:rStyle w:val="{COMMENT_REFERENCE}"/></w:rPr><w:annotationRef/></w:r>'


def iso(when: dt.datetime) -> str:
    """The form Word writes in w:date: 2026-04-01T00:00:00Z."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def range_start(n: int) -> str:
    return f'<w:commentRangeStart w:id="{n}"/>'


def range_end(n: int) -> str:
    """The range's end and the reference run that follows it."""
    return (
        f'<w:commentRangeEnd w:id="{n}"/>'
        f'<w:r><w:rPr><w:rStyle w:val="{COMMENT_REFERENCE}"/></w:rPr><w:commentReference w:id="{n}"/></w:r>'
    )


@dataclass(frozen=True)
class CommentHead:
    """Who wrote the comments of a document, and when."""

    author: str
    initials: str
    when: dt.datetime

    def comment(self, n: int, lines: Iterable[Iterable[SpanLike]]) -> str:
        """The w:comment numbered ``n``, a paragraph per line."""
        head = (
            f'w:author="{escape(self.author)}" w:initials="{escape(self.initials)}" w:date="{iso(self.when)}"'
        )
        kept = tuple(tuple(spans) for spans in lines) or ((),)
        return f'<w:comment w:id="{n}" {head}>{_comment_paragraphs(kept)}</w:comment>'


@dataclass(frozen=True)
class NewComment:
    """A comment to add: the runs it spans and its paragraphs."""

    first: CT_R
    last: CT_R
    lines: list[list[Any]]


def add_comments(comments: list[str], items: Iterable[NewComment], head: CommentHead) -> None:
    """Comments numbered on from those in ``comments`` (each appended there),
    each spanning runs ``first`` to ``last`` of a parsed body."""
    items = list(items)
    base = len(comments)
    for n, item in enumerate(items, start=base):
        comments.append(head.comment(n, item.lines))
    # Each comment's range start, range end and reference run, parsed at once.
    marks = parse_fragment("".join(range_start(n) + range_end(n) for n in range(base, base + len(items))))
    for i, item in enumerate(items):
        start, end, reference = marks[3 * i : 3 * i + 3]
        item.first.addprevious(start)
        item.last.addnext(reference)
        item.last.addnext(end)


# A paragraph's runs as spans_xml writes them: each opens with "<w:r>"; a
# hyperlink holds one run, which is not the paragraph's own (python-docx's
# p.find("w:r") would not find it either).
_RUN, _RUN_END = "<w:r>", "</w:r>"
_HYPERLINK = re.compile(r"<w:hyperlink [^>]*>.*?</w:hyperlink>")


def own_runs(content: str) -> tuple[int, int] | None:
    """Where a paragraph content's first own run (not a hyperlink's) starts
    and where its last one ends; None if it has none."""
    if "<w:hyperlink" not in content:  # most paragraphs: every run is its own
        first = content.find(_RUN)
        if first < 0:
            return None
        return first, content.index(_RUN_END, content.rfind(_RUN)) + len(_RUN_END)
    links = [m.span() for m in _HYPERLINK.finditer(content)]
    runs = []
    at = content.find(_RUN)
    while at >= 0:
        end = content.index(_RUN_END, at) + len(_RUN_END)
        if not any(a <= at < b for a, b in links):
            runs.append((at, end))
        at = content.find(_RUN, end)
    return (runs[0][0], runs[-1][1]) if runs else None


def mark_runs(contents: list[str], n: int, first: tuple[int, int], last: tuple[int, int]) -> None:
    """Comment ``n`` from the start of run ``first`` to the end of run
    ``last``, each given as (paragraph index, position) in ``contents``,
    the paragraphs' XML text (changed in place)."""
    (p_last, end), (p_first, start) = last, first
    contents[p_last] = contents[p_last][:end] + range_end(n) + contents[p_last][end:]
    contents[p_first] = contents[p_first][:start] + range_start(n) + contents[p_first][start:]


# A comment's paragraphs, kept: in a batch most drafting notes are the same
# words for every employer. Spans are tuples of text and flags, so the lines
# are their own key.
COMMENT_CACHE_SIZE = 2048


@lru_cache(maxsize=COMMENT_CACHE_SIZE)
def _comment_paragraphs(lines: tuple[tuple[Any, ...], ...]) -> str:
    return "".join(
        para_xml(COMMENT_TEXT, (_ANNOTATION_REF if i == 0 else "") + spans_xml(spans))
        for i, spans in enumerate(lines)
    )
