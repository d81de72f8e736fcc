"""An agreement's clauses, schedules and contents list are spliced into its
document part as text, never parsed: the document is the one the parsed path
(which the review document still takes) makes, comment ranges included, for
every sample and notes mode; and a splice whose place is lost is an error,
never a silent loss."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pytest
from conftest import SAMPLES
from lxml import etree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly.model import Agreement
from agreement_kit.render.docx import (
    _COPY_KIND,
    COMMENT_AUTHOR,
    COMMENT_INITIALS,
    _appendix,
    _note_lines,
    _source,
    render_docx,
)
from agreement_kit.render.word.body import Builder, remove
from agreement_kit.render.word.comments import CommentHead, NewComment, add_comments
from agreement_kit.render.word.document import (
    CLAUSES,
    NOTES,
    finish,
    open_agreement,
    open_with_clauses,
    stamp_time,
)
from agreement_kit.render.word.template import SPLICE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def agreements() -> list[Agreement]:
    library = load_library()
    return [a for spec in SAMPLES for a in assemble(load_spec(spec), library)]


def parsed_path(agreement: Agreement, notes: str) -> bytes:
    """The agreement as the parsed path makes it: the clauses parsed with the
    template, each note's comment anchored on the parsed runs."""
    when = stamp_time(agreement, None)
    doc, markers, placed = open_with_clauses(agreement, _COPY_KIND[notes], signing=notes == "none")
    remove(markers[CLAUSES])
    if notes == "appendix":
        _appendix(Builder(markers[NOTES]), agreement)
    remove(markers[NOTES])
    if notes == "comments":
        items = (NewComment(p.first, p.last, lines) for p in placed if (lines := _note_lines(p.clause)))
        add_comments(doc.comments, items, CommentHead(COMMENT_AUTHOR, COMMENT_INITIALS, when))
    return finish(doc, agreement, markers, when, _source(agreement) if agreement.spec_text else None)


def parts(docx_bytes: bytes) -> dict[str, bytes]:
    """Each XML part canonicalised (a text's quotes may be escaped or not)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        return {
            name: etree.tostring(etree.fromstring(package.read(name)), method="c14n")
            for name in package.namelist()
            if name.endswith((".xml", ".rels")) and not name.startswith("customXml/")
        }


@pytest.mark.parametrize("notes", ["comments", "appendix", "none"])
def test_the_spliced_agreement_is_the_parsed_one(notes):
    for agreement in agreements():
        spliced = parts(render_docx(agreement, notes=notes))
        parsed = parts(parsed_path(agreement, notes))
        assert spliced.keys() == parsed.keys()
        for name in spliced:
            assert spliced[name] == parsed[name], (agreement.organisation, agreement.kind, name)
        if notes == "comments":  # and the check is alive: comments were placed
            assert spliced["word/document.xml"].count(b"<w:commentRangeStart") > 10


def test_no_placeholder_is_left_in_the_document():
    body = parts(render_docx(agreements()[0]))["word/document.xml"]
    assert f"<?{SPLICE}".encode() not in body
    assert body.count(b"<w:sectPr") == 1  # one body, whole


def test_a_splice_whose_place_is_lost_is_an_error():
    doc, markers = open_agreement(agreements()[0], "Signing copy")
    placeholder = next(doc.body.iterchildren(etree.PI))
    placeholder.getparent().remove(placeholder)
    remove(markers[CLAUSES])
    with pytest.raises(LookupError, match="lost the place"):
        doc.to_bytes(
            title="t", subject="s", author="a", language="en-GB", when=stamp_time(agreements()[0], None)
        )


def test_a_comment_spans_a_paragraphs_own_runs_not_a_hyperlinks():
    from agreement_kit.render.word.comments import mark_runs, own_runs, range_end, range_start

    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    link = '<w:hyperlink w:anchor="x" w:history="1">' + run.format("link") + "</w:hyperlink>"
    plain = run.format("a") + run.format("b")
    assert own_runs("") is None
    assert own_runs('<w:bookmarkStart w:id="1" w:name="x"/>') is None
    assert own_runs(plain) == (0, len(plain))
    first = run.format("a")
    assert own_runs(link + first) == (len(link), len(link) + len(first))  # the link's run is not its own
    assert own_runs(first + link) == (0, len(first))
    assert own_runs(link) is None

    paragraphs = [plain, link + first]
    mark_runs(paragraphs, 3, first=(0, 0), last=(1, len(link) + len(first)))
    assert paragraphs == [range_start(3) + plain, link + first + range_end(3)]
    one = [plain]
    mark_runs(one, 0, first=(0, 0), last=(0, len(plain)))
    assert one == [range_start(0) + plain + range_end(0)]
