"""`clauses list`, `clauses show` and `schema`: the clause library at a glance."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import (
    err,
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
    """List every clause in agreement order: where it sits, whether it is in
    every agreement or optional (switched on with add:), and its variants and
    parameters."""
    from ..catalogue.browse import catalogue

    entries = catalogue(library_at(library_dir), kind)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False, default=str))
        return
    for e in entries:
        where = ", ".join(f"{s['kind']} {s['order']}" for s in e["sections"]) or "(not in an outline)"
        optional = "optional" if e["sections"] and not any(s["default"] for s in e["sections"]) else ""
        click.echo(f"{e['id']:<36} {e['title']:<44} {where:<24} {optional}".rstrip())
        if e["variants"]:
            click.echo(f"{'':<4}variants: {', '.join(e['variants'])}")
        if e["parameters"]:
            click.echo(f"{'':<4}parameters: {', '.join(e['parameters'])}")


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
    default="schema",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the schema files (the library's maintainers use clauses/schema).",
)
@library_option
@handle_errors
def schema(out_dir: Path, library_dir: Path | None) -> None:
    """Write JSON Schemas for specs and clause files, for editor completion.

    The spec's schema spells out the library's clauses, variants and
    parameters. Files go to ./schema unless -o says otherwise; nothing is
    written inside the installed package."""
    from ..catalogue.schemas import write_schemas

    for path in write_schemas(out_dir, library_at(library_dir)):
        click.echo(path)


@click.command()
@click.option("--type", "org_type", default="acute_trust", show_default=True, help="The employer's type.")
@click.option(
    "--nation",
    type=click.Choice(["england", "scotland", "wales"]),
    default="england",
    show_default=True,
    help="Picks the nation's bodies, wording and law.",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    default="spec.yaml",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The spec to write; an existing file is never overwritten.",
)
@library_option
@handle_errors
def init(org_type: str, nation: str, out_path: Path, library_dir: Path | None) -> None:
    """Write an annotated starter spec: every clause that can be changed, at its
    default, with what each setting means, ready to edit and build."""
    from ..catalogue.starter import starter_spec
    from ..utils.atomic_write import write_atomic
    from ..utils.errors import UsageError

    if out_path.exists():
        raise UsageError(f"{out_path} exists; give another -o, or move it away first")
    write_atomic(out_path, starter_spec(library_at(library_dir), org_type=org_type, nation=nation).encode())
    click.echo(out_path)
    err(f"wrote a starter spec; edit it, then: agreement-kit build {out_path} -o out/")
