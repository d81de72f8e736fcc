"""The pipeline behind `agreement-kit facility-time`: cost, check, lay out, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..assembly.facility_cost import Costing, cost_facility_time, hours_text, pounds
from ..load.pay import PayData, Rates, load_pay_data
from ..load.pay_models import year_of
from ..load.spec import LoadedSpec, load_spec
from ..utils.atomic_write import write_atomic
from ..utils.epoch import fixed_time
from ..utils.errors import InputError, Problem, UsageError
from .render import Outline, Section, Table, money, percent, render_docx, render_html, render_markdown
from .report import Period, allocation_json, check_tables, default_period, tables_json
from .roster import read_roster

REPEAL = (
    "This is a voluntary report in the format of the Trade Union (Facility Time Publication Requirements)"
    " Regulations 2017. The duty to publish it was repealed from 18 February 2026 (Employment Rights Act"
    " 2025 s.66); it never applied to devolved Welsh authorities, NHS Wales among them."
)


@dataclass(frozen=True)
class Result:
    data: dict[str, Any]
    paths: list[Path]

    def summary(self) -> str:
        parts = []
        if "total_hours_per_week" in self.data:
            parts.append(
                f"{hours_text(self.data['total_hours_per_week'])} hours a week allocated,"
                f" {pounds(self.data['total_annual_cost'])} a year at {self.data['pay_year']} rates"
            )
        if "table1" in self.data:
            t1, t3 = self.data["table1"], self.data["table3"]
            parts.append(f"{t1['officials']} officials ({t1['fte']} FTE), facility time {pounds(t3['cost'])}")
        return "facility-time: " + "; ".join(parts)


def parse_period(text: str) -> Period:
    try:
        start, end = (dt.date.fromisoformat(p.strip()) for p in text.split(":"))
    except ValueError:
        raise UsageError(f"--period {text!r}: write START:END as YYYY-MM-DD:YYYY-MM-DD") from None
    if end < start:
        raise UsageError(f"--period {text!r}: the end is before the start")
    if (end - start).days > 731:
        raise UsageError(f"--period {text!r}: longer than two years")
    return Period(start, end)


def facility_time_report(
    spec_path: Path,
    out_dir: Path,
    *,
    roster: Path | None = None,
    period: Period | None = None,
    pay_bill: float | None = None,
    pay_year: str | None = None,
    data: PayData | None = None,
) -> Result:
    """Cost the spec's facility time and, with a roster, the four tables; write md, html and docx."""
    if pay_bill is not None and not pay_bill > 0:
        raise UsageError("--pay-bill must be a positive amount in pounds")
    loaded = load_spec(spec_path)
    spec = loaded.spec
    data = data or load_pay_data()
    if spec.facility_time is None and roster is None:
        raise InputError(
            [loaded.source.problem((), "the spec has no facility_time section; add one, or give --roster")]
        )
    out: dict[str, Any] = {"organisation": spec.organisation.name}
    costing = None
    if spec.facility_time is not None:
        costing = _costing(loaded, data, pay_year)
        out.update(allocation_json(costing, spec, pay_bill))
    rates = None
    if roster is not None:
        period = period or default_period(spec.dates.effective)
        rates = data.rates(spec.organisation.nation, pay_year or year_of(period.start))
        officials = read_roster(roster, spec, rates, period.weeks)
        tables = tables_json(officials, rates, period, pay_bill)
        problems = check_tables(tables, spec.organisation.headcount)
        if problems:
            raise InputError([Problem(str(roster), None, "", p) for p in problems])
        out.update(tables)
        out["voluntary_report_note"] = REPEAL
    used = rates or (costing.rates if costing else None)
    assert used is not None
    out["data_sources"] = _sources(used)
    doc = outline(spec.organisation.name, out, costing)
    stem = f"{spec.organisation.file_stem}-facility-time"
    when = fixed_time(None, spec.dates.effective)
    files = [
        (out_dir / f"{stem}.md", render_markdown(doc).encode()),
        (out_dir / f"{stem}.html", render_html(doc).encode()),
        (out_dir / f"{stem}.docx", render_docx(doc, when)),
    ]
    for path, content in files:
        write_atomic(path, content)
    return Result(out, [p for p, _ in files])


def _costing(loaded: LoadedSpec, data: PayData, pay_year: str | None) -> Costing:
    from ..assembly.facility_cost import CostingError
    from ..load.pay import MissingRates

    try:
        return cost_facility_time(loaded.spec, data, pay_year)
    except CostingError as exc:
        raise InputError([loaded.source.problem(exc.loc, exc.message)]) from None
    except MissingRates as exc:
        raise InputError(
            [loaded.source.problem(("facility_time",), p.message) for p in exc.problems]
        ) from None


def _sources(rates: Rates) -> list[dict[str, str]]:
    return [
        {
            "what": what,
            "year": year,
            "source": table.source,
            "checked": table.checked.isoformat(),
            "verification": table.verification,
            "note": table.note or "",
        }
        for what, table, year in rates.sources()
    ]


