"""Edits made in Word to a generated agreement come back into its spec."""

from __future__ import annotations

import copy
import shutil
import zipfile

import docx
import pytest
from conftest import REPO, shown_text
from lxml import etree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly.model import block_text
from agreement_kit.load.docx_spec import imported_spec, markup_text
from agreement_kit.load.list_numbers import ListNumbers
from agreement_kit.render import render

SAMPLE = REPO / "samples" / "teaching-trust.yaml"


@pytest.fixture(scope="module")
def library():
    return load_library()


def partnership(spec_path, library):
    return {a.kind: a for a in assemble(load_spec(spec_path), library)}["partnership"]


def heading(document, prefix: str) -> int:
    """The clause heading shown with this number (Word's, not typed)."""
    return next(
        i
        for i, (p, shown) in enumerate(zip(document.paragraphs, shown_text(document), strict=True))
        if p.style.name == "Heading 2" and shown.startswith(prefix)
    )


def edited_copy(library, tmp_path):
    """The teaching trust's agreement edited as an HR director would: one clause
    reworded (with a tracked insertion), one deleted, one inserted as Word
    inserts one after a clause heading (the heading's list numbering, no typed number)."""
    agreement = partnership(SAMPLE, library)
    original = tmp_path / "original.docx"
    original.write_bytes(render(agreement, "docx"))
    document = docx.Document(str(original))
    frequency = agreement.clause("meetings.frequency")
    at = heading(document, f"{frequency.number} ")
    first = document.paragraphs[at + 1]
    for run in first.runs[1:]:
        run.text = ""
    first.runs[0].text = "The Forum will hold twelve ordinary meetings a year, one a month"
    # a tracked insertion, read as accepted
    ins = first._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ins")
    first._p.append(ins)
    run = first.add_run(" [by agreement]*.")
    ins.append(run._r)
    conduct = agreement.clause("values.conduct")
    start = heading(document, f"{conduct.number} ")
    end = start + 1
    while not document.paragraphs[end].style.name.startswith("Heading"):
        end += 1
    for paragraph in document.paragraphs[start:end]:
        paragraph._p.getparent().remove(paragraph._p)
    at = heading(document, f"{frequency.number} ")
    after = at + 1
    while not document.paragraphs[after].style.name.startswith("Heading"):
        after += 1
    anchor = document.paragraphs[after]
    inserted = anchor.insert_paragraph_before(
        "Parking for representatives", style=document.paragraphs[at].style
    )
    inserted._p.get_or_add_pPr().append(copy.deepcopy(document.paragraphs[at]._p.pPr.numPr))
    anchor.insert_paragraph_before(
        "Representatives at the Forum may park on site; see clause 7.1.",
        style=document.paragraphs[at + 1].style,
    )
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    return agreement, edited


