"""The files open in the programs people use: LibreOffice, pandoc, docx2python, HTML5 parsers,
and the .docx is well-formed Office Open XML (styles, relationships, content types)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, shown_text
from lxml import etree

from agreement_kit import load_library
from agreement_kit.building.build import build

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

pytestmark = pytest.mark.skipif(not SAMPLES, reason="no samples")


@lru_cache(maxsize=1)
def built_samples(root: Path) -> dict[str, Path]:
    paths = build(SAMPLES, root, library=load_library())
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    return built_samples(tmp_path_factory.mktemp("compat"))


def docx_files(outputs):
    return sorted(p for n, p in outputs.items() if n.endswith(".docx"))


def test_docx_is_well_formed_ooxml(outputs):
    for path in docx_files(outputs):
        package = zipfile.ZipFile(path)
        names = set(package.namelist())
        types = etree.fromstring(package.read("[Content_Types].xml"))
        defaults = {d.get("Extension") for d in types.findall(f"{{{CT}}}Default")}
        overrides = {o.get("PartName").lstrip("/") for o in types.findall(f"{{{CT}}}Override")}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, (
                f"{path.name}: {name} has no content type"
            )
        # every relationship target exists, every r:id used in a part is declared
        for rels_name in [n for n in names if n.endswith(".rels")]:
            base = rels_name.replace("_rels/", "").removesuffix(".rels")
            folder = base.rsplit("/", 1)[0] if "/" in base else ""
            rels = etree.fromstring(package.read(rels_name))
            ids = set()
            for rel in rels.findall(f"{{{PKG}}}Relationship"):
                ids.add(rel.get("Id"))
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                resolved = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else "/".join(p for p in (folder, target) if p)
                )
                resolved = re.sub(r"[^/]+/\.\./", "", resolved)
                assert resolved in names, f"{path.name}: {rels_name} points at missing {resolved}"
            if base in names and base.endswith(".xml"):
                used = set(re.findall(rb'r:(?:id|embed)="([^"]+)"', package.read(base)))
                missing = {u.decode() for u in used} - ids
                assert not missing, f"{path.name}: {base} uses undeclared {missing}"
        # every paragraph, run and table style used is defined
        styles = etree.fromstring(package.read("word/styles.xml"))
        defined = {s.get(f"{{{W}}}styleId") for s in styles.findall(f"{{{W}}}style")}
        for part in [
            n for n in names if re.fullmatch(r"word/(document|comments|header\d*|footer\d*)\.xml", n)
        ]:
            xml = package.read(part)
            used = set(re.findall(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', xml))
            missing = {u.decode() for u in used} - defined
            assert not missing, f"{path.name}: {part} uses undefined styles {missing}"


def test_docx2python_reads_every_comment(outputs):
    docx2python = pytest.importorskip("docx2python").docx2python
    import docx

    for path in docx_files(outputs):
        expected = [c.text for c in docx.Document(str(path)).comments]
        assert expected, path.name
        with docx2python(str(path)) as content:
            comments = content.comments
        assert len(comments) == len(expected)
        for (_, _, _, text), want in zip(comments, expected, strict=True):
            assert want.split("\n")[0][:60] in text


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"),
    reason="LibreOffice or poppler-utils not installed (bash .ci/install-tools)",
)
def test_libreoffice_pdf_shows_every_clause_heading_and_reference_number(outputs, tmp_path):
    """The numbers are Word's lists and the cross-references REF fields: LibreOffice
    must lay out both with the numbers Word shows."""
    import docx

    files = docx_files(outputs)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for path in files:
        pdf = tmp_path / (path.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {path.name}"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # the running header and footer (each page's first and last line) left out, so a
        # paragraph that runs onto the next page reads on
        body = [
            line for page in text.split("\f") for line in [x for x in page.splitlines() if x.strip()][1:-1]
        ]
        flat = " ".join(" ".join(body).split())
        document = docx.Document(str(path))
        shown = shown_text(document)
        headings = [t for p, t in zip(document.paragraphs, shown, strict=True) if p.style.name == "Heading 2"]
        assert headings and all(re.match(r"\d+\.\d+ ", h) for h in headings)
        for heading in headings:
            assert " ".join(heading.split()) in flat, f"{path.name}: {heading!r} missing from the PDF"
        referring = [
            p.text for p in document.paragraphs if p._p.xpath(".//w:instrText[starts-with(., ' REF')]")
        ]
        assert referring, path.name
        for words in referring:
            assert " ".join(words.split()) in flat, f"{path.name}: {words!r} missing from the PDF"


def test_html_parses_as_html5(outputs):
    html5lib = pytest.importorskip("html5lib")
    for name, path in outputs.items():
        if name.endswith(".html"):
            parser = html5lib.HTMLParser(strict=True)
            parser.parse(path.read_bytes())  # raises on any HTML5 parse error


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice or poppler missing"
)
def test_a_pdf_is_paginated_and_the_word_copy_carries_its_page_numbers(tmp_path, run_cli):
    import docx

    code, _, stderr = run_cli("build", REPO / "samples" / "test-mini.yaml", "-o", tmp_path, "-f", "docx,pdf")
    assert code == 0, stderr
    (pdf,) = tmp_path.glob("*.pdf")
    (word,) = tmp_path.glob("*.docx")
    entries = [p.text for p in docx.Document(str(word)).paragraphs if p.style.name.startswith("toc")]
    numbered = [e.rsplit("\t", 1) for e in entries if "\t" in e]
    assert numbered and len(numbered) == len(entries)
    for heading, page in numbered:
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", page, "-l", page, str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert heading in {" ".join(line.split()) for line in text.splitlines()}, (heading, page)


def test_a_heading_wrapped_over_two_lines_in_the_laid_out_copy_still_gets_its_page(monkeypatch):
    from agreement_kit.render import pdf

    long = "Schedule 2: Terms of reference of the joint health and safety committee"
    pages = [
        f"Contents\n1.1 Parties ........ 2\n{long}",
        "1.1 Parties\nThis agreement is made between the parties.",
        "Schedule 2: Terms of reference of the joint health and safety\ncommittee\nPurpose ...",
    ]
    monkeypatch.setattr(pdf, "_page_texts", lambda path, tool: pages)
    assert pdf.heading_pages(Path("x.pdf"), "pdftotext", ["1.1 Parties", long]) == {"1.1 Parties": 2, long: 3}
