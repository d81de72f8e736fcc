"""Checks that an assembled set of agreements holds together and is right in law.

Assembly already refuses what cannot be rendered (unknown clauses, missing
values, dangling cross-references). These checks read the finished
agreements, as a staff-side chair or an HR director would, for what renders
but should not be signed: law cited that is not in force for the nation on
the effective date. Each problem points at the spec line that causes it.
"""

from __future__ import annotations

from ..load.library import Library
from ..load.spec_models import Spec
from ..load.yaml_source import SourceMap
from ..utils.errors import Problem
from . import model as m


def integrity_problems(
    agreements: list[m.Agreement], spec: Spec, source: SourceMap, library: Library
) -> list[Problem]:
    return _law_not_in_force(agreements, spec, source, library)


def _law_not_in_force(
    agreements: list[m.Agreement], spec: Spec, source: SourceMap, library: Library
) -> list[Problem]:
    nation, effective = spec.organisation.nation, spec.dates.effective
    problems = []
    for agreement in agreements:
        for clause in agreement.clauses():
            for citation in clause.citations:
                if citation.in_force or citation.override is not None:
                    continue
                inst = library.instruments[citation.key]
                problems.append(
                    source.problem(
                        ("dates", "effective"),
                        f"{agreement.short_title} clause {clause.number} ({clause.id})"
                        f" cites {citation.short},"
                        f" which is not in force in {nation.title()} on {effective.isoformat()}"
                        f" ({inst.force_text(nation)}); change the date or nation, leave the clause out,"
                        f" or add it to law_overrides with a reason",
                    )
                )
    return problems
