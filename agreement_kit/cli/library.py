"""`clauses list`, `clauses show` and `schema`: the clause library at a glance."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import (
    handle_errors,
    library_at,
    library_option,
)


@click.group()
def clauses() -> None:
    """Browse the clause library."""


@clauses.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--kind", help="Only clauses of this agreement kind.")
@library_option
@handle_errors
def clauses_list(as_json: bool, kind: str | None, library_dir: Path | None) -> None:
    """List every clause: id, section and title."""
    from ..catalogue.browse import catalogue

    entries = catalogue(library_at(library_dir), kind)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False, default=str))
        return
    for e in entries:
        where = ", ".join(f"{s['kind']}/{s['section']}" for s in e["sections"]) or "(not in an outline)"
        click.echo(f"{e['id']:<36} {e['title']:<44} {where}")


@clauses.command("show")
@click.argument("clause_id")
@library_option
@handle_errors
def clauses_show(clause_id: str, library_dir: Path | None) -> None:
    """Show one clause: parameters, variants, wording, commentary and citations."""
    from ..catalogue.browse import describe

    click.echo(describe(library_at(library_dir), clause_id))


@click.command()
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the schema files (default: the library's schema/ folder).",
)
@handle_errors
def schema(out_dir: Path | None) -> None:
    """Write JSON Schemas for specs and clause files, for editor completion."""
    from ..catalogue.schemas import write_schemas
    from ..utils.resources import clauses_dir

    for path in write_schemas(out_dir or clauses_dir() / "schema"):
        click.echo(path)
