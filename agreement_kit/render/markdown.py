"""Render an agreement as Markdown (python-markdown with `footnotes` and `tables`).

Every value is escaped so that the Markdown, once converted, shows exactly
what was typed: an organisation called ``*Smith* | [x](y)`` must not turn
into emphasis, a table column or a link. Escaping is kept to what
python-markdown needs so that the raw file stays readable.

The note-building helpers here are shared with the HTML renderer, so that
both say the same thing about each clause.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from ..assembly.model import (
    Agreement,
    Block,
    Clause,
    Inline,
    Paragraph,
    Ref,
    SignatoryRow,
    TermUse,
    Text,
    letter,
)
from . import NOTES_MODES, NotesMode
from .notes import note_blocks

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SIDES = (("management", "For the management side"), ("staff", "For the staff side"))
SIGN_LINE = "." * 40

# -- shared with the HTML renderer ---------------------------------------------


def long_date(value: dt.date) -> str:
    """``2026-04-01`` -> ``1 April 2026`` (no locale involved)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def signatory_groups(agreement: Agreement) -> list[tuple[str, list[SignatoryRow | None]]]:
    """Signatories by side; a side nobody is named for gets one blank block,
    so the printed agreement can still be signed."""
    groups = []
    for side, heading in SIDES:
        rows: list[SignatoryRow | None] = [s for s in agreement.signatories if s.side == side]
        groups.append((heading, rows or [None]))
    return groups


def merged(inlines: Iterable[Inline]) -> list[tuple[str, bool, bool]]:
    """Inline content as (text, bold, italic) runs, neighbours with the same
    formatting joined (``**a****b**`` would not parse as bold)."""
    runs: list[tuple[str, bool, bool]] = []
    for item in inlines:
        if isinstance(item, Ref):
            run = (item.label, False, False)
        elif isinstance(item, TermUse):
            run = (item.term, item.bold, item.italic)
        else:
            run = (item.text, item.bold, item.italic)
        if runs and runs[-1][1:] == run[1:]:
            runs[-1] = (runs[-1][0] + run[0], *run[1:])
        elif run[0]:
            runs.append(run)
    return runs


# -- escaping -------------------------------------------------------------------

# Always significant to python-markdown (plus `|` under the tables extension).
_ALWAYS = re.compile(r"([\\`*_\[\]#|{}])")
# Only an entity-like `&name;` is taken as an entity; a bare `&` is safe.
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[a-zA-Z0-9]+;)")
# At the start of a line these begin a list, a rule or a quotation.
_LIST_START = re.compile(r"^(?:(\d+)([.)])(?=\s|$)|([-+>]))")


_SPACES = re.compile(r"\s+")


def escape(text: str) -> str:
    """Escape text for use inside a Markdown line (not at its start)."""
    # Whitespace other than single ASCII spaces becomes one space. Every such
    # character (tab, newline, no-break space...) makes isprintable() false.
    if "  " in text or not text.isprintable():
        text = _SPACES.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub("&amp;", text)
    return _ALWAYS.sub(r"\\\1", text.replace("<", "&lt;"))


def guard_start(line: str) -> str:
    """Stop an escaped line that begins like a list item from becoming one."""
    line = line.lstrip()

    def fix(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return f"{m.group(1)}\\{m.group(2)}"
        return "\\" + m.group(3)

    return _LIST_START.sub(fix, line, count=1)


def inline_md(inlines: Iterable[Inline]) -> str:
    out = []
    for text, bold, italic in merged(inlines):
        marker = ("**" if bold else "") + ("*" if italic else "")
        body = escape(text)
        core = body.strip()
        if not marker or not core:
            out.append(body)
            continue
        # Emphasis markers must hug the words, so spaces go outside them.
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()) :]
        out.append(f"{lead}{marker}{core}{marker[::-1]}{trail}")
    return "".join(out)


def line_md(inlines: Iterable[Inline]) -> str:
    return guard_start(inline_md(inlines)).strip()


# -- document -------------------------------------------------------------------


def footnote_label(clause: Clause) -> str:
    return "note-" + clause.number.replace(".", "-")


def _blocks_md(blocks: Iterable[Block]) -> list[str]:
    """Each block as one or more Markdown paragraphs."""
    out: list[str] = []
    for block in blocks:
        out.extend(block_md(block))
    return out


# Blocks kept with their Markdown: in a batch most of an agreement's
# paragraphs are the same for every employer. A block is a frozen value and
# its Markdown depends on nothing else. A block of more than KEPT_INLINES
# inlines (the definitions, which name the organisation) is written afresh,
# not kept: it is mostly one employer's own, and large.
# blocks kept: one employer's agreements use about 600, most the same for every
# employer; what is one employer's own (its name in a sentence) soon makes way
BLOCK_CACHE_SIZE = 1024
KEPT_INLINES = 64


def block_md(block: Block) -> tuple[str, ...]:
    """A block as its Markdown paragraphs: one, or one per lettered item."""
    lines = (block.inlines,) if isinstance(block, Paragraph) else block.items
    return _block_md(block) if sum(map(len, lines)) > KEPT_INLINES else _kept_block_md(block)


