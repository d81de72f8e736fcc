"""`batch`: agreements for many employers, with a progress bar on stderr."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--base",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Base spec that each row of a table overrides (needed for .csv/.xlsx input).",
)
@out_option("Folder to write one sub-folder per employer into, and manifest.json.")
@agreement_format_options
@click.option("-j", "--workers", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Rebuild employers whose inputs and outputs are unchanged.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option(
    "--ignore-columns",
    default="",
    metavar="A,B",
    help="Table columns to leave out, comma-separated (columns whose name starts with # always are).",
)
@click.option(
    "--review",
    is_flag=True,
    help="Each employer's findings by severity in the index, and portfolio.md/.html across employers.",
)
@library_option
@handle_errors
def batch(
    source: Path,
    base: Path | None,
    out_dir: Path,
    formats: str,
    notes: NotesMode,  # click.Choice has checked it is one
    workers: int | None,
    force: bool,
    quiet: bool,
    ignore_columns: str,
    review: bool,
    library_dir: Path | None,
) -> None:
    """Build agreements for many employers: SOURCE is a folder of specs, or a
    .csv/.xlsx table with one row per employer over a --base spec.

    Columns name spec fields by dotted path (organisation.name, dates.effective)
    or clause settings by clause id (meetings.frequency.meetings_per_year,
    meetings.chair.variant). Columns starting with # are notes, left out.
    Lists are separated by ; or line breaks in the cell:

    \b
      agreements  partnership; recognition
      unions      NAME (SHORT NAME) = WHOM IT REPRESENTS; ...
                  UNISON; Royal College of Nursing (RCN) = nursing staff
      signatories NAME | ROLE | SIDE | ORGANISATION; ...  (side: management
                  or staff; organisation optional)
                  A. Smith | Chief Executive | management;
                  B. Jones | Staff Side Chair | staff | UNISON

    Each employer's folder holds its agreements and spec.yaml (the row over
    the base); -o holds manifest.json, index.html and summary.csv in row
    order. A failing employer does not stop the others; the exit code is 1
    if any failed. Re-runs skip employers whose inputs, library and outputs
    are unchanged.

    Outputs are byte-identical for the same inputs; .docx times are the
    effective date, or SOURCE_DATE_EPOCH when that is set.
    """
    from ..batch.batch import error_lines, jobs_from_source, plain_progress, run_batch
    from ..utils.collector import collect_as_usual

    collect_as_usual()  # a long run: see utils/collector.py
    library = library_at(library_dir)
    ignore = [c.strip() for c in ignore_columns.split(",") if c.strip()]
    jobs = jobs_from_source(source, base, library, ignore)
    fmt_list = [f.strip() for f in formats.split(",") if f.strip()]
    with contextlib.ExitStack() as stack:
        progress = None
        if quiet:
            pass
        elif sys.stderr.isatty():
            progress = stack.enter_context(_progress_bar(len(jobs)))
        else:
            progress = plain_progress()
        result = run_batch(
            jobs,
            out_dir,
            library=library,
            formats=fmt_list,
            notes=notes,
            workers=workers,
            force=force,
            progress=progress,
            review=review,
        )
    counts = {s: sum(o.status == s for o in result.outcomes) for s in ("built", "unchanged", "failed")}
    for outcome in result.failures:
        for line in error_lines(outcome):
            err(f"error: {line}", "red")
    click.echo(result.manifest)
    err(
        f"batch: {counts['built']} built, {counts['unchanged']} unchanged, {counts['failed']} failed",
        "red" if result.failures else None,
    )
    if result.failures:
        sys.exit(EXIT_INPUT)


@contextlib.contextmanager
def _progress_bar(total: int, console: Any = None):
    """A live bar on stderr (stdout carries only the manifest path, for
    scripts): employers done of all, failures so far, time left."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("employers{task.fields[failed]}"),
        TimeRemainingColumn(),
    )
    failed = 0
    with Progress(*columns, console=console or Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Building", total=total, failed="")

        def report(outcome, done: int, _total: int) -> None:
            nonlocal failed
            failed += outcome.status == "failed"
            bar.update(task, completed=done, failed=f", {failed} failed" if failed else "")

        yield report
