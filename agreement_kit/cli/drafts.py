"""`review DRAFT.docx`: the Word-draft side of the review command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import err, library_at


def review_docx(
    path: Path,
    out_dir: Path,
    formats: str,
    kind: str | None,
    nation: str | None,
    as_json: bool,
    mapping: Path | None,
    library_dir: Path | None,
) -> str | None:
    """Review the draft, write its reports, print them; the worst severity found."""
    from ..drafts.report import review_json, write_draft_review

    result, paths = write_draft_review(
        path,
        out_dir,
        formats=formats.split(","),
        library=library_at(library_dir) if library_dir else None,
        kind=kind,
        nation=nation,
        mapping=mapping,
    )
    if as_json:
        click.echo(json.dumps(review_json(result, paths), indent=2, ensure_ascii=False))
    else:
        for p in paths:
            click.echo(p)
    for what, why in result.guessed.items():
        err(f"review: {what} guessed from {why}")
    err(f"review: {result.summary()}")
    return result.worst()
