"""Spreadsheet-friendly batches: note columns, did-you-mean for unknown
columns, unions and signatories per row, the index and summary in row
order, each employer's resolved spec, the review figures and portfolio
report, and files that take the umask."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import stat
from pathlib import Path

import pytest
from conftest import MINI_LIBRARY, MINI_SPEC, REPO, make_tree

from agreement_kit import load_library
from agreement_kit.batch.batch import jobs_from_table, run_batch
from agreement_kit.batch.cells import signatory, union
from agreement_kit.load.yaml_source import load_yaml
from agreement_kit.utils.errors import InputError

# The mini library with the real library's parameter name, and room below
# the Social Partnership Forum's minimum of four meetings a year.
REVIEW_LIBRARY = {
    **MINI_LIBRARY,
    "meetings.yaml": MINI_LIBRARY["meetings.yaml"]
    .replace("per_year", "meetings_per_year")
    .replace("min: 4", "min: 1"),
}
REVIEW_SPEC = MINI_SPEC.replace("per_year", "meetings_per_year")


@pytest.fixture
def review_library(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "review-lib", REVIEW_LIBRARY)


def table(tmp_path: Path, text: str, name: str = "t.csv") -> tuple[Path, Path]:
    """(the table, the base spec) under tmp_path."""
    make_tree(tmp_path, {"base.yaml": REVIEW_SPEC, name: text})
    return tmp_path / name, tmp_path / "base.yaml"


def problems(path: Path, base: Path, library_root: Path, ignore=()) -> list[str]:
    """A bad header stops the table; a bad cell is its row's failure, the other rows still built."""
    try:
        jobs = jobs_from_table(path, base, load_library(library_root), ignore)
    except InputError as caught:
        return [str(p) for p in caught.problems]
    found = [line for job in jobs if job.error for line in job.error.splitlines()]
    assert found, "expected problems"
    return found


def summary_rows(out: Path) -> list[dict[str, str]]:
    text = (out / "summary.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# -- note columns and unknown columns ----------------------------------------------


def test_hash_and_ignored_columns_are_left_out(review_library, tmp_path, run_cli):
    path, base = table(
        tmp_path,
        """\
        organisation.short_name,# who to call,Notes,meetings.frequency.meetings_per_year
        North,Jo on 01234,anything at all,10
        """,
    )
    (job,) = jobs_from_table(path, base, load_library(review_library), ["Notes"])
    assert job.data["clauses"]["meetings.frequency"]["params"]["meetings_per_year"] == 10
    assert "Jo on 01234" not in json.dumps(job.data, default=str)
    out = tmp_path / "out"
    args = ("batch", path, "--base", base, "-o", out, "--library", review_library, "-f", "md", "-q")
    code, _, stderr = run_cli(*args, "--ignore-columns", "Notes")
    assert code == 0, stderr
    assert (out / "north" / "north-partnership.md").is_file()
    # without --ignore-columns the notes column is an unknown column, named by file, line and column
    code, _, stderr = run_cli(*args)
    assert code == 1 and "t.csv:1: Notes: unknown column" in stderr
    assert "start a column's name with # to keep notes in it" in stderr


def test_ignore_columns_naming_no_column_is_an_error(review_library, tmp_path):
    path, base = table(tmp_path, "organisation.short_name,Notes\nNorth,x\n")
    found = problems(path, base, review_library, ["Notse"])
    assert any("--ignore-columns names 'Notse', which is not a column" in p for p in found)
    assert any("did you mean 'Notes'?" in p for p in found)


def test_ignore_columns_is_refused_for_a_folder(review_library, tmp_path, run_cli):
    folder = make_tree(tmp_path / "specs", {"a.yaml": REVIEW_SPEC})
    code, _, stderr = run_cli(
        "batch", folder, "-o", tmp_path / "out", "--library", review_library, "--ignore-columns", "x"
    )
    assert code == 2 and "--ignore-columns is for a .csv/.xlsx table" in stderr


@pytest.mark.parametrize(
    ("column", "suggestion"),
    [
        ("meetings.frequency.meeting_per_year", "did you mean 'meetings_per_year'?"),
        ("meetngs.frequency.meetings_per_year", "did you mean 'meetings.frequency.meetings_per_year'?"),
        ("organisation.nmae", "did you mean 'name'?"),
        ("dates.effectiv", "did you mean 'effective'?"),
        ("meetings.chair.varient", "did you mean 'variant'?"),
    ],
)
def test_unknown_columns_suggest_the_one_meant(review_library, tmp_path, column, suggestion):
    path, base = table(tmp_path, f"organisation.short_name,{column}\nNorth,1\n")
    (found,) = problems(path, base, review_library)
    assert found.startswith(f"{path}:1: {column}: ") and suggestion in found


# -- unions and signatories per row ---------------------------------------------------


def test_union_and_signatory_cells():
    assert union("UNISON") == {"name": "UNISON", "short_name": "UNISON"}
    assert union(" Royal College of Nursing (RCN) = nursing staff ") == {
        "name": "Royal College of Nursing",
        "short_name": "RCN",
        "represents": "nursing staff",
    }
    assert union("GMB = facilities staff") == {
        "name": "GMB",
        "short_name": "GMB",
        "represents": "facilities staff",
    }
    assert signatory("A Smith | Chief Executive | Management") == {
        "name": "A Smith",
        "role": "Chief Executive",
        "side": "management",
    }
    assert signatory("B Jones|Staff Side Chair|staff|UNISON")["organisation"] == "UNISON"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A Smith | Chief Executive", "has 2 parts; write NAME | ROLE | SIDE"),
        ("A | B | staff | C | D", "has 5 parts"),
        ("A Smith | | management", "the role is empty"),
        ("A Smith | Chief Executive | boss", "the side is 'boss'; write management or staff"),
    ],
)
def test_bad_signatory_cells_say_why(text, message):
    with pytest.raises(ValueError, match="signatory 1") as caught:
        signatory(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Royal College of Nursing () = nurses", "the short name in brackets is empty"),
        ("UNISON =", "nothing follows '='"),
        ("A (B) (C)", "is not NAME (SHORT NAME) = WHOM IT REPRESENTS"),
    ],
)
def test_bad_union_cells_say_why(text, message):
    with pytest.raises(ValueError, match="union 1") as caught:
        union(text)
    assert message in str(caught.value)


