"""Whole-library checks: every clause renders, terms are used, checklists hold.

Assembly already checks what one spec uses. These checks render every
clause, every variant, for every nation and kind it declares, so a defect in
a clause no sample uses is still found.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..assembly.assembler import assemble
from ..load import library_models as lm
from ..load.checklists import LoadedChecklist, load_checklists
from ..load.library import Library, stale_citations
from ..load.params import example_value
from ..load.parse import parse
from ..load.spec import LoadedSpec
from ..load.spec_models import Spec
from ..load.yaml_source import SourceMap
from ..utils.errors import InputError, Problem


def checklist_problems(library: Library, checklists: list[LoadedChecklist]) -> list[Problem]:
    """Each checklist item must be covered by a clause that exists, fits, and cites the instrument."""
    problems = []
    for loaded in checklists:
        checklist, source = loaded.checklist, loaded.source
        if checklist.reference not in library.instruments:
            problems.append(source.problem(("reference",), f"unknown reference '{checklist.reference}'"))
        for i, item in enumerate(checklist.items):
            for j, cid in enumerate(item.clauses):
                loc = ("items", i, "clauses", j)
                located = library.clauses.get(cid)
                if located is None:
                    problems.append(source.problem(loc, f"item '{item.id}': unknown clause id {cid}"))
                elif checklist.reference not in located.clause.references:
                    problems.append(
                        source.problem(loc, f"item '{item.id}': {cid} does not cite {checklist.reference}")
                    )
                elif not set(located.clause.kinds) & set(checklist.kinds):
                    problems.append(
                        source.problem(loc, f"item '{item.id}': {cid} is in none of {checklist.kinds}")
                    )
    return problems


def _synthetic_spec(library: Library, kind: str, nation: str, round_: int) -> LoadedSpec:
    """A spec that switches on every clause of ``kind`` and picks each clause's
    ``round_``-th variant, with a value for every parameter. It asks for every
    agreement kind, with their optional clauses on, since a clause of one may
    depend on a clause of another (the recognition agreement's LNC wording on
    the partnership agreement's LNC)."""
    optional = [
        e.clause for k in library.kinds.values() for s in k.sections for e in s.entries() if not e.default
    ]
    choices = {}
    for cid in library.outline_ids(kind):
        clause = library.clauses[cid].clause
        if nation not in clause.nations:
            continue
        params = {n: example_value(p) for n, p in clause.params.items() if p.default is None}
        variants = list(clause.variants)
        variant = variants[round_ % len(variants)] if variants else None
        choice = {k: v for k, v in (("params", params), ("variant", variant)) if v}
        if choice:
            choices[cid] = choice
    data = {
        "agreements": list(library.kinds),
        "organisation": {
            "name": "Example NHS Trust",
            "short_name": "Example",
            "type": "acute_trust",
            "nation": nation,
            "headcount": 1000,
        },
        # Every union the wording might name is a party, so that an optional clause
        # for one union (the LNC for the BMA) renders.
        "unions": [{"name": "UNISON", "short_name": "UNISON"}]
        + [
            {"name": u.name, "short_name": u.also[0] if u.also else u.name}
            for u in library.known_unions
            if u.name != "UNISON"
        ],
        "dates": {"effective": dt.date(2026, 4, 1), "review": dt.date(2028, 4, 1)},
        "clauses": choices,
        "add": [c for c in optional if nation in library.clauses[c].clause.nations],
        # Whether cited law is in force depends on an agreement's date and nation, so it is
        # checked per spec; here every clause must render, so none is refused for its citations.
        "law_overrides": [{"reference": key, "reason": "library check"} for key in library.instruments],
    }
    source = SourceMap(f"<library check: {kind}, {nation}>")
    return LoadedSpec(parse(Spec, data, source), source, Path(source.file))


def check_library(library: Library) -> list[Problem]:
    """Every problem in the library: errors, then warnings (stale citations, unused terms)."""
    problems: list[Problem] = []
    used_terms: set[str] = set()
    for kind in library.kinds:
        rounds = max([len(library.clauses[c].clause.variants) for c in library.outline_ids(kind)] + [1])
        for nation in lm.NATIONS:
            for round_ in range(rounds):
                try:
                    for agreement in assemble(_synthetic_spec(library, kind, nation, round_), library):
                        used_terms.update(d.term for d in agreement.definitions)
                except InputError as exc:
                    problems.extend(p for p in exc.problems if p not in problems)
    try:
        problems.extend(checklist_problems(library, load_checklists(library)))
    except InputError as exc:
        problems.extend(exc.problems)
    terms_source = library.sources["terms"]
    for term in library.terms:
        if term not in used_terms:
            problems.append(
                terms_source.problem(("terms", term), "defined but no clause uses it", severity="warning")
            )
    problems.extend(stale_citations(library))
    return problems
