"""The assembled agreement: numbered sections and clauses with provenance.

Renderers read only this model; review and comparison are built on it too,
so it records not just the words but where each clause's words came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Ref:
    """A cross-reference written by clause id, resolved to a number."""

    clause_id: str
    label: str  # e.g. "clause 4.3" or "clause 2.1 of the Recognition Agreement"


@dataclass(frozen=True)
class TermUse:
    term: str
    bold: bool = False
    italic: bool = False


Inline = Text | Ref | TermUse


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    number: str | None = None  # "4.3.2" when a clause has several paragraphs


@dataclass(frozen=True)
class ItemList:
    """Lettered sub-items: (a), (b), (c)..."""

    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | ItemList


@dataclass(frozen=True)
class Citation:
    key: str
    short: str
    title: str
    section: str | None
    status: str
    as_at: dt.date
    in_force: bool = True  # for the agreement's nation at its effective date
    override: str | None = None  # the parties' reason for citing it although it is not


@dataclass(frozen=True)
class ParamValue:
    name: str
    label: str
    value: Any
    default: Any
    from_spec: bool


@dataclass(frozen=True)
class Provenance:
    """Where a clause's words came from."""

    source: Literal["model", "variant", "custom", "added"]
    # model: library text; variant: a named variant; custom: the parties'
    # own wording for a library clause; added: a clause the parties wrote.
    clause_version: int | None
    variant: str | None = None
    variant_label: str | None = None
    recommended_variant: str | None = None
    recommended_variant_label: str | None = None
    model_text: str | None = None  # the library template that custom text replaced
    model_blocks: tuple[Block, ...] = ()  # that wording rendered with the same values
    reason: str | None = None
    params: tuple[ParamValue, ...] = ()

    @property
    def departs_from_model(self) -> bool:
        return self.source in ("custom", "added")


@dataclass(frozen=True)
class Clause:
    id: str
    number: str
    title: str
    blocks: tuple[Block, ...]
    note: tuple[Block, ...]
    citations: tuple[Citation, ...]
    provenance: Provenance


@dataclass(frozen=True)
class Section:
    id: str
    number: str
    title: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Party:
    name: str
    role: str | None


@dataclass(frozen=True)
class UnionRow:
    name: str
    short_name: str
    represents: str | None


@dataclass(frozen=True)
class SignatoryRow:
    name: str
    role: str
    side: str
    organisation: str | None


@dataclass(frozen=True)
class Definition:
    term: str
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Omitted:
    """A clause the model recommends that the parties left out, with its
    commentary rendered for this agreement: what a reviewer needs to see."""

    id: str
    title: str
    section: str
    note: tuple[Block, ...]
    reason: str | None = None  # the parties' reason for leaving it out


@dataclass(frozen=True)
class Schedule:
    """A table after the signatures: the recognised unions, the Forum's terms of
    reference, the meeting calendar, a form, the departures from the model."""

    id: str
    number: int
    title: str
    intro: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative
    drafting_only: bool = False  # left out of signing copies

    @property
    def heading(self) -> str:
        return f"Schedule {self.number}: {self.title}"


@dataclass(frozen=True)
class Agreement:
    kind: str
    title: str
    short_title: str
    organisation: str
    short_name: str
    file_stem: str
    nation: str
    parties: tuple[Party, ...]
    unions: tuple[UnionRow, ...]
    signatories: tuple[SignatoryRow, ...]
    version: str
    effective: dt.date
    review: dt.date | None
    library_version: str
    sections: tuple[Section, ...]
    definitions: tuple[Definition, ...] = field(default=())
    omitted: tuple[Omitted, ...] = field(default=())
    schedules: tuple[Schedule, ...] = field(default=())
    spec_text: str = ""  # the spec it was built from, for a Word copy to carry

    def schedules_for(self, signing: bool) -> tuple[Schedule, ...]:
        """The schedules a copy carries: a signing copy leaves out drafting-only ones."""
        return tuple(s for s in self.schedules if not (signing and s.drafting_only))

    def clauses(self) -> list[Clause]:
        return [c for s in self.sections for c in s.clauses]

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses():
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)


def plain(inlines: tuple[Inline, ...] | list[Inline], terms: bool = True) -> str:
    """Inline content as plain text."""
    out = []
    for item in inlines:
        if isinstance(item, Text):
            out.append(item.text)
        elif isinstance(item, Ref):
            out.append(item.label)
        else:
            out.append(item.term)
    return "".join(out)


def block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return plain(block.inlines)
    return " ".join(f"({letter(i)}) {plain(item)}" for i, item in enumerate(block.items))


def letter(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> bb: the letters of sub-items, past z
    repeated as Word's own lettered lists do, so every format agrees with Word."""
    return chr(97 + index % 26) * (index // 26 + 1)
