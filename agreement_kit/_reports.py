"""Write review reports and version comparisons: the pipeline behind
`agreement-kit review` and `agreement-kit compare`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ._assembly import assemble
from ._compare import AgreementDiff, compare
from ._epoch import fixed_time
from ._errors import UsageError
from ._library import Library, load_library
from ._review import Review, review
from ._spec import load_spec
from ._writer import write_atomic

REPORT_FORMATS = ("md", "html", "docx")


def _formats(formats: Sequence[str]) -> list[str]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    for fmt in wanted:
        if fmt not in REPORT_FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    if not wanted:
        raise UsageError("no output format given")
    return wanted


def write_review(
    spec_path: Path, out_dir: Path, *, formats: Sequence[str] = REPORT_FORMATS, library: Library | None = None
) -> tuple[Review, list[Path]]:
    """Review one spec against the model; write the report in each format."""
    from .render._review import render_review_docx, render_review_html, render_review_markdown

    formats = _formats(formats)
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


def write_compare(
    old_spec: Path,
    new_spec: Path,
    out_dir: Path,
    *,
    old_library: Library | None = None,
    new_library: Library | None = None,
    author: str = "agreement-kit",
    date: dt.datetime | None = None,
    formats: Sequence[str] = REPORT_FORMATS,
) -> tuple[list[AgreementDiff], list[Path]]:
    """Compare two versions (two specs, or one spec under two libraries); write redlines."""
    from .render._compare import render_compare_docx, render_compare_html, render_compare_markdown

    formats = _formats(formats)
    old_library = old_library or load_library()
    new_library = new_library or old_library
    old_loaded, new_loaded = load_spec(old_spec), load_spec(new_spec)
    diffs = compare(assemble(old_loaded, old_library), assemble(new_loaded, new_library))
    date = fixed_time(date, new_loaded.spec.dates.effective)
    stem = new_loaded.spec.organisation.file_stem
    files: list[tuple[Path, bytes]] = []
    if "md" in formats:
        files.append((out_dir / f"{stem}-changes.md", render_compare_markdown(diffs).encode()))
    if "html" in formats:
        files.append((out_dir / f"{stem}-changes.html", render_compare_html(diffs).encode()))
    if "docx" in formats:
        for diff in diffs:
            files.append(
                (
                    out_dir / f"{stem}-{diff.kind}-changes.docx",
                    render_compare_docx(diff, author=author, date=date),
                )
            )
    for path, data in files:
        write_atomic(path, data)
    return diffs, [p for p, _ in files]
