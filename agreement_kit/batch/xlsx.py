"""Reading a .xlsx table: streamed, bounded, and faithful to what Excel shows.

openpyxl reads the first sheet in read-only mode, so rows are streamed, never
loaded whole. Before openpyxl parses anything, every XML part of the package
is scanned once with expat (no tree is built) and the workbook is refused,
with a message naming the file and the part, when a part

- declares a DOCTYPE: a workbook never needs one, and it is where entity
  expansion ("billion laughs") and external entities begin;
- is not well-formed XML;
- or goes over one of the limits below.

The limits follow from the table's own row limit (``MAX_ROWS`` in table.py,
20,000 employer rows):

- ``MAX_CELLS``: 1,000,000 cells in the workbook, 50 columns a row at the
  row limit (a table names spec fields and clause settings, a few dozen);
- ``MAX_ROW_CELLS``: 16,384 cells in one row, Excel's own column limit (XFD);
- ``MAX_SHARED_STRINGS``: 1,000,000 shared strings, one a cell at most;
- ``MAX_HELD_ELEMENTS``: 200,000 XML elements the parser holds at once:
  the elements of a part outside its rows and shared strings, or the
  elements inside one row or one shared string;
- ``MAX_PART_BYTES``: 64 MiB in one part once inflated, and
  ``MAX_PACKAGE_BYTES``: 256 MiB in all, as the zip directory declares them
  (which bounds what inflating can produce);
- rows are counted as they are read, and reading stops at the first row
  beyond ``MAX_ROWS``.

The sheet's declared range (``<dimension ref="A1:C2"/>``) is ignored, since
an application that wrote it stale would hide every row beyond it. A formula
cell is read as the value Excel saved with it; a formula saved without a
value (written by a program that does not calculate) is refused by row and
column rather than read as blank, which would silently keep the base spec's
value.
"""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..utils.errors import InputError, Problem

MAX_CELLS = 1_000_000
MAX_ROW_CELLS = 16_384
MAX_SHARED_STRINGS = 1_000_000
MAX_HELD_ELEMENTS = 200_000
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_PACKAGE_BYTES = 256 * 1024 * 1024

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML_NAMES = (".xml", ".rels", ".vml")
_CHUNK = 1024 * 1024


class _Refused(Exception):
    """A part of the package that is not read; the message says why."""


def read_xlsx(path: Path, name: str, max_rows: int) -> list[list[Any]]:
    """The cells of the first sheet, a list a row, trailing blanks dropped."""

    def fail(message: str, line: int | None = None) -> InputError:
        return InputError([Problem(name, line, "", message)])

    try:
        import openpyxl
    except ImportError:
        raise fail("reading .xlsx needs openpyxl: pip install 'agreement-kit[xlsx]'") from None
    try:
        with zipfile.ZipFile(path) as archive:
            formulas = _check_package(archive)
    except _Refused as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # zipfile raises many types for a damaged archive
        raise fail(f"not a readable .xlsx workbook ({exc})") from None
    books = []
    try:
        # a second, formula-reading pass only when the package has formulas
        for data_only in (True, False)[: 2 if formulas else 1]:
            books.append(openpyxl.load_workbook(path, read_only=True, data_only=data_only))
    except Exception as exc:  # openpyxl raises many types for a bad file
        for book in books:
            book.close()
        raise fail(f"not a readable .xlsx workbook ({_first_line(exc)})") from None
    try:
        formula_sheet = books[1].worksheets[0] if len(books) > 1 else None
        return _read_rows(books[0].worksheets[0], formula_sheet, name, max_rows)
    except InputError:
        raise
    except Exception as exc:  # the scan above makes this rare: a part openpyxl cannot make sense of
        raise fail(f"the first sheet cannot be read ({_first_line(exc)})") from None
    finally:
        for book in books:
            book.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _read_rows(values_sheet: Any, formula_sheet: Any, name: str, max_rows: int) -> list[list[Any]]:
    """Walks the sheet for the values Excel saved and, when the package has
    formulas, a second time in step to see which cells are formulas."""
    from openpyxl.utils import get_column_letter

    for sheet in (values_sheet, formula_sheet):
        if sheet is not None:
            sheet.reset_dimensions()  # read every row, whatever range the sheet declares
    rows: list[list[Any]] = []
    unsaved: list[tuple[int, int]] = []  # (row, column) of formulas without a saved value
    cells = 0
    pairs = zip(
        values_sheet.iter_rows(min_row=1, min_col=1, values_only=True),
        formula_sheet.iter_rows(min_row=1, min_col=1) if formula_sheet else itertools.repeat(()),
        strict=False,
    )
    for number, (values, formulas) in enumerate(pairs, start=1):
        if number > max_rows + 1:
            raise InputError([Problem(name, None, "", f"more than {max_rows:,} rows")])
        cells += len(values)
        if cells > MAX_CELLS:
            raise InputError([Problem(name, number, "", f"more than {MAX_CELLS:,} cells")])
        row = list(values)
        for column, cell in enumerate(formulas, start=1):
            if getattr(cell, "data_type", None) == "f" and (column > len(row) or row[column - 1] is None):
                unsaved.append((number, column))
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    if unsaved:
        header = rows[0] if rows else []
        problems = []
        for number, column in unsaved:
            cell = f"{get_column_letter(column)}{number}"
            named = column <= len(header) and header[column - 1] not in (None, "") and number > 1
            problems.append(
                Problem(
                    name,
                    number,
                    str(header[column - 1]).strip() if named else f"column {get_column_letter(column)}",
                    f"cell {cell} is a formula with no saved value;"
                    " open and save the file in Excel, or paste values",
                )
            )
        raise InputError(problems)
    return rows


