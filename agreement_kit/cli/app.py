"""The `agreement-kit` command line.

Each command maps its flags onto one library function. Errors a user can
cause arrive as AgreementKitError and are printed here, and only here:
one line per problem on stderr, exit 1 for bad input, 2 for bad usage.
Heavy modules are imported inside commands so `--help` starts fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import __version__

if TYPE_CHECKING:  # not imported at run time: `--help` imports only click
    from ..render import NotesMode

EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


def _err(message: str, colour: str | None = None) -> None:
    click.secho(message, err=True, fg=colour)


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..utils.errors import AgreementKitError

        try:
            return func(*args, **kwargs)
        except AgreementKitError as exc:
            for line in exc.lines():
                _err(f"error: {line}", "red")
            if len(exc.lines()) > 1:
                _err(f"{len(exc.lines())} problems found; nothing was written.", "red")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _err("interrupted; files already written are complete, nothing is half-written.", "yellow")
            sys.exit(130)
        except OSError as exc:
            _err(f"error: {exc.filename or ''}: {exc.strerror or exc}", "red")
            sys.exit(EXIT_INPUT)
        except Exception as exc:  # a bug in agreement-kit, not the user's input
            if os.environ.get("AGREEMENT_KIT_DEBUG"):
                raise
            _err(f"internal error: {type(exc).__name__}: {exc}", "red")
            _err("This is a bug in agreement-kit; set AGREEMENT_KIT_DEBUG=1 for the traceback.", "red")
            sys.exit(EXIT_INTERNAL)

    return wrapper


def _library(path: Path | None):
    from ..load.library import load_library

    return load_library(path)


library_option = click.option(
    "--library",
    "library_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Clause library folder to use instead of the bundled one.",
)


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o/--out: the output folder, ./out unless given."""
    return click.option(
        "-o",
        "--out",
        "out_dir",
        default="out",
        show_default=True,
        type=click.Path(path_type=Path),
        help=help_text,
    )


