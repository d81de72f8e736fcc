"""Batch generation: table input, failure isolation, manifest, reproducibility, resume, atomicity."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MINI_SPEC, make_tree

from agreement_kit import load_library
from agreement_kit.batch.batch import jobs_from_folder, jobs_from_table, run_batch
from agreement_kit.utils.errors import InputError

FORMATS = ("docx", "md", "html")


def specs_folder(tmp_path: Path, names=("alpha", "beta", "gamma")) -> Path:
    tree = {
        f"{n}.yaml": MINI_SPEC.replace("short_name: Example", f"short_name: {n.title()}").replace(
            "name: Example NHS Trust", f"name: {n.title()} NHS Trust"
        )
        for n in names
    }
    return make_tree(tmp_path / "specs", tree)


def batch(folder: Path, out: Path, library, **kw):
    return run_batch(
        jobs_from_folder(folder), out, library=library, formats=kw.pop("formats", FORMATS), workers=1, **kw
    )


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_failure_is_isolated_and_in_the_manifest(mini_library, tmp_path, run_cli):
    folder = specs_folder(tmp_path)
    (folder / "beta.yaml").write_text(
        (folder / "beta.yaml").read_text().replace("per_year: 8", "per_year: 99")
    )
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(
        "batch", folder, "-o", out, "--library", mini_library, "-j", "2", "--format", "md"
    )
    assert code == 1
    assert stdout.strip() == str(out / "manifest.json")
    assert "beta.yaml" in stderr and "99 is above the maximum of 12" in stderr
    assert "batch: 2 built, 0 unchanged, 1 failed" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    rows = {e["key"]: e for e in manifest["employers"]}
    assert rows["beta"]["status"] == "failed" and "per_year" in rows["beta"]["error"]
    for key in ("alpha", "gamma"):
        assert rows[key]["status"] == "built"
        for output in rows[key]["outputs"]:
            assert (out / output["path"]).is_file() and len(output["sha256"]) == 64
        assert len(rows[key]["input_hash"]) == 32
        assert rows[key]["library_version"] == "test"
    assert manifest["library"]["version"] == "test"
    assert not (out / "beta").exists()


def test_progress_is_plain_lines_off_a_terminal_and_quiet_silences_it(mini_library, tmp_path, run_cli):
    folder = specs_folder(tmp_path)
    args = ("batch", folder, "--library", mini_library, "-j", "1", "--format", "md")
    code, stdout, stderr = run_cli(*args, "-o", tmp_path / "out")
    assert code == 0 and stdout.strip() == str(tmp_path / "out" / "manifest.json")
    lines = stderr.splitlines()
    assert lines[:3] == ["[1/3] alpha: built", "[2/3] beta: built", "[3/3] gamma: built"]
    assert lines[-1] == "batch: 3 built, 0 unchanged, 0 failed"
    code, _, stderr = run_cli(*args, "-o", tmp_path / "again", "--quiet")
    assert code == 0 and stderr.splitlines() == ["batch: 3 built, 0 unchanged, 0 failed"]


def test_progress_bar_counts_employers_and_failures():
    from rich.console import Console

    from agreement_kit.batch.batch import Outcome
    from agreement_kit.cli.batch import _progress_bar

    screen = io.StringIO()
    with _progress_bar(3, Console(file=screen, force_terminal=True, color_system=None, width=100)) as report:
        report(Outcome("a", "a.yaml", "built"), 1, 3)
        report(Outcome("b", "b.yaml", "failed"), 2, 3)
    assert "Building" in screen.getvalue() and "2/3 employers, 1 failed" in screen.getvalue()


def test_table_rows_override_the_base(mini_library, tmp_path):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = (
        make_tree(
            tmp_path,
            {
                "employers.csv": """\
        organisation.name,organisation.short_name,organisation.nation,meetings.frequency.per_year,meetings.chair.variant
        North NHS Trust,North,england,10,
        Highland Board,Highland,scotland,,alternating
        """
            },
        )
        / "employers.csv"
    )
    library = load_library(mini_library)
    jobs = jobs_from_table(table, base, library)
    assert [j.key for j in jobs] == ["north", "highland"]
    assert jobs[0].data["clauses"]["meetings.frequency"]["params"]["per_year"] == 10
    assert jobs[1].data["clauses"]["meetings.frequency"]["params"]["per_year"] == 8  # from the base
    result = run_batch(jobs, tmp_path / "out", library=library, formats=("md",), workers=1)
    assert [o.status for o in result.outcomes] == ["built", "built"]
    north = (tmp_path / "out" / "north" / "north-partnership.md").read_text()
    assert "ten times a year" in north and "North NHS Trust" in north


def test_bad_table_rows_name_row_and_column(mini_library, tmp_path):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = (
        make_tree(
            tmp_path,
            {
                "t.csv": """\
        organisation.short_name,meetings.frequency.per_year
        One,6
        Two,often
        """
            },
        )
        / "t.csv"
    )
    # the bad cell fails its own row, so the other rows still build and every
    # problem of the table is reported in one pass
    one, two = jobs_from_table(table, base, load_library(mini_library))
    assert one.error is None
    assert two.row == 3 and two.error is not None
    assert two.error.endswith("t.csv:3: meetings.frequency.per_year: 'often' is not a whole number")


@pytest.mark.parametrize(
    ("content", "line", "field", "message"),
    [
        (b"", 1, "", "the table is empty"),
        (b"organisation.short_name\n", 2, "", "has no employer rows"),
        (
            b"organisation.short_name,organisation.short_name\nA,B\n",
            1,
            "organisation.short_name",
            "named twice",
        ),
        (b",organisation.short_name\nx,A\n", 1, "(column 1)", "a column has no name"),
        (b'organisation.short_name\n"A,\nB\n', 2, "", "a quoted cell is never closed"),
        (b"organisation.short_name\n\xff\xfe\n", None, "", "not UTF-8 text"),
    ],
)
def test_malformed_tables_are_refused_by_line(content, line, field, message, mini_library, tmp_path, run_cli):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = tmp_path / "t.csv"
    table.write_bytes(content)
    with pytest.raises(InputError) as caught:
        jobs_from_table(table, base, load_library(mini_library))
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (line, field) and message in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and message in stderr and not out.exists()


def test_unknown_column_is_refused(mini_library, tmp_path):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = (
        make_tree(tmp_path, {"t.csv": "organisation.short_name,meetings.frequency.peryear\nOne,6\n"})
        / "t.csv"
    )
    with pytest.raises(InputError) as caught:
        jobs_from_table(table, base, load_library(mini_library))
    (problem,) = caught.value.problems
    assert problem.line == 1 and "has no parameter 'peryear'" in problem.message


def test_row_that_fails_validation_names_its_row(mini_library, tmp_path):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = (
        make_tree(tmp_path, {"t.csv": "organisation.short_name,organisation.headcount\nOne,12\nTwo,-4\n"})
        / "t.csv"
    )
    library = load_library(mini_library)
    result = run_batch(
        jobs_from_table(table, base, library), tmp_path / "out", library=library, formats=("md",), workers=1
    )
    failed = {o.key: o.error for o in result.failures}
    assert list(failed) == ["two"]
    assert "t.csv:3: organisation.headcount:" in failed["two"]


def test_cli_names_a_failing_row_once(mini_library, tmp_path, run_cli):
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    table = make_tree(tmp_path, {"t.csv": "organisation.short_name,organisation.headcount\nOne,12\nTwo,-4\n"})
    code, _, stderr = run_cli(
        "batch", table / "t.csv", "--base", base, "-o", tmp_path / "out", "--library", mini_library, "-q"
    )
    assert code == 1
    (error,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert error.startswith("error: ") and error.count("t.csv") == 1
    assert ":3: organisation.headcount:" in error


def test_xlsx_table(mini_library, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    base = make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["organisation.short_name", "meetings.frequency.per_year"])
    sheet.append(["Sheet Trust", 12])
    book.save(tmp_path / "t.xlsx")
    (job,) = jobs_from_table(tmp_path / "t.xlsx", base, load_library(mini_library))
    assert job.key == "sheet-trust" and job.data["clauses"]["meetings.frequency"]["params"]["per_year"] == 12


def test_same_inputs_give_byte_identical_outputs(mini_library, tmp_path):
    library = load_library(mini_library)
    folder = specs_folder(tmp_path, ("alpha",))
    first = snapshot(batch(folder, tmp_path / "one", library).manifest.parent)
    second = snapshot(batch(folder, tmp_path / "two", library).manifest.parent)
    assert first.keys() == second.keys()
    assert {"alpha/alpha-partnership.docx", "alpha/alpha-partnership.md", "manifest.json"} <= first.keys()
    for name in first:
        assert first[name] == second[name], name


def test_source_date_epoch_dates_every_docx_and_is_recorded(mini_library, tmp_path, monkeypatch):
    library = load_library(mini_library)
    folder = specs_folder(tmp_path, ("alpha",))
    out = tmp_path / "out"
    default = batch(folder, tmp_path / "default", library, formats=("docx",)).manifest.parent / "alpha"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751373000")  # 2025-07-01 12:30 UTC, not the effective date
    result = batch(folder, out, library, formats=("docx",))
    assert json.loads(result.manifest.read_text())["source_date_epoch"] == 1751373000
    data = (out / "alpha" / "alpha-partnership.docx").read_bytes()
    assert data != (default / "alpha-partnership.docx").read_bytes()
    document = docx.Document(io.BytesIO(data))
    moment = dt.datetime(2025, 7, 1, 12, 30, tzinfo=dt.UTC)
    assert document.core_properties.created == document.core_properties.modified == moment
    assert document.comments and {c.timestamp for c in document.comments} == {moment}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {info.date_time for info in package.infolist()} == {(2025, 7, 1, 12, 30, 0)}
    # a new epoch changes the outputs, so a re-run rebuilds rather than skips
    assert {o.status for o in batch(folder, out, library, formats=("docx",)).outcomes} == {"unchanged"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751459400")
    assert {o.status for o in batch(folder, out, library, formats=("docx",)).outcomes} == {"built"}


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999"])
def test_bad_source_date_epoch_is_a_usage_error(value, mini_library, tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    folder = specs_folder(tmp_path, ("alpha",))
    spec = folder / "alpha.yaml"
    for args in (
        ("batch", folder, "--library", mini_library),
        ("build", spec, "--library", mini_library),
        ("review", spec, "--library", mini_library),
        ("compare", spec, spec, "--old-library", mini_library),
    ):
        out = tmp_path / f"out-{args[0]}"
        code, _, stderr = run_cli(*args, "-o", out)
        assert code == 2
        assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC" in stderr
        assert repr(value) in stderr and "Traceback" not in stderr
        assert not out.exists() or not any(p.suffix in (".docx", ".md", ".html") for p in out.rglob("*"))


def test_resume_skips_unchanged_and_rebuilds_what_changed(mini_library, tmp_path):
    library = load_library(mini_library)
    folder = specs_folder(tmp_path)
    out = tmp_path / "out"
    assert {o.status for o in batch(folder, out, library).outcomes} == {"built"}
    assert {o.status for o in batch(folder, out, library).outcomes} == {"unchanged"}
    # a damaged output, and a changed spec, are rebuilt; the rest are skipped
    (out / "alpha" / "alpha-partnership.md").write_text("damaged")
    (folder / "gamma.yaml").write_text(
        (folder / "gamma.yaml").read_text().replace("per_year: 8", "per_year: 9")
    )
    status = {o.key: o.status for o in batch(folder, out, library).outcomes}
    assert status == {"alpha": "built", "beta": "unchanged", "gamma": "built"}
    assert "nine times a year" in (out / "gamma" / "gamma-partnership.md").read_text()
    assert {o.status for o in batch(folder, out, library, force=True).outcomes} == {"built"}


def test_interrupted_batch_leaves_no_partial_file_and_resumes(mini_library, tmp_path, monkeypatch):
    from agreement_kit.utils import atomic_write

    library = load_library(mini_library)
    folder = specs_folder(tmp_path)
    out = tmp_path / "out"
    real_replace = atomic_write.os.replace
    calls = {"n": 0}

    def interrupted_replace(source, target):
        calls["n"] += Path(target).parent.name == "beta"
        if calls["n"] == 2:  # part-way through the second employer: one file in place
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(atomic_write.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        batch(folder, out, library)
    monkeypatch.setattr(atomic_write.os, "replace", real_replace)
    assert len([p for p in (out / "beta").iterdir()]) == 1
    assert not list(out.rglob("*.part"))
    assert not (out / "beta" / ".agreement-kit.json").exists()  # beta is not recorded as done
    status = {o.key: o.status for o in batch(folder, out, library).outcomes}
    assert status == {"alpha": "unchanged", "beta": "built", "gamma": "built"}


def test_two_employers_never_share_a_folder(mini_library, tmp_path):
    folder = make_tree(tmp_path / "specs", {"a.yaml": MINI_SPEC, "b.yaml": MINI_SPEC})
    result = batch(folder, tmp_path / "out", load_library(mini_library), formats=("md",))
    assert [o.status for o in result.outcomes] == ["built", "failed"]
    assert "same folder (example/)" in result.failures[0].error
