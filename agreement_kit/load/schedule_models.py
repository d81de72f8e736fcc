"""Schema of the library's schedules (schedules.yaml): the tables that follow an
agreement's signatures, worked out from the spec and the clauses it chose.

Titles, introductions and cells are Jinja (sandboxed, strict) over the
organisation, unions, dates and nation, ``clauses`` (each clause in the spec's
agreements by id, with its parameters, ``variant`` and ``variant_label``),
``present`` (the ids of those clauses), ``ref('clause.id')`` (its number, as
"clause 6.2"), ``facility_time`` (see ``type``) and, in a ``for_each`` row, ``item``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from .library_models import ClauseId, KindName, ParamName, Strict


class ScheduleRow(Strict):
    cells: list[str] = Field(min_length=1)
    when: str | None = None
    """A Jinja expression: the row is included only when it is true."""


class ScheduleDef(Strict):
    id: ParamName
    title: str
    kinds: list[KindName] = Field(min_length=1)
    type: Literal["table", "calendar", "departures", "facility_time"] = "table"
    """``table``: the rows below; ``calendar``: the first year's meetings, worked out
    from the effective date, the meeting frequency and the nation's bank holidays;
    ``departures``: every choice that departs from the model, with the parties' reasons;
    ``facility_time``: the spec's facility time allocations, the pool and a total, costed
    from the dated pay data (only when the spec has ``facility_time``; the last column,
    the annual cost, only when it says ``show_cost``). Its title and intro may use
    ``facility_time``: pay_year, nation, governs, show_cost, has_pool,
    source (the pay table's short citation), verification (the least checked table's)."""
    intro: str | None = None
    requires: list[ClauseId] = []
    """Clauses that must all be in the spec's agreements for the schedule to appear."""
    when: str | None = None
    """A Jinja expression: the schedule appears only when it is true."""
    drafting_only: bool = False
    """Left out of signing copies (``--notes none``)."""
    columns: list[str] = Field(min_length=1)
    widths: list[int] = []
    """Relative column widths; equal when not given."""
    rows: list[ScheduleRow] = []
    for_each: Literal["unions", "signatories"] | None = None
    """Repeat the rows for each union or signatory, as ``item``."""
    blank_rows: int = Field(default=0, ge=0, le=40)
    """Empty rows to fill in by hand (forms and record sheets)."""
    per_year: str | None = None
    """For a calendar: a Jinja expression for the ordinary meetings a year."""
    notice_working_days: str | None = None
    """For a calendar: a Jinja expression for the Working Days' notice of papers."""

    @field_validator("rows", mode="before")
    @classmethod
    def _plain_lists(cls, value: Any) -> Any:
        # A row is usually just its cells: [a, b, c]
        if isinstance(value, list):
            return [{"cells": row} if isinstance(row, list) else row for row in value]
        return value


class SchedulesFile(Strict):
    schedules: list[ScheduleDef]
