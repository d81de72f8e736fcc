"""What facility time costs: a spec's allocations priced from the dated pay data.

One method throughout, for the agreement's schedule and the facility-time
report alike:

- A post is costed at its band's entry point unless a pay point is named.
- A year's employment cost of a post-holder = pay + employer National
  Insurance (rate x (pay - secondary threshold), never below nothing) +
  employer pension (the share charged to the employer's budget, plus the
  scheme's administration levy) + apprenticeship levy (rate x pay: an NHS
  employer's pay bill is far above the levy allowance, so every extra pound
  of pay bears the full rate and the allowance is left with the rest of
  the pay bill).
- Release of part of a post is that share of the whole post's cost:
  hours / 37.5 of it. National Insurance is worked out on the post-holder's
  whole pay, then shared pro rata, because the threshold applies once to
  the person's pay, not to each part of their week.
- An hour costs the year's cost / (contracted hours x 52.143 weeks).
- Pay years run 1 April to 31 March; the tax year of the same name gives
  the National Insurance and levy rates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..load.facility_models import FULL_TIME_HOURS, Allocation, FacilityTime
from ..load.pay import PayData, Rates, load_pay_data
from ..load.pay_models import year_of
from ..load.spec_models import Spec

WEEKS_A_YEAR = 52.143


class CostingError(ValueError):
    """An allocation the pay data cannot price; ``loc`` is its place in the spec."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc, self.message = loc, message


@dataclass(frozen=True)
class EmploymentCost:
    """A year's cost of employing someone on ``pay`` for ``hours`` a week."""

    pay: float
    ni: float
    pension: float
    levy: float
    hours: float = FULL_TIME_HOURS

    @property
    def total(self) -> float:
        return self.pay + self.ni + self.pension + self.levy

    @property
    def on_costs(self) -> float:
        return self.ni + self.pension + self.levy

    @property
    def hourly(self) -> float:
        return self.total / (self.hours * WEEKS_A_YEAR)

    @property
    def hourly_pay(self) -> float:
        return self.pay / (self.hours * WEEKS_A_YEAR)


def employment_cost(rates: Rates, full_time_pay: float, hours: float = FULL_TIME_HOURS) -> EmploymentCost:
    """The year's cost of a post paid ``full_time_pay`` for 37.5 hours, worked ``hours`` a week."""
    pay = full_time_pay * hours / FULL_TIME_HOURS
    ni = rates.ni.rate_percent / 100 * max(0.0, pay - rates.ni.secondary_threshold)
    pension_rate = rates.pension.employer_charged_percent + rates.pension.administration_levy_percent
    return EmploymentCost(pay, ni, pension_rate / 100 * pay, rates.levy.rate_percent / 100 * pay, hours)


def band_pay(rates: Rates, band: str, point: int | None) -> float:
    """The annual pay of a band's point (1 = entry); KeyError or IndexError says why not."""
    points = rates.points(band)
    if point is not None and point > len(points):
        raise IndexError(f"band {band} has {len(points)} pay points in {rates.nation} {rates.pay_year}")
    return float(points[(point or 1) - 1])


@dataclass(frozen=True)
class CostedRow:
    role: str
    union: str
    band: str
    point: int
    hours: float
    backfilled: bool
    cost_centre: str | None
    post: EmploymentCost  # the whole full-time post

    @property
    def wte(self) -> float:
        return self.hours / FULL_TIME_HOURS

    @property
    def pay(self) -> float:
        return self.post.pay * self.wte

    @property
    def on_costs(self) -> float:
        return self.post.on_costs * self.wte

    @property
    def annual_cost(self) -> float:
        return self.post.total * self.wte


@dataclass(frozen=True)
class Costing:
    nation: str
    pay_year: str
    rates: Rates
    governs: str
    show_cost: bool
    headcount: int
    rows: tuple[CostedRow, ...]
    pool: CostedRow | None

    @property
    def all_rows(self) -> tuple[CostedRow, ...]:
        return self.rows + ((self.pool,) if self.pool else ())

    @property
    def total_hours(self) -> float:
        return sum(r.hours for r in self.all_rows)

    @property
    def total_wte(self) -> float:
        return self.total_hours / FULL_TIME_HOURS

    @property
    def total_cost(self) -> float:
        return sum(r.annual_cost for r in self.all_rows)

    @property
    def hours_per_100_staff(self) -> float:
        return self.total_hours * 100 / self.headcount

    @property
    def cost_per_100_staff(self) -> float:
        return self.total_cost * 100 / self.headcount

    def hourly_rate(self) -> float:
        """The hourly cost used to turn money into hours: the pool's, else the allocations' average."""
        if self.pool is not None:
            return self.pool.post.hourly
        return self.total_cost / (self.total_hours * WEEKS_A_YEAR)

    def hours_bought(self, pay_bill: float, percent: float) -> float:
        """Hours a week that ``percent`` of ``pay_bill`` buys at ``hourly_rate``."""
        return pay_bill * percent / 100 / (self.hourly_rate() * WEEKS_A_YEAR)


def pay_year_for(spec: Spec) -> str:
    ft = spec.facility_time
    return ft.pay_year if ft and ft.pay_year else year_of(spec.dates.effective)


def cost_facility_time(spec: Spec, data: PayData | None = None, pay_year: str | None = None) -> Costing:
    """Price the spec's facility time; raise CostingError (with its spec place) or MissingRates."""
    ft = spec.facility_time
    if ft is None:
        raise CostingError(("facility_time",), "the spec has no facility_time section")
    nation = spec.organisation.nation
    year = pay_year or pay_year_for(spec)
    rates = (data or load_pay_data()).rates(nation, year)
    rows = tuple(_row(rates, spec, ft, i, a) for i, a in enumerate(ft.allocations))
    pool = None
    if ft.pool_hours_per_week is not None:
        pool = _priced(
            rates,
            ("facility_time", "pool_band"),
            "Other Representatives (pool)",
            "All",
            ft.pool_band,
            ft.pool_point,
            ft.pool_hours_per_week,
            False,
            None,
        )
    return Costing(nation, year, rates, ft.governs, ft.show_cost, spec.organisation.headcount, rows, pool)


def _row(rates: Rates, spec: Spec, ft: FacilityTime, index: int, a: Allocation) -> CostedRow:
    union = spec.union_named(a.union)
    name = union.short_name if union else a.union
    loc: tuple[str | int, ...] = ("facility_time", "allocations", index, "point" if a.point else "band")
    return _priced(rates, loc, a.role, name, a.band, a.point, a.hours, a.backfilled, a.cost_centre)


def _priced(
    rates: Rates,
    loc: tuple[str | int, ...],
    role: str,
    union: str,
    band: str,
    point: int | None,
    hours: float,
    backfilled: bool,
    cost_centre: str | None,
) -> CostedRow:
    try:
        pay = band_pay(rates, band, point)
    except (KeyError, IndexError) as exc:
        raise CostingError(loc, str(exc.args[0])) from None
    post = employment_cost(rates, pay)
    return CostedRow(role, union, band, point or 1, hours, backfilled, cost_centre, post)


def pounds(value: float) -> str:
    """£1,234: whole pounds, half up."""
    return f"\u00a3{int(value + 0.5):,}" if value >= 0 else f"-{pounds(-value)}"


def hours_text(value: float) -> str:
    """18.75, 37.5, 75: two places at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
