"""Batch hardening: tables read whole and faithfully, bounded xlsx reading,
workers that die with their parent, one batch per output folder, every
failure isolated to its employer, and nothing read or written outside -o."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import MINI_SPEC, make_tree

from agreement_kit import load_library
from agreement_kit.batch.batch import jobs_from_table
from agreement_kit.utils.errors import InputError

openpyxl = pytest.importorskip("openpyxl")

SHEET = "xl/worksheets/sheet1.xml"


def base_spec(tmp_path: Path) -> Path:
    return make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one member of a zip package in place: change(bytes) -> bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == part else data)


def refused(table: Path, base: Path, library_root: Path) -> list:
    with pytest.raises(InputError) as caught:
        jobs_from_table(table, base, load_library(library_root))
    return caught.value.problems


# -- 1. rows beyond a stale declared range ---------------------------------------


def test_xlsx_rows_beyond_a_stale_dimension_are_read(mini_library, tmp_path):
    rows = [["organisation.short_name"]] + [[f"Trust {n}"] for n in range(1, 6)]
    table = workbook(tmp_path / "t.xlsx", rows)
    stale = b'<dimension ref="A1:C2"/>'
    rewrite_part(table, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', stale, xml))
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == [f"trust-{n}" for n in range(1, 6)]


def test_xlsx_declaring_the_whole_sheet_reads_only_its_rows(mini_library, tmp_path):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    whole = b'<dimension ref="A1:XFD1048576"/>'
    rewrite_part(table, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', whole, xml))
    (job,) = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert job.key == "one"


# -- 2. formulas without a saved value ----------------------------------------------


def test_xlsx_formula_without_a_saved_value_is_refused_by_row_and_column(mini_library, tmp_path, run_cli):
    rows = [["organisation.short_name", "meetings.frequency.per_year"], ["One", 6], ["Two", "=4+4"]]
    table = workbook(tmp_path / "t.xlsx", rows)
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert (problem.line, problem.field) == (3, "meetings.frequency.per_year")
    assert "B3" in problem.message and "open and save the file in Excel, or paste values" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "t.xlsx:3: meetings.frequency.per_year:" in stderr and not out.exists()


def test_xlsx_formula_with_a_saved_value_reads_the_value(mini_library, tmp_path):
    rows = [["organisation.short_name", "meetings.frequency.per_year"], ["Two", "=4+4"]]
    table = workbook(tmp_path / "t.xlsx", rows)
    rewrite_part(table, SHEET, lambda xml: xml.replace(b"<f>4+4</f><v></v>", b"<f>4+4</f><v>8</v>"))
    (job,) = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert job.data["clauses"]["meetings.frequency"]["params"]["per_year"] == 8


# -- 3. whitespace-only rows ------------------------------------------------------------


def test_whitespace_only_csv_row_is_a_blank_row(mini_library, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name,organisation.name\nOne,One Trust\n  ,\t\n \nTwo,Two Trust\n")
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == ["one", "two"]


def test_table_of_only_whitespace_rows_has_no_employers(mini_library, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name\n   \n")
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "has no employer rows" in problem.message


# -- 10. xlsx read within bounds ---------------------------------------------------------


def with_shared_strings(path: Path) -> None:
    """Turn the inline strings openpyxl writes into a shared strings table, as Excel writes."""
    strings: list[bytes] = []

    def share(match: re.Match) -> bytes:
        strings.append(match.group(2))
        return match.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    def sheet(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="[A-Z]+\d+") t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>', share, xml)

    rewrite_part(path, SHEET, sheet)
    items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>"
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rewrite_part(path, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", override))
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/sharedStrings.xml", sst)


def test_xlsx_with_shared_strings_is_read(mini_library, tmp_path):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"], ["Two"]])
    with_shared_strings(table)
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == ["one", "two"]


@pytest.mark.parametrize("part", [SHEET, "[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml"])
def test_xlsx_part_with_a_doctype_is_refused(part, mini_library, tmp_path, run_cli):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    with_shared_strings(table)
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def add_doctype(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            end = xml.index(b"?>") + 2
            return xml[:end] + laughs + xml[end:]
        return laughs + xml

    rewrite_part(table, part, add_doctype)
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert problem.file.endswith("t.xlsx") and part in problem.message and "DOCTYPE" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "DOCTYPE" in stderr and "Traceback" not in stderr and "internal error" not in stderr


def test_xlsx_with_bad_sheet_xml_is_refused_naming_the_file(mini_library, tmp_path, run_cli):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    rewrite_part(table, SHEET, lambda xml: xml.replace(b"</row>", b"</rowx>", 1))
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert problem.file.endswith("t.xlsx") and SHEET in problem.message
    assert "not well-formed XML" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "t.xlsx" in stderr and "internal error" not in stderr and not out.exists()


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("agreement_kit.batch.table.MAX_ROWS", 3, "more than 3 rows"),
        ("agreement_kit.batch.xlsx.MAX_CELLS", 5, "more than 5 cells"),
        ("agreement_kit.batch.xlsx.MAX_SHARED_STRINGS", 4, "more than 4 shared strings"),
        ("agreement_kit.batch.xlsx.MAX_PART_BYTES", 100, "the limit is 100"),
        ("agreement_kit.batch.xlsx.MAX_HELD_ELEMENTS", 3, "more than 3 XML elements"),
    ],
)
def test_xlsx_limits_are_refused_by_name(limit, value, message, mini_library, tmp_path, monkeypatch):
    rows = [["organisation.short_name"]] + [[f"Trust {n}"] for n in range(1, 7)]
    table = workbook(tmp_path / "t.xlsx", rows)
    with_shared_strings(table)
    monkeypatch.setattr(limit, value)
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert problem.file.endswith("t.xlsx") and message in problem.message


def test_xlsx_that_is_not_a_zip_is_refused(mini_library, tmp_path):
    table = tmp_path / "t.xlsx"
    table.write_bytes(b"organisation.short_name\nOne\n")
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "not a readable .xlsx workbook" in problem.message


def test_csv_rows_beyond_the_limit_are_refused(mini_library, tmp_path, monkeypatch):
    monkeypatch.setattr("agreement_kit.batch.table.MAX_ROWS", 3)
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name\n" + "".join(f"T{n}\n" for n in range(10)))
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "more than 3 rows" in problem.message


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