def agreement_format_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--format and --notes, as `build` and `batch` both take them."""
    command = click.option(
        "--notes",
        type=click.Choice(["comments", "appendix", "none"]),
        default="comments",
        show_default=True,
        help="Commentary as Word comments / footnotes, as an appendix, or none (a clean signing copy).",
    )(command)
    return click.option(
        "-f",
        "--format",
        "formats",
        default="docx,md,html",
        show_default=True,
        help="Comma-separated output formats: docx, md, html.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement-kit")
def cli() -> None:
    """Draft annotated NHS partnership and trade union recognition agreements.

    An organisation's choices (a spec YAML file) plus the clause library make
    a Word agreement whose commentary notes are Word comments, and the same
    agreement as Markdown and HTML.
    """


@cli.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the agreements into.")
@agreement_format_options
@library_option
@_handle_errors
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

    library = _library(library_dir) if library_dir else None  # else loaded after the flags are checked
    paths = run_build(specs, out_dir, formats=formats.split(","), notes=notes, library=library)
    for path in paths:
        click.echo(path)
    _err(f"wrote {len(paths)} files to {out_dir}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (stale citations, unused terms) as errors.")
@library_option
@_handle_errors
def validate(paths: tuple[Path, ...], strict: bool, library_dir: Path | None) -> None:
    """Check spec files and clause libraries without writing anything.

    A PATH may be a spec file, a clause library folder, or a file inside one.
    """
    from ..validate.validate import validate_paths

    problems = validate_paths(paths, library_dir)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in warnings:
        _err(f"warning: {p}", "yellow")
    for p in errors:
        _err(f"error: {p}", "red")
    if errors or (strict and warnings):
        _err(f"{len(errors)} errors, {len(warnings)} warnings", "red")
        sys.exit(EXIT_INPUT)
    _err(f"ok: {len(paths)} checked, {len(warnings)} warnings")


@cli.command()
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
@library_option
@_handle_errors
def batch(
    source: Path,
    base: Path | None,
    out_dir: Path,
    formats: str,
    notes: NotesMode,  # click.Choice has checked it is one
    workers: int | None,
    force: bool,
    quiet: bool,
    library_dir: Path | None,
) -> None:
    """Build agreements for many employers: SOURCE is a folder of specs, or a
    .csv/.xlsx table with one row per employer over a --base spec.

    Columns name spec fields by dotted path (organisation.name, dates.effective)
    or clause settings by clause id (meetings.frequency.meetings_per_year,
    meetings.chair.variant). A failing employer does not stop the others; the
    exit code is 1 if any failed. Re-runs skip employers whose inputs,
    library and outputs are unchanged.

    Outputs are byte-identical for the same inputs; .docx times are the
    effective date, or SOURCE_DATE_EPOCH when that is set.
    """
    from ..batch.batch import error_lines, jobs_from_folder, jobs_from_table, plain_progress, run_batch
    from ..utils.errors import UsageError

    library = _library(library_dir)
    if source.is_dir():
        jobs = jobs_from_folder(source)
    elif source.suffix.lower() in (".csv", ".xlsx"):
        if base is None:
            raise UsageError("a table needs --base SPEC: the spec its rows override")
        jobs = jobs_from_table(source, base, library)
    else:
        raise UsageError(f"{source}: give a folder of specs or a .csv/.xlsx table")
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
        )
    counts = {s: sum(o.status == s for o in result.outcomes) for s in ("built", "unchanged", "failed")}
    for outcome in result.failures:
        for line in error_lines(outcome):
            _err(f"error: {line}", "red")
    click.echo(result.manifest)
    _err(
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


@cli.command("review")
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
@library_option
@_handle_errors
def review_command(
    spec: Path, out_dir: Path, formats: str, strict: bool, fail_on: str, library_dir: Path | None
) -> None:
    """Review a SPEC's agreements against the model, for a staff-side chair.

    Reports wording that departs from the model (with a redline), variants
    and values weaker than the guidance, recommended clauses that are absent,
    the Acas Code 3 and TULRCA s.178(2) checklists, and citations of repealed
    law. Prints the report paths; a one-line summary goes to stderr.
    """
    from ..reviewing.report import write_review
    from ..reviewing.review import severity_rank

    result, paths = write_review(
        spec, out_dir, formats=formats.split(","), library=_library(library_dir) if library_dir else None
    )
    for path in paths:
        click.echo(path)
    _err(f"review: {result.summary()}")
    worst = result.worst()
    if strict and worst is not None and severity_rank(worst) >= severity_rank(fail_on):
        sys.exit(EXIT_INPUT)


@cli.command("compare")
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
@_handle_errors
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

    old_lib = _library(old_library) if old_library else None
    new_lib = _library(new_library) if new_library else None
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
        _err(f"compare: {diff.summary()}")


@cli.group()
def clauses() -> None:
    """Browse the clause library."""


@clauses.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--kind", help="Only clauses of this agreement kind.")
@library_option
@_handle_errors
def clauses_list(as_json: bool, kind: str | None, library_dir: Path | None) -> None:
    """List every clause: id, section and title."""
    from ..catalogue.browse import catalogue

    entries = catalogue(_library(library_dir), kind)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False, default=str))
        return
    for e in entries:
        where = ", ".join(f"{s['kind']}/{s['section']}" for s in e["sections"]) or "(not in an outline)"
        click.echo(f"{e['id']:<36} {e['title']:<44} {where}")


@clauses.command("show")
@click.argument("clause_id")
@library_option
@_handle_errors
def clauses_show(clause_id: str, library_dir: Path | None) -> None:
    """Show one clause: parameters, variants, wording, commentary and citations."""
    from ..catalogue.browse import describe

    click.echo(describe(_library(library_dir), clause_id))


@cli.command()
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the schema files (default: the library's schema/ folder).",
)
@_handle_errors
def schema(out_dir: Path | None) -> None:
    """Write JSON Schemas for specs and clause files, for editor completion."""
    from ..catalogue.schemas import write_schemas
    from ..utils.resources import clauses_dir

    for path in write_schemas(out_dir or clauses_dir() / "schema"):
        click.echo(path)


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    cli.main(args=argv, prog_name=prog_name or "agreement-kit")
