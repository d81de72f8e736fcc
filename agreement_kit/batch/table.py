"""Batch input as a table: one row per employer over a base spec.

A column names what it overrides: a spec field by its dotted path
(``organisation.name``, ``dates.effective``) or a clause setting by clause
id (``meetings.frequency.meetings_per_year``, ``forum.chair.variant``).
A column whose name starts with ``#``, or that ``ignore`` names, is left
out: people keep notes beside the data. What a cell holds (lists, unions,
signatories) is read by cells.py.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from ..load.parse import did_you_mean
from ..load.spec_models import Dates, Organisation
from ..load.yaml_source import Loc, SourceMap
from ..utils.errors import InputError, Problem, display_path
from .cells import convert

SPEC_FIELDS = {"agreements", "organisation", "unions", "version", "dates", "signatories", "add", "remove"}
# the fields of the spec's mappings a column may set, checked when the header is read
SUB_FIELDS = {
    "organisation": set(Organisation.model_fields) - {"employers"},
    "dates": set(Dates.model_fields),
}
MAX_ROWS = 20_000

FieldPath = tuple[str, ...]  # the parts of the dotted path a column names


@dataclass
class RowSource(SourceMap):
    """Locates problems in a row: overridden fields at the row and column,
    everything else in the base spec."""

    base: SourceMap = field(kw_only=True)
    row: int = 0
    columns: dict[Loc, str] | None = None

    def problem(self, loc: Loc, message: str, *, severity: str = "error") -> Problem:
        loc = tuple(loc)
        for prefix, column in (self.columns or {}).items():
            if loc[: len(prefix)] == prefix:
                return Problem(self.file, self.row, column, message, severity)
        return self.base.problem(loc, message, severity=severity)


@dataclass(frozen=True)
class Row:
    number: int
    data: dict[str, Any]
    source: RowSource
    problems: list[Problem] = field(default_factory=list)  # cells that could not be read


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    name = display_path(path)
    if path.suffix.lower() == ".xlsx":
        from .xlsx import read_xlsx

        rows = read_xlsx(path, name, MAX_ROWS)
    elif path.suffix.lower() == ".csv":
        rows = _read_csv(path, name)
    else:
        raise InputError([Problem(name, None, "", "a table must be a .csv or .xlsx file")])
    if not rows:
        raise InputError([Problem(name, 1, "", "the table is empty; the first row names the columns")])
    if len(rows) > MAX_ROWS + 1:
        raise InputError([Problem(name, None, "", f"more than {MAX_ROWS:,} rows")])
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    # a row of blank or whitespace-only cells is a blank row, never an employer
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if not all(_blank(v) for v in r)]
    if not body:
        raise InputError([Problem(name, 2, "", "the table names its columns but has no employer rows")])
    return header, body


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path, name: str) -> list[list[Any]]:
    """The cells of a UTF-8 CSV (a byte-order mark is allowed), read strictly:
    an unclosed quote is an error, not a cell running to the end of the file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            rows: list[list[Any]] = []
            starts_at = 1  # the line the next row begins on
            try:
                for row in reader:
                    if len(rows) > MAX_ROWS:  # the header and MAX_ROWS rows are read, no more
                        raise InputError([Problem(name, None, "", f"more than {MAX_ROWS:,} rows")])
                    rows.append(row)
                    starts_at = reader.line_num + 1
            except csv.Error as exc:  # named at the line its row starts, not where the file ran out
                reason = "a quoted cell is never closed" if "end of data" in str(exc) else str(exc)
                raise InputError([Problem(name, starts_at, "", f"not valid CSV: {reason}")]) from None
            return rows
    except UnicodeDecodeError:
        raise InputError([Problem(name, None, "", "not UTF-8 text; save the CSV as UTF-8")]) from None


