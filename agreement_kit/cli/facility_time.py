"""`facility-time`: a spec's facility time costed, and the voluntary report from a roster."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import err, handle_errors, out_option


@click.command("facility-time")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV of the representatives who held office in the period: the four tables of the 2017 Regulations.",
)
@click.option("--period", help="START:END of the roster's period (default: the last April to March year).")
@click.option("--pay-bill", type=float, help="The pay bill in pounds (gross pay, employer pension and NI).")
@click.option("--pay-year", help="Cost at this pay year, e.g. 2025/26 (default: the spec's or period's).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON, not the report paths.")
@out_option("Folder to write the reports (md, html, docx) into.")
@handle_errors
def facility_time_command(
    spec: Path,
    roster: Path | None,
    period: str | None,
    pay_bill: float | None,
    pay_year: str | None,
    as_json: bool,
    out_dir: Path,
) -> None:
    """Cost a SPEC's facility time from dated pay data, and report it.

    Hours, whole-time equivalent and annual cost (pay, employer NI, the
    employer's pension share, apprenticeship levy) per released role, the
    pool and totals, per 100 staff, and against --pay-bill what its
    percentage buys. With --roster, the four tables of the former 2017
    publication Regulations as a voluntary report. Writes Markdown, HTML
    and Word; a one-line summary goes to stderr.
    """
    import re

    from ..facility_time.write import facility_time_report, parse_period
    from ..utils.errors import UsageError

    if pay_year is not None and not re.fullmatch(r"\d{4}/\d{2}", pay_year):
        raise UsageError(f"--pay-year {pay_year!r}: write it like 2025/26")
    result = facility_time_report(
        spec,
        out_dir,
        roster=roster,
        period=parse_period(period) if period else None,
        pay_bill=pay_bill,
        pay_year=pay_year,
    )
    if as_json:
        click.echo(json.dumps(result.data, indent=2, ensure_ascii=False))
    else:
        for path in result.paths:
            click.echo(path)
    err(result.summary())
