"""Write a review's reports: the pipeline behind `agreement-kit review`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..load.library import Library, load_library
from ..load.spec import load_spec
from ..utils.atomic_write import write_atomic
from ..utils.formats import chosen_formats
from .review import Review, review

REPORT_FORMATS = ("md", "html", "docx")


def write_review(
    spec_path: Path, out_dir: Path, *, formats: Sequence[str] = REPORT_FORMATS, library: Library | None = None
) -> tuple[Review, list[Path]]:
    """Review one spec against the model; write the report in each format."""
    from .render_docx import render_review_docx
    from .render_text import render_review_html, render_review_markdown

    formats = chosen_formats(formats, REPORT_FORMATS)
    library = library or load_library()
    loaded = load_spec(spec_path)
    result = review(loaded, library)
    stem = loaded.spec.organisation.file_stem
    files: list[tuple[Path, bytes]] = []
    if "md" in formats:
        files.append((out_dir / f"{stem}-review.md", render_review_markdown(result).encode()))
    if "html" in formats:
        files.append((out_dir / f"{stem}-review.html", render_review_html(result).encode()))
    if "docx" in formats:
        for agreement in result.agreements:
            findings = [f for f in result.findings if f.agreement == agreement.kind]
            files.append(
                (out_dir / f"{stem}-{agreement.kind}-review.docx", render_review_docx(agreement, findings))
            )
    for path, data in files:
        write_atomic(path, data)
    return result, [p for p, _ in files]
