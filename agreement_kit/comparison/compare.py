"""Compare two versions of an agreement clause by clause, from their models.

Both sides are assembled models, so clauses are matched by id, not by
guessing at rendered text: a clause renumbered by an insertion earlier in
the agreement is "moved", not deleted and re-added.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..assembly.model import Agreement, Block, Clause, ItemList, Paragraph, letter, plain
from ..utils.redline import Redline, words_redline


@dataclass(frozen=True)
class Unit:
    """One paragraph or lettered item of a clause, as plain text."""

    label: str  # "4.3.1", "(a)" or ""
    text: str
    item: bool = False


@dataclass(frozen=True)
class UnitChange:
    op: str  # equal, changed, inserted, deleted
    old: Unit | None
    new: Unit | None
    redline: Redline | None = None


@dataclass(frozen=True)
class ClauseDiff:
    clause_id: str
    status: str  # unchanged, changed, added, removed
    old: Clause | None
    new: Clause | None
    section: str
    units: tuple[UnitChange, ...]
    title_redline: Redline | None = None
    relocated: bool = False  # its place among the clauses both versions share changed

    @property
    def moved(self) -> bool:
        """Its number changed (renumbered or moved)."""
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    @property
    def renumbered(self) -> bool:
        """Its number changed only because clauses before it came or went."""
        return self.moved and not self.relocated

    @property
    def reason(self) -> str | None:
        """The parties' reason for the new version's choice, where they gave one."""
        return self.new.provenance.reason if self.new is not None else None

    @property
    def number(self) -> str:
        return self._latest().number

    @property
    def title(self) -> str:
        return self._latest().title

    def _latest(self) -> Clause:
        clause = self.new or self.old
        assert clause is not None  # compare_agreements makes a diff only for a clause on some side
        return clause

    def describe(self) -> str:
        # compare_agreements sets the status from the sides: added has only
        # the new clause, removed only the old, the others both.
        if self.status == "added":
            assert self.new is not None
            return f"{self.new.number} {self.new.title}: added"
        if self.status == "removed":
            assert self.old is not None
            return f"{self.old.number} {self.old.title}: removed"
        assert self.old is not None and self.new is not None
        moved = f" (was {self.old.number})" if self.moved else ""
        state = (
            "changed"
            if self.status == "changed"
            else "renumbered"
            if self.renumbered
            else "moved"
            if self.moved
            else "unchanged"
        )
        return f"{self.new.number} {self.new.title}{moved}: {state}"


@dataclass(frozen=True)
class AgreementDiff:
    kind: str
    title: str
    old: Agreement | None
    new: Agreement | None
    clauses: tuple[ClauseDiff, ...]

    def changed(self) -> list[ClauseDiff]:
        return [c for c in self.clauses if c.status != "unchanged" or c.moved]

    def summary(self) -> str:
        counts = {s: sum(c.status == s for c in self.clauses) for s in ("changed", "added", "removed")}
        counts["moved"] = sum(c.moved and c.relocated for c in self.clauses)
        counts["renumbered"] = sum(c.renumbered for c in self.clauses)
        parts = [f"{n} {s}" for s, n in counts.items() if n]
        return f"{self.title}: " + (", ".join(parts) if parts else "no changes")


def units(blocks: tuple[Block, ...]) -> list[Unit]:
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(Unit(block.number or "", plain(block.inlines)))
        elif isinstance(block, ItemList):
            out.extend(Unit(f"({letter(i)})", plain(item), item=True) for i, item in enumerate(block.items))
    return out


def _diff_units(old: list[Unit], new: list[Unit]) -> tuple[UnitChange, ...]:
    out: list[UnitChange] = []
    matcher = difflib.SequenceMatcher(None, [u.text for u in old], [u.text for u in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(UnitChange("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):  # replaced units: pair them up and redline the words
            o, n = old[i1 + k], new[j1 + k]
            out.append(UnitChange("changed", o, n, words_redline(o.text, n.text)))
        out.extend(UnitChange("deleted", o, None) for o in old[i1 + pairs : i2])
        out.extend(UnitChange("inserted", None, n) for n in new[j1 + pairs : j2])
    return tuple(out)


def _section_titles(agreement: Agreement | None) -> dict[str, str]:
    if agreement is None:
        return {}
    return {c.id: f"{s.number}. {s.title}" for s in agreement.sections for c in s.clauses}


def compare_agreements(old: Agreement | None, new: Agreement | None) -> AgreementDiff:
    """Clause-by-clause differences, in NEW's order, removed clauses after their old predecessor."""
    base = new or old
    assert base is not None  # compare() pairs agreements by kind, so one side at least is there
    old_clauses = {c.id: c for c in old.clauses()} if old else {}
    new_clauses = {c.id: c for c in new.clauses()} if new else {}
    old_sections, new_sections = _section_titles(old), _section_titles(new)
    order = [c.id for c in new.clauses()] if new else []
    previous: str | None = None
    for clause in old.clauses() if old else []:
        if clause.id not in new_clauses:
            position = order.index(previous) + 1 if previous in order else 0
            order.insert(position, clause.id)
        previous = clause.id
    shared = [cid for cid in order if cid in old_clauses and cid in new_clauses]
    old_rank = {cid: i for i, cid in enumerate(c for c in old_clauses if c in new_clauses)}
    before_in_old = {cid: _predecessor(cid, sorted(old_rank, key=old_rank.__getitem__)) for cid in shared}
    before_in_new = {cid: _predecessor(cid, shared) for cid in shared}
    diffs = []
    for cid in order:
        o, n = old_clauses.get(cid), new_clauses.get(cid)
        section = new_sections.get(cid) or old_sections.get(cid, "")
        if o is None:
            assert n is not None  # every id in order is a clause of old or new
            diffs.append(
                ClauseDiff(
                    cid,
                    "added",
                    None,
                    n,
                    section,
                    tuple(UnitChange("inserted", None, u) for u in units(n.blocks)),
                )
            )
        elif n is None:
            diffs.append(
                ClauseDiff(
                    cid,
                    "removed",
                    o,
                    None,
                    section,
                    tuple(UnitChange("deleted", u, None) for u in units(o.blocks)),
                )
            )
        else:
            changes = _diff_units(units(o.blocks), units(n.blocks))
            title = words_redline(o.title, n.title) if o.title != n.title else None
            changed = title is not None or any(c.op != "equal" for c in changes)
            relocated = before_in_old[cid] != before_in_new[cid]
            status = "changed" if changed else "unchanged"
            diffs.append(ClauseDiff(cid, status, o, n, section, changes, title, relocated))
    return AgreementDiff(base.kind, base.title, old, new, tuple(diffs))


def _predecessor(cid: str, order: list[str]) -> str | None:
    index = order.index(cid)
    return order[index - 1] if index else None


def compare(old: list[Agreement], new: list[Agreement]) -> list[AgreementDiff]:
    """Pair agreements by kind; a kind on one side only is wholly added or removed."""
    old_by, new_by = {a.kind: a for a in old}, {a.kind: a for a in new}
    kinds = list(new_by) + [k for k in old_by if k not in new_by]
    return [compare_agreements(old_by.get(k), new_by.get(k)) for k in kinds]
