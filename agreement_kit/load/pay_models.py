"""Schema of the dated pay and on-cost data (``data/pay/*.yaml``).

Every table names the year it applies to, its source, the date it was
checked and how far it was checked (``verification``); the costing reads
rates only from here, never from code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .library_models import Nation, Strict

Verification = Literal["verified", "partly", "derived", "unverified"]
BAND_PATTERN = r"^([1-9]|8[a-d])$"


def _year(value: str) -> str:
    """``2025/26``: the second year follows the first."""
    match = re.fullmatch(r"(\d{4})/(\d{2})", value)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{value!r} is not a year like 2025/26")
    return value


Year = Annotated[str, AfterValidator(_year)]
Band = Annotated[str, Field(pattern=BAND_PATTERN)]
Money = Annotated[float, Field(ge=0, le=1_000_000)]
Percent = Annotated[float, Field(ge=0, le=100)]


def year_of(date: dt.date, starts: tuple[int, int] = (4, 1)) -> str:
    """The year (``2025/26``) that contains ``date``, for years starting on
    ``starts`` (month, day): 1 April for pay years, 6 April for tax years."""
    first = date.year if (date.month, date.day) >= starts else date.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def year_start(year: str) -> int:
    return int(year[:4])


class Sourced(Strict):
    source: str = Field(min_length=1)
    checked: dt.date
    verification: Verification
    note: str | None = None


class PayTable(Sourced):
    cited_as: str = Field(min_length=1, max_length=200)
    """A short citation, printed where the table is used (the agreement's schedule)."""
    nation: Nation
    pay_year: Year
    effective: dt.date
    bands: dict[Band, list[Annotated[int, Field(gt=0, le=1_000_000)]]]

    @field_validator("bands")
    @classmethod
    def _points(cls, bands: dict[str, list[int]]) -> dict[str, list[int]]:
        for band, points in bands.items():
            if not points:
                raise ValueError(f"band {band} has no pay points")
            if points != sorted(points):
                raise ValueError(f"band {band}: pay points must rise from entry to top")
        return bands


class PayFile(Strict):
    tables: list[PayTable] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> PayFile:
        seen = [(t.nation, t.pay_year) for t in self.tables]
        dup = sorted({f"{n} {y}" for n, y in seen if seen.count((n, y)) > 1})
        if dup:
            raise ValueError(f"more than one table for {', '.join(dup)}")
        return self


class NationalInsurance(Sourced):
    tax_year: Year
    starts: dt.date
    rate_percent: Percent
    secondary_threshold: Money


class NationalInsuranceFile(Strict):
    tax_years: list[NationalInsurance] = Field(min_length=1)


class Pension(Sourced):
    nation: Nation
    pay_year: Year
    scheme_rate_percent: Percent
    employer_charged_percent: Percent
    administration_levy_percent: Percent = 0

    @model_validator(mode="after")
    def _share(self) -> Pension:
        if self.employer_charged_percent > self.scheme_rate_percent:
            raise ValueError("employer_charged_percent is more than the scheme rate")
        return self


class PensionFile(Strict):
    rates: list[Pension] = Field(min_length=1)


class Levy(Sourced):
    tax_year: Year
    starts: dt.date
    rate_percent: Percent
    allowance: Money


class LevyFile(Strict):
    tax_years: list[Levy] = Field(min_length=1)
