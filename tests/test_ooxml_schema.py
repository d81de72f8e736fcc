"""Every Word file the tool writes is valid Office Open XML.

Word cannot run here, so nobody can watch it open these files. The closest
stand-in is the check Word's own SDK makes: openxml-audit ports the Open XML
SDK's schema and semantic validation to Python (no .NET), and a file it
passes is one Word is expected to open without a repair prompt.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openxml_audit import FileFormat, OpenXmlValidator

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples").glob("*.yaml"))


@pytest.fixture
def validator() -> type[OpenXmlValidator]:
    return OpenXmlValidator


def problems(validator: type[OpenXmlValidator], path: Path) -> list[str]:
    # a new validator for each file: one instance carries what it read of one file
    # (its comment ids) into the next, and reports faults that file does not have
    result = validator(file_format=FileFormat.OFFICE_2019, max_errors=20).validate(path)
    return [f"{e.part_uri or ''} {e.path or ''}: {e.description}" for e in result.errors]


def docx_files(folder: Path) -> list[Path]:
    found = sorted(folder.rglob("*.docx"))
    assert found, f"nothing written to {folder}"
    return found


def assert_valid(validator: type[OpenXmlValidator], folder: Path) -> None:
    report = {path.name: problems(validator, path) for path in docx_files(folder)}
    assert {name: found for name, found in report.items() if found} == {}


@pytest.mark.parametrize("notes", ["comments", "appendix", "none"])
def test_every_sample_agreement_is_valid(run_cli, tmp_path, validator, notes):
    code, _, err = run_cli("build", *SAMPLES, "-o", tmp_path, "-f", "docx", "--notes", notes)
    assert code == 0, err
    assert len(docx_files(tmp_path)) >= 2 * len(SAMPLES) - 1  # one sample has a single agreement
    assert_valid(validator, tmp_path)


def test_the_word_template_itself_is_valid(validator):
    assert problems(validator, REPO / "templates" / "agreement.docx") == []


def test_review_of_a_spec_is_valid(run_cli, tmp_path, validator):
    code, _, err = run_cli("review", REPO / "samples" / "teaching-trust.yaml", "-o", tmp_path, "-f", "docx")
    assert code == 0, err
    assert_valid(validator, tmp_path)


def test_review_of_generated_and_foreign_drafts_is_valid(run_cli, tmp_path, validator):
    built = tmp_path / "built"
    assert run_cli("build", REPO / "samples" / "welsh-health-board.yaml", "-o", built, "-f", "docx")[0] == 0
    foreign = tmp_path / "foreign.docx"
    draft = Document()
    draft.add_heading("Partnership agreement", 0)
    draft.add_heading("Failure to agree", 1)
    draft.add_paragraph("Where the parties cannot agree, the matter goes to the Partnership Forum.")
    draft.add_heading("Facilities", 1)
    draft.add_paragraph("Representatives get reasonable paid time off for union duties.")
    draft.save(str(foreign))
    for source in [*built.glob("*.docx"), foreign]:
        code, _, err = run_cli("review", source, "-o", tmp_path / "out", "-f", "docx")
        assert code in (0, 1), err
    reviews = docx_files(tmp_path / "out")
    assert len(reviews) == 3
    generated = [r for r in reviews if r.name != "foreign-review.docx"]
    assert {r.name: problems(validator, r) for r in generated} == {r.name: [] for r in generated}
    # python-docx's own blank document has faults of its own (its second copy of the
    # styles lags the first); the review adds none to them
    draft_faults = {line.split(": ", 1)[1] for line in problems(validator, foreign)}
    review = tmp_path / "out" / "foreign-review.docx"
    review_faults = {line.split(": ", 1)[1] for line in problems(validator, review)}
    assert review_faults <= draft_faults


def test_compare_tracked_changes_are_valid(run_cli, tmp_path, validator):
    old, new = REPO / "samples" / "ambulance-trust.yaml", REPO / "samples" / "teaching-trust.yaml"
    code, _, err = run_cli("compare", old, new, "-o", tmp_path, "-f", "docx")
    assert code == 0, err
    assert_valid(validator, tmp_path)


def test_batch_and_facility_time_reports_are_valid(run_cli, tmp_path, validator):
    code, _, err = run_cli("batch", REPO / "samples", "-o", tmp_path / "batch", "-j", "1", "-f", "docx")
    assert code == 0, err
    code, _, err = run_cli("facility-time", REPO / "samples" / "teaching-trust.yaml", "-o", tmp_path / "ft")
    assert code == 0, err
    assert_valid(validator, tmp_path)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_paginated_copy_with_page_numbers_is_valid(run_cli, tmp_path, validator):
    spec = REPO / "samples" / "scottish-health-board.yaml"
    code, _, err = run_cli("build", spec, "-o", tmp_path, "-f", "docx,pdf")
    assert code == 0, err
    assert_valid(validator, tmp_path)


def test_the_check_finds_a_broken_part(run_cli, tmp_path, validator):
    """The validator is not a formality: a misplaced element in our own output is caught."""
    assert run_cli("build", REPO / "samples" / "test-mini.yaml", "-o", tmp_path, "-f", "docx")[0] == 0
    good = docx_files(tmp_path)[0]
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                # a paragraph's properties after its first run: the schema fixes their order
                data = data.replace(b"</w:r>", b"</w:r><w:pPr/>", 1)
            dst.writestr(item, data)
    found = problems(validator, broken)
    assert found and all("/word/document.xml" in line for line in found), found
