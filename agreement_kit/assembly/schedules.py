"""The schedules after an agreement's signatures, worked out from the spec.

The library's schedules.yaml says which tables an agreement carries and what
their cells say (sandboxed Jinja over the chosen values); three kinds are
worked out here: a table of rows, the first year's meeting calendar, the
departures from the model with the parties' reasons, and the facility time
allocation costed from the dated pay data. A schedule that cannot
be worked out is a problem naming its line in schedules.yaml.
"""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateError

from ..load.library import Library
from ..load.schedule_models import ScheduleDef
from ..load.spec_models import Spec
from ..utils.errors import InputError, Problem
from . import model as m
from .calendar import first_year
from .facility_cost import Costing, CostingError, cost_facility_time, hours_text, pounds
from .integrity import clause_values, holds, text_template
from .ratings import parameter_departure
from .templating import uk_date

_WEEKDAY = "%A"  # "Tuesday 12 May 2026"


class ScheduleError(Exception):
    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.index, self.field, self.message = index, field, message


def build_schedules(
    agreement: m.Agreement,
    agreements: list[m.Agreement],
    spec: Spec,
    library: Library,
    context: dict[str, Any],
    problems: list[Problem],
) -> tuple[m.Schedule, ...]:
    """The schedules of one agreement: the recognised unions first, then the
    library's in order, numbered from 1, drafting-only ones last."""
    values = clause_values(agreements)
    numbers = {c.id: (a, c.number) for a in agreements for c in a.clauses()}

    def ref(clause_id: str) -> str:
        where = numbers.get(clause_id)
        if where is None:
            raise LookupError(f"ref('{clause_id}'): the clause is not in this spec's agreements")
        other, number = where
        return f"clause {number}" if other.kind == agreement.kind else f"clause {number} of the {other.title}"

    ctx = {**context, "clauses": values, "present": frozenset(values), "ref": ref, "facility_time": None}
    built: list[tuple[ScheduleDef, str, str, list[tuple[str, ...]]]] = []
    for index, definition in enumerate(library.schedules):
        if agreement.kind not in definition.kinds or not set(definition.requires) <= set(values):
            continue
        if definition.type == "facility_time" and spec.facility_time is None:
            continue
        try:
            if definition.type == "facility_time":
                ctx["facility_time"] = _costing_summary(_costing(spec, index))
            if definition.when and not holds(definition.when, ctx):
                continue
            title = _text(definition.title, ctx, index, "title")
            intro = _text(definition.intro, ctx, index, "intro") if definition.intro else ""
            rows = _rows(definition, index, ctx, agreement, spec, library)
        except ScheduleError as exc:
            source = library.sources["schedules"]
            problems.append(source.problem(("schedules", exc.index, exc.field), exc.message))
            continue
        built.append((definition, title, intro, rows))
    built.sort(key=lambda b: b[0].drafting_only)  # stable: library order, drafting-only last
    return (_unions(agreement),) + tuple(
        m.Schedule(
            d.id,
            n,
            title,
            intro,
            tuple(d.columns[: len(rows[0])] if rows else d.columns),
            tuple(rows),
            tuple(d.widths[: len(rows[0]) if rows else None]) if d.widths else (1,) * len(d.columns),
            d.drafting_only,
        )
        for n, (d, title, intro, rows) in enumerate(built, start=2)
    )


def _unions(agreement: m.Agreement) -> m.Schedule:
    """Schedule 1, in every agreement whatever the library: who is recognised, for whom."""
    who = "The employers recognise" if len(agreement.parties) > 1 else "The Employer recognises"
    # recognition is granted by the recognition agreement alone; the others name its parties
    intro = (
        f"{who} the following trade unions under this agreement, for the staff shown."
        if agreement.kind == "recognition"
        else "The trade unions party to this agreement, and the staff each is recognised for."
    )
    return m.Schedule(
        "unions",
        1,
        "Recognised trade unions",
        intro,
        ("Trade union", "Short name", "Recognised for"),
        tuple((u.name, u.short_name, u.represents or "\u2014") for u in agreement.unions),
        (5, 2, 5),
    )


def _text(source: str, ctx: dict[str, Any], index: int, field: str) -> str:
    if "{" not in source:  # no template syntax (most cells): Jinja would give the words back
        return " ".join(source.split())
    try:
        return " ".join(text_template(source).render(ctx).split())
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise ScheduleError(index, field, f"cannot be worked out: {exc}") from None