def test_import_recovers_edits_and_a_rebuild_reproduces_them(library, tmp_path, run_cli):
    agreement, edited = edited_copy(library, tmp_path)
    shutil.copy(SAMPLE, tmp_path / "teaching-trust.yaml")
    out = tmp_path / "recovered.yaml"
    code, stdout, stderr = run_cli("import", edited, "-o", out)
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    assert (
        "meetings.frequency: wording edited in Word" in stderr and "values.conduct: deleted in Word" in stderr
    )
    text = out.read_text()
    assert text.splitlines()[:3] == SAMPLE.read_text().splitlines()[:3]  # the spec's own comments are kept
    rebuilt = partnership(out, library)
    words = " ".join(block_text(b) for b in rebuilt.clause("meetings.frequency").blocks)
    assert "twelve ordinary meetings a year, one a month [by agreement]*." in words
    assert "values.conduct" not in {c.id for c in rebuilt.clauses()}
    parking = rebuilt.clause("local.parking_for_representatives")
    assert parking.title == "Parking for representatives"
    membership = rebuilt.clause("meetings.membership").number
    assert (
        block_text(parking.blocks[0])
        == f"Representatives at the Forum may park on site; see clause {membership}."
    )
    ids = [c.id for c in rebuilt.clauses()]
    assert ids.index("local.parking_for_representatives") == ids.index("meetings.frequency") + 1


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def update_fields(path) -> int:
    """What Word's Update Field does to each cross-reference: its result becomes the
    number its bookmarked heading now shows. Returns how many results changed."""
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    body = etree.fromstring(parts["word/document.xml"])
    numbers = ListNumbers(parts["word/numbering.xml"], parts["word/styles.xml"])
    now = {}
    for p in body.iter(f"{W}p"):
        label = numbers.label(p)
        for mark in p.iterchildren(f"{W}bookmarkStart"):
            now[mark.get(f"{W}name")] = label.text if label else ""
    changed = 0
    for p in body.iter(f"{W}p"):
        target, in_result = None, False
        for node in p.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
            if node.tag == f"{W}instrText" and node.text.split()[:1] == ["REF"]:
                target = node.text.split()[1]
            elif node.tag == f"{W}fldChar":
                in_result = node.get(f"{W}fldCharType") == "separate" and target is not None
                if not in_result:
                    target = None
            elif in_result and node.text != now[target]:
                node.text, changed = now[target], changed + 1
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target_zip:
        for name, data in parts.items():
            target_zip.writestr(name, data)
    return changed


def test_references_renumbered_by_word_still_name_the_clauses_they_named(library, tmp_path):
    """A clause inserted by hand, then every field updated in Word: the cross-references
    after it show new numbers, and still import as the clauses they pointed at."""
    agreement, edited = edited_copy(library, tmp_path)
    assert [agreement.clause(c).number for c in ("meetings.frequency", "meetings.special")] == ["7.4", "7.8"]
    assert "7.5 Parking for representatives" in shown_text(docx.Document(str(edited)))
    assert update_fields(edited) > 0
    text = " ".join(p.text for p in docx.Document(str(edited)).paragraphs)
    assert "clause 7.8 " not in text and "clause 7.9 " in text  # special meetings, renumbered
    recovered = imported_spec(edited)
    assert sorted(c.split(":")[0].split(" ")[0] for c in recovered.changes) == [
        "added",
        "meetings.frequency",
        "values.conduct",
    ]
    spec = tmp_path / "recovered.yaml"
    spec.write_text(recovered.text)
    rebuilt = partnership(spec, library)
    assert rebuilt.clause("local.parking_for_representatives").number == "7.5"


def test_an_unedited_agreement_imports_to_the_same_spec(library, tmp_path):
    agreement = partnership(SAMPLE, library)
    path = tmp_path / "same.docx"
    path.write_bytes(render(agreement, "docx"))
    recovered = imported_spec(path)
    assert recovered.changes == ()
    assert recovered.text == SAMPLE.read_text()


def test_compare_takes_word_agreements(library, tmp_path, run_cli):
    agreement, edited = edited_copy(library, tmp_path)
    code, _, stderr = run_cli(
        "compare", tmp_path / "original.docx", edited, "-o", tmp_path / "cmp", "-f", "md"
    )
    assert code == 0, stderr
    assert "1 added, 1 removed" in stderr


