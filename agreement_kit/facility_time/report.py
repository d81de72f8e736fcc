"""The figures of a facility-time report, as data every format and --json read.

From the spec: each allocation's hours, WTE, pay, on-costs and annual cost,
the pool, totals, per 100 staff, and against a pay bill what a percentage of
it buys and what the allocation costs as a percentage. From a roster: the
four tables of the Trade Union (Facility Time Publication Requirements)
Regulations 2017, as a voluntary report, and checks that catch the errors
seen in published returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..assembly.facility_cost import WEEKS_A_YEAR, Costing, employment_cost
from ..load.facility_models import FULL_TIME_HOURS
from ..load.pay import Rates
from ..load.spec_models import Spec
from .roster import Official

DEFAULT_PERCENT = 0.1  # per cent of the pay bill, the library's default budget
PAY_BILL_PER_HEAD = (8_000, 250_000)  # plausible pay bill per head of headcount, in pounds
BANDS = ("0", "1-50", "51-99", "100")


def share_band(share: float) -> str:
    """Table 2's band for an unrounded share of working hours (per cent)."""
    if share <= 0:
        return "0"
    if share <= 50:
        return "1-50"
    return "51-99" if share < 100 else "100"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def weeks(self) -> float:
        return ((self.end - self.start).days + 1) / 7


def default_period(effective: dt.date) -> Period:
    """The last full 1 April to 31 March year ending before ``effective``."""
    end_year = effective.year if effective >= dt.date(effective.year, 4, 1) else effective.year - 1
    return Period(dt.date(end_year - 1, 4, 1), dt.date(end_year, 3, 31))


def budget_percent(spec: Spec) -> float:
    """The pay-bill percentage the spec's time_off.amount sets, else the library's 0.1."""
    choice = spec.clauses.get("time_off.amount")
    if choice and choice.variant == "pay_bill_percent":
        return float(choice.params.get("pay_bill_hundredths", 10)) / 100
    return DEFAULT_PERCENT


def allocation_json(costing: Costing, spec: Spec, pay_bill: float | None) -> dict[str, Any]:
    def row(r: Any) -> dict[str, Any]:
        return {
            "role": r.role,
            "union": r.union,
            "band": r.band,
            "point": r.point,
            "hours_per_week": round(r.hours, 2),
            "wte": round(r.wte, 4),
            "backfilled": r.backfilled,
            "cost_centre": r.cost_centre,
            "pay": round(r.pay, 2),
            "on_costs": round(r.on_costs, 2),
            "annual_cost": round(r.annual_cost, 2),
        }

    out: dict[str, Any] = {
        "nation": costing.nation,
        "pay_year": costing.pay_year,
        "governs": costing.governs,
        "allocations": [row(r) for r in costing.rows],
        "pool": row(costing.pool) if costing.pool else None,
        "total_hours_per_week": round(costing.total_hours, 2),
        "total_wte": round(costing.total_wte, 4),
        "total_annual_cost": round(costing.total_cost, 2),
        "headcount": costing.headcount,
        "per_100_staff": {
            "hours_per_week": round(costing.hours_per_100_staff, 2),
            "annual_cost": round(costing.cost_per_100_staff, 2),
        },
        "pay_bill": None,
    }
    if pay_bill is not None:
        percent = budget_percent(spec)
        out["pay_bill"] = {
            "pay_bill": pay_bill,
            "budget_percent": percent,
            "budget": round(pay_bill * percent / 100, 2),
            "hours_per_week_the_budget_buys": round(costing.hours_bought(pay_bill, percent), 2),
            "hourly_cost_used": round(costing.hourly_rate(), 2),
            "allocation_percent_of_pay_bill": round(costing.total_cost / pay_bill * 100, 4),
            "pool_percent_of_pay_bill": (
                round(costing.pool.annual_cost / pay_bill * 100, 4) if costing.pool else None
            ),
        }
    return out


def tables_json(
    officials: list[Official], rates: Rates, period: Period, pay_bill: float | None
) -> dict[str, Any]:
    """The 2017 Regulations' four tables from a roster."""
    counts = dict.fromkeys(BANDS, 0)
    cost = 0.0
    for o in officials:
        working = o.contracted_hours * period.weeks
        counts[share_band(o.facility_hours / working * 100)] += 1
        hourly = employment_cost(rates, o.full_time_pay, o.contracted_hours).total / (
            o.contracted_hours * WEEKS_A_YEAR
        )
        cost += o.facility_hours * hourly
    facility = sum(o.facility_hours for o in officials)
    paid = sum(o.paid_activity_hours for o in officials)
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "weeks": round(period.weeks, 4),
        },
        "table1": {
            "officials": len(officials),
            "fte": round(sum(o.contracted_hours for o in officials) / FULL_TIME_HOURS, 2),
        },
        "table2": counts,
        "table3": {
            "cost": round(cost, 2),
            "pay_bill": pay_bill,
            "percentage": round(cost / pay_bill * 100, 2) if pay_bill else None,
        },
        "table4": {
            "paid_activities_percentage": round(paid / facility * 100, 2) if facility else 0.0,
            "paid_activity_hours": round(paid, 2),
            "facility_hours": round(facility, 2),
        },
    }


def check_tables(tables: dict[str, Any], headcount: int) -> list[str]:
    """Errors seen in published returns, each naming its table and figure."""
    out = []
    t1, t2, t3, t4 = (tables[k] for k in ("table1", "table2", "table3", "table4"))
    if t1["fte"] > t1["officials"]:
        out.append(
            f"table 1: FTE {t1['fte']} is more than the {t1['officials']} officials counted;"
            " FTE is the officials' contracted hours / 37.5, at most one each"
        )
    if sum(t2[b] for b in BANDS) != t1["officials"]:
        out.append(
            f"table 2: the bands sum to {sum(t2[b] for b in BANDS)}, not the {t1['officials']} officials"
            " of table 1 (every official is in one band, including 0%)"
        )
    pay_bill, cost, percentage = t3["pay_bill"], t3["cost"], t3["percentage"]
    if pay_bill is not None:
        low, high = PAY_BILL_PER_HEAD
        per_head = pay_bill / headcount
        if per_head < low:
            out.append(
                f"table 3: a pay bill of \u00a3{pay_bill:,.0f} is \u00a3{per_head:,.0f} per head of"
                f" {headcount:,} staff; was it given in thousands?"
            )
        elif per_head > high:
            out.append(
                f"table 3: a pay bill of \u00a3{pay_bill:,.0f} is \u00a3{per_head:,.0f} per head of"
                f" {headcount:,} staff, more than is plausible"
            )
        if percentage is None or abs(cost / pay_bill * 100 - percentage) > 0.005:
            out.append(
                f"table 3: the percentage {percentage} does not recompute from cost \u00a3{cost:,.2f}"
                f" / pay bill \u00a3{pay_bill:,.2f} = {cost / pay_bill * 100:.2f}"
            )
    facility, paid = t4["facility_hours"], t4["paid_activity_hours"]
    expected = paid / facility * 100 if facility else 0.0
    if abs(expected - t4["paid_activities_percentage"]) > 0.005:
        out.append(
            f"table 4: paid activities {t4['paid_activities_percentage']}% does not recompute from"
            f" {paid} of {facility} hours = {expected:.2f}%"
        )
    return out
