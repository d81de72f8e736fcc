"""Batch input as a table: one row per employer over a base spec.

A column names what it overrides: a spec field by its dotted path
(``organisation.name``, ``dates.effective``) or a clause setting by clause
id (``meetings.frequency.meetings_per_year``, ``forum.chair.variant``).
Lists (``agreements``, ``add``, ``remove``) are separated by ``;``; unions
are written ``UNISON; Royal College of Nursing (RCN)``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from ..load.yaml_source import Loc, SourceMap
from ..utils.errors import InputError, Problem, display_path

SPEC_FIELDS = {"agreements", "organisation", "unions", "version", "dates", "signatories", "add", "remove"}
LIST_FIELDS = {"agreements", "add", "remove"}
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


def table_rows(path: Path, base: dict[str, Any], base_source: SourceMap, library: Library) -> list[Row]:
    """Every row as spec data; raise InputError listing every bad header and cell."""
    name = display_path(path)
    header, body = read_rows(path)
    problems: list[Problem] = []
    targets: list[tuple[FieldPath, lm.Param | None]] = []
    first_seen: dict[str, int] = {}
    for number, column in enumerate(header, start=1):
        target = _target(column, library)
        if isinstance(target, str):
            problems.append(Problem(name, 1, column or f"(column {number})", target))
        elif column in first_seen:
            problems.append(
                Problem(name, 1, column, f"named twice, by columns {first_seen[column]} and {number}")
            )
        else:
            first_seen[column] = number
            targets.append(target)
    if problems:
        raise InputError(problems)
    # No problems, so every column of the header has its target, in order.
    out = []
    for number, values in body:
        data = copy.deepcopy(base)
        columns: dict[Loc, str] = {}
        for column, (loc, param), value in zip(header, targets, values, strict=False):  # short rows: blanks
            if _blank(value):
                continue
            try:
                _set(data, loc, _convert(value, loc, param))
            except ValueError as exc:
                problems.append(Problem(name, number, column, str(exc)))
                continue
            columns[loc] = column
        if len(values) > len(header):
            problems.append(
                Problem(
                    name, number, "", f"has {len(values)} cells but the header names {len(header)} columns"
                )
            )
        out.append(Row(number, data, RowSource(name, base=base_source, row=number, columns=columns)))
    if problems:
        raise InputError(problems)
    return out


def _target(column: str, library: Library) -> tuple[FieldPath, lm.Param | None] | str:
    """Where a column's value goes, or why it cannot go anywhere."""
    if not column:
        return "a column has no name"
    parts = column.split(".")
    if parts[0] in SPEC_FIELDS:
        return tuple(parts), None
    clause_id, _, leaf = column.rpartition(".")
    located = library.clauses.get(clause_id)
    if located is None:
        return (
            f"unknown column: not a spec field ({', '.join(sorted(SPEC_FIELDS))}) nor <clause id>.<parameter>"
        )
    if leaf == "variant":
        return ("clauses", clause_id, "variant"), None
    param = located.clause.params.get(leaf)
    if param is None:
        have = ", ".join(list(located.clause.params) + ["variant"])
        return f"{clause_id} has no parameter {leaf!r}; it takes: {have}"
    return ("clauses", clause_id, "params", leaf), param


def _convert(value: Any, loc: Loc, param: lm.Param | None) -> Any:
    if isinstance(value, dt.datetime):
        value = value.date()
    if param is None:
        if loc[0] in LIST_FIELDS:
            return [v.strip() for v in str(value).split(";") if v.strip()]
        if loc == ("unions",):
            return [_union(v.strip()) for v in str(value).split(";") if v.strip()]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value.strip() if isinstance(value, str) else value
    text = value.strip() if isinstance(value, str) else value
    if isinstance(param, lm.IntegerParam):
        if isinstance(text, (int, float)) and float(text).is_integer():
            return int(text)
        if isinstance(text, str) and re.fullmatch(r"-?\d+", text):
            return int(text)
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(param, lm.BooleanParam):
        lowered = str(text).lower()
        if lowered in {"yes", "true", "1", "y"}:
            return True
        if lowered in {"no", "false", "0", "n"}:
            return False
        raise ValueError(f"{value!r} is not yes or no")
    if isinstance(param, lm.ListParam):
        return [v.strip() for v in str(text).split(";") if v.strip()]
    if isinstance(param, lm.DateParam) and isinstance(text, dt.date):
        return text
    return str(text)


def _union(text: str) -> dict[str, str]:
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if match:
        return {"name": match.group(1).strip(), "short_name": match.group(2).strip()}
    return {"name": text, "short_name": text}


def _set(data: dict[str, Any], loc: FieldPath, value: Any) -> None:
    node = data
    for part in loc[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ValueError(
                f"cannot set {'.'.join(map(str, loc))}: {part} is not a mapping in the base spec"
            )
        node = child
    node[loc[-1]] = value