def test_a_foreign_or_hostile_word_file_is_a_clear_error(tmp_path, run_cli):
    plain = docx.Document()
    plain.add_paragraph("A policy written elsewhere.")
    foreign = tmp_path / "foreign.docx"
    plain.save(str(foreign))
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    entities = tmp_path / "entities.docx"
    with zipfile.ZipFile(entities, "w") as z:
        z.writestr("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    not_zip = tmp_path / "text.docx"
    not_zip.write_text("hello")
    for path, says in (
        (foreign, "carries no agreement-kit spec"),
        (bomb, "zip bomb"),
        (entities, "DOCTYPE"),
        (not_zip, "not a Word (.docx) file"),
    ):
        out = tmp_path / f"{path.stem}.yaml"
        code, stdout, stderr = run_cli("import", path, "-o", out)
        assert code == 1 and says in stderr and "Traceback" not in stderr and not out.exists(), (path, stderr)


def test_markup_characters_typed_in_word_stay_literal():
    assert markup_text(["7.1.1\tA *star* and [brackets]", "(a)\tfirst", "(b)\tsecond"]) == (
        "A \\*star\\* and \\[brackets\\]\n\n- first\n- second\n"
    )


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    """The model wording's disk cache in a folder of this module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AGREEMENT_KIT_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


def foreign_draft(agreement, path, *, reworded: str, dropped: str) -> None:
    """The agreement typed out afresh in Word, as another trust would: no spec inside, one clause
    in its own words, one left out, one of its own (car parking) added."""
    document = docx.Document()
    document.add_paragraph(agreement.title, style="Title")
    for section in agreement.sections:
        document.add_paragraph(f"{section.number}. {section.title}", style="Heading 1")
        for clause in section.clauses:
            if clause.id == dropped:
                continue
            document.add_paragraph(f"{clause.number} {clause.title}", style="Heading 2")
            for block in clause.blocks:
                document.add_paragraph(block_text(block))
            if clause.id == reworded:
                document.add_paragraph("Both sides will also meet informally over coffee each quarter.")
    document.add_paragraph("9.9 Car parking", style="Heading 2")
    document.add_paragraph(
        "Staff permits are issued by the estates team and charged monthly through payroll."
    )
    document.save(str(path))


def test_a_foreign_draft_imports_to_a_spec_that_builds(library, tmp_path, run_cli):
    agreement = partnership(SAMPLE, library)
    draft = tmp_path / "their-draft.docx"
    foreign_draft(agreement, draft, reworded="meetings.frequency", dropped="values.conduct")
    out = tmp_path / "guessed.yaml"
    code, stdout, stderr = run_cli("import", draft, "-o", out)
    assert code == 0, stderr
    assert "spec guessed from the draft (partnership, england)" in stderr
    spec = load_spec(out)
    assert spec.spec.organisation.name == "Kingsmere University Hospitals NHS Foundation Trust"
    assert spec.spec.organisation.nation == "england" and spec.spec.agreements == ["partnership"]
    assert {"UNISON", "RCN"} <= {u.short_name for u in spec.spec.unions}
    assert "informally over coffee" in (spec.spec.clauses["meetings.frequency"].text or "")
    assert "values.conduct" in spec.spec.removed
    own = [e for e in spec.spec.add if getattr(e, "title", None) == "Car parking"]
    assert own and "estates team" in own[0].text
    kept = [c.id for c in agreement.clauses() if c.id not in spec.spec.clauses]
    assert len(kept) > len(agreement.clauses()) / 2  # most clauses are the model's, word for word
    rebuilt = {a.kind: a for a in assemble(spec, library)}["partnership"]
    assert "informally over coffee" in " ".join(
        block_text(b) for b in rebuilt.clause("meetings.frequency").blocks
    )
    report = (tmp_path / "guessed-import-report.md").read_text(encoding="utf-8")
    for says in (
        "| kind | partnership |",
        "Car parking",
        "values.conduct",
        "Confidence",
        "kept as the model",
    ):
        assert says in report


def test_a_foreign_draft_that_does_not_name_its_nation_says_so(library, tmp_path, run_cli):
    document = docx.Document()
    for heading, text in [
        ("1. Union subscriptions", "Payroll deducts members' subscriptions from pay each month."),
        ("2. Time off for representatives", "Representatives get reasonable paid time off for their duties."),
    ]:
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)
    draft = tmp_path / "terse.docx"
    document.save(str(draft))
    code, _, stderr = run_cli("import", draft, "-o", tmp_path / "terse.yaml")
    assert code == 0, stderr
    assert (
        "unions guessed with low confidence" in stderr
        and "organisation guessed with low confidence" in stderr
    )
    spec = load_spec(tmp_path / "terse.yaml")
    assert spec.spec.agreements == ["recognition"]
    assemble(spec, library)
