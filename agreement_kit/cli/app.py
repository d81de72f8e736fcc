"""The `agreement-kit` command group: every command, and the entry point.

Each command maps its flags onto one function of a feature (see the
modules beside this one); heavy modules are imported inside commands so
`--help` starts fast.
"""

from __future__ import annotations

import click

from .. import __version__
from .batch import batch
from .build import build, validate
from .facility_time import facility_time_command
from .importing import import_command
from .library import clauses, init, schema
from .reports import compare_command, review_command
from .serve import serve_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement-kit")
def cli() -> None:
    """Draft annotated NHS partnership and trade union recognition agreements.

    An organisation's choices (a spec YAML file) plus the clause library make
    a Word agreement whose commentary notes are Word comments, and the same
    agreement as Markdown and HTML.
    """


for _command in (
    build,
    validate,
    batch,
    review_command,
    compare_command,
    import_command,
    facility_time_command,
    serve_command,
    clauses,
    schema,
    init,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    cli.main(args=argv, prog_name=prog_name or "agreement-kit")