def test_rows_set_their_own_unions_and_signatories(review_library, tmp_path, run_cli):
    path, base = table(
        tmp_path,
        """\
        organisation.short_name,unions,signatories
        North,"UNISON; Royal College of Nursing (RCN) = nursing staff","A Smith | Chief Executive | management
        B Jones | Staff Side Chair | staff | RCN"
        South,,
        """,
    )
    north, south = jobs_from_table(path, base, load_library(review_library))
    assert north.data["unions"][1] == {
        "name": "Royal College of Nursing",
        "short_name": "RCN",
        "represents": "nursing staff",
    }
    assert [s["name"] for s in north.data["signatories"]] == [
        "A Smith",
        "B Jones",
    ]  # a line break separates too
    assert south.data["signatories"][0]["name"] == "A Person"  # a blank cell keeps the base
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "batch", path, "--base", base, "-o", out, "--library", review_library, "-f", "md", "-q"
    )
    assert code == 0, stderr
    assert "B Jones" in (out / "north" / "north-partnership.md").read_text()


def test_bad_union_and_signatory_cells_name_file_row_and_column(review_library, tmp_path):
    path, base = table(
        tmp_path,
        """\
        organisation.short_name,unions,signatories
        North,UNISON,A Smith | Chief Executive
        South,"UNISON; RCN (",A Smith | Chief Executive | boss
        """,
    )
    found = problems(path, base, review_library)
    assert [p.split(": ")[0:2] for p in found] == [  # by row, then in column order
        [f"{path}:2", "signatories"],
        [f"{path}:3", "unions"],
        [f"{path}:3", "signatories"],
    ]
    assert "signatory 1 'A Smith | Chief Executive' has 2 parts" in found[0]
    assert "union 2 'RCN ('" in found[1]


# -- the index and the summary, in row order -------------------------------------------

INDEX_TABLE = """\
    organisation.name,organisation.short_name,meetings.frequency.meetings_per_year,dates.review,add,meetings.chair.variant
    Zed <script>alert(1)</script> & Co,Zed,3,2027-01-01,meetings.extra,fixed
    =HYPERLINK("http://x"),Alpha,99,,,
    Middle NHS Trust,Middle,8,,,
    """


def run_index(tmp_path: Path, library: Path, run_cli, *extra: str) -> tuple[Path, int, str]:
    path, base = table(tmp_path, INDEX_TABLE)
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "batch", path, "--base", base, "-o", out, "--library", library, "-f", "md,html", "-q", *extra
    )
    return out, code, stderr


