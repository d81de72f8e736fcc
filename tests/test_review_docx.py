"""Word review copy: the agreement with each review finding as a native comment."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import checklist_yaml, departures_spec, make_tree
from lxml import etree

from agreement_kit import load_library, load_spec
from agreement_kit.comparison.compare import units
from agreement_kit.reviewing.render_docx import (
    REVIEW_AUTHOR,
    REVIEW_INITIALS,
    UNTIED_HEADING,
    render_review_docx,
)
from agreement_kit.reviewing.review import Finding, Review, review

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CHECKLIST = checklist_yaml(
    "review-list",
    "Review checklist",
    {
        "parties": ("The parties are named", "parties.parties"),
        "terms": ("Terms are defined", "parties.definitions"),
    },
)

# custom wording on 1.1, too few meetings, the non-recommended chair, a clause
# citing a repealed act, and the recommended definitions clause removed
DEPARTURES = departures_spec("This agreement binds the employer and the unions named below.")


@pytest.fixture
def reviewed(mini_library: Path, tmp_path: Path) -> Review:
    make_tree(mini_library, {"checklists": {"review.yaml": CHECKLIST}})
    spec = make_tree(tmp_path, {"spec.yaml": DEPARTURES}) / "spec.yaml"
    return review(load_spec(spec), load_library(mini_library))


def render(result: Review) -> bytes:
    return render_review_docx(result.agreements[0], result.findings)


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml")).find(f"{W}body")


def comment_spans(data: bytes) -> dict[str, str]:
    """Comment id -> the document text its range covers, in reading order."""
    open_: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    for el in body(data).iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t", f"{W}p"):
        cid = el.get(f"{W}id")
        if el.tag == f"{W}commentRangeStart":
            open_[cid] = []
        elif el.tag == f"{W}commentRangeEnd":
            done[cid] = "".join(open_.pop(cid))
        else:
            piece = "\n" if el.tag == f"{W}p" else el.text or ""
            for parts in open_.values():
                parts.append(piece)
    return done


def comments(data: bytes) -> list:
    return list(docx.Document(io.BytesIO(data)).comments)


def present(result: Review) -> list[Finding]:
    ids = {c.id for c in result.agreements[0].clauses()}
    return [f for f in result.findings if f.clause_id in ids]


def absent(result: Review) -> list[Finding]:
    ids = {c.id for c in result.agreements[0].clauses()}
    return [f for f in result.findings if f.clause_id not in ids]


# -- the review the tests rely on -------------------------------------------------


def test_fixture_has_findings_with_and_without_a_clause(reviewed):
    assert {f.category for f in present(reviewed)} >= {
        "wording",
        "parameter",
        "variant",
        "citation",
    }
    assert {(f.category, f.severity) for f in absent(reviewed)} == {
        ("absent", "high"),
        ("checklist", "high"),
    }


# -- comments --------------------------------------------------------------------


def test_one_comment_per_finding_on_a_clause_and_no_drafting_notes(reviewed):
    found = comments(render(reviewed))
    assert len(found) == len(present(reviewed))
    assert {(c.author, c.initials) for c in found} == {(REVIEW_AUTHOR, REVIEW_INITIALS)}
    first_lines = sorted(c.paragraphs[0].text for c in found)
    assert first_lines == sorted(f"[{f.severity.upper()}] {f.summary}" for f in present(reviewed))


def test_each_comment_spans_its_clause_text(reviewed):
    data = render(reviewed)
    spans = comment_spans(data)
    agreement = reviewed.agreements[0]
    by_summary = {c.paragraphs[0].text: c.comment_id for c in comments(data)}
    for finding in present(reviewed):
        cid = str(by_summary[f"[{finding.severity.upper()}] {finding.summary}"])
        clause = agreement.clause(finding.clause_id)
        covered = spans[cid]
        assert not covered.startswith(f"{clause.number} {clause.title}")  # the heading stays clean
        assert units(clause.blocks)[0].text[:20] in covered[:40]  # from its first words
        assert covered.rstrip().endswith(units(clause.blocks)[-1].text)  # through its last words
        for other in agreement.clauses():
            if other.id != clause.id:
                assert f"{other.number} {other.title}" not in covered


def test_comment_shows_detail_and_model_against_draft_words(reviewed):
    (wording,) = [f for f in present(reviewed) if f.category == "wording" and f.redline]
    comment = next(c for c in comments(render(reviewed)) if "departs" in c.paragraphs[0].text)
    lines = [p.text for p in comment.paragraphs]
    assert lines[1] == "Reason given: Shorter wording preferred by the board."
    model = next(line for line in lines if line.startswith("Model: "))
    draft = next(line for line in lines if line.startswith("This draft: "))
    assert "is between Example NHS Trust" in model and "binds" not in model
    assert "binds" in draft and "is between" not in draft
    assert wording.redline.changed


def test_comments_are_dated(reviewed):
    data = render(reviewed)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/comments.xml"))
    dates = {c.get(f"{W}date") for c in root.iter(f"{W}comment")}
    assert dates == {"2026-04-01T00:00:00Z"}  # the effective date by default


# -- findings without a clause, and the summary -----------------------------------


def test_findings_without_a_clause_are_listed_at_the_end(reviewed):
    paragraphs = docx.Document(io.BytesIO(render(reviewed))).paragraphs
    # the last match: the contents list names the section too
    heading = max(i for i, p in enumerate(paragraphs) if p.text == UNTIED_HEADING)
    assert paragraphs[heading].style.style_id == "Heading1"
    listed = [p.text for p in paragraphs[heading + 1 :] if p.text]
    assert len(listed) == len(absent(reviewed))
    for finding in absent(reviewed):
        summary = finding.summary[:1].upper() + finding.summary[1:]
        assert any(t.startswith(f"[{finding.severity.upper()}] {summary}") for t in listed)


def test_summary_table_opens_the_document(reviewed):
    data = render(reviewed)
    first = body(data)[:3]
    assert [el.tag for el in first] == [f"{W}p", f"{W}p", f"{W}tbl"]
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "Staff-side review"
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    counts = {
        s: str(sum(f.severity == s for f in reviewed.findings)) for s in ("high", "medium", "low", "info")
    }
    assert rows == [
        ["Severity", "Findings"],
        *([s.capitalize(), n] for s, n in counts.items()),
        ["Total", str(len(reviewed.findings))],
    ]
    title = next(p for p in document.paragraphs if p.style.style_id == "Title")
    assert title.paragraph_format.page_break_before


def test_no_untied_section_when_every_finding_has_a_clause(reviewed):
    data = render_review_docx(reviewed.agreements[0], present(reviewed))
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert UNTIED_HEADING not in texts
    assert len(comments(data)) == len(present(reviewed))


def test_findings_about_another_agreement_are_left_out(reviewed):
    other = [dataclasses.replace(f, agreement="recognition") for f in reviewed.findings]
    data = render_review_docx(reviewed.agreements[0], other)
    assert comments(data) == []
    assert "nothing to report" in docx.Document(io.BytesIO(data)).paragraphs[1].text


# -- packaging -------------------------------------------------------------------


def test_same_input_gives_same_bytes(reviewed):
    assert render(reviewed) == render(reviewed)


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed")
def test_pandoc_sees_the_review_comments(reviewed):
    out = subprocess.run(
        ["pandoc", "-f", "docx", "--track-changes=all", "-t", "markdown", "--wrap=none"],
        input=render(reviewed),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert out.count(f'author="{REVIEW_AUTHOR}"') == len(present(reviewed))
    assert "\\[MEDIUM\\]" in out and "Drafting note" not in out


def test_the_first_page_lists_each_finding_with_a_link_to_its_clause(reviewed):
    data = render(reviewed)
    root = body(data)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    bookmarks = {b.get(f"{w}name") for b in root.iter(f"{w}bookmarkStart")}
    links = [h.get(f"{w}anchor") for h in root.iter(f"{w}hyperlink")]
    tied = [f for f in present(reviewed) if f.clause_number]
    assert tied
    for finding in tied:
        target = "clause_" + finding.clause_number.replace(".", "_")
        assert target in links and target in bookmarks
    checklist = [f for f in reviewed.findings if f.category == "checklist"]
    assert all("(Partnership Agreement)" in f.summary for f in checklist)
