"""Schema of a spec's ``facility_time:`` section: the release the agreement funds.

Each allocation is a released role with its union, band (and optionally
pay point), hours a week or whole-time equivalent; a pool of hours covers
everyone else. The costing (assembly/facility_cost.py) prices them from the
dated pay data for the spec's nation and pay year.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .library_models import Strict
from .pay_models import BAND_PATTERN, Year

FULL_TIME_HOURS = 37.5


def _band_text(value: Any) -> Any:
    # `band: 6` reads as a number; a band is a name ("6", "8a").
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip().lower().removeprefix("band").strip()
    return value


def _band(value: str) -> str:
    if not re.fullmatch(BAND_PATTERN, value):
        raise ValueError(f"{value!r} is not an Agenda for Change band (1 to 9, or 8a to 8d)")
    return value


Band = Annotated[str, BeforeValidator(_band_text), AfterValidator(_band)]
Point = Annotated[int, Field(ge=1, le=10)]
Name = Annotated[str, Field(min_length=1, max_length=300)]


class Allocation(Strict):
    role: Name
    union: Name
    """One of the spec's unions, by short name or name."""
    band: Band
    point: Point | None = None
    """The pay point within the band, 1 being the entry point; the entry point when absent."""
    hours_per_week: float | None = Field(default=None, gt=0, le=FULL_TIME_HOURS)
    wte: float | None = Field(default=None, gt=0, le=1)
    backfilled: bool = False
    cost_centre: Name | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Allocation:
        if (self.hours_per_week is None) == (self.wte is None):
            raise ValueError("give either hours_per_week or wte (whole-time equivalent), not both or neither")
        return self

    @property
    def hours(self) -> float:
        return self.hours_per_week if self.hours_per_week is not None else (self.wte or 0) * FULL_TIME_HOURS


class FacilityTime(Strict):
    allocations: list[Allocation] = []
    pool_hours_per_week: float | None = Field(default=None, gt=0, le=100_000)
    """A pool of hours a week for every Representative without an allocation."""
    pool_band: Band = "6"
    """The band the pool is costed at (its entry point unless pool_point is given)."""
    pool_point: Point | None = None
    pay_year: Year | None = None
    """The pay year to cost at, e.g. 2025/26; default: the pay year containing the effective date."""
    governs: Literal["hours", "money"] = "hours"
    """``hours``: the hours are the commitment and the cost an estimate that moves with pay;
    ``money``: the annual cost at the pay year's rates is the budget and the hours it buys may move."""
    show_cost: bool = False
    """Print the annual cost in the agreement's schedule."""

    @model_validator(mode="after")
    def _something(self) -> FacilityTime:
        if not self.allocations and self.pool_hours_per_week is None:
            raise ValueError("give at least one allocation or a pool_hours_per_week")
        return self
