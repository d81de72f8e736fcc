"""Rendering: one renderer per output format (docx, md, html), each reading only the assembled model.

Also the pieces features' own renderers share: the Word building blocks
(``docx``, ``word/``) and report redlines. Imports ``assemble`` and ``utils``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from ..assembly.model import Agreement

NotesMode = Literal["comments", "appendix", "none"]
FORMATS = ("docx", "md", "html")
NOTES_MODES: tuple[NotesMode, ...] = get_args(NotesMode)


def render(agreement: Agreement, fmt: str, *, notes: NotesMode = "comments") -> bytes:
    """Render one agreement in one format, as the bytes of the file."""
    return _renderer(fmt)(agreement, notes)


def _renderer(fmt: str) -> Callable[[Agreement, NotesMode], bytes]:
    # Imported on use: docxtpl and friends are slow to import, and `--help`
    # or `validate` should not pay for them.
    if fmt == "docx":
        from .docx import render_docx

        return lambda a, notes: render_docx(a, notes=notes)
    if fmt == "md":
        from .markdown import render_markdown

        return lambda a, notes: render_markdown(a, notes=notes).encode("utf-8")
    if fmt == "html":
        from .html import render_html

        return lambda a, notes: render_html(a, notes=notes).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")
