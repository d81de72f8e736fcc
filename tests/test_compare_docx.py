"""Word comparison: the new version with every change as a native tracked change."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MINI_SPEC, make_tree
from lxml import etree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.comparison.compare import AgreementDiff, compare
from agreement_kit.comparison.render_docx import render_compare_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUTHOR = "Staff Side Secretary"
WHEN = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
STAMP = "2026-11-23T09:30:00Z"

# old: the model wording, eight meetings, the optional extra-meetings clause
OLD_SPEC = MINI_SPEC + "add: [meetings.extra]\n"
# new: ten meetings, the parties' own wording for 1.1, the fixed-chair variant,
# a clause of their own after 2.1 (so the chair moves from 2.2 to 2.3), and
# no extra-meetings clause (so the Staff Side definition goes too)
NEW_SPEC = (
    MINI_SPEC.replace("per_year: 8", "per_year: 10").replace(
        "clauses:\n",
        """clauses:
  parties.parties:
    text: This agreement binds the employer and the unions named below.
    reason: Plainer wording.
  meetings.chair:
    variant: fixed
""",
        1,
    )
    + """\
add:
  - id: local.papers
    title: Meeting papers
    text: Papers for each meeting go out a week before it.
    after: meetings.frequency
    reason: Members asked for time to read.
"""
)


@pytest.fixture
def diff(mini_library: Path, tmp_path: Path) -> AgreementDiff:
    make_tree(tmp_path, {"old.yaml": OLD_SPEC, "new.yaml": NEW_SPEC})
    library = load_library(mini_library)
    old = assemble(load_spec(tmp_path / "old.yaml"), library)
    new = assemble(load_spec(tmp_path / "new.yaml"), library)
    (result,) = compare(old, new)
    return result


def render(diff: AgreementDiff) -> bytes:
    return render_compare_docx(diff, author=AUTHOR, date=WHEN)


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def pandoc(data: bytes, mode: str, to: str = "plain") -> str:
    out = subprocess.run(
        ["pandoc", "-f", "docx", f"--track-changes={mode}", "-t", to, "--wrap=none"],
        input=data,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def flat(text: str) -> str:
    """Whitespace and quote marks evened out, as pandoc's plain text writer changes both."""
    text = re.sub("[\u201c\u201d]", '"', text).replace("\u2019", "'")
    return " ".join(text.split())


needs_pandoc = pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed")


# -- the comparison the tests rely on -------------------------------------------


def test_fixture_has_every_kind_of_change(diff):
    status = {c.clause_id: c.status for c in diff.clauses}
    assert status == {
        "parties.parties": "changed",
        "parties.definitions": "changed",
        "meetings.frequency": "changed",
        "local.papers": "added",
        "meetings.chair": "changed",
        "meetings.extra": "removed",
    }
    chair = next(c for c in diff.clauses if c.clause_id == "meetings.chair")
    assert chair.moved and (chair.old.number, chair.new.number) == ("2.2", "2.3")


# -- accept and reject give the two versions -------------------------------------


@needs_pandoc
def test_accepting_all_changes_gives_the_new_text(diff):
    accepted = flat(pandoc(render(diff), "accept"))
    for clause in diff.new.clauses():
        assert flat(f"{clause.number} {clause.title}") in accepted
    for change in (u for c in diff.clauses for u in c.units):
        if change.new is not None:
            assert flat(change.new.text) in accepted
    new_texts = flat(" ".join(u.new.text for c in diff.clauses for u in c.units if u.new))
    for change in (u for c in diff.clauses for u in c.units):
        if change.op == "deleted" and flat(change.old.text) not in new_texts:
            assert flat(change.old.text) not in accepted
    assert "eight times" not in accepted and "ten times" in accepted
    assert "2.2 Chair" not in accepted  # the moved clause's old number is gone


@needs_pandoc
def test_rejecting_all_changes_gives_the_old_text(diff):
    rejected = flat(pandoc(render(diff), "reject"))
    for clause in diff.old.clauses():
        assert flat(f"{clause.number} {clause.title}") in rejected
    for change in (u for c in diff.clauses for u in c.units):
        if change.old is not None:
            assert flat(change.old.text) in rejected
    assert "binds the employer" not in rejected and "a week before it" not in rejected
    assert "eight times" in rejected and "ten times" not in rejected


@needs_pandoc
def test_pandoc_shows_insertions_and_deletions(diff):
    marked = pandoc(render(diff), "all", "markdown")
    insertions = re.findall(r"\[([^\]]*)\]\{\.insertion author=\"([^\"]+)\"", marked)
    deletions = re.findall(r"\[([^\]]*)\]\{\.deletion author=\"([^\"]+)\"", marked)
    assert {a for _, a in insertions + deletions} == {AUTHOR}
    assert any("ten" in t for t, _ in insertions) and any("eight" in t for t, _ in deletions)
    assert any("extra meeting" in t for t, _ in deletions)
    assert STAMP in marked and "paragraph-insertion" in marked and "paragraph-deletion" in marked


# -- the XML of the revisions ---------------------------------------------------


def test_revisions_carry_id_author_and_date(diff):
    root = document_xml(render(diff))
    marks = root.findall(f".//{W}ins") + root.findall(f".//{W}del")
    assert len(marks) > 10
    for mark in marks:
        assert mark.get(f"{W}author") == AUTHOR and mark.get(f"{W}date") == STAMP
    ids = [m.get(f"{W}id") for m in marks] + [b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids))  # one id space for revisions and bookmarks