def _block_md(block: Block) -> tuple[str, ...]:
    if isinstance(block, Paragraph):
        text = line_md(block.inlines)
        return (f"{block.number} {text}" if block.number else text,)
    return tuple(f"({letter(i)}) {line_md(item)}" for i, item in enumerate(block.items))


_kept_block_md = lru_cache(maxsize=BLOCK_CACHE_SIZE)(_block_md)


def _cover(a: Agreement, notes: NotesMode) -> list[str]:
    out = [f"# {escape(a.title)}", line_md([Text(a.organisation, bold=True)])]
    parties = [
        f"- {guard_start(escape(p.name))}" + (f", {escape(p.role)}" if p.role else "") for p in a.parties
    ]
    out.append("This agreement is made between:\n\n" + "\n".join(parties))
    out.append("and the trade unions named in Schedule 1.")
    facts = [("Version", a.version), ("Effective from", long_date(a.effective))]
    if a.review is not None:
        facts.append(("Review by", long_date(a.review)))
    if notes != "none":  # which library drafted it matters to reviewers of a draft, not on a signed copy
        facts.append(("Clause library", a.library_version))
    out.append("\n".join(f"- **{k}:** {escape(v)}" for k, v in facts))
    return out


def _contents(a: Agreement, notes: NotesMode) -> str:
    lines = ["## Contents", ""]
    for section in a.sections:
        lines.append(f"- {section.number}\\. {escape(section.title)}")
        lines.extend(f"    - {c.number} {escape(c.title)}" for c in section.clauses)
    lines.append("- Signatures")
    lines.extend(f"- {escape(s.heading)}" for s in a.schedules_for(signing=notes == "none"))
    if notes == "appendix" and any(note_blocks(c) for c in a.clauses()):
        lines.append("- Appendix: Drafting notes")
    return "\n".join(lines)


def _clause(clause: Clause, notes: NotesMode) -> list[str]:
    heading = f"### {clause.number} {escape(clause.title)}"
    if notes == "comments" and note_blocks(clause):
        heading += f"[^{footnote_label(clause)}]"
    return [heading, *_blocks_md(clause.blocks)]


def _schedules(a: Agreement, notes: NotesMode) -> list[str]:
    out = []
    for schedule in a.schedules_for(signing=notes == "none"):
        out.append(f"## {escape(schedule.heading)}")
        if schedule.intro:
            out.append(guard_start(escape(schedule.intro)))
        rows = ["| " + " | ".join(escape(c) for c in schedule.columns) + " |"]
        rows.append("| " + " | ".join("---" for _ in schedule.columns) + " |")
        rows.extend("| " + " | ".join(escape(c) or "&nbsp;" for c in row) + " |" for row in schedule.rows)
        out.append("\n".join(rows))
    return out


def _signatures(a: Agreement) -> list[str]:
    out = ["## Signatures", f"Signed for the parties to this {escape(a.short_title)}."]
    for heading, rows in signatory_groups(a):
        out.append(f"### {heading}")
        for row in rows:
            if row is None:
                out.append(f"Name: {SIGN_LINE}  \nRole: {SIGN_LINE}")
            else:
                who = [line_md([Text(row.name, bold=True)]), escape(row.role)]
                if row.organisation:
                    who.append(escape(row.organisation))
                out.append(", ".join(who))
            out.append(f"Signature: {SIGN_LINE}  \nDate: {SIGN_LINE}")
    return out


def _footnotes(a: Agreement) -> list[str]:
    out = []
    for clause in a.clauses():
        paras = _blocks_md(note_blocks(clause))
        if paras:
            body = "\n\n".join("    " + p for p in paras[1:])
            out.append(f"[^{footnote_label(clause)}]: {paras[0]}" + (f"\n\n{body}" if body else ""))
    return out


def _appendix(a: Agreement) -> list[str]:
    out = []
    for clause in a.clauses():
        paras = _blocks_md(note_blocks(clause))
        if paras:
            out.append(line_md([Text(f"{clause.number} {clause.title}", bold=True)]))
            out.extend(paras)
    intro = "Commentary on the clauses of this agreement, in clause order."
    return ["## Appendix: Drafting notes", intro, *out] if out else []


def render_markdown(agreement: Agreement, *, notes: NotesMode = "comments") -> str:
    """The agreement as Markdown, with drafting notes as footnotes, as an
    appendix, or left out."""
    if notes not in NOTES_MODES:
        raise ValueError(f"notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    parts = [*_cover(agreement, notes), _contents(agreement, notes)]
    for section in agreement.sections:
        parts.append(f"## {section.number}. {escape(section.title)}")
        for clause in section.clauses:
            parts.extend(_clause(clause, notes))
    parts.extend(_signatures(agreement))
    parts.extend(_schedules(agreement, notes))
    if notes == "appendix":
        parts.extend(_appendix(agreement))
    elif notes == "comments":
        parts.extend(_footnotes(agreement))
    return "\n\n".join(parts) + "\n"
