"""Write a comparison's documents: the pipeline behind `agreement-kit compare`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ..assembly.assembler import assemble
from ..load.docx_spec import load_spec_or_docx
from ..load.library import Library, load_library
from ..utils.atomic_write import write_atomic
from ..utils.epoch import fixed_time
from ..utils.errors import UsageError
from ..utils.formats import chosen_formats
from .compare import AgreementDiff, compare

COMPARE_FORMATS = ("docx", "md", "html")
_EARLIEST = 1980


def _check_author(author: str) -> None:
    """The author is written into every tracked change: one printable line."""
    if not author.strip() or len(author) > 255 or not author.isprintable():
        raise UsageError(
            "--author must be a name of 1 to 255 printable characters on one line (no control characters)"
        )


def write_compare(
    old_spec: Path,
    new_spec: Path,
    out_dir: Path,
    *,
    old_library: Library | None = None,
    new_library: Library | None = None,
    author: str = "agreement-kit",
    date: dt.datetime | None = None,
    formats: Sequence[str] = COMPARE_FORMATS,
) -> tuple[list[AgreementDiff], list[Path]]:
    """Compare two versions (two specs, or one spec under two libraries); write redlines."""
    from .render_docx import render_compare_docx
    from .render_text import render_compare_html, render_compare_markdown

    formats = chosen_formats(formats, COMPARE_FORMATS)
    _check_author(author)
    if date is not None and not _EARLIEST <= date.year <= 2099:
        # A .docx zip entry cannot be dated before 1980, and Word reads four-digit years.
        raise UsageError(f"--date {date.date().isoformat()}: give a date from {_EARLIEST} to 2099")
    old_library = old_library or load_library()
    new_library = new_library or old_library
    old_loaded, new_loaded = load_spec_or_docx(old_spec), load_spec_or_docx(new_spec)
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
