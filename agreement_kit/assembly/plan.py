"""Check a spec's choices against the library and lay out each agreement's clauses.

Before any clause is rendered: every kind, clause id, variant and parameter
the spec names exists; added clauses fit one of the spec's agreements; and
each agreement's outline is the library's sections with the clauses this
organisation keeps, adds and writes itself, for its nation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..load import library_models as lm
from ..load.library import Library, Located
from ..load.parse import did_you_mean
from ..load.spec_models import ClauseChoice, CustomClause, Spec
from .templating import template_names

Outline = list[tuple[lm.Section, list["PlannedClause"]]]


@dataclass
class PlannedClause:
    """One clause placed in an outline, before rendering."""

    id: str
    located: Located | None = None
    custom: CustomClause | None = None
    custom_index: int | None = None


class Planner:
    """Checks the choices and plans the outlines; problems go to ``problem(loc, message)``."""

    def __init__(self, spec: Spec, library: Library, problem: Callable[..., None]) -> None:
        self.spec = spec
        self.library = library
        self.nation = spec.organisation.nation
        self.problem = problem
        self.custom: dict[str, tuple[int, CustomClause]] = {}
        self.added: set[str] = set()

    def check_choices(self) -> list[str]:
        spec, lib = self.spec, self.library
        kinds = []
        for i, kind in enumerate(spec.agreements):
            if kind in lib.kinds:
                kinds.append(kind)
            else:
                self.problem(
                    ("agreements", i),
                    f"unknown agreement kind '{kind}'; the library has: {', '.join(lib.kinds)}",
                )
        for i, entry in enumerate(spec.add):
            if isinstance(entry, CustomClause):
                if entry.id in lib.clauses or entry.id in self.custom:
                    self.problem(("add", i, "id"), f"clause id {entry.id} is already taken")
                self.custom[entry.id] = (i, entry)
                continue
            loc: tuple = ("add", i) if isinstance(entry, str) else ("add", i, "id")
            entry = entry if isinstance(entry, str) else entry.id
            if entry not in lib.clauses:
                self.problem(loc, f"unknown clause id {entry}{did_you_mean(entry, lib.clauses)}")
            elif not any(entry in lib.outline_ids(k) for k in kinds):
                self.problem(
                    loc,
                    f"clause {entry} is not part of any of this spec's agreements ({', '.join(kinds)})",
                )
            else:
                self.added.add(entry)
        for i, removal in enumerate(spec.remove):
            cid = removal if isinstance(removal, str) else removal.id
            if cid not in lib.clauses:
                self.problem(
                    ("remove", i) if isinstance(removal, str) else ("remove", i, "id"),
                    f"unknown clause id {cid}{did_you_mean(cid, lib.clauses)}",
                )
        for i, override in enumerate(spec.law_overrides):
            if override.reference not in lib.instruments:
                self.problem(
                    ("law_overrides", i, "reference"),
                    f"unknown reference '{override.reference}'"
                    " (the keys are in the library's references.yaml)",
                )
        for cid, choice in spec.clauses.items():
            located = lib.clauses.get(cid)
            if located is None:
                hint = " (custom clauses take their wording in add:)" if cid in self.custom else ""
                self.problem(
                    ("clauses", cid), f"unknown clause id {cid}{hint or did_you_mean(cid, lib.clauses)}"
                )
                continue
            clause = located.clause
            if choice.variant is not None and choice.variant not in clause.variants:
                have = ", ".join(clause.variants) or "none"
                hint = did_you_mean(choice.variant, clause.variants)
                self.problem(
                    ("clauses", cid, "variant"), f"unknown variant '{choice.variant}'{hint} {cid} has: {have}"
                )
            self.ignored_settings(cid, choice)
            for name in choice.params:
                if name not in clause.params:
                    have = ", ".join(clause.params) or "none"
                    hint = did_you_mean(name, clause.params) or ";"
                    self.problem(
                        ("clauses", cid, "params", name), f"unknown parameter{hint} {cid} takes: {have}"
                    )
        return kinds

    def ignored_settings(self, cid: str, choice: ClauseChoice) -> None:
        """Warn of settings that change nothing: a value the wording for this nation
        never uses (a Welsh forum_name under the Welsh wording), or a variant
        beside the parties' own text."""
        clause = self.library.clauses[cid].clause
        if choice.text is not None and choice.variant is not None:
            self.problem(
                ("clauses", cid, "variant"),
                "has no effect: the parties' own text replaces every wording of this clause",
                severity="warning",
            )
        name = (
            clause.variant_for(self.nation, choice.variant)
            if choice.variant in (None, *clause.variants)
            else None
        )
        variant = clause.variants.get(name) if name else None
        sources = [clause.note, *([variant.note] if variant is not None and variant.note else [])]
        if choice.text is None:
            sources.append(variant.text if variant is not None else clause.text or "")
        used = frozenset().union(*(template_names(s) for s in sources))
        which = f"the \u201c{variant.label}\u201d wording" if variant is not None else "the wording"
        why = " is replaced by the parties' own text" if choice.text is not None else " does not use it"
        for param in choice.params:
            if param in clause.params and param not in used:
                self.problem(
                    ("clauses", cid, "params", param),
                    f"has no effect: {which} of this clause for {self.nation.title()}{why}",
                    severity="warning",
                )

    def plan(self, kind: str) -> Outline:
        removed = self.spec.removed
        plan = []
        for section in self.library.kinds[kind].sections:
            planned = []
            for entry in section.entries():
                located = self.library.clauses[entry.clause]
                wanted = (entry.default and entry.clause not in removed) or entry.clause in self.added
                if wanted and self.nation in located.clause.nations:
                    planned.append(PlannedClause(entry.clause, located=located))
            plan.append((section, planned))
        for cid, (index, custom) in self.custom.items():
            for _, planned in plan:
                position = next((n for n, p in enumerate(planned) if p.id == custom.after), None)
                if position is not None:
                    planned.insert(position + 1, PlannedClause(cid, custom=custom, custom_index=index))
        return [(section, planned) for section, planned in plan if planned]

    def check_placement(self, plans: dict[str, Outline]) -> None:
        placed = {p.id for plan in plans.values() for _, planned in plan for p in planned}
        for cid, (index, custom) in self.custom.items():
            if cid not in placed:
                self.problem(
                    ("add", index, "after"),
                    f"clause {custom.after} is not in any of this spec's agreements,"
                    f" so {cid} has nowhere to go",
                )
        for cid in self.spec.clauses:
            if cid in self.library.clauses and cid not in placed:
                self.problem(
                    ("clauses", cid),
                    f"clause {cid} is not in any of this spec's agreements (removed, optional and"
                    f" not added, or not for {self.nation}); its settings would be lost",
                )
