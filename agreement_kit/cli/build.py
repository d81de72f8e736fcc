"""`build` and `validate`: write an organisation's agreements, or check specs and libraries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    EXIT_INPUT,
    agreement_format_options,
    err,
    handle_errors,
    library_at,
    library_option,
    out_option,
)

if TYPE_CHECKING:  # not imported at run time: `--help` imports only click
    from ..render import NotesMode


@click.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the agreements into.")
@agreement_format_options
@library_option
@handle_errors
def build(
    specs: tuple[Path, ...],
    out_dir: Path,
    formats: str,
    notes: NotesMode,  # click.Choice has checked it is one
    library_dir: Path | None,
) -> None:
    """Build the agreements of one or more SPEC files.

    Prints the path of every file written, one per line; messages go to
    stderr. If any spec is invalid, nothing is written.
    """
    from ..building.build import build as run_build

    library = library_at(library_dir) if library_dir else None  # else loaded after the flags are checked
    warnings: list = []
    paths = run_build(
        specs, out_dir, formats=formats.split(","), notes=notes, library=library, warnings=warnings
    )
    for problem in warnings:
        err(f"warning: {problem}", "yellow")
    for path in paths:
        click.echo(path)
    err(f"wrote {len(paths)} files to {out_dir}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (stale citations, unused terms) as errors.")
@library_option
@handle_errors
def validate(paths: tuple[Path, ...], strict: bool, library_dir: Path | None) -> None:
    """Check spec files and clause libraries without writing anything.

    A PATH may be a spec file, a clause library folder, or a file inside one.
    """
    from ..validate.validate import validate_paths

    problems = validate_paths(paths, library_dir)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in warnings:
        err(f"warning: {p}", "yellow")
    for p in errors:
        err(f"error: {p}", "red")
    if errors or (strict and warnings):
        err(f"{len(errors)} errors, {len(warnings)} warnings", "red")
        sys.exit(EXIT_INPUT)
    err(f"ok: {len(paths)} checked, {len(warnings)} warnings")