def test_deleted_text_is_del_text(diff):
    root = document_xml(render(diff))
    for deleted in root.iter(f"{W}del"):
        assert deleted.find(f".//{W}t") is None
    deleted_text = "".join(t.text for t in root.iter(f"{W}delText"))
    assert "The Staff Side may call an extra meeting." in deleted_text
    for inserted in root.iter(f"{W}ins"):
        assert inserted.find(f".//{W}delText") is None


def text_of(el: etree._Element) -> str:
    """Text as Word shows it: w:t and w:delText, w:tab as a tab."""
    tags = {f"{W}t", f"{W}delText"}
    return "".join(
        "\t" if n.tag == f"{W}tab" else (n.text or "") for n in el.iter() if n.tag in tags | {f"{W}tab"}
    )


def paragraph_by_text(root: etree._Element, text: str) -> etree._Element:
    """The body paragraph (not a contents entry) reading ``text``."""
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val").startswith("TOC"):
            continue
        if text_of(p) == text:
            return p
    raise AssertionError(f"no paragraph reads {text!r}")


def mark_of(p: etree._Element) -> str | None:
    """'ins' or 'del' when the paragraph mark itself is tracked."""
    rpr = p.find(f"{W}pPr/{W}rPr")
    if rpr is None:
        return None
    return next((el.tag.removeprefix(W) for el in rpr if el.tag in (f"{W}ins", f"{W}del")), None)


def test_added_and_removed_clauses_are_whole_tracked_paragraphs(diff):
    root = document_xml(render(diff))
    for text, op in [
        ("2.2 Meeting papers", "ins"),
        ("Papers for each meeting go out a week before it.", "ins"),
        ("2.3 Extra meetings", "del"),
        ("The Staff Side may call an extra meeting.", "del"),
    ]:
        p = paragraph_by_text(root, text)
        assert mark_of(p) == op, text
        runs = p.findall(f".//{W}r")
        assert runs and all(r.getparent().tag == f"{W}{op}" for r in runs), text
    added = paragraph_by_text(root, "2.2 Meeting papers")
    assert added.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading2"


def test_changed_unit_is_a_word_redline(diff):
    root = document_xml(render(diff))
    p = paragraph_by_text(root, "2.1.1\tThe Forum meets eight ten times a year.")
    assert mark_of(p) is None  # the paragraph stays; only words change
    pieces = [(el.tag.removeprefix(W), text_of(el)) for el in p if el.tag != f"{W}pPr"]
    assert ("del", "eight ") in pieces and ("ins", "ten ") in pieces
    assert ("r", "The Forum meets ") in pieces


def test_moved_clause_heading_shows_the_renumbering(diff):
    root = document_xml(render(diff))
    heading = next(p for p in root.iter(f"{W}p") if text_of(p) == "2.2 2.3 Chair")
    pieces = [(el.tag.removeprefix(W), text_of(el)) for el in heading]
    assert ("del", "2.2 ") in pieces and ("ins", "2.3 ") in pieces


def test_unchanged_text_is_plain_and_keeps_its_styles(diff):
    root = document_xml(render(diff))
    item = paragraph_by_text(root, "(a)\tUNISON")
    assert mark_of(item) is None and item.find(f".//{W}ins") is None
    assert item.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ClauseItem"


# -- summary, comments, packaging ------------------------------------------------


def test_summary_of_changes_lists_each_changed_clause(diff):
    document = docx.Document(io.BytesIO(render(diff)))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "Summary of changes"
    bullets = [p.text for p in paragraphs if p.style.style_id == "ListBullet"]
    assert bullets == [c.describe() for c in diff.changed()]
    assert "2.3 Chair (was 2.2): changed" in bullets and "2.3 Extra meetings: removed" in bullets
    title = next(p for p in paragraphs if p.style.style_id == "Title")
    assert title.paragraph_format.page_break_before  # the cover starts a new page


def test_no_drafting_note_comments(diff):
    data = render(diff)
    assert len(docx.Document(io.BytesIO(data)).comments) == 0
    assert document_xml(data).find(f".//{W}commentRangeStart") is None


def test_same_input_gives_same_bytes(diff):
    assert render(diff) == render(diff)
    later = render_compare_docx(diff, author=AUTHOR, date=WHEN + dt.timedelta(days=1))
    assert later != render(diff)


def test_identical_versions_have_no_revisions(mini_library, tmp_path):
    make_tree(tmp_path, {"a.yaml": MINI_SPEC})
    library = load_library(mini_library)
    agreements = assemble(load_spec(tmp_path / "a.yaml"), library)
    (same,) = compare(agreements, agreements)
    root = document_xml(render(same))
    assert root.find(f".//{W}ins") is None and root.find(f".//{W}del") is None
    assert "no changes" in "".join(root.itertext())


@needs_pandoc
def test_withdrawn_agreement_is_all_deleted(diff):
    (gone,) = compare([diff.old], [])
    data = render(gone)
    rejected = flat(pandoc(data, "reject"))
    accepted = flat(pandoc(data, "accept"))
    # the clauses sit between the contents and the signatures (the cover still names the unions)
    accepted = accepted[accepted.index("Contents") : accepted.rindex("Signatures")]
    assert all(c.status == "removed" for c in gone.clauses)
    for change in (u for c in gone.clauses for u in c.units):
        assert flat(change.old.text) in rejected
        assert flat(change.old.text) not in accepted
    for clause in diff.old.clauses():
        assert flat(f"{clause.number} {clause.title}") in rejected


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_reads_the_tracked_changes(diff, tmp_path):
    source = tmp_path / "compare.docx"
    source.write_bytes(render(diff))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "odt", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "compare.odt") as z:
        content = z.read("content.xml").decode()
    assert "<text:tracked-changes" in content
    assert "<text:insertion>" in content and "<text:deletion>" in content
    assert f"<dc:creator>{AUTHOR}</dc:creator>" in content