def table_rows(
    path: Path,
    base: dict[str, Any],
    base_source: SourceMap,
    library: Library,
    ignore: Collection[str] = (),
) -> list[Row]:
    """Every row as spec data; raise InputError listing every bad header. A cell
    that cannot be read is its row's problem: the row fails as one employer while
    the others build, so every problem of the table is reported in one pass.
    Columns named in ``ignore``, or whose name starts with ``#``, are left out."""
    name = display_path(path)
    header, body = read_rows(path)
    problems: list[Problem] = []
    targets: dict[int, tuple[FieldPath, lm.Param | None]] = {}  # column index -> where it goes
    first_seen: dict[str, int] = {}
    for wanted in ignore:
        if wanted not in header:
            message = f"--ignore-columns names {wanted!r}, which is not a column of the table"
            problems.append(Problem(name, 1, "", message + did_you_mean(wanted, header)))
    for number, column in enumerate(header, start=1):
        if column.startswith("#") or column in ignore:
            continue
        target = _target(column, library)
        if isinstance(target, str):
            problems.append(Problem(name, 1, column or f"(column {number})", target))
        elif column in first_seen:
            problems.append(
                Problem(name, 1, column, f"named twice, by columns {first_seen[column]} and {number}")
            )
        else:
            first_seen[column] = number
            targets[number - 1] = target
    if problems:
        raise InputError(problems)
    out = []
    for number, values in body:
        # the row shares every part of the base it does not change: only the mappings
        # on the way to a changed value are copied (a deep copy per row made the
        # batch process grow by 11 KB an employer)
        data, own = dict(base), set()
        own.add(id(data))
        columns: dict[Loc, str] = {}
        bad: list[Problem] = []
        for index, value in enumerate(values[: len(header)]):  # short rows: blanks
            if index not in targets or _blank(value):
                continue
            loc, param = targets[index]
            try:
                _set(data, loc, convert(value, loc, param), own)
            except ValueError as exc:
                bad.append(Problem(name, number, header[index], str(exc)))
                continue
            columns[loc] = header[index]
        if len(values) > len(header):
            bad.append(
                Problem(
                    name, number, "", f"has {len(values)} cells but the header names {len(header)} columns"
                )
            )
        out.append(Row(number, data, RowSource(name, base=base_source, row=number, columns=columns), bad))
    return out


def _target(column: str, library: Library) -> tuple[FieldPath, lm.Param | None] | str:
    """Where a column's value goes, or why it cannot go anywhere."""
    if not column:
        return "a column has no name"
    parts = column.split(".")
    if parts[0] in SUB_FIELDS and len(parts) == 2 and parts[1] not in SUB_FIELDS[parts[0]]:
        have = sorted(SUB_FIELDS[parts[0]])
        hint = did_you_mean(parts[1], have) or ";"
        return f"unknown column: {parts[0]} has no field {parts[1]!r}{hint} it has: {', '.join(have)}"
    if parts[0] in SPEC_FIELDS:
        return tuple(parts), None
    clause_id, _, leaf = column.rpartition(".")
    located = library.clauses.get(clause_id)
    if located is None:
        return (
            "unknown column: not a spec field"
            f" ({', '.join(sorted(SPEC_FIELDS))}) nor <clause id>.<parameter>"
            f"{did_you_mean(column, _column_names(library))}"
            " (start a column's name with # to keep notes in it)"
        )
    if leaf == "variant":
        return ("clauses", clause_id, "variant"), None
    param = located.clause.params.get(leaf)
    if param is None:
        have = list(located.clause.params) + ["variant"]
        hint = did_you_mean(leaf, have) or ";"
        return f"{clause_id} has no parameter {leaf!r}{hint} it takes: {', '.join(have)}"
    return ("clauses", clause_id, "params", leaf), param


def _column_names(library: Library) -> list[str]:
    """Every column a table may have, for suggesting the one meant."""
    names = set(SPEC_FIELDS) | {f"{f}.{sub}" for f, subs in SUB_FIELDS.items() for sub in subs}
    for clause_id, located in library.clauses.items():
        names.add(f"{clause_id}.variant")
        names.update(f"{clause_id}.{p}" for p in located.clause.params)
    return sorted(names)


def _set(data: dict[str, Any], loc: FieldPath, value: Any, own: set[int]) -> None:
    """Set ``loc`` in a row's data, copying first each mapping on the way that is
    still the base spec's (``own``: the ids of those the row has its own copy of)."""
    node = data
    for part in loc[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
            own.add(id(child))
        if not isinstance(child, dict):
            raise ValueError(
                f"cannot set {'.'.join(map(str, loc))}: {part} is not a mapping in the base spec"
            )
        if id(child) not in own:
            child = node[part] = dict(child)
            own.add(id(child))
        node = child
    node[loc[-1]] = value