def test_index_and_summary_follow_the_rows_and_escape_names(review_library, tmp_path, run_cli):
    out, code, _ = run_index(tmp_path, review_library, run_cli)
    assert code == 1  # Alpha's 99 meetings is above the maximum
    rows = summary_rows(out)
    assert [(r["row"], r["folder"], r["status"]) for r in rows] == [
        ("2", "zed", "built"),
        ("3", "alpha", "failed"),
        ("4", "middle", "built"),
    ]
    assert "high" not in rows[0]  # severities only with --review
    assert rows[0]["trust"] == "Zed <script>alert(1)</script> & Co"
    assert rows[1]["trust"] == '\'=HYPERLINK("http://x")'  # text, never a formula in a spreadsheet
    assert "above the maximum" in rows[1]["error"] and rows[1]["files"] == ""
    assert (
        rows[2]["files"] == "middle/spec.yaml; middle/middle-partnership.md; middle/middle-partnership.html"
    )
    page = (out / "index.html").read_text()
    assert (
        "<script>alert" not in page and html.escape("Zed <script>alert(1)</script> & Co", quote=False) in page
    )
    assert page.index("Zed") < page.index("HYPERLINK") < page.index("Middle NHS Trust")
    for path in ("middle/spec.yaml", "middle/middle-partnership.html", "zed/zed-partnership.md"):
        assert f'href="{path}"' in page and (out / path).is_file()
    assert "<link" not in page and "<style>" in page  # self-contained
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["key"] for e in manifest["employers"]] == ["alpha", "middle", "zed"]  # the manifest by folder
    assert manifest["employers"][2]["row"] == 2 and "facts" not in manifest["employers"][2]


def test_review_counts_findings_and_writes_the_portfolio(review_library, tmp_path):
    path, base = table(tmp_path, INDEX_TABLE)
    library = load_library(review_library)
    out = tmp_path / "out"
    result = run_batch(
        jobs_from_table(path, base, library),
        out,
        library=library,
        formats=("md",),
        workers=1,
        review=True,
        today=dt.date(2027, 6, 1),
    )
    assert [p.name for p in result.reports] == ["index.html", "summary.csv", "portfolio.md", "portfolio.html"]
    rows = {r["folder"]: r for r in summary_rows(out)}
    # Zed: three meetings (below the guidance minimum of 6, whom that favours unsaid: medium),
    # the fixed chair (low: the library says not whom it favours), and an added clause
    # (not a departure: the model offers it) citing a repealed act (medium)
    assert {s: rows["zed"][s] for s in ("high", "medium", "low", "info")} == {
        "high": "0",
        "medium": "2",
        "low": "1",
        "info": "0",
    }
    assert rows["zed"]["findings"] == "3" and rows["middle"]["findings"] == "0"
    page = (out / "index.html").read_text()
    assert 'href="portfolio.html"' in page and "Medium" in page
    md = (out / "portfolio.md").read_text()
    assert "As at 2027-06-01: 2 employers reported, 1 failed" in md
    law = md.split("## Law cited that is not in force")[1].split("##")[0]
    assert "Old Act s.1" in law and "Kept while the successor scheme beds in." in law and "Middle" not in law
    review = md.split("## Review dates passed")[1].split("##")[0]
    assert "2027-01-01" in review and "Middle" not in review  # Middle's 2028 review is ahead
    meetings = md.split("## Fewer than 4 meetings a year")[1].split("##")[0]
    assert "| 3 |" in meetings and "Middle" not in meetings
    spread = md.split("## Spread of key values")[1].split("##")[0]
    assert "| Ordinary meetings a year | 2 | 3 | 5.5 | 8 |" in spread
    assert "No spec states its facility time." in md
    assert "&lt;script>" in md and "<script>" not in md
    page = (out / "portfolio.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="law"' in page and "Old Act s.1" in page


def test_an_unchanged_employer_keeps_its_figures(review_library, tmp_path, run_cli):
    out, _, _ = run_index(tmp_path, review_library, run_cli, "--review")
    first = summary_rows(out)
    out, _, _ = run_index(tmp_path, review_library, run_cli, "--review")
    again = summary_rows(out)
    assert [r["status"] for r in again] == ["unchanged", "failed", "unchanged"]
    assert [r["findings"] for r in again] == [r["findings"] for r in first]


def test_portfolio_reports_facility_time_per_100_staff(tmp_path, run_cli):
    path = (
        make_tree(
            tmp_path,
            {
                "t.csv": """\
            organisation.name,organisation.short_name,organisation.headcount,disputes.cooling_off.cooling_off_days
            Big,Big,20000,3
            Small,Small,5000,
            """
            },
        )
        / "t.csv"
    )
    out = tmp_path / "out"
    base = REPO / "samples" / "teaching-trust.yaml"
    code, _, stderr = run_cli("batch", path, "--base", base, "-o", out, "-f", "md", "-q", "--review")
    assert code == 0, stderr
    md = (out / "portfolio.md").read_text()
    facility = md.split("## Facility time per 100 staff")[1].split("##")[0]
    assert "| Big | 20,000 | 112.5 | 0.56 |" in facility and "| Small | 5,000 | 112.5 | 2.25 |" in facility
    assert "| Cooling-off period (Working Days) | 2 | 3 | 4 | 5 |" in md
    assert "| Facility hours a week per 100 staff | 2 | 0.56 | 1.41 | 2.25 |" in md


# -- each employer's spec ---------------------------------------------------------------


def test_each_employer_keeps_the_spec_it_was_built_from(review_library, tmp_path, run_cli):
    path, base = table(
        tmp_path,
        """\
        organisation.name,organisation.short_name,meetings.frequency.meetings_per_year,unions
        "North: ""yes"" & no",North,10,UNISON; Royal College of Nursing (RCN) = nursing staff
        """,
    )
    library = load_library(review_library)
    (job,) = jobs_from_table(path, base, library)
    out = tmp_path / "out"
    result = run_batch([job], out, library=library, formats=("md",), workers=1)
    assert result.outcomes[0].outputs[0]["path"] == "north/spec.yaml"
    saved = out / "north" / "spec.yaml"
    data, _ = load_yaml(saved)  # read back as strictly as any spec
    assert data == job.data
    assert data["clauses"]["meetings.frequency"]["params"]["meetings_per_year"] == 10
    assert data["signatories"] == job.data["signatories"]  # the base's, under the row's values
    code, _, stderr = run_cli(
        "build", saved, "-o", tmp_path / "again", "--library", review_library, "-f", "md"
    )
    assert code == 0, stderr
    rebuilt = (tmp_path / "again" / "north-partnership.md").read_bytes()
    assert rebuilt == (out / "north" / "north-partnership.md").read_bytes()


# -- the umask ---------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o002, 0o077])
def test_every_file_of_a_batch_takes_the_umask(review_library, tmp_path, run_cli, mask):
    path, base = table(tmp_path, "organisation.short_name\nNorth\n")
    out = tmp_path / "out"
    previous = os.umask(mask)
    try:
        code, _, _ = run_cli(
            "batch",
            path,
            "--base",
            base,
            "-o",
            out,
            "--library",
            review_library,
            "-f",
            "md",
            "-q",
            "--review",
        )
    finally:
        os.umask(previous)
    assert code == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {".agreement-kit.lock", ".agreement-kit.json", "spec.yaml", "index.html", "summary.csv"} <= names
    assert {"manifest.json", "portfolio.md", "portfolio.html"} <= names
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o666 & ~mask)}
    assert oct(stat.S_IMODE((out / "north").stat().st_mode)) == oct(0o777 & ~mask)