def outline(organisation: str, data: dict[str, Any], costing: Costing | None) -> Outline:
    sections: list[Section] = []
    lead: list[str] = []
    if costing is not None:
        governs = (
            "The hours govern: the costs are an estimate that moves with pay awards."
            if costing.governs == "hours"
            else "The money governs: the annual cost at these rates is the budget; the hours may move."
        )
        lead.append(
            f"Costed at {costing.pay_year} Agenda for Change rates for {costing.nation.title()}. {governs}"
        )
        rows = [
            (
                r.role,
                r.union,
                r.band + ("" if r.point == 1 else f" point {r.point}"),
                hours_text(r.hours),
                f"{r.wte:.2f}",
                "yes" if r.backfilled else "no",
                r.cost_centre or "",
                pounds(r.pay),
                pounds(r.on_costs),
                pounds(r.annual_cost),
            )
            for r in costing.all_rows
        ]
        rows.append(
            (
                "Total",
                "",
                "",
                hours_text(costing.total_hours),
                f"{costing.total_wte:.2f}",
                "",
                "",
                pounds(sum(r.pay for r in costing.all_rows)),
                pounds(sum(r.on_costs for r in costing.all_rows)),
                pounds(costing.total_cost),
            )
        )
        columns = (
            "Role",
            "Union",
            "Band",
            "Hours a week",
            "WTE",
            "Backfilled",
            "Cost centre",
            "Pay",
            "On-costs",
            "Annual cost",
        )
        per100 = data["per_100_staff"]
        sections.append(
            Section(
                "Allocation",
                table=Table(columns, tuple(rows), (4, 2, 2, 2, 2, 2, 3, 3, 3, 3)),
                after=(
                    f"Per 100 staff (headcount {costing.headcount:,}): {hours_text(per100['hours_per_week'])}"
                    f" hours a week, {pounds(per100['annual_cost'])} a year.",
                ),
            )
        )
        bill = data.get("pay_bill")
        if bill:
            lines = [
                f"A budget of {bill['budget_percent']:g}% of a pay bill of {pounds(bill['pay_bill'])} is"
                f" {pounds(bill['budget'])} a year, which buys"
                f" {hours_text(bill['hours_per_week_the_budget_buys'])} hours a week at"
                f" \u00a3{bill['hourly_cost_used']:.2f} an hour with on-costs.",
                f"The allocation costs {percent(bill['allocation_percent_of_pay_bill'], 3)} of the pay bill.",
            ]
            if bill["pool_percent_of_pay_bill"] is not None:
                lines.append(
                    f"The pool alone costs {percent(bill['pool_percent_of_pay_bill'], 3)} of the pay bill."
                )
            sections.append(Section("Against the pay bill", before=tuple(lines)))
        sections.append(Section("How the figures are worked out", before=METHOD))
    if "table1" in data:
        sections += _tables(data)
    sections.append(
        Section(
            "Data sources",
            table=Table(
                ("Data", "Year", "Source", "Checked", "How far checked"),
                tuple(
                    (
                        s["what"],
                        s["year"],
                        s["source"] + (f" {s['note']}" if s["note"] else ""),
                        s["checked"],
                        s["verification"],
                    )
                    for s in data["data_sources"]
                ),
                (3, 2, 8, 2, 2),
            ),
        )
    )
    return Outline(f"Facility time: {organisation}", tuple(lead), tuple(sections))


METHOD = (
    "A post is costed at the entry point of its band unless a pay point is named. Full time is 37.5 hours"
    " a week; an hour of basic pay is annual pay / 52.143 weeks / 37.5 hours.",
    "Annual cost = pay + employer National Insurance (the rate on pay above the secondary threshold)"
    " + employer pension (the share charged to the employer's budget, with the administration levy)"
    " + apprenticeship levy (the rate on all pay: an NHS employer's pay bill uses its allowance up).",
    "Part release is that share of a full-time post: hours / 37.5 of its cost, National Insurance"
    " being worked out on the post-holder's whole pay and shared pro rata.",
)


def _tables(data: dict[str, Any]) -> list[Section]:
    p, t1, t2, t3, t4 = (data[k] for k in ("period", "table1", "table2", "table3", "table4"))
    when = f"Period {p['start']} to {p['end']} ({p['weeks']:.2f} weeks)."
    return [
        Section("Voluntary facility time report", before=(data["voluntary_report_note"], when)),
        Section(
            "Table 1: Relevant union officials",
            table=Table(
                ("Officials in the period", "Full-time equivalent"),
                ((str(t1["officials"]), f"{t1['fte']:.2f}"),),
            ),
            after=(
                "Every official who held office in the period, including those who took no facility time.",
            ),
        ),
        Section(
            "Table 2: Share of working hours spent on facility time",
            table=Table(
                ("Share of working hours", "Officials"), tuple((f"{k}%", str(v)) for k, v in t2.items())
            ),
        ),
        Section(
            "Table 3: Cost of facility time",
            table=Table(
                ("Total cost of facility time", "Total pay bill", "Cost as a percentage of the pay bill"),
                ((money(t3["cost"]), money(t3["pay_bill"]), percent(t3["percentage"])),),
            ),
            after=() if t3["pay_bill"] else ("No pay bill was given (--pay-bill), so no percentage.",),
        ),
        Section(
            "Table 4: Paid trade union activities",
            table=Table(
                ("Paid activities as a percentage of all paid facility time",),
                ((percent(t4["paid_activities_percentage"]),),),
            ),
        ),
    ]
