"""The `agreement-kit` command group: every command, and the entry point.

Each command maps its flags onto one function of a feature (see the
modules beside this one); heavy modules are imported inside commands so
`--help` starts fast, and a command's own module only when it runs.
"""

from __future__ import annotations

import os
from importlib import import_module

import click

from .. import __version__
from ..utils.collector import command_process

# Each command's module is imported when that command runs (or --help lists
# them all), so a command pays only for its own: name -> (module, function).
COMMANDS = {
    "batch": ("batch", "batch"),
    "build": ("build", "build"),
    "clauses": ("library", "clauses"),
    "compare": ("reports", "compare_command"),
    "facility-time": ("facility_time", "facility_time_command"),
    "import": ("importing", "import_command"),
    "init": ("library", "init"),
    "review": ("reports", "review_command"),
    "schema": ("library", "schema"),
    "serve": ("serve", "serve_command"),
    "validate": ("build", "validate"),
}


class _Commands(click.Group):
    """A command group whose commands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name]
            self.add_command(getattr(import_module(f".{module}", __package__), name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS:  # "No such command": click suggests from those loaded
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement-kit")
def cli() -> None:
    """Draft annotated NHS partnership and trade union recognition agreements.

    An organisation's choices (a spec YAML file) plus the clause library make
    a Word agreement whose commentary notes are Word comments, and the same
    agreement as Markdown and HTML.
    """


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    # The commands use no pydantic plugins; looking for them reads the metadata
    # of every installed package when the first model is validated (about 5 ms
    # of each run). A value the user has set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    with command_process():
        cli.main(args=argv, prog_name=prog_name or "agreement-kit")
