"""Choices + library -> numbered agreements with provenance.

One spec may ask for several agreement kinds; they are assembled together so
that a cross-reference can point from one agreement into the other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..load import library_models as lm
from ..load.library import Library, Located
from ..load.params import ParamError, coerce
from ..load.parse import did_you_mean
from ..load.spec import LoadedSpec
from ..load.spec_models import CustomClause, Spec
from ..utils.errors import InputError, Problem
from . import model as m
from .context import agreement_record, template_context, union_line
from .integrity import integrity_problems
from .markup import MarkupError, number_paragraphs, parse
from .plan import Outline, PlannedClause, Planner
from .schedules import build_schedules
from .templating import ClauseTemplateError, render


def assemble(
    loaded: LoadedSpec, library: Library, warnings: list[Problem] | None = None
) -> list[m.Agreement]:
    """Assemble every agreement the spec asks for; raise InputError on any problem.
    Settings that would have no effect are added to ``warnings`` when it is given."""
    assembler = _Assembler(loaded, library)
    agreements = assembler.run()
    if warnings is not None:
        warnings.extend(p for p in assembler.problems if p.severity == "warning")
    return agreements


class _Assembler:
    def __init__(self, loaded: LoadedSpec, library: Library):
        self.loaded = loaded
        self.spec: Spec = loaded.spec
        self.source = loaded.source
        self.library = library
        self.nation = self.spec.organisation.nation
        self.problems: list[Problem] = []
        self.lenient_refs = False
        self.law_overrides = {o.reference: o.reason for o in self.spec.law_overrides}

    # -- problems -----------------------------------------------------------

    def spec_problem(self, loc: tuple, message: str, *, severity: str = "error") -> None:
        self.problems.append(self.source.problem(loc, message, severity=severity))

    def fail_if_problems(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            raise InputError(errors)

    # -- pipeline -----------------------------------------------------------

    def run(self) -> list[m.Agreement]:
        planner = Planner(self.spec, self.library, self.spec_problem)
        kinds = planner.check_choices()
        self.custom = planner.custom
        self.fail_if_problems()
        plans = {kind: planner.plan(kind) for kind in kinds}
        planner.check_placement(plans)
        self.fail_if_problems()
        self.numbers = {
            kind: {
                p.id: f"{s + 1}.{c + 1}" for s, (_, planned) in enumerate(plan) for c, p in enumerate(planned)
            }
            for kind, plan in plans.items()
        }
        agreements = [self._render_agreement(kind, plans[kind]) for kind in kinds]
        self.fail_if_problems()
        self.problems.extend(integrity_problems(agreements, self.spec, self.source, self.library))
        self.fail_if_problems()
        text = self.loaded.text
        agreements = [
            replace(agreement, schedules=self._schedules(agreement, agreements), spec_text=text)
            for agreement in agreements
        ]
        self.fail_if_problems()
        return agreements

    def _schedules(self, agreement: m.Agreement, agreements: list[m.Agreement]) -> tuple[m.Schedule, ...]:
        kind = agreement.kind
        context = template_context(self.spec, self.library.kinds[kind], kind, self._in_force)
        return build_schedules(agreement, agreements, self.spec, self.library, context, self.problems)

    # -- rendering ----------------------------------------------------------

    def _render_agreement(self, kind: str, plan: Outline) -> m.Agreement:
        self.kind = kind
        self.used_terms: dict[str, None] = {}
        context = template_context(self.spec, self.library.kinds[kind], kind, self._in_force)
        sections: list[tuple[lm.Section, list[m.Clause]]] = []
        deferred = []  # clauses whose generated content needs the whole agreement first
        for s, (section, planned) in enumerate(plan):
            clauses = []
            for c, p in enumerate(planned):
                number = f"{s + 1}.{c + 1}"
                clause = self._render_clause(p, number, context)
                if p.located is not None and p.located.clause.generated == "definitions":
                    deferred.append((s, c))
                clauses.append(clause)
            sections.append((section, clauses))
        definitions = self._definitions(context)
        for s, c in deferred:
            clause = sections[s][1][c]
            items = tuple(
                (m.Text(f"“{d.term}”", bold=True), m.Text(" means "), *d.inlines) for d in definitions
            )
            if items:
                sections[s][1][c] = _with_blocks(clause, clause.blocks + (m.ItemList(items),))
        omitted = self._omitted(kind, context)
        body = tuple(
            m.Section(sec.id, str(i + 1), sec.title, tuple(cl)) for i, (sec, cl) in enumerate(sections)
        )
        return agreement_record(self.spec, self.library, kind, body, definitions, omitted)

    def _omitted(self, kind: str, context: dict[str, Any]) -> tuple[m.Omitted, ...]:
        """Default clauses the spec removed, with their notes rendered as far
        as this agreement allows: a reference to a clause that is not here
        reads as the clause's title rather than failing."""
        removed = self.spec.removed
        out = []
        self.lenient_refs = True
        try:
            for section in self.library.kinds[kind].sections:
                for entry in section.entries():
                    located = self.library.clauses[entry.clause]
                    clause = located.clause
                    if not (entry.default and entry.clause in removed and self.nation in clause.nations):
                        continue
                    params = {
                        n: coerce(p, p.default) for n, p in clause.params.items() if p.default is not None
                    }
                    before = len(self.problems)
                    note = self._template(
                        located, "note", clause.note, {**context, **params}, count_terms=False
                    )
                    del self.problems[before:]  # a note that needs a value it lacks is shown without it
                    out.append(m.Omitted(clause.id, clause.title, section.title, note, removed[clause.id]))
        finally:
            self.lenient_refs = False
        return tuple(out)

    def _render_clause(self, p: PlannedClause, number: str, context: dict[str, Any]) -> m.Clause:
        if p.custom is not None:
            assert p.custom_index is not None  # _plan sets custom and custom_index together
            return self._render_added(p.custom, p.custom_index, number, context)
        located = p.located
        assert located is not None  # a planned clause is either added (custom) or from the library
        clause = located.clause
        choice = self.spec.clauses.get(clause.id)
        before = len(self.problems)
        params, param_values = self._params(located, choice)
        if len(self.problems) > before:
            # The spec's own error is reported; rendering would only add a
            # confusing "undefined value" error from the library's side.
            return m.Clause(
                clause.id, number, clause.title, (), (), (), m.Provenance("model", clause.version)
            )
        ctx = {**context, **params}
        variant_name = clause.variant_for(self.nation, choice.variant if choice else None)
        recommended = clause.nation_variants.get(self.nation, clause.recommended)
        recommended_label = clause.variants[recommended].label if recommended else None
        variant = clause.variants[variant_name] if variant_name else None
        model_field = f"variants.{variant_name}.text" if variant else "text"
        model_text = variant.text if variant else clause.text
        assert model_text is not None  # the library model checks that a clause without variants has text

        provenance = m.Provenance(
            "variant" if variant else "model",
            clause_version=clause.version,
            variant=variant_name,
            variant_label=variant.label if variant else None,
            recommended_variant=recommended,
            recommended_variant_label=recommended_label,
            params=param_values,
            reason=(choice.reason if choice else None) or self.spec.reason_for_adding(clause.id),
        )
        if choice is not None and choice.text is not None:
            blocks = self._parse(choice.text, [], ctx, spec_loc=("clauses", clause.id, "text"))
            # The model wording is kept for redlines only: if it no longer fits
            # this agreement (it cites a removed clause), that is not an error.
            before = len(self.problems)
            model_blocks = self._template(located, model_field, model_text, ctx, count_terms=False)
            del self.problems[before:]
            provenance = replace(
                provenance,
                source="custom",
                model_text=model_text,
                model_blocks=model_blocks,
            )
        else:
            blocks = self._template(located, model_field, model_text, ctx)
        if clause.generated == "unions":
            unions = (m.ItemList(tuple((m.Text(union_line(u)),) for u in self.spec.unions)),)
            blocks += unions
            if provenance.model_blocks:
                provenance = replace(provenance, model_blocks=provenance.model_blocks + unions)
        # The chosen variant's own commentary first: it says what this wording does.
        note: tuple[m.Block, ...] = ()
        if variant is not None and variant.note:
            note = self._template(
                located, f"variants.{variant_name}.note", variant.note, ctx, count_terms=False, note=True
            )
        note += self._template(located, "note", clause.note, ctx, count_terms=False, note=True)
        citations = tuple(self._citation(key) for key in clause.references) + tuple(
            self._citation(key) for key in clause.references_when_in_force if self._in_force(key)
        )
        return m.Clause(
            clause.id, number, clause.title, number_paragraphs(blocks, number), note, citations, provenance
        )

    def _render_added(
        self, custom: CustomClause, index: int, number: str, context: dict[str, Any]
    ) -> m.Clause:
        blocks = self._parse(custom.text, [], context, spec_loc=("add", index, "text"))
        note = (
            self._parse(custom.note, [], context, spec_loc=("add", index, "note"), count_terms=False)
            if custom.note
            else ()
        )
        provenance = m.Provenance("added", None, reason=custom.reason)
        return m.Clause(
            custom.id, number, custom.title, number_paragraphs(blocks, number), note, (), provenance
        )

    def _params(self, located: Located, choice) -> tuple[dict[str, Any], tuple[m.ParamValue, ...]]:
        values, record = {}, []
        given = choice.params if choice else {}
        for name, param in located.clause.params.items():
            loc = ("clauses", located.clause.id, "params", name)
            if name in given:
                try:
                    values[name] = coerce(param, given[name])
                except ParamError as exc:
                    self.spec_problem(loc, str(exc))
                    continue
            elif param.default is not None:
                values[name] = coerce(param, param.default)
            else:
                self.spec_problem(
                    ("clauses", located.clause.id, "params"),
                    f"{name} ({param.label}) must be given: it has no default",
                )
                continue
            record.append(
                m.ParamValue(name, param.label, given.get(name, param.default), param.default, name in given)
            )
        return values, tuple(record)

    def _template(
        self,
        located: Located,
        field: str,
        source: str,
        ctx: dict[str, Any],
        count_terms: bool = True,
        note: bool = False,
    ) -> tuple[m.Block, ...]:
        """Render and parse library text. In a ``note``, a reference to a clause
        this agreement lacks reads as that clause's title: commentary that
        mentions a clause must not stop the parties leaving it out."""
        lenient, self.lenient_refs = self.lenient_refs, self.lenient_refs or note
        try:
            text, literals = render(source, ctx)
            return parse(text, literals, self._ref_label, self._term_callback(count_terms, located, field))
        except _RemovedTarget as exc:
            self._removed_but_referred(exc.target, f"{located.clause.id} ({located.clause.title})")
            return ()
        except (ClauseTemplateError, MarkupError) as exc:
            self.problems.append(located.problem(field, exc.message, template_line=exc.line))
            return ()
        finally:
            self.lenient_refs = lenient

    def _removed_but_referred(self, target: str, referrer: str) -> None:
        index = next(
            i for i, e in enumerate(self.spec.remove) if (e if isinstance(e, str) else e.id) == target
        )
        loc: tuple = (
            ("remove", index) if isinstance(self.spec.remove[index], str) else ("remove", index, "id")
        )
        self.spec_problem(
            loc,
            f"{target} cannot be left out: the wording of {referrer} refers to it;"
            " leave both out, or give that clause wording of your own",
        )

    def _parse(
        self, text: str, literals: list[str], ctx, spec_loc: tuple, count_terms: bool = True
    ) -> tuple[m.Block, ...]:
        try:
            return parse(text, literals, self._ref_label, self._term_callback(count_terms, None, spec_loc))
        except _RemovedTarget as exc:
            self._removed_but_referred(exc.target, f"the wording at {'.'.join(map(str, spec_loc))}")
            return ()
        except MarkupError as exc:
            self.spec_problem(spec_loc, exc.message)
            return ()

    def _library_definition(self, term: str, context: dict[str, Any]) -> tuple[m.Block, ...]:
        entry = self.library.terms[term]
        source = entry.nations.get(self.nation, entry.definition)
        loc = (
            ("terms", term, "nations", self.nation)
            if self.nation in entry.nations
            else ("terms", term, "definition")
        )
        try:
            text, literals = render(source, context)
            return parse(text, literals, self._ref_label, self._term_callback(True, None, loc))
        except (ClauseTemplateError, MarkupError) as exc:
            self.problems.append(self.library.sources["terms"].problem(loc, exc.message))
            return ()

    def _term_callback(self, count: bool, located: Located | None, where):
        def on_term(term: str) -> None:
            if term not in self.library.terms and term not in self.spec.terms:
                known = [*self.library.terms, *self.spec.terms]
                hint = did_you_mean(term, known) or " (define it under terms: in the spec)"
                raise MarkupError(f"[[{term}]] is not a defined term{hint}")
            if count:
                self.used_terms.setdefault(term)

        return on_term

    def _ref_label(self, target: str) -> str:
        if target in self.numbers[self.kind]:
            return f"clause {self.numbers[self.kind][target]}"
        for other, numbers in self.numbers.items():
            if target in numbers:
                return f"clause {numbers[target]} of the {self.library.kinds[other].title}"
        if self.lenient_refs and target in self.library.clauses:
            return f"the “{self.library.clauses[target].clause.title}” clause"
        if target in self.spec.removed:
            raise _RemovedTarget(target)
        if target in self.library.clauses or target in self.custom:
            raise MarkupError(
                f"cross-reference to {target}, which is not in this agreement"
                " (removed, optional, or for another kind)"
            )
        raise MarkupError(f"cross-reference to unknown clause id {target}")

    def _definitions(self, context: dict[str, Any]) -> tuple[m.Definition, ...]:
        done: dict[str, m.Definition] = {}
        while True:
            pending = [t for t in self.used_terms if t not in done]
            if not pending:
                break
            for term in pending:
                if term in self.spec.terms:  # the parties' own definition: data, never a template
                    blocks = self._parse(self.spec.terms[term], [], context, spec_loc=("terms", term))
                else:
                    blocks = self._library_definition(term, context)
                inlines = tuple(i for b in blocks if isinstance(b, m.Paragraph) for i in b.inlines)
                done[term] = m.Definition(term, inlines)
        return tuple(done[t] for t in sorted(done, key=str.lower))

    def _citation(self, key: str) -> m.Citation:
        inst = self.library.instruments[key]
        return m.Citation(
            key,
            inst.short,
            inst.title,
            inst.section,
            inst.status,
            inst.as_at,
            in_force=self._in_force(key),
            override=self.law_overrides.get(key),
        )

    def _in_force(self, key: str) -> bool:
        """Whether a registered instrument applies to this agreement; for ``in_force()`` in templates."""
        inst = self.library.instruments.get(key)
        if inst is None:
            raise LookupError(f"in_force('{key}'): no such reference in references.yaml")
        return inst.in_force(self.nation, self.spec.dates.effective)


class _RemovedTarget(MarkupError):
    """A cross-reference to a clause the spec's ``remove:`` leaves out."""

    def __init__(self, target: str) -> None:
        super().__init__(f"cross-reference to {target}, which remove: leaves out")
        self.target = target


def _with_blocks(clause: m.Clause, blocks: tuple[m.Block, ...]) -> m.Clause:
    return replace(clause, blocks=blocks)
