"""Load the dated pay and on-cost data, and pick the rates for a nation and year.

``load_pay_data()`` reads the bundled ``data/pay/`` folder (or another with
the same files); a fault names its file and line. ``PayData.rates(nation,
pay_year)`` gathers the pay table, National Insurance, pension and levy
that cost a pay year; a missing year is an error that says which years exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from ..utils import cache
from ..utils.errors import InputError, Problem, display_path
from ..utils.resources import data_dir
from .parse import checked_key, parse
from .pay_models import (
    Levy,
    LevyFile,
    NationalInsurance,
    NationalInsuranceFile,
    PayFile,
    PayTable,
    Pension,
    PensionFile,
    Sourced,
)
from .yaml_source import load_yaml

FILES = {
    "pay": "agenda-for-change.yaml",
    "ni": "employer-ni.yaml",
    "pension": "nhs-pension.yaml",
    "levy": "apprenticeship-levy.yaml",
}

MODELS: dict[str, type[BaseModel]] = {
    "pay": PayFile,
    "ni": NationalInsuranceFile,
    "pension": PensionFile,
    "levy": LevyFile,
}


class MissingRates(InputError):
    """No data for the nation and year asked for."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__([Problem(where, None, "", message)])


@dataclass(frozen=True)
class Rates:
    """Everything that costs one nation's pay year."""

    nation: str
    pay_year: str
    pay: PayTable
    ni: NationalInsurance
    pension: Pension
    levy: Levy

    def points(self, band: str) -> list[int]:
        points = self.pay.bands.get(band)
        if points is None:
            known = ", ".join(self.pay.bands)
            raise KeyError(
                f"band {band} is not in the {self.nation} {self.pay_year} pay table (bands: {known})"
            )
        return points

    def sources(self) -> list[tuple[str, Sourced, str]]:
        """(what, table, year) for each table used, for a report's data sources."""
        return [
            ("Agenda for Change pay points", self.pay, f"{self.nation.title()} {self.pay_year}"),
            ("Employer National Insurance", self.ni, f"tax year {self.ni.tax_year}"),
            ("NHS Pension employer contribution", self.pension, f"{self.nation.title()} {self.pay_year}"),
            ("Apprenticeship levy", self.levy, f"tax year {self.levy.tax_year}"),
        ]

    def least_verified(self) -> str:
        order = ["verified", "partly", "derived", "unverified"]
        return max((t.verification for _, t, _ in self.sources()), key=order.index)


@dataclass(frozen=True)
class PayData:
    folder: Path
    tables: tuple[PayTable, ...]
    ni: tuple[NationalInsurance, ...]
    pensions: tuple[Pension, ...]
    levies: tuple[Levy, ...]

    def pay_years(self, nation: str) -> list[str]:
        return sorted(t.pay_year for t in self.tables if t.nation == nation)

    def rates(self, nation: str, pay_year: str) -> Rates:
        """The rates for a pay year; the tax year of the same name gives NI and levy."""
        where = display_path(self.folder)
        pay = next((t for t in self.tables if t.nation == nation and t.pay_year == pay_year), None)
        if pay is None:
            years = ", ".join(self.pay_years(nation)) or "none"
            raise MissingRates(
                f"no Agenda for Change pay table for {nation} {pay_year} (tables for {nation}: {years});"
                " set facility_time.pay_year, or add the table to the data",
                where,
            )
        pension = next((p for p in self.pensions if p.nation == nation and p.pay_year == pay_year), None)
        ni = next((n for n in self.ni if n.tax_year == pay_year), None)
        levy = next((v for v in self.levies if v.tax_year == pay_year), None)
        needed = (("NHS Pension rate", pension), ("employer NI", ni), ("apprenticeship levy", levy))
        for what, found in needed:
            if found is None:
                raise MissingRates(f"no {what} for {nation} {pay_year} in the pay data", where)
        assert pension and ni and levy
        return Rates(nation, pay_year, pay, ni, pension, levy)


def load_pay_data(folder: Path | None = None) -> PayData:
    """Read and check the four data files; raise InputError naming every fault.

    The bundled data, once read and checked, is kept in the per-user cache
    (utils/cache.py) under a hash of its files and the code that reads them."""
    return _load(folder.resolve() if folder else data_dir() / "pay")


@lru_cache(maxsize=4)
def _load(folder: Path) -> PayData:
    bundled = data_dir() / "pay"
    if folder != bundled:
        return _read(folder)
    prefix = f"pay-data-{cache.key(str(folder))[:8]}-"
    try:
        name = f"{prefix}{checked_key(folder, [folder / name for name in FILES.values()])}.pickle"
    except OSError:  # a file missing: read, to name it
        return _read(folder)
    return cache.pickled(
        name,
        lambda: _read(folder),
        lambda kept: isinstance(kept, PayData) and kept.folder == folder,
        replaces=prefix,
    )


def _read(folder: Path) -> PayData:
    problems: list[Problem] = []
    loaded: dict[str, object] = {}
    for key, name in FILES.items():
        model: type[BaseModel] = MODELS[key]
        try:
            data, source = load_yaml(folder / name)
            loaded[key] = parse(model, data, source)
        except InputError as exc:
            problems.extend(exc.problems)
        except FileNotFoundError:
            problems.append(Problem(display_path(folder / name), None, "", "the pay data file is missing"))
    if problems:
        raise InputError(problems)
    pay, ni, pension, levy = (loaded[k] for k in FILES)
    assert isinstance(pay, PayFile) and isinstance(ni, NationalInsuranceFile)
    assert isinstance(pension, PensionFile) and isinstance(levy, LevyFile)
    return PayData(
        folder, tuple(pay.tables), tuple(ni.tax_years), tuple(pension.rates), tuple(levy.tax_years)
    )