def _rows(
    definition: ScheduleDef,
    index: int,
    ctx: dict[str, Any],
    agreement: m.Agreement,
    spec: Spec,
    library: Library,
) -> list[tuple[str, ...]]:
    width = len(definition.columns)
    if definition.type == "calendar":
        rows = _calendar(definition, index, ctx, agreement.nation)
    elif definition.type == "departures":
        rows = _departures(agreement, spec, library)
    elif definition.type == "facility_time":
        rows = _facility_rows(_costing(spec, index), width, index)
    else:
        items = _items(definition, agreement) if definition.for_each else [None]
        rows = []
        for item in items:
            row_ctx = {**ctx, "item": item}
            for r, row in enumerate(definition.rows):
                try:
                    if row.when and not holds(row.when, row_ctx):
                        continue
                except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
                    raise ScheduleError(index, f"rows.{r}.when", f"cannot be worked out: {exc}") from None
                if len(row.cells) != width:
                    raise ScheduleError(index, f"rows.{r}", f"has {len(row.cells)} cells for {width} columns")
                rows.append(tuple(_text(c, row_ctx, index, f"rows.{r}") for c in row.cells))
    rows.extend(("",) * width for _ in range(definition.blank_rows))
    return rows


def _items(definition: ScheduleDef, agreement: m.Agreement) -> list[dict[str, str]]:
    if definition.for_each == "unions":
        return [
            {"name": u.name, "short_name": u.short_name, "represents": u.represents or ""}
            for u in agreement.unions
        ]
    return [
        {"name": s.name, "role": s.role, "side": s.side, "organisation": s.organisation or ""}
        for s in agreement.signatories
    ]


def _calendar(definition: ScheduleDef, index: int, ctx: dict[str, Any], nation: str) -> list[tuple[str, ...]]:
    numbers = []
    for field in ("per_year", "notice_working_days"):
        source = getattr(definition, field)
        if source is None:
            raise ScheduleError(index, field, "a calendar needs per_year and notice_working_days")
        try:
            numbers.append(int(_text("{{ " + source + " }}", ctx, index, field)))
        except ValueError:
            raise ScheduleError(index, field, "must work out to a whole number") from None
    per_year, notice = numbers
    effective = ctx["agreement"]["effective"]
    return [
        (
            str(n),
            f"{meeting.date:{_WEEKDAY}} {uk_date(meeting.date)}",
            f"{meeting.papers_by:{_WEEKDAY}} {uk_date(meeting.papers_by)}",
        )
        for n, meeting in enumerate(first_year(effective, per_year, notice, nation), start=1)
    ]


def _departures(agreement: m.Agreement, spec: Spec, library: Library) -> list[tuple[str, ...]]:
    """Every way the agreement departs from the model, with the parties' reason."""
    rows: list[tuple[str, ...]] = []
    unexplained = "No reason was recorded."
    for clause in agreement.clauses():
        prov, where = clause.provenance, f"{clause.number} {clause.title}"
        reason = prov.reason or unexplained
        if prov.source == "custom":
            rows.append((where, "The parties' own wording replaces the model's.", reason))
        elif prov.source == "added":
            rows.append((where, "A clause of the parties' own, not in the model.", reason))
        elif spec.reason_for_adding(clause.id) is not None or clause.id in _added_ids(spec):
            rows.append((where, "An optional clause of the model, added.", reason))
        if prov.variant and prov.recommended_variant and prov.variant != prov.recommended_variant:
            rows.append(
                (
                    where,
                    f"{_quoted(prov.variant_label)} rather than {_quoted(prov.recommended_variant_label)}.",
                    reason,
                )
            )
        located = library.clauses.get(clause.id)
        for value in prov.params:
            param = located.clause.params.get(value.name) if located else None
            departure = parameter_departure(param, value.value) if param else None
            if departure:
                rows.append((where, f"{value.label}: {departure[1]}.", reason))
    for omitted in agreement.omitted:
        rows.append(
            (
                f"{omitted.title} ({omitted.section})",
                "A clause of the model, left out.",
                omitted.reason or unexplained,
            )
        )
    return rows or [("\u2014", "This agreement follows the model throughout.", "\u2014")]


def _costing(spec: Spec, index: int) -> Costing:
    try:
        return cost_facility_time(spec)
    except (CostingError, InputError) as exc:
        # integrity checks name the spec line; here the schedule just cannot be built
        raise ScheduleError(index, "type", f"the facility time cannot be costed: {exc}") from None


def _costing_summary(costing: Costing) -> dict[str, Any]:
    return {
        "pay_year": costing.pay_year,
        "nation": costing.nation,
        "governs": costing.governs,
        "show_cost": costing.show_cost,
        "has_pool": costing.pool is not None,
        "source": costing.rates.pay.cited_as,
        "verification": costing.rates.least_verified(),
    }


def _facility_rows(costing: Costing, width: int, index: int) -> list[tuple[str, ...]]:
    """Role, union, hours a week and, when shown, annual cost; the pool; the total."""
    if width != 4:
        raise ScheduleError(index, "columns", "a facility_time schedule has four columns")
    keep = 4 if costing.show_cost else 3
    rows = [(r.role, r.union, hours_text(r.hours), pounds(r.annual_cost))[:keep] for r in costing.all_rows]
    total = ("Total", "", hours_text(costing.total_hours), pounds(costing.total_cost))
    return [*rows, total[:keep]]


def _added_ids(spec: Spec) -> set[str]:
    return {e for e in spec.add if isinstance(e, str)}


def _quoted(text: str | None) -> str:
    return f"\u201c{text}\u201d"
