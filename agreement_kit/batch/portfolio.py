"""The portfolio report (``batch --review``): what a regional team should look
at across every employer built, as ``portfolio.md`` and ``portfolio.html``.

- law cited, by override, that is not in force for the agreement;
- review dates already passed (before the day the report is written);
- fewer ordinary meetings a year than the Social Partnership Forum's ICB
  minimum of four;
- facility time per 100 staff, where the spec states its facility time;
- the spread (lowest, median, highest) of key values: meetings a year, the
  cooling-off period, facility hours a week per 100 staff, headcount;
- each employer's findings by severity (facts.py says what is counted).

Only employers built or unchanged are reported; failed ones are named in the index.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..render.html import html_environment, stylesheet
from ..render.markdown import escape, guard_start
from ..utils.atomic_write import write_atomic
from .facts import KEY_VALUES, SEVERITIES

if TYPE_CHECKING:
    from .batch import Outcome

MIN_MEETINGS = 4  # the Social Partnership Forum's minimum for an ICB's partnership forum
TEMPLATE = "batch-portfolio.html.j2"


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    intro: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # said instead of an empty table


@dataclass(frozen=True)
class Portfolio:
    as_at: dt.date
    employers: int
    failed: int
    tables: tuple[Table, ...]


def portfolio(outcomes: list[Outcome], today: dt.date) -> Portfolio:
    reported = [(o.name or o.key, o.facts) for o in outcomes if o.facts and o.status != "failed"]
    return Portfolio(
        today,
        len(reported),
        sum(o.status == "failed" for o in outcomes),
        (
            _law(reported),
            _review_dates(reported, today),
            _meetings(reported),
            _facility_time(reported),
            _spread(reported),
            _findings(reported),
        ),
    )


def _law(reported: list[tuple[str, dict[str, Any]]]) -> Table:
    rows = tuple(
        (name, c["agreement"], c["clause"], c["citation"], c.get("reason") or "")
        for name, facts in reported
        for c in facts.get("not_in_force", [])
    )
    return Table(
        "law",
        "Law cited that is not in force",
        "Citations kept by a law override although the instrument is not in force for the agreement.",
        ("Employer", "Agreement", "Clause", "Cites", "Reason given"),
        rows,
        "No agreement cites law that is not in force.",
    )


def _review_dates(reported: list[tuple[str, dict[str, Any]]], today: dt.date) -> Table:
    rows = tuple(
        (name, facts["review_date"])
        for name, facts in reported
        if facts.get("review_date") and dt.date.fromisoformat(facts["review_date"]) < today
    )
    return Table(
        "review-dates",
        "Review dates passed",
        f"Agreements whose review date is before {today.isoformat()}.",
        ("Employer", "Review date"),
        rows,
        "No review date has passed.",
    )


def _meetings(reported: list[tuple[str, dict[str, Any]]]) -> Table:
    rows = tuple(
        (name, str(n))
        for name, facts in reported
        if isinstance(n := facts.get("values", {}).get("meetings_per_year"), int) and n < MIN_MEETINGS
    )
    return Table(
        "meetings",
        f"Fewer than {MIN_MEETINGS} meetings a year",
        f"The Social Partnership Forum's minimum for an ICB's partnership forum is {MIN_MEETINGS}"
        " ordinary meetings a year.",
        ("Employer", "Ordinary meetings a year"),
        rows,
        f"Every forum meets at least {MIN_MEETINGS} times a year.",
    )


def _facility_time(reported: list[tuple[str, dict[str, Any]]]) -> Table:
    rows = tuple(
        (
            name,
            f"{facts['headcount']:,}",
            _number(ft["hours_per_week"]),
            _number(ft["hours_per_100_staff"]),
            f"\u00a3{ft['cost_per_100_staff']:,.0f}",
        )
        for name, facts in reported
        if (ft := facts.get("facility_time"))
    )
    return Table(
        "facility-time",
        "Facility time per 100 staff",
        "From each spec's facility_time section, costed from the dated pay data.",
        ("Employer", "Headcount", "Hours a week", "Hours a week per 100 staff", "Cost a year per 100 staff"),
        rows,
        "No spec states its facility time.",
    )


def _spread(reported: list[tuple[str, dict[str, Any]]]) -> Table:
    series: list[tuple[str, list[float]]] = [
        (label, [v for _, f in reported if isinstance(v := f.get("values", {}).get(key), (int, float))])
        for key, label, _clause, _param in KEY_VALUES
    ]
    series.append(
        (
            "Facility hours a week per 100 staff",
            [f["facility_time"]["hours_per_100_staff"] for _, f in reported if f.get("facility_time")],
        )
    )
    series.append(("Headcount", [f["headcount"] for _, f in reported if isinstance(f.get("headcount"), int)]))
    rows = tuple(
        (
            label,
            str(len(values)),
            _number(min(values)),
            _number(statistics.median(values)),
            _number(max(values)),
        )
        for label, values in series
        if values
    )
    return Table(
        "spread",
        "Spread of key values",
        "Across the employers whose agreements have the value.",
        ("Value", "Employers", "Lowest", "Median", "Highest"),
        rows,
        "No employer has these values.",
    )


def _findings(reported: list[tuple[str, dict[str, Any]]]) -> Table:
    rows = tuple(
        (name, *(str(facts["findings"].get(s, 0)) for s in SEVERITIES))
        for name, facts in reported
        if isinstance(facts.get("findings"), dict)
    )
    return Table(
        "findings",
        "Findings by employer",
        "Departures from the model counted from each employer's agreements (see the index).",
        ("Employer", *(s.capitalize() for s in SEVERITIES)),
        rows,
        "No employer was built.",
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def render_portfolio_markdown(report: Portfolio) -> str:
    out = [
        "# Portfolio report",
        f"As at {report.as_at.isoformat()}: {report.employers} employer"
        f"{'' if report.employers == 1 else 's'} reported"
        + (f", {report.failed} failed (see index.html)" if report.failed else "")
        + ".",
    ]
    for table in report.tables:
        out += [f"## {escape(table.title)}", escape(table.intro)]
        if not table.rows:
            out.append(escape(table.empty))
            continue
        lines = ["| " + " | ".join(escape(c) for c in table.columns) + " |"]
        lines.append("|" + " --- |" * len(table.columns))
        lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in table.rows]
        out.append("\n".join(lines))
    return "\n\n".join(guard_start(p) if not p.startswith(("#", "|")) else p for p in out) + "\n"


def render_portfolio_html(report: Portfolio) -> str:
    return html_environment().get_template(TEMPLATE).render(report=report, css=stylesheet("report.css"))


def write_portfolio(outcomes: list[Outcome], out_dir: Path, today: dt.date) -> list[Path]:
    report = portfolio(outcomes, today)
    md, html = out_dir / "portfolio.md", out_dir / "portfolio.html"
    write_atomic(md, render_portfolio_markdown(report).encode("utf-8"))
    write_atomic(html, render_portfolio_html(report).encode("utf-8"))
    return [md, html]
