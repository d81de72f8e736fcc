"""The batch's human index, in the table's row order (a folder's specs by name):

- ``index.html``: one self-contained page, a line per employer with its
  status, a link to each file, its findings and any error; every value escaped;
- ``summary.csv``: the same as a spreadsheet (UTF-8 with a byte-order mark,
  so that Excel reads names as written; a cell that would start a formula
  is prefixed with ``'``);
- with ``--review``, each employer's findings by severity in both, and the
  portfolio report across employers (portfolio.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..render.html import html_environment, stylesheet
from ..utils.atomic_write import write_atomic
from .facts import SEVERITIES, total_findings

if TYPE_CHECKING:
    from .batch import Outcome

INDEX_HTML = "index.html"
SUMMARY_CSV = "summary.csv"
TEMPLATE = "batch-index.html.j2"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Line:
    """One employer in the index."""

    name: str
    row: str  # the table row, or the spec file of a folder
    folder: str
    status: str
    files: tuple[tuple[str, str], ...]  # (path in the output folder, link)
    findings: int | None
    severities: dict[str, int] | None
    error: str | None


def index_lines(outcomes: list[Outcome]) -> list[Line]:
    return [
        Line(
            name=o.name or o.key,
            row=str(o.row) if o.row is not None else o.source,
            folder=o.key,
            status=o.status,
            files=tuple((f["path"], quote(f["path"])) for f in o.outputs),
            findings=total_findings(o.facts),
            severities=_severities(o.facts),
            error=o.error,
        )
        for o in outcomes
    ]


def _severities(facts: dict[str, Any] | None) -> dict[str, int] | None:
    if not facts or not isinstance(facts.get("findings"), dict):
        return None
    return {s: int(facts["findings"].get(s, 0)) for s in SEVERITIES}


def write_reports(
    outcomes: list[Outcome], out_dir: Path, *, review: bool = False, today: dt.date | None = None
) -> list[Path]:
    """Write the index, the summary and, with ``review``, the portfolio report; return their paths."""
    lines = index_lines(outcomes)
    written = [out_dir / INDEX_HTML, out_dir / SUMMARY_CSV]
    write_atomic(written[0], render_index_html(lines, review=review).encode("utf-8"))
    write_atomic(written[1], render_summary_csv(lines, review=review).encode("utf-8-sig"))
    if review:
        from .portfolio import write_portfolio

        written += write_portfolio(outcomes, out_dir, today or dt.date.today())
    return written


def render_index_html(lines: list[Line], *, review: bool = False) -> str:
    counts = {s: sum(line.status == s for line in lines) for s in ("built", "unchanged", "failed")}
    return (
        html_environment()
        .get_template(TEMPLATE)
        .render(
            lines=lines,
            counts=counts,
            review=review,
            severities=SEVERITIES,
            css=stylesheet("report.css"),
        )
    )


def render_summary_csv(lines: list[Line], *, review: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["trust", "row", "folder", "status", "files", "findings"]
    writer.writerow(header + (list(SEVERITIES) if review else []) + ["error"])
    for line in lines:
        cells: list[Any] = [
            line.name,
            line.row,
            line.folder,
            line.status,
            "; ".join(path for path, _ in line.files),
            "" if line.findings is None else line.findings,
        ]
        if review:
            cells += [line.severities[s] if line.severities else "" for s in SEVERITIES]
        writer.writerow([_cell(c) for c in cells + [line.error or ""]])
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A spreadsheet opens a cell starting with = + - @ as a formula: keep it text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
