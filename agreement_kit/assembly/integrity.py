"""Checks that an assembled set of agreements holds together and is right in law.

Assembly already refuses what cannot be rendered (unknown clauses, missing
values, dangling cross-references). These checks read the finished
agreements, as a staff-side chair or an HR director would, for what renders
but should not be signed:

- law cited that is not in force for the nation on the effective date;
- a defined term that means nothing without a clause the agreement lacks
  (the LNC without the LNC clause);
- a union named in the wording, or signing, that is not a party;
- values that contradict each other, as the library's clause ``checks``
  state them (more named roles than seats, a quorum larger than a side);
- facility time allocated to a union that is not a party, or that the
  dated pay data cannot price (an unknown band or point, a missing year).

Each problem points at the spec line that causes it, or at the library line
when the library's own default is at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..load.library import Library
from ..load.pay import MissingRates
from ..load.spec_models import Spec
from ..load.yaml_source import SourceMap
from ..utils.errors import Problem
from . import model as m
from .facility_cost import CostingError, cost_facility_time
from .templating import and_list, expression_from_source, from_source, plural, uk_date, words


def integrity_problems(
    agreements: list[m.Agreement], spec: Spec, source: SourceMap, library: Library
) -> list[Problem]:
    checker = _Checker(agreements, spec, source, library)
    return [
        *checker.law_not_in_force(),
        *checker.terms_without_their_clause(),
        *checker.unions_not_parties(),
        *checker.signatories_not_parties(),
        *checker.clause_checks(),
        *checker.facility_time(),
    ]


class _Checker:
    def __init__(self, agreements: list[m.Agreement], spec: Spec, source: SourceMap, library: Library):
        self.agreements, self.spec, self.source, self.library = agreements, spec, source, library
        self.present = {c.id for a in agreements for c in a.clauses()}

    def _where(self, agreement: m.Agreement, clause: m.Clause) -> str:
        return f"{agreement.short_title} clause {clause.number} ({clause.id})"

    def _clauses(self) -> Iterator[tuple[m.Agreement, m.Clause]]:
        for agreement in self.agreements:
            for clause in agreement.clauses():
                yield agreement, clause

    def _blame(self, clause_id: str, message: str, param: str | None = None) -> Problem:
        """The spec's setting of the clause when it has one, else the library clause."""
        choice = self.spec.clauses.get(clause_id)
        if choice is not None:
            if param is not None and param in choice.params:
                return self.source.problem(("clauses", clause_id, "params", param), message)
            if choice.variant is not None:
                return self.source.problem(("clauses", clause_id, "variant"), message)
            return self.source.problem(("clauses", clause_id), message)
        located = self.library.clauses.get(clause_id)
        if located is None:  # the parties' own clause
            index = next(i for i, e in enumerate(self.spec.add) if getattr(e, "id", None) == clause_id)
            return self.source.problem(("add", index, "text"), message)
        return located.problem(f"params.{param}" if param else "text", message)

    # -- facility time ------------------------------------------------------------

    def facility_time(self) -> list[Problem]:
        ft = self.spec.facility_time
        if ft is None:
            return []
        out = []
        names = ", ".join(u.short_name for u in self.spec.unions)
        for index, allocation in enumerate(ft.allocations):
            if self.spec.union_named(allocation.union) is None:
                out.append(
                    self.source.problem(
                        ("facility_time", "allocations", index, "union"),
                        f"{allocation.union!r} is not one of the spec's unions ({names})",
                    )
                )
        try:
            cost_facility_time(self.spec)
        except CostingError as exc:
            out.append(self.source.problem(exc.loc, exc.message))
        except MissingRates as exc:
            where = ("facility_time", "pay_year") if ft.pay_year else ("facility_time",)
            out.extend(self.source.problem(where, p.message) for p in exc.problems)
        return out

    # -- law -------------------------------------------------------------------

    def law_not_in_force(self) -> list[Problem]:
        nation, effective = self.spec.organisation.nation, self.spec.dates.effective
        problems = []
        for agreement, clause in self._clauses():
            for citation in clause.citations:
                if citation.in_force or citation.override is not None:
                    continue
                inst = self.library.instruments[citation.key]
                problems.append(
                    self.source.problem(
                        ("dates", "effective"),
                        f"{self._where(agreement, clause)} cites {citation.short}, which is not in force"
                        f" in {nation.title()} on {effective.isoformat()} ({inst.force_text(nation)});"
                        " change the date or nation, leave the clause out, or add it to law_overrides"
                        " with a reason",
                    )
                )
        return problems

    # -- defined terms ---------------------------------------------------------

    def terms_without_their_clause(self) -> list[Problem]:
        problems = []
        for agreement in self.agreements:
            for definition in agreement.definitions:
                entry = self.library.terms.get(definition.term)
                needs = entry.requires if entry is not None and definition.term not in self.spec.terms else []
                if not needs or self.present.intersection(needs):
                    continue
                user = next(
                    (c for c in agreement.clauses() if definition.term in _terms_used(c.blocks)), None
                )
                message = (
                    f"{agreement.short_title} uses the term \u201c{definition.term}\u201d"
                    + (f" (clause {user.number})" if user else "")
                    + f", which means nothing without {' or '.join(needs)}: add that clause,"
                    " or choose wording that does not use the term"
                )
                if user is None:
                    problems.append(self.source.problem(("agreements",), message))
                else:
                    problems.append(self._blame(user.id, message))
        return problems

    # -- unions ----------------------------------------------------------------

    def _party_names(self) -> set[str]:
        names = {n.casefold() for u in self.spec.unions for n in (u.name, u.short_name)}
        for known in self.library.known_unions:  # a party may be listed by any of its names
            aliases = {known.name.casefold(), *(a.casefold() for a in known.also)}
            if aliases & names:
                names |= aliases
        return names

    def unions_not_parties(self) -> list[Problem]:
        parties = self._party_names()
        names = [
            (known.name, name)
            for known in self.library.known_unions
            for name in (known.name, *known.also)
            if name.casefold() not in parties
        ]
        texts = [
            (agreement, clause, "\n".join(m.block_text(b) for b in clause.blocks))
            for agreement, clause in self._clauses()
        ]
        # most names appear in no clause at all: one look through all the text first
        everything = "\n".join(text for _, _, text in texts)
        names = [(known, name) for known, name in names if name in everything]
        problems, seen = [], set()
        for agreement, clause, text in texts:
            for known, name in names:
                if (known, clause.id) in seen:
                    continue
                if _named(name, text):
                    seen.add((known, clause.id))
                    problems.append(
                        self._blame(
                            clause.id,
                            f"{self._where(agreement, clause)} names {name}, which is not one of the"
                            " unions party to this agreement: add it to unions, or choose wording"
                            " that does not name it",
                        )
                    )
        return problems

    def signatories_not_parties(self) -> list[Problem]:
        """A staff-side signatory signs for a union that is a party ("UNISON Eastern Region" names UNISON)."""
        parties = self._party_names()
        problems = []
        for i, signatory in enumerate(self.spec.signatories):
            if signatory.side != "staff" or signatory.organisation is None:
                continue
            if not any(_named_folded(name, signatory.organisation) for name in parties):
                problems.append(
                    self.source.problem(
                        ("signatories", i, "organisation"),
                        f"{signatory.organisation} names none of the unions party to this agreement:"
                        " a staff-side signatory signs for one of them"
                        " (add it to unions, or correct the name)",
                    )
                )
        return problems

    # -- the library's own rules across values -----------------------------------

    def clause_checks(self) -> list[Problem]:
        values = clause_values(self.agreements)
        problems: list[Problem] = []
        checked: set[str] = set()  # a clause in both agreements is checked once
        for agreement, clause in self._clauses():
            located = self.library.clauses.get(clause.id)
            if located is None or clause.id in checked:
                continue
            checked.add(clause.id)
            context: dict[str, Any] = {**values[clause.id], "clauses": values}
            for i, check in enumerate(located.clause.checks):
                try:
                    if holds(check.require, context):
                        continue
                    message = " ".join(text_template(check.message).render(context).split())
                except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
                    problems.append(located.problem(f"checks.{i}", f"check failed to run: {exc}"))
                    continue
                where = self._where(agreement, clause)
                problems.append(self._blame(clause.id, f"{where}: {message}", check.param))
        return problems


