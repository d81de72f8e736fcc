"""What every command shares: the error handler, exit codes and common options.

Errors a user can cause arrive as AgreementKitError and are printed here,
and only here: one line per problem on stderr, exit 1 for bad input, 2 for
bad usage. Nothing heavy is imported at module level, so `--help` is fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


def err(message: str, colour: str | None = None) -> None:
    click.secho(message, err=True, fg=colour)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..utils.errors import AgreementKitError

        try:
            return func(*args, **kwargs)
        except AgreementKitError as exc:
            for line in exc.lines():
                err(f"error: {line}", "red")
            if len(exc.lines()) > 1:
                err(f"{len(exc.lines())} problems found; nothing was written.", "red")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err("interrupted; files already written are complete, nothing is half-written.", "yellow")
            sys.exit(130)
        except OSError as exc:
            err(f"error: {exc.filename or ''}: {exc.strerror or exc}", "red")
            sys.exit(EXIT_INPUT)
        except Exception as exc:  # a bug in agreement-kit, not the user's input
            if os.environ.get("AGREEMENT_KIT_DEBUG"):
                raise
            err(f"internal error: {type(exc).__name__}: {exc}", "red")
            err("This is a bug in agreement-kit; set AGREEMENT_KIT_DEBUG=1 for the traceback.", "red")
            sys.exit(EXIT_INTERNAL)

    return wrapper


def library_at(path: Path | None):
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
        help="Comma-separated output formats: docx, md, html, and pdf (a paginated copy laid out by"
        " LibreOffice, whose Word copy then has page numbers in its contents).",
    )(command)