# -- the scan of the package before openpyxl reads it ------------------------------


def _check_package(archive: zipfile.ZipFile) -> int:
    """Scan every XML part; return how many formulas the package holds."""
    infos = [i for i in archive.infolist() if not i.is_dir()]
    total = sum(i.file_size for i in infos)
    if total > MAX_PACKAGE_BYTES:
        raise _Refused(f"inflates to {total:,} bytes; the limit is {MAX_PACKAGE_BYTES:,}")
    counts = {"cells": 0, "strings": 0, "formulas": 0}
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise _Refused(
                f"part {info.filename} inflates to {info.file_size:,} bytes; the limit is {MAX_PART_BYTES:,}"
            )
        with archive.open(info) as stream:
            head = stream.read(_CHUNK)
            if not (info.filename.lower().endswith(_XML_NAMES) or _looks_like_xml(head)):
                continue  # an image or other binary part, never parsed as XML
            _scan_part(info.filename, head, stream, counts)
    return counts["formulas"]


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, which expat reads too
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x00").startswith(b"<")


def _scan_part(part: str, head: bytes, stream: Any, counts: dict[str, int]) -> None:
    """Parse one part with expat, building nothing, counting what openpyxl
    would hold; raise _Refused on a DOCTYPE, bad XML or a limit passed."""
    parser = expat.ParserCreate(namespace_separator=" ")
    state = {"depth": 0, "unit_depth": -1, "unit_elements": 0, "held": 0, "row_cells": 0}

    def doctype(*_: Any) -> None:
        raise _Refused(f"part {part} declares a DOCTYPE, which a workbook never needs; it is not read")

    def over(what: str, limit: int) -> _Refused:
        return _Refused(f"part {part} has more than {limit:,} {what}")

    def start(tag: str, _attrs: Any) -> None:
        namespace, _, local = tag.rpartition(" ")
        main = namespace == _MAIN
        if state["unit_depth"] >= 0:  # inside a row or a shared string
            state["unit_elements"] += 1
            if state["unit_elements"] > MAX_HELD_ELEMENTS:
                raise over("XML elements in one row or string", MAX_HELD_ELEMENTS)
            if main and local == "c":
                state["row_cells"] += 1
                counts["cells"] += 1
                if state["row_cells"] > MAX_ROW_CELLS:
                    raise over("cells in one row", MAX_ROW_CELLS)
                if counts["cells"] > MAX_CELLS:
                    raise _Refused(f"has more than {MAX_CELLS:,} cells")
            elif main and local == "f":
                counts["formulas"] += 1
        elif main and local in ("row", "si"):
            state.update(unit_depth=state["depth"], unit_elements=0, row_cells=0)
            if local == "si":
                counts["strings"] += 1
                if counts["strings"] > MAX_SHARED_STRINGS:
                    raise _Refused(f"has more than {MAX_SHARED_STRINGS:,} shared strings")
        else:
            state["held"] += 1
            if state["held"] > MAX_HELD_ELEMENTS:
                raise over("XML elements outside rows and shared strings", MAX_HELD_ELEMENTS)
        state["depth"] += 1

    def end(_tag: str) -> None:
        state["depth"] -= 1
        if state["depth"] == state["unit_depth"]:
            state["unit_depth"] = -1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        chunk = head
        while chunk:
            parser.Parse(chunk, False)
            chunk = stream.read(_CHUNK)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        message = expat.errors.messages.get(exc.code, str(exc))
        raise _Refused(
            f"part {part} is not well-formed XML (line {exc.lineno}, column {exc.offset + 1}: {message})"
        ) from None
