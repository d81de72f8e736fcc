"""Read a roster CSV: the representatives who held office in a reporting period.

Columns (a header row, any order, names as below):

- ``name``, ``union`` (one of the spec's unions);
- ``band`` (e.g. 6, 8a) or ``annual_pay`` (full-time annual pay in pounds);
- ``contracted_hours_per_week`` (default 37.5);
- ``facility_hours``: all paid facility time in the period, in hours;
- ``paid_activity_hours``: the part of it spent on paid trade union activities.

Every fault is reported at once as ``file:row: column: message`` (the row is
the line of the file, the header being row 1), and nothing is costed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..load.facility_models import FULL_TIME_HOURS
from ..load.pay import Rates
from ..load.spec_models import Spec
from ..utils.errors import InputError, Problem, display_path

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
MAX_CONTRACTED_HOURS = 60.0
REQUIRED = ("name", "union", "facility_hours", "paid_activity_hours")
OPTIONAL = ("band", "annual_pay", "contracted_hours_per_week")


@dataclass(frozen=True)
class Official:
    row: int
    name: str
    union: str
    band: str | None
    full_time_pay: float
    contracted_hours: float
    facility_hours: float
    paid_activity_hours: float


def read_roster(path: Path, spec: Spec, rates: Rates, weeks: float) -> list[Official]:
    """The roster's officials; raise InputError naming every bad cell."""
    name = display_path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(name, None, "", "the roster file does not exist")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, None, "", "is a folder, not a CSV file")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(name, None, "", f"larger than {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, None, "", f"not UTF-8 text (byte {exc.start})")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError([Problem(name, 1, "", "the roster is empty: it needs a header row")])
    columns = [h.strip().lower() for h in header]
    problems = [Problem(name, 1, c, "missing column") for c in REQUIRED if c not in columns]
    if "band" not in columns and "annual_pay" not in columns:
        problems.append(Problem(name, 1, "band", "missing column: give band or annual_pay"))
    unknown = [c for c in columns if c and c not in REQUIRED + OPTIONAL]
    known = ", ".join(REQUIRED + OPTIONAL)
    problems += [Problem(name, 1, c, f"unknown column (columns: {known})") for c in unknown]
    if problems:
        raise InputError(problems)
    officials: list[Official] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(officials) >= MAX_ROWS:
            raise InputError([Problem(name, line, "", f"more than {MAX_ROWS:,} rows")])
        values = {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)}
        official = _official(name, line, values, spec, rates, weeks, problems)
        if official is not None:
            officials.append(official)
    if problems:
        raise InputError(problems)
    return officials


def _official(
    file: str,
    line: int,
    values: dict[str, str],
    spec: Spec,
    rates: Rates,
    weeks: float,
    problems: list[Problem],
) -> Official | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(file, line, column, message))

    def number(column: str, default: float | None = None) -> float | None:
        text = values.get(column, "").replace(",", "").removeprefix("\u00a3")
        if not text:
            if default is None:
                bad(column, "is empty; give a number")
            return default
        if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
            bad(column, f"{values[column]!r} is not a number")
            return None
        value = float(text)
        if value < 0:
            bad(column, f"{values[column]} is negative")
            return None
        return value

    who = values.get("name", "")
    if not who:
        bad("name", "is empty")
    union = spec.union_named(values.get("union", ""))
    if union is None:
        names = ", ".join(u.short_name for u in spec.unions)
        bad("union", f"{values.get('union', '')!r} is not one of the spec's unions ({names})")
    band = values.get("band", "").lower().removeprefix("band").strip() or None
    pay: float | None = None
    if band is not None:
        try:
            pay = float(rates.points(band)[0])
        except KeyError as exc:
            bad("band", str(exc.args[0]))
    if values.get("annual_pay"):
        pay = number("annual_pay")
        if pay is not None and not 1_000 <= pay <= 1_000_000:
            bad("annual_pay", f"{values['annual_pay']} is not a full-time annual pay in pounds")
    elif band is None:
        bad("band", "give a band (e.g. 6, 8a) or an annual_pay")
    contracted = number("contracted_hours_per_week", FULL_TIME_HOURS)
    if contracted is not None and not 0 < contracted <= MAX_CONTRACTED_HOURS:
        limit = f"{MAX_CONTRACTED_HOURS:g}"
        bad("contracted_hours_per_week", f"{contracted:g} is not more than 0 and at most {limit} hours")
        contracted = None
    facility = number("facility_hours")
    paid = number("paid_activity_hours")
    if facility is not None and contracted is not None and facility > contracted * weeks + 1e-9:
        bad(
            "facility_hours",
            f"{facility:g} hours is more than the working hours in the period"
            f" ({contracted:g} a week x {weeks:.2f} weeks = {contracted * weeks:.1f})",
        )
    if paid is not None and facility is not None and paid > facility:
        bad("paid_activity_hours", f"{paid:g} is more than facility_hours ({facility:g})")
    if len(problems) > before or None in (pay, contracted, facility, paid) or union is None:
        return None
    assert pay is not None and contracted is not None and facility is not None and paid is not None
    return Official(line, who, union.short_name, band, pay, contracted, facility, paid)
