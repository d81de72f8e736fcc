"""Version comparisons: Word with tracked changes, and a Markdown/HTML redline."""

from ._compare_docx import render_compare_docx
from ._compare_text import render_compare_html, render_compare_markdown

__all__ = ["render_compare_docx", "render_compare_html", "render_compare_markdown"]
