"""`review` and `compare`: reports for a staff-side chair, and redlines between versions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    EXIT_INPUT,
    err,
    handle_errors,
    library_at,
    library_option,
    out_option,
)


@click.command("review")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the reports into.")
@click.option(
    "-f",
    "--format",
    "formats",
    default="md,html,docx",
    show_default=True,
    help="Comma-separated report formats: md, html, docx (the agreement with findings as comments).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when any finding is at or above --fail-on.")
@click.option(
    "--fail-on",
    type=click.Choice(["low", "medium", "high"]),
    default="medium",
    show_default=True,
    help="The severity that fails a --strict run.",
)
@click.option(
    "--kind",
    type=click.Choice(["partnership", "recognition"]),
    help="A .docx draft's kind (default: guessed).",
)
@click.option(
    "--nation",
    type=click.Choice(["england", "scotland", "wales"]),
    help="A .docx draft's nation (default: guessed).",
)
@click.option("--json", "as_json", is_flag=True, help="A .docx draft: print the review as one JSON object.")
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A .docx draft: YAML confirming or correcting matches (heading or index -> clause id or null).",
)
@library_option
@handle_errors
def review_command(
    spec: Path,
    out_dir: Path,
    formats: str,
    strict: bool,
    fail_on: str,
    kind: str | None,
    nation: str | None,
    as_json: bool,
    mapping: Path | None,
    library_dir: Path | None,
) -> None:
    """Review a SPEC's agreements, or a Word draft (.docx), against the model.

    Reports wording that departs from the model (with a redline), variants
    and values weaker than the guidance, recommended clauses that are absent,
    the Acas Code 3 and TULRCA s.178(2) checklists, and citations of repealed
    law. Prints the report paths; a one-line summary goes to stderr. A .docx
    draft is mapped clause by clause onto the model, and its findings are
    added as comments to a copy of the draft itself.
    """
    from ..reviewing.review import severity_rank

    if spec.suffix.lower() == ".docx":
        from .drafts import review_docx

        worst = review_docx(spec, out_dir, formats, kind, nation, as_json, mapping, library_dir)
        if strict and worst is not None and severity_rank(worst) >= severity_rank(fail_on):
            sys.exit(EXIT_INPUT)
        return
    if kind or nation or as_json or mapping:
        from ..utils.errors import UsageError

        raise UsageError("--kind, --nation, --json and --mapping are for a .docx draft, not a spec")
    from ..reviewing.report import write_review

    result, paths = write_review(
        spec, out_dir, formats=formats.split(","), library=library_at(library_dir) if library_dir else None
    )
    for path in paths:
        click.echo(path)
    err(f"review: {result.summary()}")
    worst = result.worst()
    if strict and worst is not None and severity_rank(worst) >= severity_rank(fail_on):
        sys.exit(EXIT_INPUT)


@click.command("compare")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the tracked-change documents and redlines into.")
@click.option(
    "-f",
    "--format",
    "formats",
    default="docx,md,html",
    show_default=True,
    help="Comma-separated formats: docx (tracked changes), md, html (redlines).",
)
@click.option(
    "--old-library",
    type=click.Path(path_type=Path, file_okay=False),
    help="Clause library for OLD (default: the bundled one).",
)
@click.option(
    "--new-library",
    type=click.Path(path_type=Path, file_okay=False),
    help="Clause library for NEW (default: the same as OLD).",
)
@click.option("--author", default="agreement-kit", show_default=True, help="Author of the tracked changes.")
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Date of the tracked changes (default: SOURCE_DATE_EPOCH if set, else NEW's effective date).",
)
@handle_errors
def compare_command(
    old: Path,
    new: Path,
    out_dir: Path,
    formats: str,
    old_library: Path | None,
    new_library: Path | None,
    author: str,
    date,
) -> None:
    """Compare two versions of an agreement clause by clause.

    OLD and NEW are specs (the same spec twice with --old-library and
    --new-library compares two library versions). Writes a Word document
    with tracked changes to accept or reject, and a Markdown/HTML redline.
    """
    import datetime as dt

    from ..comparison.report import write_compare

    old_lib = library_at(old_library) if old_library else None
    new_lib = library_at(new_library) if new_library else None
    when = date.replace(tzinfo=dt.UTC) if date else None
    diffs, paths = write_compare(
        old,
        new,
        out_dir,
        old_library=old_lib,
        new_library=new_lib,
        author=author,
        date=when,
        formats=formats.split(","),
    )
    for path in paths:
        click.echo(path)
    for diff in diffs:
        err(f"compare: {diff.summary()}")