ENV = SandboxedEnvironment(undefined=StrictUndefined)
"""For rules and schedule cells: strict and sandboxed, with the clause-text filters."""
ENV.filters.update(words=words, uk_date=uk_date, and_list=and_list, plural=plural)


@lru_cache(maxsize=1024)
def text_template(source: str) -> Template:
    """``ENV.from_string(source)``, compiled once (and kept between runs)."""
    return from_source(ENV, "rules", source)


@lru_cache(maxsize=256)
def _expression(source: str) -> Any:
    """``ENV.compile_expression(source, undefined_to_none=False)`` (kept between runs)."""
    return expression_from_source(ENV, "rule expressions", source)


def holds(expression: str, context: dict[str, Any]) -> bool:
    """Evaluate a library rule, sandboxed and strict; raises if it cannot run."""
    return bool(_expression(expression)(**context))


def clause_values(agreements: list[m.Agreement]) -> dict[str, dict[str, Any]]:
    """Each clause in the agreements by id: its parameter values, chosen variant and its label."""
    return {
        c.id: {
            **{p.name: p.value for p in c.provenance.params},
            "variant": c.provenance.variant,
            "variant_label": c.provenance.variant_label,
        }
        for a in agreements
        for c in a.clauses()
    }


def _terms_used(blocks: tuple[m.Block, ...]) -> set[str]:
    found: set[str] = set()
    for block in blocks:
        lines = (block.inlines,) if isinstance(block, m.Paragraph) else block.items
        for inlines in lines:
            found.update(i.term for i in inlines if isinstance(i, m.TermUse))
    return found


@lru_cache(maxsize=512)
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


def _named(name: str, text: str) -> bool:
    # the pattern matches the name itself: most texts lack it, and a substring test is cheap
    return name in text and _pattern(name).search(text) is not None


def _named_folded(folded_name: str, text: str) -> bool:
    return _named(folded_name, text.casefold())
