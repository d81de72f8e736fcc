"""The first year's meeting dates: evenly spread, on the second Tuesday of the
month, never on a bank holiday of the agreement's nation or between Christmas
Eve and New Year's Day, with the date the papers must go out.

Bank holidays come from the ``holidays`` package (its United Kingdom calendar
for England, Scotland or Wales), a maintained dataset that follows each
year's proclamations, rather than a list kept in this code.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..utils import cache

_SUBDIVISION = {"england": "ENG", "scotland": "SCT", "wales": "WLS"}
_TUESDAY = 1


@dataclass(frozen=True)
class Meeting:
    date: dt.date
    papers_by: dt.date


@lru_cache(maxsize=32)
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    known = _known()
    name = f"{nation} {year}"
    if isinstance(known.get(name), list):
        try:
            return frozenset(dt.date.fromisoformat(day) for day in known[name])
        except (TypeError, ValueError):
            pass
    import holidays  # importing every country's calendar takes longer than the rest of a build

    days = frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=year))
    known[name] = sorted(day.isoformat() for day in days)
    prefix, file = _known_file()
    if file:
        cache.write(file, json.dumps(known, sort_keys=True).encode(), replaces=prefix)
    return days


# The dates the holidays package gave are kept in the per-user cache, under a
# hash of its version and United Kingdom calendar and of this module.
@lru_cache(maxsize=1)
def _known_file() -> tuple[str, str]:
    parts: list[bytes | str] = [Path(__file__).read_bytes()]
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "", ""
    package = Path(spec.origin).parent
    for part in ("version.py", "countries/united_kingdom.py"):
        try:
            parts.append((package / part).read_bytes())
        except OSError:
            return "", ""
    prefix = f"bank-holidays-{cache.key(__file__)[:8]}-"
    return prefix, f"{prefix}{cache.key(*parts)}.json"


@lru_cache(maxsize=1)
def _known() -> dict[str, list[str]]:
    name = _known_file()[1]
    payload = cache.read(name) if name else None
    try:
        known = json.loads(payload) if payload else {}
    except ValueError:
        return {}
    return known if isinstance(known, dict) else {}


def is_working_day(day: dt.date, nation: str) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year) and not _christmas(day)


def first_year(start: dt.date, per_year: int, notice_working_days: int, nation: str) -> list[Meeting]:
    """``per_year`` meetings in the twelve months from ``start``, the first in
    the first month whose meeting's papers can go out on or after ``start``
    (nothing is due before the agreement begins)."""
    first_month = _month_index(start)
    while _working_days_before(_meeting_day(first_month, nation), notice_working_days, nation) < start:
        first_month += 1
    meetings = []
    for i in range(per_year):
        # months spread evenly, rounding half up (round() would round half to even
        # and bunch the meetings): 8 a year fall 0, 2, 3, 5, 6, 8, 9, 11 months on
        day = _meeting_day(first_month + (i * 12 * 2 + per_year) // (2 * per_year), nation)
        meetings.append(Meeting(day, _working_days_before(day, notice_working_days, nation)))
    return meetings


def _meeting_day(month_index: int, nation: str) -> dt.date:
    """The month's second Tuesday, or the next working day after it."""
    day = _second_tuesday(month_index)
    while not is_working_day(day, nation):
        day += dt.timedelta(days=1)
    return day


def _christmas(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _second_tuesday(month_index: int) -> dt.date:
    first = dt.date(month_index // 12, month_index % 12 + 1, 1)
    return first + dt.timedelta(days=(_TUESDAY - first.weekday()) % 7 + 7)


def _working_days_before(day: dt.date, count: int, nation: str) -> dt.date:
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, nation):
            count -= 1
    return day