@pytest.mark.parametrize(
    "sample", ["mental-health-trust.yaml", "suffolk-ccg.yaml", "welsh-health-board.yaml"]
)
def test_findings_counted_agree_with_the_review_less_its_checklists(sample):
    from agreement_kit import assemble, load_spec
    from agreement_kit.batch.facts import findings_by_severity
    from agreement_kit.reviewing.review import review

    library, loaded = load_library(), load_spec(REPO / "samples" / sample)
    expected = dict.fromkeys(("high", "medium", "low", "info"), 0)
    for finding in review(loaded, library).findings:
        expected[finding.severity] += finding.category != "checklist"
    assert findings_by_severity(assemble(loaded, library), library) == expected


def test_the_cell_syntax_is_documented_in_help_and_readme(run_cli):
    code, stdout, _ = run_cli("batch", "--help")
    readme = (REPO / "README.md").read_text()
    assert code == 0 and "--ignore-columns" in stdout and "--review" in stdout
    for text in ("NAME (SHORT NAME) = WHOM IT REPRESENTS", "Royal College of Nursing (RCN) = nursing staff"):
        assert text in stdout and text in readme
    assert "NAME | ROLE | SIDE | ORGANISATION" in stdout
    assert "NAME \\| ROLE \\| SIDE \\| ORGANISATION" in readme  # a pipe inside a Markdown table


def test_rows_change_only_their_own_copy_and_share_the_rest_of_the_base(review_library, tmp_path):
    path, base = table(
        tmp_path,
        """\
        organisation.short_name,meetings.frequency.meetings_per_year
        North,10
        South,
        East,6
        """,
    )
    north, south, east = jobs_from_table(path, base, load_library(review_library))
    base_data, _ = load_yaml(base)
    frequency = [j.data.get("clauses", {}).get("meetings.frequency", {}) for j in (north, south, east)]
    # South's blank cell keeps the base's 8: North's and East's values reached only their own rows
    assert [f.get("params", {}).get("meetings_per_year") for f in frequency] == [10, 8, 6]
    assert [j.data["organisation"]["short_name"] for j in (north, south, east)] == ["North", "South", "East"]
    # what no row changes is one object shared by all
    unchanged = [k for k in base_data if k not in ("organisation", "clauses")]
    assert unchanged and all(north.data[k] is south.data[k] is east.data[k] for k in unchanged)
    assert north.data["organisation"] is not south.data["organisation"]
