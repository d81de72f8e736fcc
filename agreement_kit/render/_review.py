"""Review reports: Markdown and HTML reports, and the agreement in Word with findings as comments."""

from ._review_docx import render_review_docx
from ._review_text import render_review_html, render_review_markdown

__all__ = ["render_review_docx", "render_review_html", "render_review_markdown"]
