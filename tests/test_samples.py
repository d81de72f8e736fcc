"""Every bundled sample builds, and its files read back as their users would read them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import docx
import markdown
import pytest
from conftest import SAMPLES
from docx.shared import Mm

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly.model import Agreement, Paragraph, block_text, plain
from agreement_kit.render.notes import note_blocks

pytestmark = pytest.mark.skipif(not SAMPLES, reason="no samples")


@cache
def library():
    return load_library()


@cache
def built(sample: Path, out_root: Path) -> tuple[list[Agreement], dict[str, Path]]:
    from agreement_kit.building.build import build

    out = out_root / sample.stem
    paths = build([sample], out, library=library())
    agreements = assemble(load_spec(sample), library())
    return agreements, {p.name: p for p in paths}


@pytest.fixture(scope="module")
def out_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("samples")


def note_text(clause) -> str:
    return " ".join(block_text(b) for b in clause.note)


def annotated(agreement: Agreement):
    return [c for c in agreement.clauses() if c.note]


def outputs(sample, out_root):
    agreements, paths = built(sample, out_root)
    for agreement in agreements:
        stem = f"{agreement.file_stem}-{agreement.kind}"
        yield agreement, {fmt: paths[f"{stem}.{fmt}"] for fmt in ("docx", "md", "html")}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_builds_every_format(sample, out_root):
    agreements, paths = built(sample, out_root)
    assert agreements
    assert len(paths) == 3 * len(agreements)
    assert all(p.stat().st_size > 0 for p in paths.values())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_docx_reads_back(sample, out_root):
    for agreement, files in outputs(sample, out_root):
        document = docx.Document(str(files["docx"]))
        section = document.sections[0]
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)

        comments = list(document.comments)
        clauses = annotated(agreement)
        assert len(comments) == len(clauses)
        for comment, clause in zip(comments, clauses, strict=True):
            assert comment.author == "Drafting note"
            first_sentence = note_text(clause).split(". ")[0]
            assert first_sentence in comment.text, clause.id

        cells = {cell.text.strip() for table in document.tables for row in table.rows for cell in row.cells}
        for union in agreement.unions:
            assert union.name in cells
        for signatory in agreement.signatories:
            assert any(signatory.name in cell for cell in cells)

        body = "\n".join(p.text for p in document.paragraphs)
        for clause in agreement.clauses():
            assert f"{clause.number}" in body and clause.title in body


def comment_starts(node) -> list[dict[str, str]]:
    """The attributes of every comment-start span in a pandoc JSON tree."""
    found = []
    if isinstance(node, dict):
        if node.get("t") == "Span" and "comment-start" in node["c"][0][1]:
            found.append(dict(node["c"][0][2]))
        for value in node.values():
            found += comment_starts(value)
    elif isinstance(node, list):
        for value in node:
            found += comment_starts(value)
    return found


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_pandoc_sees_every_comment(sample, out_root):
    for agreement, files in outputs(sample, out_root):
        result = subprocess.run(
            ["pandoc", "-f", "docx", "--track-changes=all", "-t", "json", str(files["docx"])],
            capture_output=True,
            text=True,
            check=True,
        )
        found = comment_starts(json.loads(result.stdout))
        assert len(found) == len(annotated(agreement))
        assert all(f.get("author") == "Drafting note" for f in found)


def visible_text(html: str) -> str:
    from html.parser import HTMLParser

    chunks: list[str] = []

    class Collect(HTMLParser):
        def handle_data(self, data):
            chunks.append(data)

    Collect().feed(html)
    return " ".join(" ".join(chunks).split())


def note_opening(clause) -> str:
    """The first words of a clause's note, as they read in any format."""
    first = next(b for b in clause.note if isinstance(b, Paragraph))
    return " ".join(plain(first.inlines).split()[:6])


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_markdown_holds_every_clause_and_note(sample, out_root):
    for agreement, files in outputs(sample, out_root):
        text = files["md"].read_text(encoding="utf-8")
        html = markdown.markdown(text, extensions=["footnotes", "tables"])
        body, _, notes = html.partition('<div class="footnote">')
        body_text, notes_text = visible_text(body), visible_text(notes)
        for clause in agreement.clauses():
            assert f"{clause.number} {clause.title}" in body_text, clause.id
        assert notes_text.count("↩") == len(annotated(agreement))
        for clause in annotated(agreement):
            assert note_opening(clause) in notes_text, clause.id


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_html_holds_every_clause_and_note(sample, out_root):
    for agreement, files in outputs(sample, out_root):
        text = files["html"].read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith("<!doctype html>")
        visible = visible_text(text)
        assert agreement.organisation in visible
        for clause in agreement.clauses():
            assert f"{clause.number} {clause.title}" in visible, clause.id
        for clause in annotated(agreement):
            assert note_opening(clause) in visible, clause.id


TOOL_WORDS = re.compile(
    r"\bspecs?\b|\bparameters?\b|\bvariants?\b|\bYAML\b|agreement-kit|model library", re.IGNORECASE
)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_no_tool_words_reach_the_agreement_or_its_notes(sample):
    """The signing text and the drafting notes speak to the parties, never of the tool that made them."""
    for agreement in assemble(load_spec(sample), library()):
        for clause in agreement.clauses():
            for block in (*clause.blocks, *note_blocks(clause)):
                found = TOOL_WORDS.search(block_text(block))
                assert found is None, f"{sample.name} {clause.number} ({clause.id}): {found.group(0)!r}"


def cell_texts(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)


def test_the_clause_library_version_is_on_drafting_copies_only():
    agreement = assemble(load_spec(SAMPLES[0]), library())[0]
    from agreement_kit.render import render

    for fmt in ("md", "html", "docx"):
        drafting = render(agreement, fmt)
        signing = render(agreement, fmt, notes="none")
        if fmt == "docx":
            drafting, signing = (cell_texts(d) for d in (drafting, signing))
        else:
            drafting, signing = drafting.decode(), signing.decode()
        assert agreement.library_version in drafting, fmt
        assert agreement.library_version not in signing, fmt
