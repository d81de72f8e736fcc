"""A paginated copy: the Word agreement laid out by LibreOffice, as PDF.

Word fills a contents list's page numbers only when someone updates the
field. Here LibreOffice lays the document out once, the page of every
heading is read from that layout (pdftotext, from poppler), and the
document is rendered again with those numbers in its contents before the
final PDF is made; the Word copy written beside it carries the same numbers.
Both programs are installed by the project's .ci/install-tools; without
them, asking for a PDF is a usage error that says what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..assembly.model import Agreement
from ..utils.errors import UsageError
from . import NotesMode
from .docx import render_docx

_TIMEOUT = 180  # seconds for one conversion; LibreOffice's first start is slow


def render_pdf(agreement: Agreement, notes: NotesMode = "comments") -> tuple[bytes, bytes]:
    """(the PDF, the .docx with page numbers in its contents)."""
    soffice, pdftotext = shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftotext")
    if not soffice or not pdftotext:
        raise UsageError(
            "a PDF needs LibreOffice (soffice) and poppler-utils (pdftotext) installed;"
            " run bash .ci/install-tools, or build the other formats"
        )
    first = render_docx(agreement, notes=notes)
    with tempfile.TemporaryDirectory() as folder:
        laid_out = _convert(soffice, first, Path(folder), "first")
        pages = heading_pages(laid_out, pdftotext, _headings(agreement, notes))
        numbered = render_docx(agreement, notes=notes, pages=pages)
        return _convert(soffice, numbered, Path(folder), "final").read_bytes(), numbered


def _headings(agreement: Agreement, notes: NotesMode) -> list[str]:
    """Every entry of the contents, in order, as the document writes them."""
    out = []
    for section in agreement.sections:
        out.append(f"{section.number}. {section.title}")
        out.extend(f"{c.number} {c.title}" for c in section.clauses)
    out.append("Signatures")
    out.extend(s.heading for s in agreement.schedules_for(notes == "none"))
    if notes == "appendix":
        out.append("Drafting notes")
    return out


def _convert(soffice: str, docx: bytes, folder: Path, name: str) -> Path:
    source = folder / f"{name}.docx"
    source.write_bytes(docx)
    profile = folder / "profile"  # its own LibreOffice profile: no clash with a running copy
    command = [
        soffice,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=_TIMEOUT, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise UsageError(f"LibreOffice could not make the PDF ({exc})") from None
    out = folder / f"{name}.pdf"
    if not out.is_file():
        raise UsageError("LibreOffice made no PDF of the agreement")
    return out


def heading_pages(pdf: Path, pdftotext: str, headings: list[str]) -> dict[str, int]:
    """Each heading's page in the laid-out copy. The contents pages hold the same
    lines, so the search for the body starts after the page with the contents'
    last entry; each heading is then found on or after the previous one's page."""
    texts = _page_texts(pdf, pdftotext)
    lines = [{" ".join(line.split()) for line in text.splitlines()} for text in texts]
    # a heading too long for one line is wrapped: found in its page's text run together
    joined = [" ".join(text.split()) for text in texts]
    start = next((i for i, page in enumerate(lines) if "Contents" in page), 0)
    last_entry = headings[-1] if headings else ""
    start = next((i for i in range(start, len(lines)) if last_entry in lines[i]), start) + 1
    out: dict[str, int] = {}
    page = start
    for heading in headings:
        found = next((i for i in range(page, len(lines)) if heading in lines[i]), None)
        if found is None:
            found = next((i for i in range(page, len(joined)) if heading in joined[i]), None)
        if found is not None:
            out[heading] = found + 1
            page = found
    return out


def _page_texts(pdf: Path, pdftotext: str) -> list[str]:
    try:
        result = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, timeout=60, check=True
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise UsageError(f"pdftotext could not read the laid-out copy ({exc})") from None
    return result.stdout.decode("utf-8", "replace").split("\f")
