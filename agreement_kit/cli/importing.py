"""`import`: a generated agreement edited in Word, back into its spec."""

from __future__ import annotations

from pathlib import Path

import click

from .common import err, handle_errors, library_at, library_option


@click.command("import")
@click.argument(
    "docx_file", metavar="EDITED.docx", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option(
    "-o",
    "--out",
    "spec_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The spec to write (.yaml).",
)
@library_option
@handle_errors
def import_command(docx_file: Path, spec_path: Path, library_dir: Path | None) -> None:
    """Bring the edits made in Word to a generated agreement back into its spec.

    Wording edited in Word becomes the parties' own text for that clause
    (tracked changes read as accepted), a clause inserted in Word a clause of
    their own after its neighbour, a clause deleted in Word is left out. The
    spec's comments are kept. Rebuilding from the written spec gives the
    edited wording. Prints the spec's path; what was brought back goes to stderr.
    """
    from ..importing.importer import import_docx

    result = import_docx(docx_file, spec_path, library=library_at(library_dir) if library_dir else None)
    click.echo(result.spec_path)
    for line in result.changes:
        err(f"import: {line}")
    for line in result.warnings:
        err(f"warning: {line}", "yellow")
    err(f"import: {len(result.changes)} changes brought back into {result.spec_path}")
