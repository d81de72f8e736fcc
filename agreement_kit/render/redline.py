"""Redlines as Markdown and HTML runs, shared by the review and comparison reports.

A redline (``utils.redline``) is a list of runs: unchanged, deleted or
inserted words. These helpers print them with <del>/<ins> marks, every word
escaped as the agreement renderers escape values.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from ..assembly.model import Agreement
from ..utils.redline import Redline
from .markdown import escape, guard_start

REPORT_STYLESHEET = "report.css"

Run = tuple[str, str]  # ("=" | "-" | "+", text)


def redline_paragraphs(redline: Redline) -> list[list[Run]]:
    """The runs of a redline split at line breaks, one list per paragraph, so
    a reworded multi-paragraph clause reads as paragraphs, not one block."""
    paragraphs: list[list[Run]] = [[]]
    for op, text in redline.runs:
        for i, part in enumerate(text.split("\n")):
            if i:
                paragraphs.append([])
            if part:
                paragraphs[-1].append((op, part))
    return [p for p in paragraphs if any(t.strip() for _, t in p)]


def _split_space(text: str) -> tuple[str, str, str]:
    """(leading space, words, trailing space): marks hug the words, so a
    struck-through run does not strike the gap after it."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


_TAGS = {"-": "del", "+": "ins"}


def _spaced(runs: Iterable[Run]) -> list[Run]:
    """A deletion that ends a text runs straight into the insertion that
    replaces it ("year.Forum."); give the pair a space between them."""
    out: list[Run] = []
    for op, text in runs:
        if out and out[-1][0] == "-" and op == "+" and not out[-1][1][-1:].isspace():
            out[-1] = ("-", out[-1][1] + " ")
        out.append((op, text))
    return out


def runs_md(runs: Iterable[Run]) -> str:
    """Runs as one Markdown line; changes as inline <del>/<ins> HTML, which
    python-markdown passes through, with the words inside escaped."""
    out = []
    for op, text in _spaced(runs):
        lead, core, trail = _split_space(text)
        body = escape(core)
        if op in _TAGS and core:
            body = f"<{_TAGS[op]}>{body}</{_TAGS[op]}>"
        out.append(f"{' ' if lead else ''}{body}{' ' if trail else ''}")
    return guard_start("".join(out)).strip()


def runs_html(runs: Iterable[Run]) -> Markup:
    """Runs as escaped HTML with <del>/<ins> marks, for the templates."""
    out = []
    for op, text in _spaced(runs):
        lead, core, trail = _split_space(text)
        if op in _TAGS and core:
            tag = _TAGS[op]
            body = Markup("<{0}>{1}</{0}>").format(Markup(tag), core)
        else:
            body = Markup.escape(core)
        out.append(Markup.escape(" " if lead else "") + body + Markup.escape(" " if trail else ""))
    return Markup("").join(out)


def library_versions(agreements: Iterable[Agreement]) -> str:
    return ", ".join(dict.fromkeys(a.library_version for a in agreements)) or "unknown"
