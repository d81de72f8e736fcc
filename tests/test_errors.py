"""Every class of bad input gives file, line and field, exit 1, and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MINI_LIBRARY, MINI_SPEC, line_of, make_tree


def spec_file(tmp_path: Path, text: str = MINI_SPEC, name: str = "spec.yaml") -> Path:
    return make_tree(tmp_path, {name: text}) / name


def build(run_cli, library: Path, spec: Path, out: Path):
    return run_cli("build", spec, "-o", out, "--library", library, "--format", "md")


def assert_clean_failure(code: int, stdout: str, stderr: str, out: Path) -> None:
    assert code == 1
    assert stdout == ""
    assert "Traceback" not in stderr
    assert not out.exists() or not any(out.iterdir())


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def test_valid_spec_builds(run_cli, mini_library, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path), out)
    assert code == 0, stderr
    assert stdout.splitlines() == [str(out / "example-partnership.md")]


def test_yaml_syntax_error_names_file_and_line(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC.replace("headcount: 1200", "headcount: [1200"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    assert re.match(r"error: .*spec\.yaml:\d+: YAML syntax: ", line), line


def test_unknown_key_names_line_and_field(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC.replace("  headcount: 1200", "  headcount: 1200\n  headcont: 5"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    assert f"spec.yaml:{line_of(spec.read_text(), 'headcont')}: organisation.headcont: unknown field" in line


def test_wrong_type_names_line_and_field(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC.replace("headcount: 1200", "headcount: lots"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    assert f"spec.yaml:{line_of(spec.read_text(), 'headcount')}: organisation.headcount:" in line
    assert "'lots' is not a whole number; write it in figures" in line


def test_wrong_parameter_type_and_range(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC.replace("per_year: 8", "per_year: 20"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    n = line_of(spec.read_text(), "per_year")
    assert f"spec.yaml:{n}: clauses.meetings.frequency.params.per_year: 20 is above the maximum of 12" in line


def test_every_problem_is_reported_at_once(run_cli, mini_library, tmp_path):
    text = (
        MINI_SPEC.replace("headcount: 1200", "headcount: -3")
        .replace("nation: england", "nation: mars")
        .replace("dates:", "colour: blue\ndates:")
    )
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path, text), out)
    assert_clean_failure(code, stdout, stderr, out)
    fields = {line.split(": ")[2] for line in error_lines(stderr)}
    assert {"organisation.nation", "organisation.headcount", "colour"} <= fields


def test_unknown_clause_id(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC + "remove: [meetings.frequencey]\n")
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    assert re.search(r"spec\.yaml:\d+: remove\[0\]: unknown clause id meetings\.frequencey", line), line


def test_removing_a_referenced_clause_is_a_bad_cross_reference(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC + "remove: [meetings.chair]\n")
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    # The cause is the spec's remove: entry, not the library clause that refers to it.
    n = line_of(MINI_SPEC + "remove: [meetings.chair]\n", "remove:")
    assert f"spec.yaml:{n}: remove[0]: meetings.chair cannot be left out" in line
    assert "the wording of meetings.frequency (Frequency) refers to it" in line


def test_unknown_cross_reference_in_library(run_cli, mini_library, tmp_path):
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(meetings.read_text().replace("[[meetings.chair]]", "[[meetings.chiar]]"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path), out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    n = line_of(MINI_LIBRARY["meetings.yaml"], "[[meetings.chair]]")
    assert (
        f"meetings.yaml:{n}: meetings.frequency.text: cross-reference to unknown clause id meetings.chiar"
        in line
    )


def test_undefined_term_in_library(run_cli, mini_library, tmp_path):
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(meetings.read_text().replace("The [[Forum]] meets", "The [[Forums Committee]] meets"))
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path), out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    n = line_of(MINI_LIBRARY["meetings.yaml"], "The [[Forum]] meets")
    assert f"meetings.yaml:{n}: meetings.frequency.text: [[Forums Committee]] is not a defined term" in line


def test_undefined_term_in_custom_wording(run_cli, mini_library, tmp_path):
    text = MINI_SPEC.replace(
        "clauses:\n",
        "clauses:\n  meetings.chair:\n    text: The [[Board]] chairs.\n    reason: local choice\n",
    )
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path, text), out)
    assert_clean_failure(code, stdout, stderr, out)
    (line,) = error_lines(stderr)
    assert "clauses.meetings.chair.text: [[Board]] is not a defined term" in line
    assert f"spec.yaml:{line_of(text, 'The [[Board]]')}:" in line


def test_unused_term_is_a_library_warning(run_cli, mini_library):
    terms = mini_library / "terms.yaml"
    terms.write_text(terms.read_text() + "  Secretary:\n    definition: the forum's secretary\n")
    code, _, stderr = run_cli("validate", mini_library)
    assert code == 0
    assert re.search(r"warning: .*terms\.yaml:\d+: terms\.Secretary: defined but no clause uses it", stderr)
    code, _, _ = run_cli("validate", "--strict", mini_library)
    assert code == 1


def test_duplicate_keys_are_refused(run_cli, mini_library, tmp_path):
    spec = spec_file(tmp_path, MINI_SPEC + "version: '2'\nversion: '3'\n")
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec, out)
    assert_clean_failure(code, stdout, stderr, out)
    assert "version: duplicate key (first given on line" in stderr


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "file is empty"),
        ("!!python/object/apply:os.system ['echo hi']\n", "unsupported YAML"),
        ("- just\n- a list\n", "must be a set of fields (key: value lines), not a list"),
    ],
)
def test_degenerate_files(run_cli, mini_library, tmp_path, content, message):
    out = tmp_path / "out"
    code, stdout, stderr = build(run_cli, mini_library, spec_file(tmp_path, content), out)
    assert_clean_failure(code, stdout, stderr, out)
    assert message in stderr


def test_directory_given_as_spec(run_cli, mini_library, tmp_path):
    (tmp_path / "adir.yaml").mkdir()
    code, stdout, stderr = run_cli(
        "build", tmp_path / "adir.yaml", "--library", mini_library, "-o", tmp_path / "o"
    )
    assert code in (1, 2) and "Traceback" not in stderr and stdout == ""


def test_one_bad_spec_means_nothing_is_written(run_cli, mini_library, tmp_path):
    good = spec_file(tmp_path, MINI_SPEC, "good.yaml")
    bad = spec_file(
        tmp_path,
        MINI_SPEC.replace("short_name: Example", "short_name: Other").replace("per_year: 8", "per_year: x"),
        "bad.yaml",
    )
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", good, bad, "-o", out, "--library", mini_library)
    assert_clean_failure(code, stdout, stderr, out)
    assert "bad.yaml" in stderr and "good.yaml" not in stderr


def test_two_specs_writing_the_same_files_are_refused(run_cli, mini_library, tmp_path):
    a = spec_file(tmp_path, MINI_SPEC, "a.yaml")
    b = spec_file(tmp_path, MINI_SPEC, "b.yaml")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", a, b, "-o", out, "--library", mini_library, "--format", "md")
    assert_clean_failure(code, stdout, stderr, out)
    assert "writes the same files as" in stderr


def test_usage_errors_exit_2(run_cli, mini_library, tmp_path):
    code, _, stderr = run_cli("build", tmp_path / "x.yaml", "--format", "odt")
    assert code == 2 and "unknown format 'odt'" in stderr
    code, _, _ = run_cli("build")
    assert code == 2
    code, _, _ = run_cli("clauses", "show", "no.such", "--library", mini_library)
    assert code == 2
