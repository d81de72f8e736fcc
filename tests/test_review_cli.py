"""`agreement-kit review` and `agreement-kit compare` from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MINI_SPEC, line_of, make_tree

# Severity of each departure on its own (the mini library has no checklist).
LOW_ONLY = MINI_SPEC.replace("per_year: 8", "per_year: 6").replace(
    "clauses:\n", "clauses:\n  meetings.chair:\n    variant: fixed\n"
)
MEDIUM_ONLY = MINI_SPEC.replace("per_year: 8", "per_year: 4")
HIGH = MINI_SPEC + "remove: [parties.definitions]\n"
CLEAN = MINI_SPEC.replace("per_year: 8", "per_year: 6")


def spec_file(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    return make_tree(tmp_path, {name: text}) / name


def review(run_cli, library: Path, spec: Path, out: Path, *args: str):
    return run_cli("review", spec, "-o", out, "--library", library, *args)


def summary_lines(stderr: str, command: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{command}: ")]


def test_review_writes_every_format_and_prints_paths(run_cli, mini_library, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = review(run_cli, mini_library, spec_file(tmp_path, MEDIUM_ONLY), out)
    assert code == 0, stderr
    expected = [
        out / "example-review.md",
        out / "example-review.html",
        out / "example-partnership-review.docx",
    ]
    assert stdout.splitlines() == [str(p) for p in expected]
    assert all(p.stat().st_size > 0 for p in expected)
    assert summary_lines(stderr, "review") == ["review: Example NHS Trust: 1 medium"]
    md = expected[0].read_text(encoding="utf-8")
    assert "## Medium: 1 finding" in md and "Meetings a year: 4 is below the guidance minimum of 6." in md
    html = expected[1].read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and "review: " not in html


def test_review_format_option_limits_the_outputs(run_cli, mini_library, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = review(run_cli, mini_library, spec_file(tmp_path, MEDIUM_ONLY), out, "-f", "md")
    assert code == 0, stderr
    assert stdout.splitlines() == [str(out / "example-review.md")]
    assert sorted(p.name for p in out.iterdir()) == ["example-review.md"]


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (CLEAN, "low", 0),
        (LOW_ONLY, "medium", 0),
        (LOW_ONLY, "low", 1),
        (MEDIUM_ONLY, "medium", 1),
        (MEDIUM_ONLY, "high", 0),
        (HIGH, "high", 1),
    ],
)
def test_strict_fails_at_or_above_the_threshold(run_cli, mini_library, tmp_path, text, fail_on, code):
    out = tmp_path / "out"
    got, stdout, stderr = review(
        run_cli, mini_library, spec_file(tmp_path, text), out, "--strict", "--fail-on", fail_on
    )
    assert got == code, stderr
    # Reports are written either way: a failing review is still worth reading.
    assert len(stdout.splitlines()) == 3 and (out / "example-review.md").exists()
    assert len(summary_lines(stderr, "review")) == 1


def test_without_strict_findings_do_not_fail(run_cli, mini_library, tmp_path):
    code, _, stderr = review(run_cli, mini_library, spec_file(tmp_path, HIGH), tmp_path / "out")
    assert code == 0
    assert summary_lines(stderr, "review") == ["review: Example NHS Trust: 1 high"]


def test_strict_default_threshold_is_medium(run_cli, mini_library, tmp_path):
    assert review(run_cli, mini_library, spec_file(tmp_path, LOW_ONLY), tmp_path / "a", "--strict")[0] == 0
    assert review(run_cli, mini_library, spec_file(tmp_path, MEDIUM_ONLY), tmp_path / "b", "--strict")[0] == 1


def assert_clean_failure(code: int, stdout: str, stderr: str, out: Path) -> list[str]:
    assert code == 1
    assert stdout == ""
    assert "Traceback" not in stderr
    assert not out.exists() or not any(out.iterdir())
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def test_review_of_a_bad_spec_names_file_and_line_and_writes_nothing(run_cli, mini_library, tmp_path):
    text = MINI_SPEC.replace("  headcount: 1200", "  headcount: 1200\n  headcont: 5")
    out = tmp_path / "out"
    code, stdout, stderr = review(run_cli, mini_library, spec_file(tmp_path, text), out)
    (line,) = assert_clean_failure(code, stdout, stderr, out)
    assert f"spec.yaml:{line_of(text, 'headcont')}: organisation.headcont: unknown field" in line
    assert summary_lines(stderr, "review") == []


def test_review_of_a_missing_spec_fails_cleanly(run_cli, mini_library, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = review(run_cli, mini_library, tmp_path / "nothing.yaml", out)
    assert_clean_failure(code, stdout, stderr, out)
    assert "nothing.yaml" in stderr


NEW = MINI_SPEC.replace("per_year: 8", "per_year: 10") + "add: [meetings.extra]\n"


def compare(run_cli, library: Path, old: Path, new: Path, out: Path, *args: str):
    return run_cli("compare", old, new, "-o", out, "--old-library", library, *args)


def test_compare_writes_docx_md_and_html(run_cli, mini_library, tmp_path):
    old, new = spec_file(tmp_path, MINI_SPEC, "old.yaml"), spec_file(tmp_path, NEW, "new.yaml")
    out = tmp_path / "out"
    code, stdout, stderr = compare(run_cli, mini_library, old, new, out)
    assert code == 0, stderr
    expected = [
        out / "example-partnership-changes.docx",
        out / "example-changes.md",
        out / "example-changes.html",
    ]
    assert sorted(stdout.splitlines()) == sorted(str(p) for p in expected)
    assert summary_lines(stderr, "compare") == ["compare: Partnership Agreement: 2 changed, 1 added"]
    md = (out / "example-changes.md").read_text(encoding="utf-8")
    assert "The Forum meets <del>eight</del> <ins>ten</ins> times a year." in md
    assert "<ins>The Staff Side may call an extra meeting.</ins>" in md
    html = (out / "example-changes.html").read_text(encoding="utf-8")
    assert re.search(r"<del>eight</del>\s*<ins>ten</ins>", html)
    assert (out / "example-partnership-changes.docx").read_bytes()[:2] == b"PK"


def test_compare_of_a_bad_spec_names_file_and_line_and_writes_nothing(run_cli, mini_library, tmp_path):
    bad = NEW.replace("per_year: 10", "per_year: lots")
    old, new = spec_file(tmp_path, MINI_SPEC, "old.yaml"), spec_file(tmp_path, bad, "new.yaml")
    out = tmp_path / "out"
    code, stdout, stderr = compare(run_cli, mini_library, old, new, out)
    lines = assert_clean_failure(code, stdout, stderr, out)
    assert lines and all(re.match(r"error: .*new\.yaml:\d+: ", line) for line in lines), lines
    assert f"new.yaml:{line_of(bad, 'per_year: lots')}:" in stderr
    assert summary_lines(stderr, "compare") == []
