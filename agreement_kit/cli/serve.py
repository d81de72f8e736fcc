"""`serve`: the local drafting page."""

from __future__ import annotations

from pathlib import Path

import click

from .common import handle_errors


@click.command("serve")
@click.argument("spec", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--port", type=click.IntRange(1, 65535), help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a web browser.")
@handle_errors
def serve_command(spec: Path | None, port: int | None, no_browser: bool) -> None:
    """Draft in the browser: a page on 127.0.0.1 built from the clause library.

    Start from SPEC, a sample or an uploaded spec; choose wording, values and
    clauses with the commentary beside them, see the agreement and the
    review update as you go, and download Word, Markdown, HTML, the spec or
    all of them as a zip. The page's address is the first line printed;
    Ctrl-C stops it.
    """
    from ..serve.server import serve
    from ..utils.collector import collect_as_usual

    collect_as_usual()  # a long run: see utils/collector.py
    serve(spec, port=port, open_browser=not no_browser)
